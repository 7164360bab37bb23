-- temp.rule_ms_score (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/temp.rule_ms_score.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
-- rule_ms_score (temporary table): the MS score for MAS in systemic JIA, laboratory part with the
-- interval its clinical items allow (Minoia F et al. Ann Rheum Dis 2019;78:1357-1362,
-- doi:10.1136/annrheumdis-2019-215211): MS = sum of coefficient x value, platelets 10*9/L, LDH U/L,
-- fibrinogen mg/dL, ferritin ng/mL, on the latest values in the pairing window.
-- Reads: temp.screen_day, temp.rule_fever. Parameters: $ms_score__*.
-- Key: (patient_id, as_of_date).
--   __lab_part         the laboratory part on the values as sent (NULL when a lab is missing)
--   __lower / __upper  lab part bounds (a censored value widens them; NULL when unbounded or a lab
--                      is missing) plus the clinical items' negative / positive coefficients
--   __met / __possible lower / upper meets the cut-off (possible, too, when a lab is missing)
--   __population       febrile ('unknown' without a temperature)
-- Writes: temp.rule_ms_score (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
  SELECT
    d.patient_id,
    d.as_of_date,
    d.contexts,
    d.suspected_contexts,
    d.age_years,
    d.in_icu,
    f.fever__met,
    d.platelets,
    d.ldh,
    d.fibrinogen,
    d.ferritin,
    CASE
      WHEN -CAST(0.003 AS DOUBLE) >= 0
      THEN -CAST(0.003 AS DOUBLE) * CASE
        WHEN d.platelets['last_censoring'] IN ('<', '<=')
        THEN 0.0
        ELSE d.platelets['last']
      END
      ELSE -CAST(0.003 AS DOUBLE) * CASE
        WHEN d.platelets['last_censoring'] IN ('>', '>=') AND NOT d.platelets['last'] IS NULL
        THEN CAST('infinity' AS DOUBLE)
        ELSE d.platelets['last']
      END
    END + CASE
      WHEN CAST(0.001 AS DOUBLE) >= 0
      THEN CAST(0.001 AS DOUBLE) * CASE WHEN d.ldh['last_censoring'] IN ('<', '<=') THEN 0.0 ELSE d.ldh['last'] END
      ELSE CAST(0.001 AS DOUBLE) * CASE
        WHEN d.ldh['last_censoring'] IN ('>', '>=') AND NOT d.ldh['last'] IS NULL
        THEN CAST('infinity' AS DOUBLE)
        ELSE d.ldh['last']
      END
    END + CASE
      WHEN -CAST(0.004 AS DOUBLE) >= 0
      THEN -CAST(0.004 AS DOUBLE) * CASE
        WHEN d.fibrinogen['last_censoring'] IN ('<', '<=')
        THEN 0.0
        ELSE d.fibrinogen['last']
      END
      ELSE -CAST(0.004 AS DOUBLE) * CASE
        WHEN d.fibrinogen['last_censoring'] IN ('>', '>=')
        AND NOT d.fibrinogen['last'] IS NULL
        THEN CAST('infinity' AS DOUBLE)
        ELSE d.fibrinogen['last']
      END
    END + CASE
      WHEN CAST(0.0001 AS DOUBLE) >= 0
      THEN CAST(0.0001 AS DOUBLE) * CASE
        WHEN d.ferritin['last_censoring'] IN ('<', '<=')
        THEN 0.0
        ELSE d.ferritin['last']
      END
      ELSE CAST(0.0001 AS DOUBLE) * CASE
        WHEN d.ferritin['last_censoring'] IN ('>', '>=') AND NOT d.ferritin['last'] IS NULL
        THEN CAST('infinity' AS DOUBLE)
        ELSE d.ferritin['last']
      END
    END AS lab_part_low,
    CASE
      WHEN -CAST(0.003 AS DOUBLE) >= 0
      THEN -CAST(0.003 AS DOUBLE) * CASE
        WHEN d.platelets['last_censoring'] IN ('>', '>=') AND NOT d.platelets['last'] IS NULL
        THEN CAST('infinity' AS DOUBLE)
        ELSE d.platelets['last']
      END
      ELSE -CAST(0.003 AS DOUBLE) * CASE
        WHEN d.platelets['last_censoring'] IN ('<', '<=')
        THEN 0.0
        ELSE d.platelets['last']
      END
    END + CASE
      WHEN CAST(0.001 AS DOUBLE) >= 0
      THEN CAST(0.001 AS DOUBLE) * CASE
        WHEN d.ldh['last_censoring'] IN ('>', '>=') AND NOT d.ldh['last'] IS NULL
        THEN CAST('infinity' AS DOUBLE)
        ELSE d.ldh['last']
      END
      ELSE CAST(0.001 AS DOUBLE) * CASE WHEN d.ldh['last_censoring'] IN ('<', '<=') THEN 0.0 ELSE d.ldh['last'] END
    END + CASE
      WHEN -CAST(0.004 AS DOUBLE) >= 0
      THEN -CAST(0.004 AS DOUBLE) * CASE
        WHEN d.fibrinogen['last_censoring'] IN ('>', '>=')
        AND NOT d.fibrinogen['last'] IS NULL
        THEN CAST('infinity' AS DOUBLE)
        ELSE d.fibrinogen['last']
      END
      ELSE -CAST(0.004 AS DOUBLE) * CASE
        WHEN d.fibrinogen['last_censoring'] IN ('<', '<=')
        THEN 0.0
        ELSE d.fibrinogen['last']
      END
    END + CASE
      WHEN CAST(0.0001 AS DOUBLE) >= 0
      THEN CAST(0.0001 AS DOUBLE) * CASE
        WHEN d.ferritin['last_censoring'] IN ('>', '>=') AND NOT d.ferritin['last'] IS NULL
        THEN CAST('infinity' AS DOUBLE)
        ELSE d.ferritin['last']
      END
      ELSE CAST(0.0001 AS DOUBLE) * CASE
        WHEN d.ferritin['last_censoring'] IN ('<', '<=')
        THEN 0.0
        ELSE d.ferritin['last']
      END
    END AS lab_part_high,
    -CAST(0.003 AS DOUBLE) * d.platelets['last'] + CAST(0.001 AS DOUBLE) * d.ldh['last'] + -CAST(0.004 AS DOUBLE) * d.fibrinogen['last'] + CAST(0.0001 AS DOUBLE) * d.ferritin['last'] AS lab_part
  FROM screen_day AS d
  JOIN rule_fever AS f
    USING (patient_id, as_of_date)
)
SELECT
  patient_id,
  as_of_date,
  ROUND((
    lab_part
  ) * POWER(10, 4), 0) / POWER(10, 4) AS ms_score__lab_part,
  ROUND(
    (
      CASE
        WHEN ABS((
          lab_part_low + -CAST(1.3 AS DOUBLE)
        )) = CAST('Infinity' AS DOUBLE)
        THEN NULL
        ELSE (
          lab_part_low + -CAST(1.3 AS DOUBLE)
        )
      END
    ) * POWER(10, 4),
    0
  ) / POWER(10, 4) AS ms_score__lower,
  ROUND(
    (
      CASE
        WHEN ABS((
          lab_part_high + CAST(3.98 AS DOUBLE)
        )) = CAST('Infinity' AS DOUBLE)
        THEN NULL
        ELSE (
          lab_part_high + CAST(3.98 AS DOUBLE)
        )
      END
    ) * POWER(10, 4),
    0
  ) / POWER(10, 4) AS ms_score__upper,
  NOT lab_part IS NULL AS ms_score__labs_complete,
  COALESCE((
    lab_part_low + -CAST(1.3 AS DOUBLE)
  ) >= -CAST(2.1 AS DOUBLE), FALSE) AS ms_score__met,
  COALESCE((
    lab_part_high + CAST(3.98 AS DOUBLE)
  ) >= -CAST(2.1 AS DOUBLE), TRUE) AS ms_score__possible,
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
  END AS ms_score__context,
  CASE
    WHEN (
      fever__met = FALSE
    ) OR age_years < NULL OR age_years >= NULL
    THEN 'outside'
    WHEN (
      fever__met IS NULL
    )
    OR (
      (
        NOT NULL IS NULL OR NOT NULL IS NULL
      ) AND age_years IS NULL
    )
    THEN 'unknown'
    ELSE 'in'
  END AS ms_score__population,
  STRUCT(
    STRUCT(
      platelets['last'] AS value,
      platelets['last_censoring'] AS censoring,
      platelets['last_at'] AS taken_at,
      '10*3/uL' AS unit,
      -CAST(0.003 AS DOUBLE) AS coefficient
    ) AS platelets,
    STRUCT(
      ldh['last'] AS value,
      ldh['last_censoring'] AS censoring,
      ldh['last_at'] AS taken_at,
      'U/L' AS unit,
      CAST(0.001 AS DOUBLE) AS coefficient
    ) AS ldh,
    STRUCT(
      fibrinogen['last'] AS value,
      fibrinogen['last_censoring'] AS censoring,
      fibrinogen['last_at'] AS taken_at,
      'mg/dL' AS unit,
      -CAST(0.004 AS DOUBLE) AS coefficient
    ) AS fibrinogen,
    STRUCT(
      ferritin['last'] AS value,
      ferritin['last_censoring'] AS censoring,
      ferritin['last_at'] AS taken_at,
      'ng/mL' AS unit,
      CAST(0.0001 AS DOUBLE) AS coefficient
    ) AS ferritin,
    STRUCT(-CAST(1.3 AS DOUBLE) AS lower, CAST(3.98 AS DOUBLE) AS upper) AS clinical_items,
    '>=' AS operator,
    -CAST(2.1 AS DOUBLE) AS cut_off
  ) AS ms_score__evidence
FROM items
