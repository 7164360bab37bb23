-- temp.rule_ohi (duckdb), compiled by pipelines/features/dialects.py from sql/screen/rules/ohi.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: $start and $end (DATE, the first and last as-of day of the block).
-- rule_ohi (temporary table): the optimized HLH inflammatory index, sCD25 and ferritin both above
-- their cut-offs in the pairing window (Zoref-Lorenz A et al. Blood 2022;139:1098-1110,
-- doi:10.1182/blood.2021012764; adults with haematological malignancy). sCD25 in U/mL only: pg/mL
-- has no fixed conversion. Reads: temp.screen_day. Parameters: $ohi__*. Key: (patient_id, as_of_date).
-- Writes: temp.rule_ohi (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
    SELECT patient_id, as_of_date, contexts, suspected_contexts, age_years, in_icu,
           window_item(scd25_u, '>', 3900.0::DOUBLE, 'U/mL') AS scd25,
           window_item(ferritin, '>', 1000.0::DOUBLE, 'ng/mL') AS ferritin
    FROM screen_day
)
SELECT
    patient_id,
    as_of_date,
    coalesce(scd25.met AND ferritin.met, false) AS ohi__met,
    coalesce(scd25.met AND ferritin.met, true) AS ohi__possible,
    scd25.value AS ohi__scd25,
    rule_context(contexts, suspected_contexts, []) AS ohi__context,
    rule_population(NULL, age_years, in_icu, false,
                    18, NULL, false) AS ohi__population,
    {'scd25': scd25, 'ferritin': ferritin} AS ohi__evidence
FROM items
