-- temp.rule_hlh_2004 (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/temp.rule_hlh_2004.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
-- rule_hlh_2004 (temporary table): HLH-2004 diagnostic guidelines, the criteria computable from labs
-- and vitals (Henter JI et al. Pediatr Blood Cancer 2007;48:124-131, doi:10.1002/pbc.21039). The
-- same file evaluates the rule file's variants built on it (hlh_2004 is the rule id; hlh_2004_icu,
-- Knaak 2020, replaces the ferritin and fever cut-offs and the count needed).
-- Reads: temp.screen_day. Parameters: $hlh_2004__* (rule file; thresholds in canonical units).
-- Key: (patient_id, as_of_date).
--   __criteria_met      criteria met of the 8 (fever, cytopenias in >= min_cytopenic_lineages of
--                       3 lineages, triglycerides and/or fibrinogen, ferritin, sCD25)
--   __criteria_unknown  criteria without a value, plus the 3 never computable (splenomegaly,
--                       haemophagocytosis, NK-cell activity)
--   __met / __possible  criteria_met / criteria_met + criteria_unknown >= min_criteria
-- Haemoglobin uses the infant cut-off when the patient was younger than infant_age_days when the
-- lowest haemoglobin was drawn (the general cut-off without a birth date).
-- Writes: temp.rule_hlh_2004 (the rows this returns, by pipelines/screen/screening.py).
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
    CASE
      WHEN DATEDIFF(CAST(hemoglobin['min_at'] AS DATE), CAST(birth_date AS DATE)) < 28
      THEN STRUCT(
        hemoglobin['min'] AS value,
        hemoglobin['min_censoring'] AS censoring,
        'g/dL' AS unit,
        hemoglobin['min_at'] AS taken_at,
        '<' AS operator,
        CAST(10.0 AS DOUBLE) AS threshold,
        CASE
          WHEN hemoglobin['min_censoring'] IS NULL
          THEN hemoglobin['min'] < CAST(10.0 AS DOUBLE)
          WHEN LEFT(hemoglobin['min_censoring'], 1) = '<'
          THEN CASE
            WHEN hemoglobin['min'] < CAST(10.0 AS DOUBLE)
            OR (
              hemoglobin['min'] = CAST(10.0 AS DOUBLE)
              AND hemoglobin['min_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT hemoglobin['min'] < CAST(10.0 AS DOUBLE)
            OR (
              hemoglobin['min'] = CAST(10.0 AS DOUBLE)
              AND hemoglobin['min_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END
        OR CASE WHEN hemoglobin['open_below'] THEN NULL ELSE FALSE END AS met,
        CASE CASE
            WHEN hemoglobin['min_censoring'] IS NULL
            THEN hemoglobin['min'] < CAST(10.0 AS DOUBLE)
            WHEN LEFT(hemoglobin['min_censoring'], 1) = '<'
            THEN CASE
              WHEN hemoglobin['min'] < CAST(10.0 AS DOUBLE)
              OR (
                hemoglobin['min'] = CAST(10.0 AS DOUBLE)
                AND hemoglobin['min_censoring'] IN ('<', '>')
              )
              THEN TRUE
            END
            ELSE CASE
              WHEN NOT hemoglobin['min'] < CAST(10.0 AS DOUBLE)
              OR (
                hemoglobin['min'] = CAST(10.0 AS DOUBLE)
                AND hemoglobin['min_censoring'] IN ('<', '>')
              )
              THEN FALSE
            END
          END
          OR CASE WHEN hemoglobin['open_below'] THEN NULL ELSE FALSE END
          WHEN TRUE
          THEN 'met'
          WHEN FALSE
          THEN 'not met'
          ELSE 'unknown'
        END AS result
      )
      ELSE STRUCT(
        hemoglobin['min'] AS value,
        hemoglobin['min_censoring'] AS censoring,
        'g/dL' AS unit,
        hemoglobin['min_at'] AS taken_at,
        '<' AS operator,
        CAST(9.0 AS DOUBLE) AS threshold,
        CASE
          WHEN hemoglobin['min_censoring'] IS NULL
          THEN hemoglobin['min'] < CAST(9.0 AS DOUBLE)
          WHEN LEFT(hemoglobin['min_censoring'], 1) = '<'
          THEN CASE
            WHEN hemoglobin['min'] < CAST(9.0 AS DOUBLE)
            OR (
              hemoglobin['min'] = CAST(9.0 AS DOUBLE)
              AND hemoglobin['min_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT hemoglobin['min'] < CAST(9.0 AS DOUBLE)
            OR (
              hemoglobin['min'] = CAST(9.0 AS DOUBLE)
              AND hemoglobin['min_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END
        OR CASE WHEN hemoglobin['open_below'] THEN NULL ELSE FALSE END AS met,
        CASE CASE
            WHEN hemoglobin['min_censoring'] IS NULL
            THEN hemoglobin['min'] < CAST(9.0 AS DOUBLE)
            WHEN LEFT(hemoglobin['min_censoring'], 1) = '<'
            THEN CASE
              WHEN hemoglobin['min'] < CAST(9.0 AS DOUBLE)
              OR (
                hemoglobin['min'] = CAST(9.0 AS DOUBLE)
                AND hemoglobin['min_censoring'] IN ('<', '>')
              )
              THEN TRUE
            END
            ELSE CASE
              WHEN NOT hemoglobin['min'] < CAST(9.0 AS DOUBLE)
              OR (
                hemoglobin['min'] = CAST(9.0 AS DOUBLE)
                AND hemoglobin['min_censoring'] IN ('<', '>')
              )
              THEN FALSE
            END
          END
          OR CASE WHEN hemoglobin['open_below'] THEN NULL ELSE FALSE END
          WHEN TRUE
          THEN 'met'
          WHEN FALSE
          THEN 'not met'
          ELSE 'unknown'
        END AS result
      )
    END AS hemoglobin,
    DATEDIFF(CAST(hemoglobin['min_at'] AS DATE), CAST(birth_date AS DATE)) AS age_days_at_hemoglobin,
    STRUCT(
      platelets['min'] AS value,
      platelets['min_censoring'] AS censoring,
      '10*3/uL' AS unit,
      platelets['min_at'] AS taken_at,
      '<' AS operator,
      CAST(100.0 AS DOUBLE) AS threshold,
      CASE
        WHEN platelets['min_censoring'] IS NULL
        THEN platelets['min'] < CAST(100.0 AS DOUBLE)
        WHEN LEFT(platelets['min_censoring'], 1) = '<'
        THEN CASE
          WHEN platelets['min'] < CAST(100.0 AS DOUBLE)
          OR (
            platelets['min'] = CAST(100.0 AS DOUBLE)
            AND platelets['min_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT platelets['min'] < CAST(100.0 AS DOUBLE)
          OR (
            platelets['min'] = CAST(100.0 AS DOUBLE)
            AND platelets['min_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN platelets['open_below'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN platelets['min_censoring'] IS NULL
          THEN platelets['min'] < CAST(100.0 AS DOUBLE)
          WHEN LEFT(platelets['min_censoring'], 1) = '<'
          THEN CASE
            WHEN platelets['min'] < CAST(100.0 AS DOUBLE)
            OR (
              platelets['min'] = CAST(100.0 AS DOUBLE)
              AND platelets['min_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT platelets['min'] < CAST(100.0 AS DOUBLE)
            OR (
              platelets['min'] = CAST(100.0 AS DOUBLE)
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
      anc['min'] AS value,
      anc['min_censoring'] AS censoring,
      '10*3/uL' AS unit,
      anc['min_at'] AS taken_at,
      '<' AS operator,
      CAST(1.0 AS DOUBLE) AS threshold,
      CASE
        WHEN anc['min_censoring'] IS NULL
        THEN anc['min'] < CAST(1.0 AS DOUBLE)
        WHEN LEFT(anc['min_censoring'], 1) = '<'
        THEN CASE
          WHEN anc['min'] < CAST(1.0 AS DOUBLE)
          OR (
            anc['min'] = CAST(1.0 AS DOUBLE) AND anc['min_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT anc['min'] < CAST(1.0 AS DOUBLE)
          OR (
            anc['min'] = CAST(1.0 AS DOUBLE) AND anc['min_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN anc['open_below'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN anc['min_censoring'] IS NULL
          THEN anc['min'] < CAST(1.0 AS DOUBLE)
          WHEN LEFT(anc['min_censoring'], 1) = '<'
          THEN CASE
            WHEN anc['min'] < CAST(1.0 AS DOUBLE)
            OR (
              anc['min'] = CAST(1.0 AS DOUBLE) AND anc['min_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT anc['min'] < CAST(1.0 AS DOUBLE)
            OR (
              anc['min'] = CAST(1.0 AS DOUBLE) AND anc['min_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END
        OR CASE WHEN anc['open_below'] THEN NULL ELSE FALSE END
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result
    ) AS anc,
    STRUCT(
      triglycerides['max'] AS value,
      triglycerides['max_censoring'] AS censoring,
      'mg/dL' AS unit,
      triglycerides['max_at'] AS taken_at,
      '>=' AS operator,
      CAST(265.0 AS DOUBLE) AS threshold,
      CASE
        WHEN triglycerides['max_censoring'] IS NULL
        THEN triglycerides['max'] >= CAST(265.0 AS DOUBLE)
        WHEN LEFT(triglycerides['max_censoring'], 1) = '>'
        THEN CASE
          WHEN triglycerides['max'] >= CAST(265.0 AS DOUBLE)
          OR (
            triglycerides['max'] = CAST(265.0 AS DOUBLE)
            AND triglycerides['max_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT triglycerides['max'] >= CAST(265.0 AS DOUBLE)
          OR (
            triglycerides['max'] = CAST(265.0 AS DOUBLE)
            AND triglycerides['max_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN triglycerides['open_above'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN triglycerides['max_censoring'] IS NULL
          THEN triglycerides['max'] >= CAST(265.0 AS DOUBLE)
          WHEN LEFT(triglycerides['max_censoring'], 1) = '>'
          THEN CASE
            WHEN triglycerides['max'] >= CAST(265.0 AS DOUBLE)
            OR (
              triglycerides['max'] = CAST(265.0 AS DOUBLE)
              AND triglycerides['max_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT triglycerides['max'] >= CAST(265.0 AS DOUBLE)
            OR (
              triglycerides['max'] = CAST(265.0 AS DOUBLE)
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
      CAST(150.0 AS DOUBLE) AS threshold,
      CASE
        WHEN fibrinogen['min_censoring'] IS NULL
        THEN fibrinogen['min'] <= CAST(150.0 AS DOUBLE)
        WHEN LEFT(fibrinogen['min_censoring'], 1) = '<'
        THEN CASE
          WHEN fibrinogen['min'] <= CAST(150.0 AS DOUBLE)
          OR (
            fibrinogen['min'] = CAST(150.0 AS DOUBLE)
            AND fibrinogen['min_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT fibrinogen['min'] <= CAST(150.0 AS DOUBLE)
          OR (
            fibrinogen['min'] = CAST(150.0 AS DOUBLE)
            AND fibrinogen['min_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN fibrinogen['open_below'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN fibrinogen['min_censoring'] IS NULL
          THEN fibrinogen['min'] <= CAST(150.0 AS DOUBLE)
          WHEN LEFT(fibrinogen['min_censoring'], 1) = '<'
          THEN CASE
            WHEN fibrinogen['min'] <= CAST(150.0 AS DOUBLE)
            OR (
              fibrinogen['min'] = CAST(150.0 AS DOUBLE)
              AND fibrinogen['min_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT fibrinogen['min'] <= CAST(150.0 AS DOUBLE)
            OR (
              fibrinogen['min'] = CAST(150.0 AS DOUBLE)
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
    ) AS fibrinogen,
    STRUCT(
      ferritin['max'] AS value,
      ferritin['max_censoring'] AS censoring,
      'ng/mL' AS unit,
      ferritin['max_at'] AS taken_at,
      '>=' AS operator,
      CAST(500.0 AS DOUBLE) AS threshold,
      CASE
        WHEN ferritin['max_censoring'] IS NULL
        THEN ferritin['max'] >= CAST(500.0 AS DOUBLE)
        WHEN LEFT(ferritin['max_censoring'], 1) = '>'
        THEN CASE
          WHEN ferritin['max'] >= CAST(500.0 AS DOUBLE)
          OR (
            ferritin['max'] = CAST(500.0 AS DOUBLE)
            AND ferritin['max_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT ferritin['max'] >= CAST(500.0 AS DOUBLE)
          OR (
            ferritin['max'] = CAST(500.0 AS DOUBLE)
            AND ferritin['max_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN ferritin['open_above'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN ferritin['max_censoring'] IS NULL
          THEN ferritin['max'] >= CAST(500.0 AS DOUBLE)
          WHEN LEFT(ferritin['max_censoring'], 1) = '>'
          THEN CASE
            WHEN ferritin['max'] >= CAST(500.0 AS DOUBLE)
            OR (
              ferritin['max'] = CAST(500.0 AS DOUBLE)
              AND ferritin['max_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT ferritin['max'] >= CAST(500.0 AS DOUBLE)
            OR (
              ferritin['max'] = CAST(500.0 AS DOUBLE)
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
      scd25_u['max'] AS value,
      scd25_u['max_censoring'] AS censoring,
      'U/mL' AS unit,
      scd25_u['max_at'] AS taken_at,
      '>=' AS operator,
      CAST(2400.0 AS DOUBLE) AS threshold,
      CASE
        WHEN scd25_u['max_censoring'] IS NULL
        THEN scd25_u['max'] >= CAST(2400.0 AS DOUBLE)
        WHEN LEFT(scd25_u['max_censoring'], 1) = '>'
        THEN CASE
          WHEN scd25_u['max'] >= CAST(2400.0 AS DOUBLE)
          OR (
            scd25_u['max'] = CAST(2400.0 AS DOUBLE)
            AND scd25_u['max_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT scd25_u['max'] >= CAST(2400.0 AS DOUBLE)
          OR (
            scd25_u['max'] = CAST(2400.0 AS DOUBLE)
            AND scd25_u['max_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN scd25_u['open_above'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN scd25_u['max_censoring'] IS NULL
          THEN scd25_u['max'] >= CAST(2400.0 AS DOUBLE)
          WHEN LEFT(scd25_u['max_censoring'], 1) = '>'
          THEN CASE
            WHEN scd25_u['max'] >= CAST(2400.0 AS DOUBLE)
            OR (
              scd25_u['max'] = CAST(2400.0 AS DOUBLE)
              AND scd25_u['max_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT scd25_u['max'] >= CAST(2400.0 AS DOUBLE)
            OR (
              scd25_u['max'] = CAST(2400.0 AS DOUBLE)
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
    ) AS scd25
  FROM screen_day
), criteria AS (
  SELECT
    *,
    ARRAY(hemoglobin.met, platelets.met, anc.met) AS lineages,
    CASE
      WHEN SIZE(FILTER(lineages, x -> x)) >= 2
      THEN TRUE
      WHEN SIZE(FILTER(lineages, x -> x)) + SIZE(FILTER(lineages, x -> x IS NULL)) < 2
      THEN FALSE
    END AS cytopenias,
    triglycerides.met OR fibrinogen.met AS triglycerides_fibrinogen
  FROM items
)
SELECT
  patient_id,
  as_of_date,
  SIZE(
    FILTER(
      ARRAY(fever.met, cytopenias, triglycerides_fibrinogen, ferritin.met, scd25.met),
      x -> x
    )
  ) AS hlh_2004__criteria_met,
  SIZE(
    FILTER(
      ARRAY(fever.met, cytopenias, triglycerides_fibrinogen, ferritin.met, scd25.met),
      x -> x IS NULL
    )
  ) + 3 AS hlh_2004__criteria_unknown,
  hlh_2004__criteria_met + hlh_2004__criteria_unknown AS hlh_2004__criteria_max,
  hlh_2004__criteria_met >= 5 AS hlh_2004__met,
  hlh_2004__criteria_max >= 5 AS hlh_2004__possible,
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
  END AS hlh_2004__context,
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
  END AS hlh_2004__population,
  STRUCT(
    fever AS fever,
    STRUCT(
      cytopenias AS met,
      2 AS lineages_needed,
      hemoglobin AS hemoglobin,
      age_days_at_hemoglobin AS age_days_at_hemoglobin,
      platelets AS platelets,
      anc AS anc
    ) AS cytopenias,
    STRUCT(
      triglycerides_fibrinogen AS met,
      triglycerides AS triglycerides,
      fibrinogen AS fibrinogen
    ) AS triglycerides_fibrinogen,
    ferritin AS ferritin,
    scd25 AS scd25,
    5 AS criteria_needed
  ) AS hlh_2004__evidence
FROM criteria
