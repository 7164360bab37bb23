-- temp.rule_ferritin_esr_ratio (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/temp.rule_ferritin_esr_ratio.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
-- rule_ferritin_esr_ratio (temporary table): ferritin (ng/mL) / ESR (mm/h) on the latest values in the
-- pairing window (Eloseily EMA et al. ACR Open Rheumatol 2019;1:345-349, doi:10.1002/acr2.11048).
-- Reads: temp.screen_day. Parameters: $ferritin_esr_ratio__*.
-- Key: (patient_id, as_of_date).
--   __value     the ratio of the numbers as sent; NULL when either is missing or ESR is 0 (undefined)
--   __met       the ratio meets the cut-off for every value its censored inputs allow ('>10000'
--               ferritin over ESR 20 is above 500); __possible: for some value
-- Writes: temp.rule_ferritin_esr_ratio (the rows this returns, by pipelines/screen/screening.py).
WITH latest AS (
  SELECT
    patient_id,
    as_of_date,
    contexts,
    suspected_contexts,
    age_years,
    in_icu,
    ferritin,
    esr,
    CASE WHEN esr['last'] > 0 THEN ferritin['last'] / esr['last'] END AS ratio,
    CASE
      WHEN (
        ferritin['last_censoring'] IN ('>', '>=') OR esr['last_censoring'] IN ('<', '<=')
      )
      AND (
        ferritin['last_censoring'] IN ('<', '<=') OR esr['last_censoring'] IN ('>', '>=')
      )
      THEN 'unbounded'
      WHEN ferritin['last_censoring'] = '>' OR esr['last_censoring'] = '<'
      THEN '>'
      WHEN ferritin['last_censoring'] = '>=' OR esr['last_censoring'] = '<='
      THEN '>='
      WHEN ferritin['last_censoring'] = '<' OR esr['last_censoring'] = '>'
      THEN '<'
      WHEN ferritin['last_censoring'] = '<=' OR esr['last_censoring'] = '>='
      THEN '<='
    END AS ratio_censoring
  FROM screen_day
), tested AS (
  SELECT
    *,
    CASE
      WHEN ratio_censoring = 'unbounded'
      THEN NULL
      ELSE CASE
        WHEN ratio_censoring IS NULL
        THEN ratio >= CAST(21.5 AS DOUBLE)
        WHEN LEFT(ratio_censoring, 1) = '>'
        THEN CASE
          WHEN ratio >= CAST(21.5 AS DOUBLE)
          OR (
            ratio = CAST(21.5 AS DOUBLE) AND ratio_censoring IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT ratio >= CAST(21.5 AS DOUBLE)
          OR (
            ratio = CAST(21.5 AS DOUBLE) AND ratio_censoring IN ('<', '>')
          )
          THEN FALSE
        END
      END
    END AS ratio_met
  FROM latest
)
SELECT
  patient_id,
  as_of_date,
  ROUND((
    ratio
  ) * POWER(10, 2), 0) / POWER(10, 2) AS ferritin_esr_ratio__value,
  COALESCE(ratio_met, FALSE) AS ferritin_esr_ratio__met,
  COALESCE(ratio_met, TRUE) AS ferritin_esr_ratio__possible,
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
  END AS ferritin_esr_ratio__context,
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
  END AS ferritin_esr_ratio__population,
  STRUCT(
    STRUCT(
      ROUND((
        ratio
      ) * POWER(10, 2), 0) / POWER(10, 2) AS value,
      ratio_censoring AS censoring,
      '(ng/mL)/(mm/h)' AS unit,
      '>=' AS operator,
      CAST(21.5 AS DOUBLE) AS threshold,
      ratio_met AS met,
      CASE ratio_met WHEN TRUE THEN 'met' WHEN FALSE THEN 'not met' ELSE 'unknown' END AS result
    ) AS ratio,
    STRUCT(
      ferritin['last'] AS value,
      ferritin['last_censoring'] AS censoring,
      'ng/mL' AS unit,
      ferritin['last_at'] AS taken_at
    ) AS ferritin,
    STRUCT(
      esr['last'] AS value,
      esr['last_censoring'] AS censoring,
      'mm/h' AS unit,
      esr['last_at'] AS taken_at
    ) AS esr
  ) AS ferritin_esr_ratio__evidence
FROM tested
