-- temp.rule_ferritin_above_10000 (duckdb), compiled by pipelines/features/dialects.py from sql/screen/rules/ferritin_above_10000.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: $start and $end (DATE, the first and last as-of day of the block).
-- rule_ferritin_above_10000 (temporary table): ferritin above 10,000 ug/L in the pairing window
-- (Allen CE et al. Pediatr Blood Cancer 2008;50:1227-1235). Reads: temp.screen_day.
-- Parameters: $ferritin_above_10000__*. Key: (patient_id, as_of_date). A value sent as '>10000'
-- meets it; '<20000' is unknown (possible).
-- Writes: temp.rule_ferritin_above_10000 (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
    SELECT patient_id, as_of_date, contexts, suspected_contexts, age_years, in_icu,
           window_item(ferritin, '>', 10000.0::DOUBLE,
                       'ng/mL') AS ferritin
    FROM screen_day
)
SELECT
    patient_id,
    as_of_date,
    coalesce(ferritin.met, false) AS ferritin_above_10000__met,
    coalesce(ferritin.met, true) AS ferritin_above_10000__possible,
    rule_context(contexts, suspected_contexts, []) AS ferritin_above_10000__context,
    rule_population(NULL, age_years, in_icu, false,
                    NULL, 18, false)
      AS ferritin_above_10000__population,
    {'ferritin': ferritin} AS ferritin_above_10000__evidence
FROM items
