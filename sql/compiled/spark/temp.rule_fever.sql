-- temp.rule_fever (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/temp.rule_fever.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
-- rule_fever (temporary table): fever on each patient-day, shared by the rules that need it.
-- Reads: temp.screen_day. Parameters: $fever__temperature__* (rule file `fever`).
-- Key: (patient_id, as_of_date). fever__met is true, false, or NULL when the pairing window holds no
-- temperature: fever unknown is never fever absent.
-- Writes: temp.rule_fever (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
  SELECT
    patient_id,
    as_of_date,
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
    ) AS temperature
  FROM screen_day
)
SELECT
  patient_id,
  as_of_date,
  temperature.value AS fever__value,
  temperature.met AS fever__met,
  COALESCE(temperature.met, TRUE) AS fever__possible,
  'unknown' AS fever__context,
  'in' AS fever__population,
  STRUCT(temperature AS temperature) AS fever__evidence
FROM items
