-- temp.rule_hscore_icu (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/temp.rule_hscore_icu.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
-- rule_hscore_icu (temporary table): the HScore against the cut-off of its adult ICU validation
-- (Knaak C et al. Crit Care 2020;24:244, doi:10.1186/s13054-020-02941-3), in that study's
-- population: adults in intensive care whose ferritin reached the gate (ferritin_gate).
-- Reads: temp.screen_day, temp.rule_hscore (same items and bounds). Parameters: $hscore_icu__*.
-- Key: (patient_id, as_of_date). __population is 'outside' when any requirement fails (age, ICU,
-- ferritin below the gate), 'unknown' when one cannot be told.
-- Writes: temp.rule_hscore_icu (the rows this returns, by pipelines/screen/screening.py).
WITH gated AS (
  SELECT
    d.patient_id,
    d.as_of_date,
    d.contexts,
    d.suspected_contexts,
    h.hscore__lower,
    h.hscore__upper,
    STRUCT(
      d.ferritin['max'] AS value,
      d.ferritin['max_censoring'] AS censoring,
      'ng/mL' AS unit,
      d.ferritin['max_at'] AS taken_at,
      '>=' AS operator,
      CAST(500.0 AS DOUBLE) AS threshold,
      CASE
        WHEN d.ferritin['max_censoring'] IS NULL
        THEN d.ferritin['max'] >= CAST(500.0 AS DOUBLE)
        WHEN LEFT(d.ferritin['max_censoring'], 1) = '>'
        THEN CASE
          WHEN d.ferritin['max'] >= CAST(500.0 AS DOUBLE)
          OR (
            d.ferritin['max'] = CAST(500.0 AS DOUBLE)
            AND d.ferritin['max_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT d.ferritin['max'] >= CAST(500.0 AS DOUBLE)
          OR (
            d.ferritin['max'] = CAST(500.0 AS DOUBLE)
            AND d.ferritin['max_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN d.ferritin['open_above'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN d.ferritin['max_censoring'] IS NULL
          THEN d.ferritin['max'] >= CAST(500.0 AS DOUBLE)
          WHEN LEFT(d.ferritin['max_censoring'], 1) = '>'
          THEN CASE
            WHEN d.ferritin['max'] >= CAST(500.0 AS DOUBLE)
            OR (
              d.ferritin['max'] = CAST(500.0 AS DOUBLE)
              AND d.ferritin['max_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT d.ferritin['max'] >= CAST(500.0 AS DOUBLE)
            OR (
              d.ferritin['max'] = CAST(500.0 AS DOUBLE)
              AND d.ferritin['max_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END
        OR CASE WHEN d.ferritin['open_above'] THEN NULL ELSE FALSE END
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result
    ) AS ferritin_gate,
    CASE
      WHEN d.age_years < 18 OR d.age_years >= NULL OR (
        d.in_icu = FALSE
      )
      THEN 'outside'
      WHEN (
        (
          NOT 18 IS NULL OR NOT NULL IS NULL
        ) AND d.age_years IS NULL
      )
      OR (
        d.in_icu IS NULL
      )
      THEN 'unknown'
      ELSE 'in'
    END AS base_population
  FROM screen_day AS d
  JOIN rule_hscore AS h
    USING (patient_id, as_of_date)
)
SELECT
  patient_id,
  as_of_date,
  hscore__lower >= 168 AS hscore_icu__met,
  hscore__upper >= 168 AS hscore_icu__possible,
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
  END AS hscore_icu__context,
  CASE
    WHEN base_population = 'outside' OR ferritin_gate.met = FALSE
    THEN 'outside'
    WHEN base_population = 'unknown' OR ferritin_gate.met IS NULL
    THEN 'unknown'
    ELSE 'in'
  END AS hscore_icu__population,
  STRUCT(
    hscore__lower AS lower,
    hscore__upper AS upper,
    168 AS cut_off,
    ferritin_gate AS ferritin_gate
  ) AS hscore_icu__evidence
FROM gated
