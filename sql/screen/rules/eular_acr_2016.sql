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
        window_item(temperature, $eular_acr_2016__fever__op, $eular_acr_2016__fever__threshold,
                    $eular_acr_2016__fever__unit) AS fever,
        window_item(ferritin, $eular_acr_2016__ferritin__op, $eular_acr_2016__ferritin__threshold,
                    $eular_acr_2016__ferritin__unit) AS ferritin,
        window_item(platelets, $eular_acr_2016__platelets__op, $eular_acr_2016__platelets__threshold,
                    $eular_acr_2016__platelets__unit) AS platelets,
        window_item(ast, $eular_acr_2016__ast__op, $eular_acr_2016__ast__threshold,
                    $eular_acr_2016__ast__unit) AS ast,
        window_item(triglycerides, $eular_acr_2016__triglycerides__op, $eular_acr_2016__triglycerides__threshold,
                    $eular_acr_2016__triglycerides__unit) AS triglycerides,
        window_item(fibrinogen, $eular_acr_2016__fibrinogen__op, $eular_acr_2016__fibrinogen__threshold,
                    $eular_acr_2016__fibrinogen__unit) AS fibrinogen
    FROM screen_day
),
counted AS (
    SELECT *, [platelets.met, ast.met, triglycerides.met, fibrinogen.met] AS other_items
    FROM items
)
SELECT
    patient_id,
    as_of_date,
    coalesce(ferritin.met AND count_true(other_items) >= $eular_acr_2016__min_other_items, false) AS eular_acr_2016__met,
    coalesce(ferritin.met, true)
      AND count_true(other_items) + count_unknown(other_items) >= $eular_acr_2016__min_other_items
      AS eular_acr_2016__possible,
    count_true(other_items) AS eular_acr_2016__other_items_met,
    count_unknown(other_items) AS eular_acr_2016__other_items_unknown,
    rule_context(contexts, suspected_contexts, $eular_acr_2016__applies_to) AS eular_acr_2016__context,
    rule_population(fever.met, age_years, in_icu, $eular_acr_2016__population__requires_fever,
                    $eular_acr_2016__population__min_age_years, $eular_acr_2016__population__max_age_years, $eular_acr_2016__population__requires_icu)
      AS eular_acr_2016__population,
    {'fever': fever, 'ferritin': ferritin, 'platelets': platelets, 'ast': ast,
     'triglycerides': triglycerides, 'fibrinogen': fibrinogen} AS eular_acr_2016__evidence
FROM counted
