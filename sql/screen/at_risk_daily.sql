-- screen.at_risk_daily: patients who, as of day D in [$start, $end], meet a rule of the rule file.
-- One row per patient and day on which at least one rule fired, with the evidence (values, units,
-- times, boundaries) and the rule set version, so a reviewer sees why without re-running anything.
--
-- Pairing: every item of a criterion is read from the same 72 h look-back window of
-- features.patient_day, and tested on its most abnormal value there (max for an upper cut-off,
-- min for a lower one). A missing item is NULL: never counted as normal, never as abnormal.
WITH day_features AS (
    SELECT * FROM features.patient_day WHERE as_of_date BETWEEN $start AND $end
),
tested AS (
    SELECT
        patient_id,
        as_of_date,
        -- 2016 EULAR/ACR/PRINTO items
        most_abnormal($eular_acr_2016__ferritin__op, ferritin__72h__min, ferritin__72h__max) AS ferritin_value,
        most_abnormal($eular_acr_2016__ferritin__op, ferritin__72h__min_at, ferritin__72h__max_at) AS ferritin_at,
        most_abnormal($eular_acr_2016__platelets__op, platelets__72h__min, platelets__72h__max) AS platelets_value,
        most_abnormal($eular_acr_2016__platelets__op, platelets__72h__min_at, platelets__72h__max_at) AS platelets_at,
        most_abnormal($eular_acr_2016__ast__op, ast__72h__min, ast__72h__max) AS ast_value,
        most_abnormal($eular_acr_2016__ast__op, ast__72h__min_at, ast__72h__max_at) AS ast_at,
        most_abnormal($eular_acr_2016__triglycerides__op, triglycerides__72h__min, triglycerides__72h__max) AS triglycerides_value,
        most_abnormal($eular_acr_2016__triglycerides__op, triglycerides__72h__min_at, triglycerides__72h__max_at) AS triglycerides_at,
        most_abnormal($eular_acr_2016__fibrinogen__op, fibrinogen__72h__min, fibrinogen__72h__max) AS fibrinogen_value,
        most_abnormal($eular_acr_2016__fibrinogen__op, fibrinogen__72h__min_at, fibrinogen__72h__max_at) AS fibrinogen_at,
        most_abnormal($fever__temperature__op, temperature__72h__min, temperature__72h__max) AS temperature_value,
        most_abnormal($fever__temperature__op, temperature__72h__min_at, temperature__72h__max_at) AS temperature_at,
        -- dynamics
        ferritin__7d__fold_rise,
        platelets__7d__pct_drop,
        ferritin__72h__last,
        ferritin__72h__last_at,
        platelets__72h__last_at
    FROM day_features
),
evaluated AS (
    SELECT
        *,
        meets(ferritin_value, $eular_acr_2016__ferritin__op, $eular_acr_2016__ferritin__threshold) AS ferritin_met,
        meets(temperature_value, $fever__temperature__op, $fever__temperature__threshold) AS febrile,
        [meets(platelets_value, $eular_acr_2016__platelets__op, $eular_acr_2016__platelets__threshold),
         meets(ast_value, $eular_acr_2016__ast__op, $eular_acr_2016__ast__threshold),
         meets(triglycerides_value, $eular_acr_2016__triglycerides__op, $eular_acr_2016__triglycerides__threshold),
         meets(fibrinogen_value, $eular_acr_2016__fibrinogen__op, $eular_acr_2016__fibrinogen__threshold)]
            AS other_items,
        coalesce(meets(ferritin__7d__fold_rise, $dynamic_ferritin_platelets__ferritin_fold_rise__op,
                       $dynamic_ferritin_platelets__ferritin_fold_rise__threshold)
             AND meets(platelets__7d__pct_drop, $dynamic_ferritin_platelets__platelet_drop_pct__op,
                       $dynamic_ferritin_platelets__platelet_drop_pct__threshold)
             AND meets(ferritin__72h__last, $dynamic_ferritin_platelets__ferritin_floor__op,
                       $dynamic_ferritin_platelets__ferritin_floor__threshold), false)
            AS dynamic_ferritin_platelets_met
    FROM tested
),
ruled AS (
    SELECT
        *,
        len(list_filter(other_items, x -> x)) AS eular_acr_2016_other_items_met,
        len(list_filter(other_items, x -> x IS NULL)) AS eular_acr_2016_other_items_missing,
        coalesce(ferritin_met AND febrile
                 AND len(list_filter(other_items, x -> x)) >= $eular_acr_2016__min_other_items, false)
            AS eular_acr_2016_met
    FROM evaluated
)
SELECT
    patient_id,
    as_of_date,
    list_filter([CASE WHEN eular_acr_2016_met THEN 'eular_acr_2016' END,
                 CASE WHEN dynamic_ferritin_platelets_met THEN 'dynamic_ferritin_platelets' END],
                x -> x IS NOT NULL) AS rules_fired,
    eular_acr_2016_met,
    eular_acr_2016_other_items_met,
    eular_acr_2016_other_items_missing,
    dynamic_ferritin_platelets_met,
    ferritin_value AS ferritin__72h__max,
    platelets_value AS platelets__72h__min,
    temperature_value AS temperature__72h__max,
    json_object(
        'eular_acr_2016', json_object(
            'met', eular_acr_2016_met,
            'other_items_met', eular_acr_2016_other_items_met,
            'other_items_missing', eular_acr_2016_other_items_missing,
            'ferritin', evidence_item(ferritin_value, ferritin_at, $eular_acr_2016__ferritin__unit,
                                      $eular_acr_2016__ferritin__op, $eular_acr_2016__ferritin__threshold),
            'platelets', evidence_item(platelets_value, platelets_at, $eular_acr_2016__platelets__unit,
                                       $eular_acr_2016__platelets__op, $eular_acr_2016__platelets__threshold),
            'ast', evidence_item(ast_value, ast_at, $eular_acr_2016__ast__unit,
                                 $eular_acr_2016__ast__op, $eular_acr_2016__ast__threshold),
            'triglycerides', evidence_item(triglycerides_value, triglycerides_at, $eular_acr_2016__triglycerides__unit,
                                           $eular_acr_2016__triglycerides__op, $eular_acr_2016__triglycerides__threshold),
            'fibrinogen', evidence_item(fibrinogen_value, fibrinogen_at, $eular_acr_2016__fibrinogen__unit,
                                        $eular_acr_2016__fibrinogen__op, $eular_acr_2016__fibrinogen__threshold),
            'fever', evidence_item(temperature_value, temperature_at, $fever__temperature__unit,
                                   $fever__temperature__op, $fever__temperature__threshold)),
        'dynamic_ferritin_platelets', json_object(
            'met', dynamic_ferritin_platelets_met,
            'ferritin_fold_rise', evidence_item(ferritin__7d__fold_rise, ferritin__72h__last_at,
                $dynamic_ferritin_platelets__ferritin_fold_rise__unit,
                $dynamic_ferritin_platelets__ferritin_fold_rise__op,
                $dynamic_ferritin_platelets__ferritin_fold_rise__threshold),
            'platelet_drop_pct', evidence_item(platelets__7d__pct_drop, platelets__72h__last_at,
                $dynamic_ferritin_platelets__platelet_drop_pct__unit,
                $dynamic_ferritin_platelets__platelet_drop_pct__op,
                $dynamic_ferritin_platelets__platelet_drop_pct__threshold),
            'ferritin_floor', evidence_item(ferritin__72h__last, ferritin__72h__last_at,
                $dynamic_ferritin_platelets__ferritin_floor__unit,
                $dynamic_ferritin_platelets__ferritin_floor__op,
                $dynamic_ferritin_platelets__ferritin_floor__threshold))
    ) AS evidence,
    $rule_set_version AS rule_set_version
FROM ruled
WHERE eular_acr_2016_met OR dynamic_ferritin_platelets_met
