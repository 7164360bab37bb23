-- rule_ferritin_above_10000 (temporary table): ferritin above 10,000 ug/L in the pairing window
-- (Allen CE et al. Pediatr Blood Cancer 2008;50:1227-1235). Reads: temp.screen_day.
-- Parameters: $ferritin_above_10000__*. Key: (patient_id, as_of_date). A value sent as '>10000'
-- meets it; '<20000' is unknown (possible).
-- Writes: temp.rule_ferritin_above_10000 (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
    SELECT patient_id, as_of_date, contexts, suspected_contexts, age_years, in_icu,
           window_item(ferritin, $ferritin_above_10000__ferritin__op, $ferritin_above_10000__ferritin__threshold,
                       $ferritin_above_10000__ferritin__unit) AS ferritin
    FROM screen_day
)
SELECT
    patient_id,
    as_of_date,
    coalesce(ferritin.met, false) AS ferritin_above_10000__met,
    coalesce(ferritin.met, true) AS ferritin_above_10000__possible,
    rule_context(contexts, suspected_contexts, $ferritin_above_10000__applies_to) AS ferritin_above_10000__context,
    rule_population(NULL, age_years, in_icu, $ferritin_above_10000__population__requires_fever,
                    $ferritin_above_10000__population__min_age_years, $ferritin_above_10000__population__max_age_years, $ferritin_above_10000__population__requires_icu)
      AS ferritin_above_10000__population,
    {'ferritin': ferritin} AS ferritin_above_10000__evidence
FROM items
