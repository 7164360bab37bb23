-- temp.rule_eular_acr_2016 (duckdb), compiled by pipelines/features/dialects.py from sql/screen/rules/eular_acr_2016.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: $start and $end (DATE, the first and last as-of day of the block).
-- rule_eular_acr_2016 (temporary table): the 2016 EULAR/ACR/PRINTO classification criteria for MAS
-- in systemic JIA (Ravelli A et al. Arthritis Rheumatol 2016;68:566-576, doi:10.1002/art.39332).
-- Reads: temp.screen_day. Parameters: $eular_acr_2016__* (rule file; thresholds in canonical units).
-- Key: (patient_id, as_of_date).
--   __met         ferritin met and at least min_other_items of platelets, AST, triglycerides,
--                 fibrinogen met (each on its most abnormal value in the pairing window)
--   __possible    could be met if the unknown items were abnormal
--   __population  'in' febrile, 'outside' afebrile, 'unknown' no temperature (the criteria are for a
--                 febrile patient; the tiers keep "met, fever unknown" apart)
--   __context     known / suspected / unknown sJIA or AOSD (rule_context)
-- Writes: temp.rule_eular_acr_2016 (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
    SELECT
        patient_id, as_of_date, contexts, suspected_contexts, age_years, in_icu,
        window_item(temperature, '>=', 38.5::DOUBLE,
                    'Cel') AS fever,
        window_item(ferritin, '>', 684.0::DOUBLE,
                    'ng/mL') AS ferritin,
        window_item(platelets, '<=', 181.0::DOUBLE,
                    '10*3/uL') AS platelets,
        window_item(ast, '>', 48.0::DOUBLE,
                    'U/L') AS ast,
        window_item(triglycerides, '>', 156.0::DOUBLE,
                    'mg/dL') AS triglycerides,
        window_item(fibrinogen, '<=', 360.0::DOUBLE,
                    'mg/dL') AS fibrinogen
    FROM screen_day
),
counted AS (
    SELECT *, [platelets.met, ast.met, triglycerides.met, fibrinogen.met] AS other_items
    FROM items
)
SELECT
    patient_id,
    as_of_date,
    coalesce(ferritin.met AND count_true(other_items) >= 2, false) AS eular_acr_2016__met,
    coalesce(ferritin.met, true)
      AND count_true(other_items) + count_unknown(other_items) >= 2
      AS eular_acr_2016__possible,
    count_true(other_items) AS eular_acr_2016__other_items_met,
    count_unknown(other_items) AS eular_acr_2016__other_items_unknown,
    rule_context(contexts, suspected_contexts, ['sjia', 'aosd']) AS eular_acr_2016__context,
    rule_population(fever.met, age_years, in_icu, true,
                    NULL, NULL, false)
      AS eular_acr_2016__population,
    {'fever': fever, 'ferritin': ferritin, 'platelets': platelets, 'ast': ast,
     'triglycerides': triglycerides, 'fibrinogen': fibrinogen} AS eular_acr_2016__evidence
FROM counted
