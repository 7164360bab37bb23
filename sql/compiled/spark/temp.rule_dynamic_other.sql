-- temp.rule_dynamic_other (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/temp.rule_dynamic_other.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
-- rule_dynamic_other (temporary table): other trends against the patient's own baseline window (rule
-- file `trend_windows`): fibrinogen falling, AST or LDH rising, ESR falling while CRP stays high. A
-- trend counts only when its latest value is past its floor (rule file): AST rising from 11 to
-- 24 U/L or fibrinogen falling while still high does not fire. No published cut-off exists for the
-- changes (Ravelli A et al. RMD Open 2016;2:e000161). Reads: temp.screen_day.
-- Parameters: $dynamic_other__*. Key: (patient_id, as_of_date).
-- Writes: temp.rule_dynamic_other (the rows this returns, by pipelines/screen/screening.py).
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
        fibrinogen__trend__pct_drop
      ) * POWER(10, 2), 0) / POWER(10, 2) AS value,
      '%' AS unit,
      '>=' AS operator,
      CAST(30.0 AS DOUBLE) AS threshold,
      fibrinogen__trend__pct_drop >= CAST(30.0 AS DOUBLE) AS met,
      CASE fibrinogen__trend__pct_drop >= CAST(30.0 AS DOUBLE)
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result,
      fibrinogen__trend__baseline AS baseline,
      STRUCT(
        fibrinogen['last'] AS value,
        fibrinogen['last_censoring'] AS censoring,
        'mg/dL' AS unit,
        fibrinogen['last_at'] AS taken_at,
        '<=' AS operator,
        CAST(360.0 AS DOUBLE) AS threshold,
        CASE
          WHEN fibrinogen['last_censoring'] IS NULL
          THEN fibrinogen['last'] <= CAST(360.0 AS DOUBLE)
          WHEN LEFT(fibrinogen['last_censoring'], 1) = '<'
          THEN CASE
            WHEN fibrinogen['last'] <= CAST(360.0 AS DOUBLE)
            OR (
              fibrinogen['last'] = CAST(360.0 AS DOUBLE)
              AND fibrinogen['last_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT fibrinogen['last'] <= CAST(360.0 AS DOUBLE)
            OR (
              fibrinogen['last'] = CAST(360.0 AS DOUBLE)
              AND fibrinogen['last_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END AS met,
        CASE CASE
            WHEN fibrinogen['last_censoring'] IS NULL
            THEN fibrinogen['last'] <= CAST(360.0 AS DOUBLE)
            WHEN LEFT(fibrinogen['last_censoring'], 1) = '<'
            THEN CASE
              WHEN fibrinogen['last'] <= CAST(360.0 AS DOUBLE)
              OR (
                fibrinogen['last'] = CAST(360.0 AS DOUBLE)
                AND fibrinogen['last_censoring'] IN ('<', '>')
              )
              THEN TRUE
            END
            ELSE CASE
              WHEN NOT fibrinogen['last'] <= CAST(360.0 AS DOUBLE)
              OR (
                fibrinogen['last'] = CAST(360.0 AS DOUBLE)
                AND fibrinogen['last_censoring'] IN ('<', '>')
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
      ) AS latest
    ) AS fibrinogen_drop,
    STRUCT(
      ROUND((
        ast__trend__fold_rise
      ) * POWER(10, 2), 0) / POWER(10, 2) AS value,
      'fold' AS unit,
      '>=' AS operator,
      CAST(2.0 AS DOUBLE) AS threshold,
      ast__trend__fold_rise >= CAST(2.0 AS DOUBLE) AS met,
      CASE ast__trend__fold_rise >= CAST(2.0 AS DOUBLE)
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result,
      ast__trend__baseline AS baseline,
      STRUCT(
        ast['last'] AS value,
        ast['last_censoring'] AS censoring,
        'U/L' AS unit,
        ast['last_at'] AS taken_at,
        '>' AS operator,
        CAST(48.0 AS DOUBLE) AS threshold,
        CASE
          WHEN ast['last_censoring'] IS NULL
          THEN ast['last'] > CAST(48.0 AS DOUBLE)
          WHEN LEFT(ast['last_censoring'], 1) = '>'
          THEN CASE
            WHEN ast['last'] > CAST(48.0 AS DOUBLE)
            OR (
              ast['last'] = CAST(48.0 AS DOUBLE) AND ast['last_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT ast['last'] > CAST(48.0 AS DOUBLE)
            OR (
              ast['last'] = CAST(48.0 AS DOUBLE) AND ast['last_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END AS met,
        CASE CASE
            WHEN ast['last_censoring'] IS NULL
            THEN ast['last'] > CAST(48.0 AS DOUBLE)
            WHEN LEFT(ast['last_censoring'], 1) = '>'
            THEN CASE
              WHEN ast['last'] > CAST(48.0 AS DOUBLE)
              OR (
                ast['last'] = CAST(48.0 AS DOUBLE) AND ast['last_censoring'] IN ('<', '>')
              )
              THEN TRUE
            END
            ELSE CASE
              WHEN NOT ast['last'] > CAST(48.0 AS DOUBLE)
              OR (
                ast['last'] = CAST(48.0 AS DOUBLE) AND ast['last_censoring'] IN ('<', '>')
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
      ) AS latest
    ) AS ast_rise,
    STRUCT(
      ROUND((
        ldh__trend__fold_rise
      ) * POWER(10, 2), 0) / POWER(10, 2) AS value,
      'fold' AS unit,
      '>=' AS operator,
      CAST(2.0 AS DOUBLE) AS threshold,
      ldh__trend__fold_rise >= CAST(2.0 AS DOUBLE) AS met,
      CASE ldh__trend__fold_rise >= CAST(2.0 AS DOUBLE)
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result,
      ldh__trend__baseline AS baseline,
      STRUCT(
        ldh['last'] AS value,
        ldh['last_censoring'] AS censoring,
        'U/L' AS unit,
        ldh['last_at'] AS taken_at,
        '>' AS operator,
        CAST(882.0 AS DOUBLE) AS threshold,
        CASE
          WHEN ldh['last_censoring'] IS NULL
          THEN ldh['last'] > CAST(882.0 AS DOUBLE)
          WHEN LEFT(ldh['last_censoring'], 1) = '>'
          THEN CASE
            WHEN ldh['last'] > CAST(882.0 AS DOUBLE)
            OR (
              ldh['last'] = CAST(882.0 AS DOUBLE) AND ldh['last_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT ldh['last'] > CAST(882.0 AS DOUBLE)
            OR (
              ldh['last'] = CAST(882.0 AS DOUBLE) AND ldh['last_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END AS met,
        CASE CASE
            WHEN ldh['last_censoring'] IS NULL
            THEN ldh['last'] > CAST(882.0 AS DOUBLE)
            WHEN LEFT(ldh['last_censoring'], 1) = '>'
            THEN CASE
              WHEN ldh['last'] > CAST(882.0 AS DOUBLE)
              OR (
                ldh['last'] = CAST(882.0 AS DOUBLE) AND ldh['last_censoring'] IN ('<', '>')
              )
              THEN TRUE
            END
            ELSE CASE
              WHEN NOT ldh['last'] > CAST(882.0 AS DOUBLE)
              OR (
                ldh['last'] = CAST(882.0 AS DOUBLE) AND ldh['last_censoring'] IN ('<', '>')
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
      ) AS latest
    ) AS ldh_rise,
    STRUCT(
      ROUND((
        esr__trend__pct_drop
      ) * POWER(10, 2), 0) / POWER(10, 2) AS value,
      '%' AS unit,
      '>=' AS operator,
      CAST(30.0 AS DOUBLE) AS threshold,
      esr__trend__pct_drop >= CAST(30.0 AS DOUBLE) AS met,
      CASE esr__trend__pct_drop >= CAST(30.0 AS DOUBLE)
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result,
      esr__trend__baseline AS baseline,
      STRUCT(
        crp['last'] AS value,
        crp['last_censoring'] AS censoring,
        'mg/L' AS unit,
        crp['last_at'] AS taken_at,
        '>=' AS operator,
        CAST(50.0 AS DOUBLE) AS threshold,
        CASE
          WHEN crp['last_censoring'] IS NULL
          THEN crp['last'] >= CAST(50.0 AS DOUBLE)
          WHEN LEFT(crp['last_censoring'], 1) = '>'
          THEN CASE
            WHEN crp['last'] >= CAST(50.0 AS DOUBLE)
            OR (
              crp['last'] = CAST(50.0 AS DOUBLE) AND crp['last_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT crp['last'] >= CAST(50.0 AS DOUBLE)
            OR (
              crp['last'] = CAST(50.0 AS DOUBLE) AND crp['last_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END AS met,
        CASE CASE
            WHEN crp['last_censoring'] IS NULL
            THEN crp['last'] >= CAST(50.0 AS DOUBLE)
            WHEN LEFT(crp['last_censoring'], 1) = '>'
            THEN CASE
              WHEN crp['last'] >= CAST(50.0 AS DOUBLE)
              OR (
                crp['last'] = CAST(50.0 AS DOUBLE) AND crp['last_censoring'] IN ('<', '>')
              )
              THEN TRUE
            END
            ELSE CASE
              WHEN NOT crp['last'] >= CAST(50.0 AS DOUBLE)
              OR (
                crp['last'] = CAST(50.0 AS DOUBLE) AND crp['last_censoring'] IN ('<', '>')
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
      ) AS latest
    ) AS esr_drop_crp_high
  FROM screen_day
)
SELECT
  patient_id,
  as_of_date,
  COALESCE(fibrinogen_drop.met AND fibrinogen_drop.latest.met, FALSE)
  OR COALESCE(ast_rise.met AND ast_rise.latest.met, FALSE)
  OR COALESCE(ldh_rise.met AND ldh_rise.latest.met, FALSE)
  OR COALESCE(esr_drop_crp_high.met AND esr_drop_crp_high.latest.met, FALSE) AS dynamic_other__met,
  COALESCE(fibrinogen_drop.met AND fibrinogen_drop.latest.met, TRUE)
  OR COALESCE(ast_rise.met AND ast_rise.latest.met, TRUE)
  OR COALESCE(ldh_rise.met AND ldh_rise.latest.met, TRUE)
  OR COALESCE(esr_drop_crp_high.met AND esr_drop_crp_high.latest.met, TRUE) AS dynamic_other__possible,
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
  END AS dynamic_other__context,
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
  END AS dynamic_other__population,
  STRUCT(
    fibrinogen_drop AS fibrinogen_drop,
    ast_rise AS ast_rise,
    ldh_rise AS ldh_rise,
    esr_drop_crp_high AS esr_drop_crp_high
  ) AS dynamic_other__evidence
FROM items
