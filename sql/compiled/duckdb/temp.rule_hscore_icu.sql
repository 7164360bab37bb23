-- temp.rule_hscore_icu (duckdb), compiled by pipelines/features/dialects.py from sql/screen/rules/hscore_icu.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: $start and $end (DATE, the first and last as-of day of the block).
-- rule_hscore_icu (temporary table): the HScore against the cut-off of its adult ICU validation
-- (Knaak C et al. Crit Care 2020;24:244, doi:10.1186/s13054-020-02941-3), in that study's
-- population: adults in intensive care whose ferritin reached the gate (ferritin_gate).
-- Reads: temp.screen_day, temp.rule_hscore (same items and bounds). Parameters: $hscore_icu__*.
-- Key: (patient_id, as_of_date). __population is 'outside' when any requirement fails (age, ICU,
-- ferritin below the gate), 'unknown' when one cannot be told.
-- Writes: temp.rule_hscore_icu (the rows this returns, by pipelines/screen/screening.py).
WITH gated AS (
    SELECT d.patient_id, d.as_of_date, d.contexts, d.suspected_contexts, h.hscore__lower, h.hscore__upper,
           window_item(d.ferritin, '>=', 500.0::DOUBLE,
                       'ng/mL') AS ferritin_gate,
           rule_population(NULL, d.age_years, d.in_icu, false,
                           18, NULL, true) AS base_population
    FROM screen_day AS d
    JOIN rule_hscore AS h USING (patient_id, as_of_date)
)
SELECT
    patient_id,
    as_of_date,
    hscore__lower >= 168 AS hscore_icu__met,
    hscore__upper >= 168 AS hscore_icu__possible,
    rule_context(contexts, suspected_contexts, []) AS hscore_icu__context,
    CASE WHEN base_population = 'outside' OR ferritin_gate.met = false THEN 'outside'
         WHEN base_population = 'unknown' OR ferritin_gate.met IS NULL THEN 'unknown'
         ELSE 'in' END AS hscore_icu__population,
    {'lower': hscore__lower, 'upper': hscore__upper, 'cut_off': 168,
     'ferritin_gate': ferritin_gate} AS hscore_icu__evidence
FROM gated
