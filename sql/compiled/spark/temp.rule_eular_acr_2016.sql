-- temp.rule_eular_acr_2016 (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/temp.rule_eular_acr_2016.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
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
    patient_id,
    as_of_date,
    contexts,
    suspected_contexts,
    age_years,
    in_icu,
    STRUCT(
      temperature['max'] AS value,
      temperature['max_censoring'] AS censoring,
      'Cel' AS unit,
      temperature['max_at'] AS taken_at,
      '>=' AS operator,
      CAST(38.5 AS DOUBLE) AS threshold,
      CASE
        WHEN temperature['max_censoring'] IS NULL
        THEN temperature['max'] >= CAST(38.5 AS DOUBLE)
        WHEN LEFT(temperature['max_censoring'], 1) = '>'
        THEN CASE
          WHEN temperature['max'] >= CAST(38.5 AS DOUBLE)
          OR (
            temperature['max'] = CAST(38.5 AS DOUBLE)
            AND temperature['max_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT temperature['max'] >= CAST(38.5 AS DOUBLE)
          OR (
            temperature['max'] = CAST(38.5 AS DOUBLE)
            AND temperature['max_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN temperature['open_above'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN temperature['max_censoring'] IS NULL
          THEN temperature['max'] >= CAST(38.5 AS DOUBLE)
          WHEN LEFT(temperature['max_censoring'], 1) = '>'
          THEN CASE
            WHEN temperature['max'] >= CAST(38.5 AS DOUBLE)
            OR (
              temperature['max'] = CAST(38.5 AS DOUBLE)
              AND temperature['max_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT temperature['max'] >= CAST(38.5 AS DOUBLE)
            OR (
              temperature['max'] = CAST(38.5 AS DOUBLE)
              AND temperature['max_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END
        OR CASE WHEN temperature['open_above'] THEN NULL ELSE FALSE END
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result
    ) AS fever,
    STRUCT(
      ferritin['max'] AS value,
      ferritin['max_censoring'] AS censoring,
      'ng/mL' AS unit,
      ferritin['max_at'] AS taken_at,
      '>' AS operator,
      CAST(684.0 AS DOUBLE) AS threshold,
      CASE
        WHEN ferritin['max_censoring'] IS NULL
        THEN ferritin['max'] > CAST(684.0 AS DOUBLE)
        WHEN LEFT(ferritin['max_censoring'], 1) = '>'
        THEN CASE
          WHEN ferritin['max'] > CAST(684.0 AS DOUBLE)
          OR (
            ferritin['max'] = CAST(684.0 AS DOUBLE)
            AND ferritin['max_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT ferritin['max'] > CAST(684.0 AS DOUBLE)
          OR (
            ferritin['max'] = CAST(684.0 AS DOUBLE)
            AND ferritin['max_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN ferritin['open_above'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN ferritin['max_censoring'] IS NULL
          THEN ferritin['max'] > CAST(684.0 AS DOUBLE)
          WHEN LEFT(ferritin['max_censoring'], 1) = '>'
          THEN CASE
            WHEN ferritin['max'] > CAST(684.0 AS DOUBLE)
            OR (
              ferritin['max'] = CAST(684.0 AS DOUBLE)
              AND ferritin['max_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT ferritin['max'] > CAST(684.0 AS DOUBLE)
            OR (
              ferritin['max'] = CAST(684.0 AS DOUBLE)
              AND ferritin['max_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END
        OR CASE WHEN ferritin['open_above'] THEN NULL ELSE FALSE END
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result
    ) AS ferritin,
    STRUCT(
      platelets['min'] AS value,
      platelets['min_censoring'] AS censoring,
      '10*3/uL' AS unit,
      platelets['min_at'] AS taken_at,
      '<=' AS operator,
      CAST(181.0 AS DOUBLE) AS threshold,
      CASE
        WHEN platelets['min_censoring'] IS NULL
        THEN platelets['min'] <= CAST(181.0 AS DOUBLE)
        WHEN LEFT(platelets['min_censoring'], 1) = '<'
        THEN CASE
          WHEN platelets['min'] <= CAST(181.0 AS DOUBLE)
          OR (
            platelets['min'] = CAST(181.0 AS DOUBLE)
            AND platelets['min_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT platelets['min'] <= CAST(181.0 AS DOUBLE)
          OR (
            platelets['min'] = CAST(181.0 AS DOUBLE)
            AND platelets['min_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN platelets['open_below'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN platelets['min_censoring'] IS NULL
          THEN platelets['min'] <= CAST(181.0 AS DOUBLE)
          WHEN LEFT(platelets['min_censoring'], 1) = '<'
          THEN CASE
            WHEN platelets['min'] <= CAST(181.0 AS DOUBLE)
            OR (
              platelets['min'] = CAST(181.0 AS DOUBLE)
              AND platelets['min_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT platelets['min'] <= CAST(181.0 AS DOUBLE)
            OR (
              platelets['min'] = CAST(181.0 AS DOUBLE)
              AND platelets['min_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END
        OR CASE WHEN platelets['open_below'] THEN NULL ELSE FALSE END
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result
    ) AS platelets,
    STRUCT(
      ast['max'] AS value,
      ast['max_censoring'] AS censoring,
      'U/L' AS unit,
      ast['max_at'] AS taken_at,
      '>' AS operator,
      CAST(48.0 AS DOUBLE) AS threshold,
      CASE
        WHEN ast['max_censoring'] IS NULL
        THEN ast['max'] > CAST(48.0 AS DOUBLE)
        WHEN LEFT(ast['max_censoring'], 1) = '>'
        THEN CASE
          WHEN ast['max'] > CAST(48.0 AS DOUBLE)
          OR (
            ast['max'] = CAST(48.0 AS DOUBLE) AND ast['max_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT ast['max'] > CAST(48.0 AS DOUBLE)
          OR (
            ast['max'] = CAST(48.0 AS DOUBLE) AND ast['max_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN ast['open_above'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN ast['max_censoring'] IS NULL
          THEN ast['max'] > CAST(48.0 AS DOUBLE)
          WHEN LEFT(ast['max_censoring'], 1) = '>'
          THEN CASE
            WHEN ast['max'] > CAST(48.0 AS DOUBLE)
            OR (
              ast['max'] = CAST(48.0 AS DOUBLE) AND ast['max_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT ast['max'] > CAST(48.0 AS DOUBLE)
            OR (
              ast['max'] = CAST(48.0 AS DOUBLE) AND ast['max_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END
        OR CASE WHEN ast['open_above'] THEN NULL ELSE FALSE END
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result
    ) AS ast,
    STRUCT(
      triglycerides['max'] AS value,
      triglycerides['max_censoring'] AS censoring,
      'mg/dL' AS unit,
      triglycerides['max_at'] AS taken_at,
      '>' AS operator,
      CAST(156.0 AS DOUBLE) AS threshold,
      CASE
        WHEN triglycerides['max_censoring'] IS NULL
        THEN triglycerides['max'] > CAST(156.0 AS DOUBLE)
        WHEN LEFT(triglycerides['max_censoring'], 1) = '>'
        THEN CASE
          WHEN triglycerides['max'] > CAST(156.0 AS DOUBLE)
          OR (
            triglycerides['max'] = CAST(156.0 AS DOUBLE)
            AND triglycerides['max_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT triglycerides['max'] > CAST(156.0 AS DOUBLE)
          OR (
            triglycerides['max'] = CAST(156.0 AS DOUBLE)
            AND triglycerides['max_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN triglycerides['open_above'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN triglycerides['max_censoring'] IS NULL
          THEN triglycerides['max'] > CAST(156.0 AS DOUBLE)
          WHEN LEFT(triglycerides['max_censoring'], 1) = '>'
          THEN CASE
            WHEN triglycerides['max'] > CAST(156.0 AS DOUBLE)
            OR (
              triglycerides['max'] = CAST(156.0 AS DOUBLE)
              AND triglycerides['max_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT triglycerides['max'] > CAST(156.0 AS DOUBLE)
            OR (
              triglycerides['max'] = CAST(156.0 AS DOUBLE)
              AND triglycerides['max_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END
        OR CASE WHEN triglycerides['open_above'] THEN NULL ELSE FALSE END
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result
    ) AS triglycerides,
    STRUCT(
      fibrinogen['min'] AS value,
      fibrinogen['min_censoring'] AS censoring,
      'mg/dL' AS unit,
      fibrinogen['min_at'] AS taken_at,
      '<=' AS operator,
      CAST(360.0 AS DOUBLE) AS threshold,
      CASE
        WHEN fibrinogen['min_censoring'] IS NULL
        THEN fibrinogen['min'] <= CAST(360.0 AS DOUBLE)
        WHEN LEFT(fibrinogen['min_censoring'], 1) = '<'
        THEN CASE
          WHEN fibrinogen['min'] <= CAST(360.0 AS DOUBLE)
          OR (
            fibrinogen['min'] = CAST(360.0 AS DOUBLE)
            AND fibrinogen['min_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT fibrinogen['min'] <= CAST(360.0 AS DOUBLE)
          OR (
            fibrinogen['min'] = CAST(360.0 AS DOUBLE)
            AND fibrinogen['min_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN fibrinogen['open_below'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN fibrinogen['min_censoring'] IS NULL
          THEN fibrinogen['min'] <= CAST(360.0 AS DOUBLE)
          WHEN LEFT(fibrinogen['min_censoring'], 1) = '<'
          THEN CASE
            WHEN fibrinogen['min'] <= CAST(360.0 AS DOUBLE)
            OR (
              fibrinogen['min'] = CAST(360.0 AS DOUBLE)
              AND fibrinogen['min_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT fibrinogen['min'] <= CAST(360.0 AS DOUBLE)
            OR (
              fibrinogen['min'] = CAST(360.0 AS DOUBLE)
              AND fibrinogen['min_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END
        OR CASE WHEN fibrinogen['open_below'] THEN NULL ELSE FALSE END
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result
    ) AS fibrinogen
  FROM screen_day
), counted AS (
  SELECT
    *,
    ARRAY(platelets.met, ast.met, triglycerides.met, fibrinogen.met) AS other_items
  FROM items
)
SELECT
  patient_id,
  as_of_date,
  COALESCE(ferritin.met AND SIZE(FILTER(other_items, x -> x)) >= 2, FALSE) AS eular_acr_2016__met,
  COALESCE(ferritin.met, TRUE)
  AND SIZE(FILTER(other_items, x -> x)) + SIZE(FILTER(other_items, x -> x IS NULL)) >= 2 AS eular_acr_2016__possible,
  SIZE(FILTER(other_items, x -> x)) AS eular_acr_2016__other_items_met,
  SIZE(FILTER(other_items, x -> x IS NULL)) AS eular_acr_2016__other_items_unknown,
  CASE
    WHEN SIZE(ARRAY('sjia', 'aosd')) = 0 AND SIZE(contexts) > 0
    THEN 'known'
    WHEN SIZE(ARRAY('sjia', 'aosd')) = 0 AND SIZE(suspected_contexts) > 0
    THEN 'suspected'
    WHEN SIZE(ARRAY('sjia', 'aosd')) = 0
    THEN 'unknown'
    WHEN SIZE(ARRAY_INTERSECT(contexts, ARRAY('sjia', 'aosd'))) > 0
    THEN 'known'
    WHEN SIZE(ARRAY_INTERSECT(suspected_contexts, ARRAY('sjia', 'aosd'))) > 0
    THEN 'suspected'
    ELSE 'unknown'
  END AS eular_acr_2016__context,
  CASE
    WHEN (
      fever.met = FALSE
    ) OR age_years < NULL OR age_years >= NULL
    THEN 'outside'
    WHEN (
      fever.met IS NULL
    )
    OR (
      (
        NOT NULL IS NULL OR NOT NULL IS NULL
      ) AND age_years IS NULL
    )
    THEN 'unknown'
    ELSE 'in'
  END AS eular_acr_2016__population,
  STRUCT(
    fever AS fever,
    ferritin AS ferritin,
    platelets AS platelets,
    ast AS ast,
    triglycerides AS triglycerides,
    fibrinogen AS fibrinogen
  ) AS eular_acr_2016__evidence
FROM counted
