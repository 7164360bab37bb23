-- temp.rule_ohi (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/temp.rule_ohi.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
-- rule_ohi (temporary table): the optimized HLH inflammatory index, sCD25 and ferritin both above
-- their cut-offs in the pairing window (Zoref-Lorenz A et al. Blood 2022;139:1098-1110,
-- doi:10.1182/blood.2021012764; adults with haematological malignancy). sCD25 in U/mL only: pg/mL
-- has no fixed conversion. Reads: temp.screen_day. Parameters: $ohi__*. Key: (patient_id, as_of_date).
-- Writes: temp.rule_ohi (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
  SELECT
    patient_id,
    as_of_date,
    contexts,
    suspected_contexts,
    age_years,
    in_icu,
    STRUCT(
      scd25_u['max'] AS value,
      scd25_u['max_censoring'] AS censoring,
      'U/mL' AS unit,
      scd25_u['max_at'] AS taken_at,
      '>' AS operator,
      CAST(3900.0 AS DOUBLE) AS threshold,
      CASE
        WHEN scd25_u['max_censoring'] IS NULL
        THEN scd25_u['max'] > CAST(3900.0 AS DOUBLE)
        WHEN LEFT(scd25_u['max_censoring'], 1) = '>'
        THEN CASE
          WHEN scd25_u['max'] > CAST(3900.0 AS DOUBLE)
          OR (
            scd25_u['max'] = CAST(3900.0 AS DOUBLE)
            AND scd25_u['max_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT scd25_u['max'] > CAST(3900.0 AS DOUBLE)
          OR (
            scd25_u['max'] = CAST(3900.0 AS DOUBLE)
            AND scd25_u['max_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN scd25_u['open_above'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN scd25_u['max_censoring'] IS NULL
          THEN scd25_u['max'] > CAST(3900.0 AS DOUBLE)
          WHEN LEFT(scd25_u['max_censoring'], 1) = '>'
          THEN CASE
            WHEN scd25_u['max'] > CAST(3900.0 AS DOUBLE)
            OR (
              scd25_u['max'] = CAST(3900.0 AS DOUBLE)
              AND scd25_u['max_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT scd25_u['max'] > CAST(3900.0 AS DOUBLE)
            OR (
              scd25_u['max'] = CAST(3900.0 AS DOUBLE)
              AND scd25_u['max_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END
        OR CASE WHEN scd25_u['open_above'] THEN NULL ELSE FALSE END
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result
    ) AS scd25,
    STRUCT(
      ferritin['max'] AS value,
      ferritin['max_censoring'] AS censoring,
      'ng/mL' AS unit,
      ferritin['max_at'] AS taken_at,
      '>' AS operator,
      CAST(1000.0 AS DOUBLE) AS threshold,
      CASE
        WHEN ferritin['max_censoring'] IS NULL
        THEN ferritin['max'] > CAST(1000.0 AS DOUBLE)
        WHEN LEFT(ferritin['max_censoring'], 1) = '>'
        THEN CASE
          WHEN ferritin['max'] > CAST(1000.0 AS DOUBLE)
          OR (
            ferritin['max'] = CAST(1000.0 AS DOUBLE)
            AND ferritin['max_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT ferritin['max'] > CAST(1000.0 AS DOUBLE)
          OR (
            ferritin['max'] = CAST(1000.0 AS DOUBLE)
            AND ferritin['max_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN ferritin['open_above'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN ferritin['max_censoring'] IS NULL
          THEN ferritin['max'] > CAST(1000.0 AS DOUBLE)
          WHEN LEFT(ferritin['max_censoring'], 1) = '>'
          THEN CASE
            WHEN ferritin['max'] > CAST(1000.0 AS DOUBLE)
            OR (
              ferritin['max'] = CAST(1000.0 AS DOUBLE)
              AND ferritin['max_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT ferritin['max'] > CAST(1000.0 AS DOUBLE)
            OR (
              ferritin['max'] = CAST(1000.0 AS DOUBLE)
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
  COALESCE(scd25.met AND ferritin.met, FALSE) AS ohi__met,
  COALESCE(scd25.met AND ferritin.met, TRUE) AS ohi__possible,
  scd25.value AS ohi__scd25,
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
  END AS ohi__context,
  CASE
    WHEN age_years < 18 OR age_years >= NULL
    THEN 'outside'
    WHEN (
      (
        NOT 18 IS NULL OR NOT NULL IS NULL
      ) AND age_years IS NULL
    )
    THEN 'unknown'
    ELSE 'in'
  END AS ohi__population,
  STRUCT(scd25 AS scd25, ferritin AS ferritin) AS ohi__evidence
FROM items
