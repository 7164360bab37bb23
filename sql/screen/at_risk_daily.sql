-- screen.at_risk_daily: the patients flagged on day D in [$start, $end]: one row per patient and
-- day whose rule evaluations (screen.rule_evaluations) reach a tier of the rule file. Each row
-- carries its tier, the rules fired, the context, the scores with their bounds, and the evidence:
-- for every rule, the values, units and collection times used and the boundaries applied, so a
-- reviewer sees why without re-running anything.
--
-- {{tier}} and {{rules_fired}} are rendered from the rule file's tiers (pipelines/rule_set.py);
-- {{w}} is its pairing window.
WITH evaluated AS (
    SELECT r.*, f.*  EXCLUDE (patient_id, as_of_date, ferritin__7d__fold_rise, platelets__7d__pct_drop,
                               fibrinogen__7d__pct_drop, ast__7d__fold_rise, ldh__7d__fold_rise, esr__7d__pct_drop)
    FROM screen.rule_evaluations AS r
    JOIN features.patient_day AS f USING (patient_id, as_of_date)
    WHERE r.as_of_date BETWEEN $start AND $end
),
tiered AS (
    SELECT *, {{tier}} AS tier, {{rules_fired}} AS rules_fired
    FROM evaluated
)
SELECT
    patient_id,
    as_of_date,
    tier,
    rules_fired,
    contexts,
    age_days,
    eular_acr_2016__met,
    hlh_2004__criteria_met,
    hlh_2004__criteria_max,
    hscore__lower,
    hscore__upper,
    hscore__probability_lower,
    hscore__probability_upper,
    ms_score__lower,
    ms_score__upper,
    ferritin__{{w}}__max,
    platelets__{{w}}__min,
    temperature__{{w}}__max,
    json_object(
        'eular_acr_2016', json_object(
            'met', eular_acr_2016__met,
            'in_context', eular_acr_2016__in_context,
            'other_items_met', eular_acr_2016__other_items_met,
            'other_items_unknown', eular_acr_2016__other_items_unknown,
            'fever', evidence_item(fever__value,
                most_abnormal($fever__temperature__op, temperature__{{w}}__min_at, temperature__{{w}}__max_at),
                $fever__temperature__unit, $fever__temperature__op, $fever__temperature__threshold),
            'ferritin', evidence_item(eular_acr_2016__ferritin,
                most_abnormal($eular_acr_2016__ferritin__op, ferritin__{{w}}__min_at, ferritin__{{w}}__max_at),
                $eular_acr_2016__ferritin__unit, $eular_acr_2016__ferritin__op, $eular_acr_2016__ferritin__threshold),
            'platelets', evidence_item(eular_acr_2016__platelets,
                most_abnormal($eular_acr_2016__platelets__op, platelets__{{w}}__min_at, platelets__{{w}}__max_at),
                $eular_acr_2016__platelets__unit, $eular_acr_2016__platelets__op, $eular_acr_2016__platelets__threshold),
            'ast', evidence_item(eular_acr_2016__ast,
                most_abnormal($eular_acr_2016__ast__op, ast__{{w}}__min_at, ast__{{w}}__max_at),
                $eular_acr_2016__ast__unit, $eular_acr_2016__ast__op, $eular_acr_2016__ast__threshold),
            'triglycerides', evidence_item(eular_acr_2016__triglycerides,
                most_abnormal($eular_acr_2016__triglycerides__op, triglycerides__{{w}}__min_at, triglycerides__{{w}}__max_at),
                $eular_acr_2016__triglycerides__unit, $eular_acr_2016__triglycerides__op, $eular_acr_2016__triglycerides__threshold),
            'fibrinogen', evidence_item(eular_acr_2016__fibrinogen,
                most_abnormal($eular_acr_2016__fibrinogen__op, fibrinogen__{{w}}__min_at, fibrinogen__{{w}}__max_at),
                $eular_acr_2016__fibrinogen__unit, $eular_acr_2016__fibrinogen__op, $eular_acr_2016__fibrinogen__threshold)),
        'hlh_2004', json_object(
            'met', hlh_2004__met, 'criteria_met', hlh_2004__criteria_met,
            'criteria_unknown', hlh_2004__criteria_unknown, 'criteria_max', hlh_2004__criteria_max,
            'fever', fever__met, 'cytopenias', hlh_2004__cytopenias,
            'triglycerides_fibrinogen', hlh_2004__triglycerides_fibrinogen,
            'ferritin', hlh_2004__ferritin, 'scd25', hlh_2004__scd25),
        'hscore', json_object(
            'met', hscore__met, 'lower', hscore__lower, 'upper', hscore__upper,
            'labs_complete', hscore__labs_complete, 'points', hscore__points,
            'probability_percent', json_object('lower', hscore__probability_lower, 'upper', hscore__probability_upper)),
        'ms_score', json_object(
            'met', ms_score__met, 'in_context', ms_score__in_context, 'lab_part', ms_score__lab_part,
            'lower', ms_score__lower, 'upper', ms_score__upper, 'labs_complete', ms_score__labs_complete,
            'values', json_object(
                'platelets', json_object('value', platelets__{{w}}__last, 'taken_at', platelets__{{w}}__last_at),
                'ldh', json_object('value', ldh__{{w}}__last, 'taken_at', ldh__{{w}}__last_at),
                'fibrinogen', json_object('value', fibrinogen__{{w}}__last, 'taken_at', fibrinogen__{{w}}__last_at),
                'ferritin', json_object('value', ferritin__{{w}}__last, 'taken_at', ferritin__{{w}}__last_at))),
        'ferritin_esr_ratio', json_object(
            'met', ferritin_esr_ratio__met, 'in_context', ferritin_esr_ratio__in_context,
            'ratio', evidence_item(ferritin_esr_ratio__value, esr__{{w}}__last_at, $ferritin_esr_ratio__ratio__unit,
                                   $ferritin_esr_ratio__ratio__op, $ferritin_esr_ratio__ratio__threshold)),
        'ferritin_above_10000', evidence_item(ferritin__{{w}}__max, ferritin__{{w}}__max_at,
            $ferritin_above_10000__ferritin__unit, $ferritin_above_10000__ferritin__op, $ferritin_above_10000__ferritin__threshold),
        'ohi', json_object(
            'met', ohi__met,
            'scd25', evidence_item(ohi__scd25, scd25_u__{{w}}__max_at, $ohi__scd25__unit, $ohi__scd25__op, $ohi__scd25__threshold),
            'ferritin', evidence_item(ferritin__{{w}}__max, ferritin__{{w}}__max_at, $ohi__ferritin__unit,
                                      $ohi__ferritin__op, $ohi__ferritin__threshold)),
        'dynamic_ferritin_platelets', json_object(
            'met', dynamic_ferritin_platelets__met,
            'ferritin_fold_rise', evidence_item(ferritin__7d__fold_rise, ferritin__72h__last_at,
                $dynamic_ferritin_platelets__ferritin_fold_rise__unit, $dynamic_ferritin_platelets__ferritin_fold_rise__op,
                $dynamic_ferritin_platelets__ferritin_fold_rise__threshold),
            'platelet_drop_pct', evidence_item(platelets__7d__pct_drop, platelets__72h__last_at,
                $dynamic_ferritin_platelets__platelet_drop_pct__unit, $dynamic_ferritin_platelets__platelet_drop_pct__op,
                $dynamic_ferritin_platelets__platelet_drop_pct__threshold),
            'ferritin_floor', evidence_item(ferritin__72h__last, ferritin__72h__last_at,
                $dynamic_ferritin_platelets__ferritin_floor__unit, $dynamic_ferritin_platelets__ferritin_floor__op,
                $dynamic_ferritin_platelets__ferritin_floor__threshold)),
        'dynamic_other', json_object(
            'met', dynamic_other__met,
            'fibrinogen_drop_pct', fibrinogen__7d__pct_drop, 'ast_fold_rise', ast__7d__fold_rise,
            'ldh_fold_rise', ldh__7d__fold_rise, 'esr_drop_pct', esr__7d__pct_drop, 'crp_last', crp__{{w}}__last)
    ) AS evidence,
    rule_set_version
FROM tiered
WHERE tier IS NOT NULL
