-- rule_hscore (temporary table): the HScore for reactive haemophagocytic syndrome, its labs-and-vitals
-- part with bounds (Fardet L et al. Arthritis Rheumatol 2014;66:2613-2620, doi:10.1002/art.38690).
-- Reads: temp.screen_day. Parameters: $hscore__* (rule file; band thresholds in canonical units).
-- Key: (patient_id, as_of_date).
--   __lower / __upper  points surely earned / the most that could be earned: an item without a
--                      value adds 0 / its maximum, a censored value the bands its interval allows,
--                      the clinical items (organomegaly, haemophagocytosis) 0 / their maximum, and
--                      immunosuppression its points when an order shows it, else 0 / its points
--   __met / __possible lower / upper >= cut_off
--   __population       adults ('outside' under min_age_years, 'unknown' without a birth date)
-- Writes: temp.rule_hscore (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
    SELECT
        patient_id, as_of_date, contexts, suspected_contexts, age_years, in_icu, immunosuppressed,
        band_item(temperature, $hscore__temperature__band_ops, $hscore__temperature__band_thresholds,
                  $hscore__temperature__band_points, $hscore__temperature__unit) AS temperature,
        window_item(hemoglobin, $hscore__hemoglobin__op, $hscore__hemoglobin__threshold, $hscore__hemoglobin__unit) AS hemoglobin,
        window_item(wbc, $hscore__wbc__op, $hscore__wbc__threshold, $hscore__wbc__unit) AS wbc,
        window_item(platelets, $hscore__platelets__op, $hscore__platelets__threshold, $hscore__platelets__unit) AS platelets,
        band_item(ferritin, $hscore__ferritin__band_ops, $hscore__ferritin__band_thresholds,
                  $hscore__ferritin__band_points, $hscore__ferritin__unit) AS ferritin,
        band_item(triglycerides, $hscore__triglycerides__band_ops, $hscore__triglycerides__band_thresholds,
                  $hscore__triglycerides__band_points, $hscore__triglycerides__unit) AS triglycerides,
        band_item(fibrinogen, $hscore__fibrinogen__band_ops, $hscore__fibrinogen__band_thresholds,
                  $hscore__fibrinogen__band_points, $hscore__fibrinogen__unit) AS fibrinogen,
        band_item(ast, $hscore__ast__band_ops, $hscore__ast__band_thresholds,
                  $hscore__ast__band_points, $hscore__ast__unit) AS ast
    FROM screen_day
),
points AS (
    SELECT
        *,
        [hemoglobin.met, wbc.met, platelets.met] AS lineages,
        band_points(count_true(lineages), $hscore__cytopenic_lineages__band_ops,
                    $hscore__cytopenic_lineages__band_thresholds, $hscore__cytopenic_lineages__band_points)
          AS cytopenias_lower,
        band_points(count_true(lineages) + count_unknown(lineages), $hscore__cytopenic_lineages__band_ops,
                    $hscore__cytopenic_lineages__band_thresholds, $hscore__cytopenic_lineages__band_points)
          AS cytopenias_upper,
        CASE WHEN immunosuppressed THEN $hscore__immunosuppression__points ELSE 0 END AS immunosuppression_lower
    FROM items
)
SELECT
    patient_id,
    as_of_date,
    coalesce(temperature.points_lower, 0) + cytopenias_lower + coalesce(ferritin.points_lower, 0)
      + coalesce(triglycerides.points_lower, 0) + coalesce(fibrinogen.points_lower, 0)
      + coalesce(ast.points_lower, 0) + immunosuppression_lower AS hscore__lower,
    coalesce(temperature.points_upper, $hscore__temperature__max_points) + cytopenias_upper
      + coalesce(ferritin.points_upper, $hscore__ferritin__max_points)
      + coalesce(triglycerides.points_upper, $hscore__triglycerides__max_points)
      + coalesce(fibrinogen.points_upper, $hscore__fibrinogen__max_points)
      + coalesce(ast.points_upper, $hscore__ast__max_points)
      + $hscore__immunosuppression__points  -- known, or not shown by any order: its points either way
      + $hscore__unmeasured_max_points AS hscore__upper,
    temperature.points_lower IS NOT NULL AND cytopenias_lower = cytopenias_upper AND ferritin.points_lower IS NOT NULL
      AND triglycerides.points_lower IS NOT NULL AND fibrinogen.points_lower IS NOT NULL AND ast.points_lower IS NOT NULL
      AS hscore__labs_complete,
    hscore__lower >= $hscore__cut_off AS hscore__met,
    hscore__upper >= $hscore__cut_off AS hscore__possible,
    lookup_between(hscore__lower, $hscore__probability_scores, $hscore__probability_percent) AS hscore__probability_lower,
    lookup_between(hscore__upper, $hscore__probability_scores, $hscore__probability_percent) AS hscore__probability_upper,
    rule_context(contexts, suspected_contexts, $hscore__applies_to) AS hscore__context,
    rule_population(NULL, age_years, in_icu, $hscore__population__requires_fever,
                    $hscore__population__min_age_years, $hscore__population__max_age_years, $hscore__population__requires_icu) AS hscore__population,
    {'temperature': temperature,
     'cytopenias': {'points_lower': cytopenias_lower, 'points_upper': cytopenias_upper,
                    'hemoglobin': hemoglobin, 'wbc': wbc, 'platelets': platelets},
     'ferritin': ferritin, 'triglycerides': triglycerides, 'fibrinogen': fibrinogen, 'ast': ast,
     'immunosuppression': {'known': immunosuppressed, 'points_lower': immunosuppression_lower,
                           'points_upper': $hscore__immunosuppression__points},
     'not_computable': {'points_lower': 0, 'points_upper': $hscore__unmeasured_max_points},
     'cut_off': $hscore__cut_off} AS hscore__evidence
FROM points
