-- temp.rule_ferritin_above_10000 (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/temp.rule_ferritin_above_10000.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
-- rule_ferritin_above_10000 (temporary table): ferritin above 10,000 ug/L in the pairing window
-- (Allen CE et al. Pediatr Blood Cancer 2008;50:1227-1235). Reads: temp.screen_day.
-- Parameters: $ferritin_above_10000__*. Key: (patient_id, as_of_date). A value sent as '>10000'
-- meets it; '<20000' is unknown (possible).
-- Writes: temp.rule_ferritin_above_10000 (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
  SELECT
    patient_id,
    as_of_date,
    contexts,
    suspected_contexts,
    age_years,
    in_icu,
    STRUCT(
      ferritin['max'] AS value,
      ferritin['max_censoring'] AS censoring,
      'ng/mL' AS unit,
      ferritin['max_at'] AS taken_at,
      '>' AS operator,
      CAST(10000.0 AS DOUBLE) AS threshold,
      CASE
        WHEN ferritin['max_censoring'] IS NULL
        THEN ferritin['max'] > CAST(10000.0 AS DOUBLE)
        WHEN LEFT(ferritin['max_censoring'], 1) = '>'
        THEN CASE
          WHEN ferritin['max'] > CAST(10000.0 AS DOUBLE)
          OR (
            ferritin['max'] = CAST(10000.0 AS DOUBLE)
            AND ferritin['max_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT ferritin['max'] > CAST(10000.0 AS DOUBLE)
          OR (
            ferritin['max'] = CAST(10000.0 AS DOUBLE)
            AND ferritin['max_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN ferritin['open_above'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN ferritin['max_censoring'] IS NULL
          THEN ferritin['max'] > CAST(10000.0 AS DOUBLE)
          WHEN LEFT(ferritin['max_censoring'], 1) = '>'
          THEN CASE
            WHEN ferritin['max'] > CAST(10000.0 AS DOUBLE)
            OR (
              ferritin['max'] = CAST(10000.0 AS DOUBLE)
              AND ferritin['max_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT ferritin['max'] > CAST(10000.0 AS DOUBLE)
            OR (
              ferritin['max'] = CAST(10000.0 AS DOUBLE)
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
    ) AS ferritin
  FROM screen_day
)
SELECT
  patient_id,
  as_of_date,
  COALESCE(ferritin.met, FALSE) AS ferritin_above_10000__met,
  COALESCE(ferritin.met, TRUE) AS ferritin_above_10000__possible,
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
  END AS ferritin_above_10000__context,
  CASE
    WHEN age_years < NULL OR age_years >= 18
    THEN 'outside'
    WHEN (
      (
        NOT NULL IS NULL OR NOT 18 IS NULL
      ) AND age_years IS NULL
    )
    THEN 'unknown'
    ELSE 'in'
  END AS ferritin_above_10000__population,
  STRUCT(ferritin AS ferritin) AS ferritin_above_10000__evidence
FROM items
