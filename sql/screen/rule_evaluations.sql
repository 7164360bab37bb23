-- screen.rule_evaluations: every rule of the rule file evaluated for every patient and as-of day
-- in [$start, $end] that has a features.patient_day row; flagged or not, so quality teams can see
-- how close a patient came and researchers can study the rules themselves.
--
-- Every item reads the pairing window's columns ({{w}}, from the rule file) and is tested on its
-- most abnormal value there (max for an upper cut-off, min for a lower one), except the MS score
-- and the ferritin/ESR ratio, which combine the latest values. An item without a value is NULL:
-- never counted as normal or abnormal; it shows in the counts of unknown items and in the bounds.
-- Thresholds are in canonical units (pipelines/rule_set.py converts the rule file's units).
WITH day_features AS (
    SELECT * FROM features.patient_day WHERE as_of_date BETWEEN $start AND $end
),
context_codes AS (
    SELECT unnest($context_codes, recursive := true)
),
contexts AS (
    -- rheumatic contexts coded before the as-of cutoff
    SELECT f.patient_id, f.as_of_date, list(DISTINCT c.context ORDER BY c.context) AS contexts
    FROM day_features AS f
    JOIN staging.diagnoses AS d ON d.patient_id = f.patient_id AND d.recorded_at < f.as_of_cutoff
    JOIN context_codes AS c ON d.code_system = c.code_system AND starts_with(d.code_compact, c.prefix)
    GROUP BY ALL
),
immunosuppressed AS (
    -- an immunosuppressant order running at the cutoff for at least the rule file's minimum days,
    -- by a systemic route (or none given): eye drops, creams and inhalers do not count
    SELECT DISTINCT f.patient_id, f.as_of_date
    FROM day_features AS f
    JOIN staging.medications AS m
      ON m.patient_id = f.patient_id
     AND m.started_at <= f.as_of_cutoff - to_days(CAST($hscore__immunosuppression__min_days AS INTEGER))
     AND (m.ended_at IS NULL OR m.ended_at >= f.as_of_cutoff)
     AND ((m.code_system = 'RXNORM' AND list_contains($hscore__immunosuppression__rxnorm, m.code))
          OR list_has_any(regexp_split_to_array(lower(m.name), '[^a-z]+'), $hscore__immunosuppression__names))
     AND NOT list_has_any(regexp_split_to_array(lower(coalesce(m.route, '')), '[^a-z]+'),
                          $hscore__immunosuppression__non_systemic_route_words)
),
base AS (
    SELECT f.*,
           coalesce(c.contexts, []) AS contexts,
           i.patient_id IS NOT NULL AS immunosuppressed,
           datediff('day', p.birth_date, f.as_of_date) AS age_days
    FROM day_features AS f
    LEFT JOIN contexts AS c USING (patient_id, as_of_date)
    LEFT JOIN immunosuppressed AS i USING (patient_id, as_of_date)
    LEFT JOIN staging.patients AS p USING (patient_id)
),
items AS (
    SELECT
        *,
        -- fever, shared by the 2016 criteria and HLH-2004
        most_abnormal($fever__temperature__op, temperature__{{w}}__min, temperature__{{w}}__max) AS fever__value,
        meets(fever__value, $fever__temperature__op, $fever__temperature__threshold) AS fever__met,

        -- 2016 EULAR/ACR/PRINTO
        most_abnormal($eular_acr_2016__ferritin__op, ferritin__{{w}}__min, ferritin__{{w}}__max) AS e16_ferritin,
        most_abnormal($eular_acr_2016__platelets__op, platelets__{{w}}__min, platelets__{{w}}__max) AS e16_platelets,
        most_abnormal($eular_acr_2016__ast__op, ast__{{w}}__min, ast__{{w}}__max) AS e16_ast,
        most_abnormal($eular_acr_2016__triglycerides__op, triglycerides__{{w}}__min, triglycerides__{{w}}__max) AS e16_triglycerides,
        most_abnormal($eular_acr_2016__fibrinogen__op, fibrinogen__{{w}}__min, fibrinogen__{{w}}__max) AS e16_fibrinogen,
        [meets(e16_platelets, $eular_acr_2016__platelets__op, $eular_acr_2016__platelets__threshold),
         meets(e16_ast, $eular_acr_2016__ast__op, $eular_acr_2016__ast__threshold),
         meets(e16_triglycerides, $eular_acr_2016__triglycerides__op, $eular_acr_2016__triglycerides__threshold),
         meets(e16_fibrinogen, $eular_acr_2016__fibrinogen__op, $eular_acr_2016__fibrinogen__threshold)] AS e16_others,

        -- HLH-2004 (criteria 1, 3, 4, 7, 8; 2, 5, 6 are never computable)
        most_abnormal($hlh_2004__hemoglobin__op, hemoglobin__{{w}}__min, hemoglobin__{{w}}__max) AS h04_hemoglobin,
        CASE WHEN age_days < $hlh_2004__infant_age_days
             THEN meets(h04_hemoglobin, $hlh_2004__hemoglobin_infant__op, $hlh_2004__hemoglobin_infant__threshold)
             ELSE meets(h04_hemoglobin, $hlh_2004__hemoglobin__op, $hlh_2004__hemoglobin__threshold) END AS h04_hemoglobin_met,
        [h04_hemoglobin_met,
         meets(most_abnormal($hlh_2004__platelets__op, platelets__{{w}}__min, platelets__{{w}}__max),
               $hlh_2004__platelets__op, $hlh_2004__platelets__threshold),
         meets(most_abnormal($hlh_2004__anc__op, anc__{{w}}__min, anc__{{w}}__max),
               $hlh_2004__anc__op, $hlh_2004__anc__threshold)] AS h04_lineages,
        CASE WHEN count_true(h04_lineages) >= $hlh_2004__min_cytopenic_lineages THEN true
             WHEN count_true(h04_lineages) + count_unknown(h04_lineages) < $hlh_2004__min_cytopenic_lineages THEN false
        END AS h04_cytopenias,
        -- "and/or": SQL's three-valued OR is exactly right (true if either, unknown unless both false)
        meets(most_abnormal($hlh_2004__triglycerides__op, triglycerides__{{w}}__min, triglycerides__{{w}}__max),
              $hlh_2004__triglycerides__op, $hlh_2004__triglycerides__threshold)
          OR meets(most_abnormal($hlh_2004__fibrinogen__op, fibrinogen__{{w}}__min, fibrinogen__{{w}}__max),
                   $hlh_2004__fibrinogen__op, $hlh_2004__fibrinogen__threshold) AS h04_lipids_fibrinogen,
        [fever__met, h04_cytopenias, h04_lipids_fibrinogen,
         meets(most_abnormal($hlh_2004__ferritin__op, ferritin__{{w}}__min, ferritin__{{w}}__max),
               $hlh_2004__ferritin__op, $hlh_2004__ferritin__threshold),
         meets(most_abnormal($hlh_2004__scd25__op, scd25_u__{{w}}__min, scd25_u__{{w}}__max),
               $hlh_2004__scd25__op, $hlh_2004__scd25__threshold)] AS h04_criteria,

        -- HScore
        band_points(most_abnormal($hscore__temperature__band_ops[1], temperature__{{w}}__min, temperature__{{w}}__max),
                    $hscore__temperature__band_ops, $hscore__temperature__band_thresholds, $hscore__temperature__band_points) AS hs_temperature,
        [meets(most_abnormal($hscore__hemoglobin__op, hemoglobin__{{w}}__min, hemoglobin__{{w}}__max),
               $hscore__hemoglobin__op, $hscore__hemoglobin__threshold),
         meets(most_abnormal($hscore__wbc__op, wbc__{{w}}__min, wbc__{{w}}__max), $hscore__wbc__op, $hscore__wbc__threshold),
         meets(most_abnormal($hscore__platelets__op, platelets__{{w}}__min, platelets__{{w}}__max),
               $hscore__platelets__op, $hscore__platelets__threshold)] AS hs_lineages,
        band_points(count_true(hs_lineages), $hscore__cytopenic_lineages__band_ops,
                    $hscore__cytopenic_lineages__band_thresholds, $hscore__cytopenic_lineages__band_points) AS hs_cytopenias_low,
        band_points(count_true(hs_lineages) + count_unknown(hs_lineages), $hscore__cytopenic_lineages__band_ops,
                    $hscore__cytopenic_lineages__band_thresholds, $hscore__cytopenic_lineages__band_points) AS hs_cytopenias_high,
        band_points(most_abnormal($hscore__ferritin__band_ops[1], ferritin__{{w}}__min, ferritin__{{w}}__max),
                    $hscore__ferritin__band_ops, $hscore__ferritin__band_thresholds, $hscore__ferritin__band_points) AS hs_ferritin,
        band_points(most_abnormal($hscore__triglycerides__band_ops[1], triglycerides__{{w}}__min, triglycerides__{{w}}__max),
                    $hscore__triglycerides__band_ops, $hscore__triglycerides__band_thresholds, $hscore__triglycerides__band_points) AS hs_triglycerides,
        band_points(most_abnormal($hscore__fibrinogen__band_ops[1], fibrinogen__{{w}}__min, fibrinogen__{{w}}__max),
                    $hscore__fibrinogen__band_ops, $hscore__fibrinogen__band_thresholds, $hscore__fibrinogen__band_points) AS hs_fibrinogen,
        band_points(most_abnormal($hscore__ast__band_ops[1], ast__{{w}}__min, ast__{{w}}__max),
                    $hscore__ast__band_ops, $hscore__ast__band_thresholds, $hscore__ast__band_points) AS hs_ast,
        CASE WHEN immunosuppressed THEN $hscore__immunosuppression__points END AS hs_immunosuppression,

        -- MS score: latest values in the pairing window
        $ms_score__platelets__coefficient * platelets__{{w}}__last
          + $ms_score__ldh__coefficient * ldh__{{w}}__last
          + $ms_score__fibrinogen__coefficient * fibrinogen__{{w}}__last
          + $ms_score__ferritin__coefficient * ferritin__{{w}}__last AS ms_lab_part,

        -- ferritin / ESR, latest values in the pairing window; undefined when ESR is 0
        ferritin__{{w}}__last / nullif(esr__{{w}}__last, 0) AS ferritin_esr_ratio
    FROM base
)
SELECT
    patient_id,
    as_of_date,
    contexts,
    age_days,
    fever__value,
    fever__met,

    coalesce(fever__met AND meets(e16_ferritin, $eular_acr_2016__ferritin__op, $eular_acr_2016__ferritin__threshold)
             AND count_true(e16_others) >= $eular_acr_2016__min_other_items, false) AS eular_acr_2016__met_without_context,
    len(list_intersect(contexts, $eular_acr_2016__applies_to)) > 0 AS eular_acr_2016__in_context,
    eular_acr_2016__met_without_context AND eular_acr_2016__in_context AS eular_acr_2016__met,
    count_true(e16_others) AS eular_acr_2016__other_items_met,
    count_unknown(e16_others) AS eular_acr_2016__other_items_unknown,
    e16_ferritin AS eular_acr_2016__ferritin,
    e16_platelets AS eular_acr_2016__platelets,
    e16_ast AS eular_acr_2016__ast,
    e16_triglycerides AS eular_acr_2016__triglycerides,
    e16_fibrinogen AS eular_acr_2016__fibrinogen,

    count_true(h04_criteria) AS hlh_2004__criteria_met,
    count_unknown(h04_criteria) + $hlh_2004__unmeasured_criteria AS hlh_2004__criteria_unknown,
    hlh_2004__criteria_met + hlh_2004__criteria_unknown AS hlh_2004__criteria_max,
    hlh_2004__criteria_met >= $hlh_2004__min_criteria AS hlh_2004__met,
    hlh_2004__criteria_max >= $hlh_2004__min_criteria AS hlh_2004__possible,
    h04_criteria[2] AS hlh_2004__cytopenias,
    h04_criteria[3] AS hlh_2004__triglycerides_fibrinogen,
    h04_criteria[4] AS hlh_2004__ferritin,
    h04_criteria[5] AS hlh_2004__scd25,

    coalesce(hs_temperature, 0) + hs_cytopenias_low + coalesce(hs_ferritin, 0) + coalesce(hs_triglycerides, 0)
      + coalesce(hs_fibrinogen, 0) + coalesce(hs_ast, 0) + coalesce(hs_immunosuppression, 0) AS hscore__lower,
    hscore__lower
      + CASE WHEN hs_temperature IS NULL THEN $hscore__temperature__max_points ELSE 0 END
      + (hs_cytopenias_high - hs_cytopenias_low)
      + CASE WHEN hs_ferritin IS NULL THEN $hscore__ferritin__max_points ELSE 0 END
      + CASE WHEN hs_triglycerides IS NULL THEN $hscore__triglycerides__max_points ELSE 0 END
      + CASE WHEN hs_fibrinogen IS NULL THEN $hscore__fibrinogen__max_points ELSE 0 END
      + CASE WHEN hs_ast IS NULL THEN $hscore__ast__max_points ELSE 0 END
      + CASE WHEN hs_immunosuppression IS NULL THEN $hscore__immunosuppression__points ELSE 0 END
      + $hscore__unmeasured_max_points AS hscore__upper,
    hs_temperature IS NOT NULL AND hs_cytopenias_low = hs_cytopenias_high AND hs_ferritin IS NOT NULL
      AND hs_triglycerides IS NOT NULL AND hs_fibrinogen IS NOT NULL AND hs_ast IS NOT NULL
      AS hscore__labs_complete,
    hscore__lower >= $hscore__cut_off AS hscore__met,
    hscore__upper >= $hscore__cut_off AS hscore__possible,
    lookup_between(hscore__lower, $hscore__probability_scores, $hscore__probability_percent) AS hscore__probability_lower,
    lookup_between(hscore__upper, $hscore__probability_scores, $hscore__probability_percent) AS hscore__probability_upper,
    {'temperature': hs_temperature, 'cytopenias': hs_cytopenias_low, 'ferritin': hs_ferritin,
     'triglycerides': hs_triglycerides, 'fibrinogen': hs_fibrinogen, 'ast': hs_ast,
     'immunosuppression': hs_immunosuppression} AS hscore__points,

    round(ms_lab_part, 4) AS ms_score__lab_part,
    round(ms_lab_part + $ms_score__clinical_min, 4) AS ms_score__lower,
    round(ms_lab_part + $ms_score__clinical_max, 4) AS ms_score__upper,
    ms_lab_part IS NOT NULL AS ms_score__labs_complete,
    len(list_intersect(contexts, $ms_score__applies_to)) > 0 AS ms_score__in_context,
    coalesce(meets(ms_score__lower, $ms_score__cut_off_op, $ms_score__cut_off), false) AS ms_score__met_without_context,
    ms_score__met_without_context AND ms_score__in_context AS ms_score__met,
    coalesce(meets(ms_score__upper, $ms_score__cut_off_op, $ms_score__cut_off), false) AS ms_score__possible,

    round(ferritin_esr_ratio, 2) AS ferritin_esr_ratio__value,
    len(list_intersect(contexts, $ferritin_esr_ratio__applies_to)) > 0 AS ferritin_esr_ratio__in_context,
    coalesce(meets(ferritin_esr_ratio, $ferritin_esr_ratio__ratio__op, $ferritin_esr_ratio__ratio__threshold), false)
      AS ferritin_esr_ratio__met_without_context,
    ferritin_esr_ratio__met_without_context AND ferritin_esr_ratio__in_context AS ferritin_esr_ratio__met,

    coalesce(meets(ferritin__{{w}}__max, $ferritin_above_10000__ferritin__op, $ferritin_above_10000__ferritin__threshold),
             false) AS ferritin_above_10000__met,

    scd25_u__{{w}}__max AS ohi__scd25,
    coalesce(meets(scd25_u__{{w}}__max, $ohi__scd25__op, $ohi__scd25__threshold)
             AND meets(ferritin__{{w}}__max, $ohi__ferritin__op, $ohi__ferritin__threshold), false) AS ohi__met,

    ferritin__7d__fold_rise,
    platelets__7d__pct_drop,
    coalesce(meets(ferritin__7d__fold_rise, $dynamic_ferritin_platelets__ferritin_fold_rise__op,
                   $dynamic_ferritin_platelets__ferritin_fold_rise__threshold)
             AND meets(platelets__7d__pct_drop, $dynamic_ferritin_platelets__platelet_drop_pct__op,
                       $dynamic_ferritin_platelets__platelet_drop_pct__threshold)
             AND meets(ferritin__72h__last, $dynamic_ferritin_platelets__ferritin_floor__op,
                       $dynamic_ferritin_platelets__ferritin_floor__threshold), false) AS dynamic_ferritin_platelets__met,

    fibrinogen__7d__pct_drop,
    ast__7d__fold_rise,
    ldh__7d__fold_rise,
    esr__7d__pct_drop,
    coalesce(meets(fibrinogen__7d__pct_drop, $dynamic_other__fibrinogen_drop_pct__op, $dynamic_other__fibrinogen_drop_pct__threshold), false)
      OR coalesce(meets(ast__7d__fold_rise, $dynamic_other__ast_fold_rise__op, $dynamic_other__ast_fold_rise__threshold), false)
      OR coalesce(meets(ldh__7d__fold_rise, $dynamic_other__ldh_fold_rise__op, $dynamic_other__ldh_fold_rise__threshold), false)
      OR coalesce(meets(esr__7d__pct_drop, $dynamic_other__esr_drop_pct__op, $dynamic_other__esr_drop_pct__threshold)
                  AND meets(crp__{{w}}__last, $dynamic_other__crp_high__op, $dynamic_other__crp_high__threshold), false)
      AS dynamic_other__met,

    $rule_set_version AS rule_set_version
FROM items
