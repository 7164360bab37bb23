-- temp.rule_dynamic_ferritin_platelets (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/temp.rule_dynamic_ferritin_platelets.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
-- rule_dynamic_ferritin_platelets (temporary table): ferritin rising while platelets fall, against the
-- patient's own baseline window (rule file `trend_windows`), each with its latest value past its floor.
-- No published cut-off exists (Ravelli A et al. RMD Open 2016;2:e000161): all numbers but the floors
-- are engineering parameters. Reads: temp.screen_day. Parameters: $dynamic_ferritin_platelets__*.
-- Key: (patient_id, as_of_date). Rises and falls use the values as sent (a censored value is taken
-- at its stated bound); the floors read the censoring.
-- Writes: temp.rule_dynamic_ferritin_platelets (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
  SELECT
    patient_id,
    as_of_date,
    contexts,
    suspected_contexts,
    age_years,
    in_icu,
    STRUCT(
      ROUND((
        ferritin__trend__fold_rise
      ) * POWER(10, 2), 0) / POWER(10, 2) AS value,
      'fold' AS unit,
      '>=' AS operator,
      CAST(2.0 AS DOUBLE) AS threshold,
      ferritin__trend__fold_rise >= CAST(2.0 AS DOUBLE) AS met,
      CASE ferritin__trend__fold_rise >= CAST(2.0 AS DOUBLE)
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result,
      ferritin__trend__baseline AS baseline
    ) AS ferritin_fold_rise,
    STRUCT(
      ROUND((
        platelets__trend__pct_drop
      ) * POWER(10, 2), 0) / POWER(10, 2) AS value,
      '%' AS unit,
      '>=' AS operator,
      CAST(30.0 AS DOUBLE) AS threshold,
      platelets__trend__pct_drop >= CAST(30.0 AS DOUBLE) AS met,
      CASE platelets__trend__pct_drop >= CAST(30.0 AS DOUBLE)
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result,
      platelets__trend__baseline AS baseline
    ) AS platelet_drop_pct,
    STRUCT(
      ferritin['last'] AS value,
      ferritin['last_censoring'] AS censoring,
      'ng/mL' AS unit,
      ferritin['last_at'] AS taken_at,
      '>=' AS operator,
      CAST(500.0 AS DOUBLE) AS threshold,
      CASE
        WHEN ferritin['last_censoring'] IS NULL
        THEN ferritin['last'] >= CAST(500.0 AS DOUBLE)
        WHEN LEFT(ferritin['last_censoring'], 1) = '>'
        THEN CASE
          WHEN ferritin['last'] >= CAST(500.0 AS DOUBLE)
          OR (
            ferritin['last'] = CAST(500.0 AS DOUBLE)
            AND ferritin['last_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT ferritin['last'] >= CAST(500.0 AS DOUBLE)
          OR (
            ferritin['last'] = CAST(500.0 AS DOUBLE)
            AND ferritin['last_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END AS met,
      CASE CASE
          WHEN ferritin['last_censoring'] IS NULL
          THEN ferritin['last'] >= CAST(500.0 AS DOUBLE)
          WHEN LEFT(ferritin['last_censoring'], 1) = '>'
          THEN CASE
            WHEN ferritin['last'] >= CAST(500.0 AS DOUBLE)
            OR (
              ferritin['last'] = CAST(500.0 AS DOUBLE)
              AND ferritin['last_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT ferritin['last'] >= CAST(500.0 AS DOUBLE)
            OR (
              ferritin['last'] = CAST(500.0 AS DOUBLE)
              AND ferritin['last_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result
    ) AS ferritin_latest,
    STRUCT(
      platelets['last'] AS value,
      platelets['last_censoring'] AS censoring,
      '10*3/uL' AS unit,
      platelets['last_at'] AS taken_at,
      '<=' AS operator,
      CAST(211.0 AS DOUBLE) AS threshold,
      CASE
        WHEN platelets['last_censoring'] IS NULL
        THEN platelets['last'] <= CAST(211.0 AS DOUBLE)
        WHEN LEFT(platelets['last_censoring'], 1) = '<'
        THEN CASE
          WHEN platelets['last'] <= CAST(211.0 AS DOUBLE)
          OR (
            platelets['last'] = CAST(211.0 AS DOUBLE)
            AND platelets['last_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT platelets['last'] <= CAST(211.0 AS DOUBLE)
          OR (
            platelets['last'] = CAST(211.0 AS DOUBLE)
            AND platelets['last_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END AS met,
      CASE CASE
          WHEN platelets['last_censoring'] IS NULL
          THEN platelets['last'] <= CAST(211.0 AS DOUBLE)
          WHEN LEFT(platelets['last_censoring'], 1) = '<'
          THEN CASE
            WHEN platelets['last'] <= CAST(211.0 AS DOUBLE)
            OR (
              platelets['last'] = CAST(211.0 AS DOUBLE)
              AND platelets['last_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT platelets['last'] <= CAST(211.0 AS DOUBLE)
            OR (
              platelets['last'] = CAST(211.0 AS DOUBLE)
              AND platelets['last_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result
    ) AS platelets_latest
  FROM screen_day
)
SELECT
  patient_id,
  as_of_date,
  COALESCE(
    ferritin_fold_rise.met
    AND platelet_drop_pct.met
    AND ferritin_latest.met
    AND platelets_latest.met,
    FALSE
  ) AS dynamic_ferritin_platelets__met,
  COALESCE(
    ferritin_fold_rise.met
    AND platelet_drop_pct.met
    AND ferritin_latest.met
    AND platelets_latest.met,
    TRUE
  ) AS dynamic_ferritin_platelets__possible,
  CASE
    WHEN SIZE(ARRAY()) = 0 AND SIZE(contexts) > 0
    THEN 'known'
    WHEN SIZE(ARRAY()) = 0 AND SIZE(suspected_contexts) > 0
    THEN 'suspected'
    WHEN SIZE(ARRAY()) = 0
    THEN 'unknown'
    WHEN SIZE(ARRAY_INTERSECT(contexts, ARRAY())) > 0
    THEN 'known'
    WHEN SIZE(ARRAY_INTERSECT(suspected_contexts, ARRAY())) > 0
    THEN 'suspected'
    ELSE 'unknown'
  END AS dynamic_ferritin_platelets__context,
  CASE
    WHEN age_years < NULL OR age_years >= NULL
    THEN 'outside'
    WHEN (
      (
        NOT NULL IS NULL OR NOT NULL IS NULL
      ) AND age_years IS NULL
    )
    THEN 'unknown'
    ELSE 'in'
  END AS dynamic_ferritin_platelets__population,
  STRUCT(
    ferritin_fold_rise AS ferritin_fold_rise,
    platelet_drop_pct AS platelet_drop_pct,
    ferritin_latest AS ferritin_floor,
    platelets_latest AS platelet_floor
  ) AS dynamic_ferritin_platelets__evidence
FROM items
