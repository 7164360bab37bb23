-- temp.rule_hscore (duckdb), compiled by pipelines/features/dialects.py from sql/screen/rules/hscore.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: $start and $end (DATE, the first and last as-of day of the block).
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
        band_item(temperature, ['>=', '>'], [38.4, 39.4]::DOUBLE[],
                  [33, 49], 'Cel') AS temperature,
        window_item(hemoglobin, '<=', 9.2::DOUBLE, 'g/dL') AS hemoglobin,
        window_item(wbc, '<=', 5.0::DOUBLE, '10*3/uL') AS wbc,
        window_item(platelets, '<=', 110.0::DOUBLE, '10*3/uL') AS platelets,
        band_item(ferritin, ['>=', '>'], [2000.0, 6000.0]::DOUBLE[],
                  [35, 50], 'ng/mL') AS ferritin,
        band_item(triglycerides, ['>=', '>'], [132.855, 354.28]::DOUBLE[],
                  [44, 64], 'mg/dL') AS triglycerides,
        band_item(fibrinogen, ['<='], [250.0]::DOUBLE[],
                  [30], 'mg/dL') AS fibrinogen,
        band_item(ast, ['>='], [30.0]::DOUBLE[],
                  [19], 'U/L') AS ast
    FROM screen_day
),
points AS (
    SELECT
        *,
        [hemoglobin.met, wbc.met, platelets.met] AS lineages,
        band_points(count_true(lineages), ['>=', '>='],
                    [2.0, 3.0]::DOUBLE[], [24, 34])
          AS cytopenias_lower,
        band_points(count_true(lineages) + count_unknown(lineages), ['>=', '>='],
                    [2.0, 3.0]::DOUBLE[], [24, 34])
          AS cytopenias_upper,
        CASE WHEN immunosuppressed THEN 18 ELSE 0 END AS immunosuppression_lower
    FROM items
)
SELECT
    patient_id,
    as_of_date,
    coalesce(temperature.points_lower, 0) + cytopenias_lower + coalesce(ferritin.points_lower, 0)
      + coalesce(triglycerides.points_lower, 0) + coalesce(fibrinogen.points_lower, 0)
      + coalesce(ast.points_lower, 0) + immunosuppression_lower AS hscore__lower,
    coalesce(temperature.points_upper, 49) + cytopenias_upper
      + coalesce(ferritin.points_upper, 50)
      + coalesce(triglycerides.points_upper, 64)
      + coalesce(fibrinogen.points_upper, 30)
      + coalesce(ast.points_upper, 19)
      + 18  -- known, or not shown by any order: its points either way
      + 73 AS hscore__upper,
    temperature.points_lower IS NOT NULL AND cytopenias_lower = cytopenias_upper AND ferritin.points_lower IS NOT NULL
      AND triglycerides.points_lower IS NOT NULL AND fibrinogen.points_lower IS NOT NULL AND ast.points_lower IS NOT NULL
      AS hscore__labs_complete,
    hscore__lower >= 169 AS hscore__met,
    hscore__upper >= 169 AS hscore__possible,
    lookup_between(hscore__lower, [90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250], ['<1', '1', '3', '5', '9', '16', '25', '40', '54', '70', '80', '88', '93', '96', '98', '99', '>99']) AS hscore__probability_lower,
    lookup_between(hscore__upper, [90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250], ['<1', '1', '3', '5', '9', '16', '25', '40', '54', '70', '80', '88', '93', '96', '98', '99', '>99']) AS hscore__probability_upper,
    rule_context(contexts, suspected_contexts, []) AS hscore__context,
    rule_population(NULL, age_years, in_icu, false,
                    18, NULL, false) AS hscore__population,
    {'temperature': temperature,
     'cytopenias': {'points_lower': cytopenias_lower, 'points_upper': cytopenias_upper,
                    'hemoglobin': hemoglobin, 'wbc': wbc, 'platelets': platelets},
     'ferritin': ferritin, 'triglycerides': triglycerides, 'fibrinogen': fibrinogen, 'ast': ast,
     'immunosuppression': {'known': immunosuppressed, 'points_lower': immunosuppression_lower,
                           'points_upper': 18},
     'not_computable': {'points_lower': 0, 'points_upper': 73},
     'cut_off': 169} AS hscore__evidence
FROM points
