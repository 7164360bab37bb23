-- temp.rule_hscore (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/temp.rule_hscore.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
-- rule_hscore (temporary table): the HScore for reactive haemophagocytic syndrome, its labs-and-vitals
-- part with bounds (Fardet L et al. Arthritis Rheumatol 2014;66:2613-2620, doi:10.1002/art.38690).
-- Reads: temp.screen_day. Parameters: $hscore__* (rule file; band thresholds in canonical units).
-- Key: (patient_id, as_of_date).
--   __lower / __upper  points surely earned / the most that could be earned: an item without a
--                      value adds 0 / its maximum, a censored value the bands its interval allows,
--                      the clinical items (organomegaly, haemophagocytosis) 0 / their maximum, and
--                      immunosuppression its points when an order shows it, else 0 / its points
--   __met / __possible lower / upper >= cut_off
--   __population       adults ('outside' under min_age_years, 'unknown' without a birth date)
-- Writes: temp.rule_hscore (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
  SELECT
    patient_id,
    as_of_date,
    contexts,
    suspected_contexts,
    age_years,
    in_icu,
    immunosuppressed,
    STRUCT(
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
        THEN temperature['max']
        ELSE temperature['min']
      END AS value,
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
        THEN temperature['max_censoring']
        ELSE temperature['min_censoring']
      END AS censoring,
      'Cel' AS unit,
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
        THEN temperature['max_at']
        ELSE temperature['min_at']
      END AS taken_at,
      TRANSFORM(
        IF(
          (
            SIZE(ARRAY('>=', '>')) + 1 - 1
          ) < 1,
          ARRAY(),
          SEQUENCE(1, (
            SIZE(ARRAY('>=', '>')) + 1 - 1
          ))
        ),
        i -> STRUCT(
          ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT)) AS operator,
          ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT)) AS threshold,
          ELEMENT_AT(ARRAY(33, 49), CAST(i AS INT)) AS points
        )
      ) AS bands,
      CASE
        WHEN NOT CASE
          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
          THEN temperature['max']
          ELSE temperature['min']
        END IS NULL
        THEN COALESCE(
          ARRAY_MAX(
            TRANSFORM(
              IF(
                (
                  SIZE(ARRAY('>=', '>')) + 1 - 1
                ) < 1,
                ARRAY(),
                SEQUENCE(1, (
                  SIZE(ARRAY('>=', '>')) + 1 - 1
                ))
              ),
              i -> CASE
                WHEN COALESCE(
                  CASE
                    WHEN CASE
                      WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                      THEN temperature['max_censoring']
                      ELSE temperature['min_censoring']
                    END IS NULL
                    THEN CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                      WHEN '>'
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN temperature['max']
                        ELSE temperature['min']
                      END > ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '>='
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN temperature['max']
                        ELSE temperature['min']
                      END >= ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '<'
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN temperature['max']
                        ELSE temperature['min']
                      END < ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '<='
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN temperature['max']
                        ELSE temperature['min']
                      END <= ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                    END
                    WHEN LEFT(
                      CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN temperature['max_censoring']
                        ELSE temperature['min_censoring']
                      END,
                      1
                    ) = LEFT(ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT)), 1)
                    THEN CASE
                      WHEN CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max']
                          ELSE temperature['min']
                        END > ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max']
                          ELSE temperature['min']
                        END >= ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max']
                          ELSE temperature['min']
                        END < ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max']
                          ELSE temperature['min']
                        END <= ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      OR (
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max']
                          ELSE temperature['min']
                        END = ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        AND CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max_censoring']
                          ELSE temperature['min_censoring']
                        END IN ('<', '>')
                      )
                      THEN TRUE
                    END
                    ELSE CASE
                      WHEN NOT CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max']
                          ELSE temperature['min']
                        END > ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max']
                          ELSE temperature['min']
                        END >= ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max']
                          ELSE temperature['min']
                        END < ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max']
                          ELSE temperature['min']
                        END <= ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      OR (
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max']
                          ELSE temperature['min']
                        END = ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        AND CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max_censoring']
                          ELSE temperature['min_censoring']
                        END IN ('<', '>')
                      )
                      THEN FALSE
                    END
                  END,
                  FALSE
                )
                THEN ELEMENT_AT(ARRAY(33, 49), CAST(i AS INT))
                ELSE 0
              END
            )
          ),
          0
        )
      END AS points_lower,
      CASE
        WHEN CASE
          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
          THEN temperature['open_above']
          ELSE temperature['open_below']
        END
        THEN ARRAY_MAX(ARRAY(33, 49))
        ELSE CASE
          WHEN NOT CASE
            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
            THEN temperature['max']
            ELSE temperature['min']
          END IS NULL
          THEN COALESCE(
            ARRAY_MAX(
              TRANSFORM(
                IF(
                  (
                    SIZE(ARRAY('>=', '>')) + 1 - 1
                  ) < 1,
                  ARRAY(),
                  SEQUENCE(1, (
                    SIZE(ARRAY('>=', '>')) + 1 - 1
                  ))
                ),
                i -> CASE
                  WHEN COALESCE(
                    CASE
                      WHEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN temperature['max_censoring']
                        ELSE temperature['min_censoring']
                      END IS NULL
                      THEN CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max']
                          ELSE temperature['min']
                        END > ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max']
                          ELSE temperature['min']
                        END >= ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max']
                          ELSE temperature['min']
                        END < ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max']
                          ELSE temperature['min']
                        END <= ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      WHEN LEFT(
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN temperature['max_censoring']
                          ELSE temperature['min_censoring']
                        END,
                        1
                      ) = LEFT(ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT)), 1)
                      THEN CASE
                        WHEN CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                          WHEN '>'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN temperature['max']
                            ELSE temperature['min']
                          END > ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '>='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN temperature['max']
                            ELSE temperature['min']
                          END >= ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN temperature['max']
                            ELSE temperature['min']
                          END < ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN temperature['max']
                            ELSE temperature['min']
                          END <= ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        END
                        OR (
                          CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN temperature['max']
                            ELSE temperature['min']
                          END = ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          AND CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN temperature['max_censoring']
                            ELSE temperature['min_censoring']
                          END IN ('<', '>')
                        )
                        THEN TRUE
                      END
                      ELSE CASE
                        WHEN NOT CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                          WHEN '>'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN temperature['max']
                            ELSE temperature['min']
                          END > ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '>='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN temperature['max']
                            ELSE temperature['min']
                          END >= ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN temperature['max']
                            ELSE temperature['min']
                          END < ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN temperature['max']
                            ELSE temperature['min']
                          END <= ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        END
                        OR (
                          CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN temperature['max']
                            ELSE temperature['min']
                          END = ELEMENT_AT(CAST(ARRAY(38.4, 39.4) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          AND CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN temperature['max_censoring']
                            ELSE temperature['min_censoring']
                          END IN ('<', '>')
                        )
                        THEN FALSE
                      END
                    END,
                    TRUE
                  )
                  THEN ELEMENT_AT(ARRAY(33, 49), CAST(i AS INT))
                  ELSE 0
                END
              )
            ),
            0
          )
        END
      END AS points_upper
    ) AS temperature,
    STRUCT(
      hemoglobin['min'] AS value,
      hemoglobin['min_censoring'] AS censoring,
      'g/dL' AS unit,
      hemoglobin['min_at'] AS taken_at,
      '<=' AS operator,
      CAST(9.2 AS DOUBLE) AS threshold,
      CASE
        WHEN hemoglobin['min_censoring'] IS NULL
        THEN hemoglobin['min'] <= CAST(9.2 AS DOUBLE)
        WHEN LEFT(hemoglobin['min_censoring'], 1) = '<'
        THEN CASE
          WHEN hemoglobin['min'] <= CAST(9.2 AS DOUBLE)
          OR (
            hemoglobin['min'] = CAST(9.2 AS DOUBLE)
            AND hemoglobin['min_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT hemoglobin['min'] <= CAST(9.2 AS DOUBLE)
          OR (
            hemoglobin['min'] = CAST(9.2 AS DOUBLE)
            AND hemoglobin['min_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN hemoglobin['open_below'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN hemoglobin['min_censoring'] IS NULL
          THEN hemoglobin['min'] <= CAST(9.2 AS DOUBLE)
          WHEN LEFT(hemoglobin['min_censoring'], 1) = '<'
          THEN CASE
            WHEN hemoglobin['min'] <= CAST(9.2 AS DOUBLE)
            OR (
              hemoglobin['min'] = CAST(9.2 AS DOUBLE)
              AND hemoglobin['min_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT hemoglobin['min'] <= CAST(9.2 AS DOUBLE)
            OR (
              hemoglobin['min'] = CAST(9.2 AS DOUBLE)
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
    ) AS hemoglobin,
    STRUCT(
      wbc['min'] AS value,
      wbc['min_censoring'] AS censoring,
      '10*3/uL' AS unit,
      wbc['min_at'] AS taken_at,
      '<=' AS operator,
      CAST(5.0 AS DOUBLE) AS threshold,
      CASE
        WHEN wbc['min_censoring'] IS NULL
        THEN wbc['min'] <= CAST(5.0 AS DOUBLE)
        WHEN LEFT(wbc['min_censoring'], 1) = '<'
        THEN CASE
          WHEN wbc['min'] <= CAST(5.0 AS DOUBLE)
          OR (
            wbc['min'] = CAST(5.0 AS DOUBLE) AND wbc['min_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT wbc['min'] <= CAST(5.0 AS DOUBLE)
          OR (
            wbc['min'] = CAST(5.0 AS DOUBLE) AND wbc['min_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN wbc['open_below'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN wbc['min_censoring'] IS NULL
          THEN wbc['min'] <= CAST(5.0 AS DOUBLE)
          WHEN LEFT(wbc['min_censoring'], 1) = '<'
          THEN CASE
            WHEN wbc['min'] <= CAST(5.0 AS DOUBLE)
            OR (
              wbc['min'] = CAST(5.0 AS DOUBLE) AND wbc['min_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT wbc['min'] <= CAST(5.0 AS DOUBLE)
            OR (
              wbc['min'] = CAST(5.0 AS DOUBLE) AND wbc['min_censoring'] IN ('<', '>')
            )
            THEN FALSE
          END
        END
        OR CASE WHEN wbc['open_below'] THEN NULL ELSE FALSE END
        WHEN TRUE
        THEN 'met'
        WHEN FALSE
        THEN 'not met'
        ELSE 'unknown'
      END AS result
    ) AS wbc,
    STRUCT(
      platelets['min'] AS value,
      platelets['min_censoring'] AS censoring,
      '10*3/uL' AS unit,
      platelets['min_at'] AS taken_at,
      '<=' AS operator,
      CAST(110.0 AS DOUBLE) AS threshold,
      CASE
        WHEN platelets['min_censoring'] IS NULL
        THEN platelets['min'] <= CAST(110.0 AS DOUBLE)
        WHEN LEFT(platelets['min_censoring'], 1) = '<'
        THEN CASE
          WHEN platelets['min'] <= CAST(110.0 AS DOUBLE)
          OR (
            platelets['min'] = CAST(110.0 AS DOUBLE)
            AND platelets['min_censoring'] IN ('<', '>')
          )
          THEN TRUE
        END
        ELSE CASE
          WHEN NOT platelets['min'] <= CAST(110.0 AS DOUBLE)
          OR (
            platelets['min'] = CAST(110.0 AS DOUBLE)
            AND platelets['min_censoring'] IN ('<', '>')
          )
          THEN FALSE
        END
      END
      OR CASE WHEN platelets['open_below'] THEN NULL ELSE FALSE END AS met,
      CASE CASE
          WHEN platelets['min_censoring'] IS NULL
          THEN platelets['min'] <= CAST(110.0 AS DOUBLE)
          WHEN LEFT(platelets['min_censoring'], 1) = '<'
          THEN CASE
            WHEN platelets['min'] <= CAST(110.0 AS DOUBLE)
            OR (
              platelets['min'] = CAST(110.0 AS DOUBLE)
              AND platelets['min_censoring'] IN ('<', '>')
            )
            THEN TRUE
          END
          ELSE CASE
            WHEN NOT platelets['min'] <= CAST(110.0 AS DOUBLE)
            OR (
              platelets['min'] = CAST(110.0 AS DOUBLE)
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
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
        THEN ferritin['max']
        ELSE ferritin['min']
      END AS value,
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
        THEN ferritin['max_censoring']
        ELSE ferritin['min_censoring']
      END AS censoring,
      'ng/mL' AS unit,
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
        THEN ferritin['max_at']
        ELSE ferritin['min_at']
      END AS taken_at,
      TRANSFORM(
        IF(
          (
            SIZE(ARRAY('>=', '>')) + 1 - 1
          ) < 1,
          ARRAY(),
          SEQUENCE(1, (
            SIZE(ARRAY('>=', '>')) + 1 - 1
          ))
        ),
        i -> STRUCT(
          ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT)) AS operator,
          ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT)) AS threshold,
          ELEMENT_AT(ARRAY(35, 50), CAST(i AS INT)) AS points
        )
      ) AS bands,
      CASE
        WHEN NOT CASE
          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
          THEN ferritin['max']
          ELSE ferritin['min']
        END IS NULL
        THEN COALESCE(
          ARRAY_MAX(
            TRANSFORM(
              IF(
                (
                  SIZE(ARRAY('>=', '>')) + 1 - 1
                ) < 1,
                ARRAY(),
                SEQUENCE(1, (
                  SIZE(ARRAY('>=', '>')) + 1 - 1
                ))
              ),
              i -> CASE
                WHEN COALESCE(
                  CASE
                    WHEN CASE
                      WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                      THEN ferritin['max_censoring']
                      ELSE ferritin['min_censoring']
                    END IS NULL
                    THEN CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                      WHEN '>'
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN ferritin['max']
                        ELSE ferritin['min']
                      END > ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '>='
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN ferritin['max']
                        ELSE ferritin['min']
                      END >= ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '<'
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN ferritin['max']
                        ELSE ferritin['min']
                      END < ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '<='
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN ferritin['max']
                        ELSE ferritin['min']
                      END <= ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                    END
                    WHEN LEFT(
                      CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN ferritin['max_censoring']
                        ELSE ferritin['min_censoring']
                      END,
                      1
                    ) = LEFT(ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT)), 1)
                    THEN CASE
                      WHEN CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max']
                          ELSE ferritin['min']
                        END > ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max']
                          ELSE ferritin['min']
                        END >= ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max']
                          ELSE ferritin['min']
                        END < ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max']
                          ELSE ferritin['min']
                        END <= ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      OR (
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max']
                          ELSE ferritin['min']
                        END = ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        AND CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max_censoring']
                          ELSE ferritin['min_censoring']
                        END IN ('<', '>')
                      )
                      THEN TRUE
                    END
                    ELSE CASE
                      WHEN NOT CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max']
                          ELSE ferritin['min']
                        END > ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max']
                          ELSE ferritin['min']
                        END >= ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max']
                          ELSE ferritin['min']
                        END < ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max']
                          ELSE ferritin['min']
                        END <= ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      OR (
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max']
                          ELSE ferritin['min']
                        END = ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        AND CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max_censoring']
                          ELSE ferritin['min_censoring']
                        END IN ('<', '>')
                      )
                      THEN FALSE
                    END
                  END,
                  FALSE
                )
                THEN ELEMENT_AT(ARRAY(35, 50), CAST(i AS INT))
                ELSE 0
              END
            )
          ),
          0
        )
      END AS points_lower,
      CASE
        WHEN CASE
          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
          THEN ferritin['open_above']
          ELSE ferritin['open_below']
        END
        THEN ARRAY_MAX(ARRAY(35, 50))
        ELSE CASE
          WHEN NOT CASE
            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
            THEN ferritin['max']
            ELSE ferritin['min']
          END IS NULL
          THEN COALESCE(
            ARRAY_MAX(
              TRANSFORM(
                IF(
                  (
                    SIZE(ARRAY('>=', '>')) + 1 - 1
                  ) < 1,
                  ARRAY(),
                  SEQUENCE(1, (
                    SIZE(ARRAY('>=', '>')) + 1 - 1
                  ))
                ),
                i -> CASE
                  WHEN COALESCE(
                    CASE
                      WHEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN ferritin['max_censoring']
                        ELSE ferritin['min_censoring']
                      END IS NULL
                      THEN CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max']
                          ELSE ferritin['min']
                        END > ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max']
                          ELSE ferritin['min']
                        END >= ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max']
                          ELSE ferritin['min']
                        END < ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max']
                          ELSE ferritin['min']
                        END <= ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      WHEN LEFT(
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN ferritin['max_censoring']
                          ELSE ferritin['min_censoring']
                        END,
                        1
                      ) = LEFT(ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT)), 1)
                      THEN CASE
                        WHEN CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                          WHEN '>'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN ferritin['max']
                            ELSE ferritin['min']
                          END > ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '>='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN ferritin['max']
                            ELSE ferritin['min']
                          END >= ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN ferritin['max']
                            ELSE ferritin['min']
                          END < ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN ferritin['max']
                            ELSE ferritin['min']
                          END <= ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        END
                        OR (
                          CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN ferritin['max']
                            ELSE ferritin['min']
                          END = ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          AND CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN ferritin['max_censoring']
                            ELSE ferritin['min_censoring']
                          END IN ('<', '>')
                        )
                        THEN TRUE
                      END
                      ELSE CASE
                        WHEN NOT CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                          WHEN '>'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN ferritin['max']
                            ELSE ferritin['min']
                          END > ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '>='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN ferritin['max']
                            ELSE ferritin['min']
                          END >= ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN ferritin['max']
                            ELSE ferritin['min']
                          END < ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN ferritin['max']
                            ELSE ferritin['min']
                          END <= ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        END
                        OR (
                          CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN ferritin['max']
                            ELSE ferritin['min']
                          END = ELEMENT_AT(CAST(ARRAY(2000.0, 6000.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          AND CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN ferritin['max_censoring']
                            ELSE ferritin['min_censoring']
                          END IN ('<', '>')
                        )
                        THEN FALSE
                      END
                    END,
                    TRUE
                  )
                  THEN ELEMENT_AT(ARRAY(35, 50), CAST(i AS INT))
                  ELSE 0
                END
              )
            ),
            0
          )
        END
      END AS points_upper
    ) AS ferritin,
    STRUCT(
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
        THEN triglycerides['max']
        ELSE triglycerides['min']
      END AS value,
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
        THEN triglycerides['max_censoring']
        ELSE triglycerides['min_censoring']
      END AS censoring,
      'mg/dL' AS unit,
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
        THEN triglycerides['max_at']
        ELSE triglycerides['min_at']
      END AS taken_at,
      TRANSFORM(
        IF(
          (
            SIZE(ARRAY('>=', '>')) + 1 - 1
          ) < 1,
          ARRAY(),
          SEQUENCE(1, (
            SIZE(ARRAY('>=', '>')) + 1 - 1
          ))
        ),
        i -> STRUCT(
          ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT)) AS operator,
          ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT)) AS threshold,
          ELEMENT_AT(ARRAY(44, 64), CAST(i AS INT)) AS points
        )
      ) AS bands,
      CASE
        WHEN NOT CASE
          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
          THEN triglycerides['max']
          ELSE triglycerides['min']
        END IS NULL
        THEN COALESCE(
          ARRAY_MAX(
            TRANSFORM(
              IF(
                (
                  SIZE(ARRAY('>=', '>')) + 1 - 1
                ) < 1,
                ARRAY(),
                SEQUENCE(1, (
                  SIZE(ARRAY('>=', '>')) + 1 - 1
                ))
              ),
              i -> CASE
                WHEN COALESCE(
                  CASE
                    WHEN CASE
                      WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                      THEN triglycerides['max_censoring']
                      ELSE triglycerides['min_censoring']
                    END IS NULL
                    THEN CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                      WHEN '>'
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN triglycerides['max']
                        ELSE triglycerides['min']
                      END > ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '>='
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN triglycerides['max']
                        ELSE triglycerides['min']
                      END >= ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '<'
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN triglycerides['max']
                        ELSE triglycerides['min']
                      END < ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '<='
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN triglycerides['max']
                        ELSE triglycerides['min']
                      END <= ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                    END
                    WHEN LEFT(
                      CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN triglycerides['max_censoring']
                        ELSE triglycerides['min_censoring']
                      END,
                      1
                    ) = LEFT(ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT)), 1)
                    THEN CASE
                      WHEN CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max']
                          ELSE triglycerides['min']
                        END > ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max']
                          ELSE triglycerides['min']
                        END >= ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max']
                          ELSE triglycerides['min']
                        END < ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max']
                          ELSE triglycerides['min']
                        END <= ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      OR (
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max']
                          ELSE triglycerides['min']
                        END = ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        AND CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max_censoring']
                          ELSE triglycerides['min_censoring']
                        END IN ('<', '>')
                      )
                      THEN TRUE
                    END
                    ELSE CASE
                      WHEN NOT CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max']
                          ELSE triglycerides['min']
                        END > ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max']
                          ELSE triglycerides['min']
                        END >= ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max']
                          ELSE triglycerides['min']
                        END < ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max']
                          ELSE triglycerides['min']
                        END <= ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      OR (
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max']
                          ELSE triglycerides['min']
                        END = ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        AND CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max_censoring']
                          ELSE triglycerides['min_censoring']
                        END IN ('<', '>')
                      )
                      THEN FALSE
                    END
                  END,
                  FALSE
                )
                THEN ELEMENT_AT(ARRAY(44, 64), CAST(i AS INT))
                ELSE 0
              END
            )
          ),
          0
        )
      END AS points_lower,
      CASE
        WHEN CASE
          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
          THEN triglycerides['open_above']
          ELSE triglycerides['open_below']
        END
        THEN ARRAY_MAX(ARRAY(44, 64))
        ELSE CASE
          WHEN NOT CASE
            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
            THEN triglycerides['max']
            ELSE triglycerides['min']
          END IS NULL
          THEN COALESCE(
            ARRAY_MAX(
              TRANSFORM(
                IF(
                  (
                    SIZE(ARRAY('>=', '>')) + 1 - 1
                  ) < 1,
                  ARRAY(),
                  SEQUENCE(1, (
                    SIZE(ARRAY('>=', '>')) + 1 - 1
                  ))
                ),
                i -> CASE
                  WHEN COALESCE(
                    CASE
                      WHEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                        THEN triglycerides['max_censoring']
                        ELSE triglycerides['min_censoring']
                      END IS NULL
                      THEN CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max']
                          ELSE triglycerides['min']
                        END > ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max']
                          ELSE triglycerides['min']
                        END >= ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max']
                          ELSE triglycerides['min']
                        END < ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max']
                          ELSE triglycerides['min']
                        END <= ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      WHEN LEFT(
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                          THEN triglycerides['max_censoring']
                          ELSE triglycerides['min_censoring']
                        END,
                        1
                      ) = LEFT(ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT)), 1)
                      THEN CASE
                        WHEN CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                          WHEN '>'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN triglycerides['max']
                            ELSE triglycerides['min']
                          END > ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '>='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN triglycerides['max']
                            ELSE triglycerides['min']
                          END >= ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN triglycerides['max']
                            ELSE triglycerides['min']
                          END < ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN triglycerides['max']
                            ELSE triglycerides['min']
                          END <= ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        END
                        OR (
                          CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN triglycerides['max']
                            ELSE triglycerides['min']
                          END = ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          AND CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN triglycerides['max_censoring']
                            ELSE triglycerides['min_censoring']
                          END IN ('<', '>')
                        )
                        THEN TRUE
                      END
                      ELSE CASE
                        WHEN NOT CASE ELEMENT_AT(ARRAY('>=', '>'), CAST(i AS INT))
                          WHEN '>'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN triglycerides['max']
                            ELSE triglycerides['min']
                          END > ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '>='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN triglycerides['max']
                            ELSE triglycerides['min']
                          END >= ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN triglycerides['max']
                            ELSE triglycerides['min']
                          END < ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN triglycerides['max']
                            ELSE triglycerides['min']
                          END <= ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        END
                        OR (
                          CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN triglycerides['max']
                            ELSE triglycerides['min']
                          END = ELEMENT_AT(CAST(ARRAY(132.855, 354.28) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          AND CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>=', '>'), 1), '>')
                            THEN triglycerides['max_censoring']
                            ELSE triglycerides['min_censoring']
                          END IN ('<', '>')
                        )
                        THEN FALSE
                      END
                    END,
                    TRUE
                  )
                  THEN ELEMENT_AT(ARRAY(44, 64), CAST(i AS INT))
                  ELSE 0
                END
              )
            ),
            0
          )
        END
      END AS points_upper
    ) AS triglycerides,
    STRUCT(
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
        THEN fibrinogen['max']
        ELSE fibrinogen['min']
      END AS value,
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
        THEN fibrinogen['max_censoring']
        ELSE fibrinogen['min_censoring']
      END AS censoring,
      'mg/dL' AS unit,
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
        THEN fibrinogen['max_at']
        ELSE fibrinogen['min_at']
      END AS taken_at,
      TRANSFORM(
        IF(
          (
            SIZE(ARRAY('<=')) + 1 - 1
          ) < 1,
          ARRAY(),
          SEQUENCE(1, (
            SIZE(ARRAY('<=')) + 1 - 1
          ))
        ),
        i -> STRUCT(
          ELEMENT_AT(ARRAY('<='), CAST(i AS INT)) AS operator,
          ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT)) AS threshold,
          ELEMENT_AT(ARRAY(30), CAST(i AS INT)) AS points
        )
      ) AS bands,
      CASE
        WHEN NOT CASE
          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
          THEN fibrinogen['max']
          ELSE fibrinogen['min']
        END IS NULL
        THEN COALESCE(
          ARRAY_MAX(
            TRANSFORM(
              IF(
                (
                  SIZE(ARRAY('<=')) + 1 - 1
                ) < 1,
                ARRAY(),
                SEQUENCE(1, (
                  SIZE(ARRAY('<=')) + 1 - 1
                ))
              ),
              i -> CASE
                WHEN COALESCE(
                  CASE
                    WHEN CASE
                      WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                      THEN fibrinogen['max_censoring']
                      ELSE fibrinogen['min_censoring']
                    END IS NULL
                    THEN CASE ELEMENT_AT(ARRAY('<='), CAST(i AS INT))
                      WHEN '>'
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                        THEN fibrinogen['max']
                        ELSE fibrinogen['min']
                      END > ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '>='
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                        THEN fibrinogen['max']
                        ELSE fibrinogen['min']
                      END >= ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '<'
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                        THEN fibrinogen['max']
                        ELSE fibrinogen['min']
                      END < ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '<='
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                        THEN fibrinogen['max']
                        ELSE fibrinogen['min']
                      END <= ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                    END
                    WHEN LEFT(
                      CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                        THEN fibrinogen['max_censoring']
                        ELSE fibrinogen['min_censoring']
                      END,
                      1
                    ) = LEFT(ELEMENT_AT(ARRAY('<='), CAST(i AS INT)), 1)
                    THEN CASE
                      WHEN CASE ELEMENT_AT(ARRAY('<='), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max']
                          ELSE fibrinogen['min']
                        END > ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max']
                          ELSE fibrinogen['min']
                        END >= ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max']
                          ELSE fibrinogen['min']
                        END < ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max']
                          ELSE fibrinogen['min']
                        END <= ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      OR (
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max']
                          ELSE fibrinogen['min']
                        END = ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        AND CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max_censoring']
                          ELSE fibrinogen['min_censoring']
                        END IN ('<', '>')
                      )
                      THEN TRUE
                    END
                    ELSE CASE
                      WHEN NOT CASE ELEMENT_AT(ARRAY('<='), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max']
                          ELSE fibrinogen['min']
                        END > ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max']
                          ELSE fibrinogen['min']
                        END >= ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max']
                          ELSE fibrinogen['min']
                        END < ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max']
                          ELSE fibrinogen['min']
                        END <= ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      OR (
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max']
                          ELSE fibrinogen['min']
                        END = ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        AND CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max_censoring']
                          ELSE fibrinogen['min_censoring']
                        END IN ('<', '>')
                      )
                      THEN FALSE
                    END
                  END,
                  FALSE
                )
                THEN ELEMENT_AT(ARRAY(30), CAST(i AS INT))
                ELSE 0
              END
            )
          ),
          0
        )
      END AS points_lower,
      CASE
        WHEN CASE
          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
          THEN fibrinogen['open_above']
          ELSE fibrinogen['open_below']
        END
        THEN ARRAY_MAX(ARRAY(30))
        ELSE CASE
          WHEN NOT CASE
            WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
            THEN fibrinogen['max']
            ELSE fibrinogen['min']
          END IS NULL
          THEN COALESCE(
            ARRAY_MAX(
              TRANSFORM(
                IF(
                  (
                    SIZE(ARRAY('<=')) + 1 - 1
                  ) < 1,
                  ARRAY(),
                  SEQUENCE(1, (
                    SIZE(ARRAY('<=')) + 1 - 1
                  ))
                ),
                i -> CASE
                  WHEN COALESCE(
                    CASE
                      WHEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                        THEN fibrinogen['max_censoring']
                        ELSE fibrinogen['min_censoring']
                      END IS NULL
                      THEN CASE ELEMENT_AT(ARRAY('<='), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max']
                          ELSE fibrinogen['min']
                        END > ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max']
                          ELSE fibrinogen['min']
                        END >= ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max']
                          ELSE fibrinogen['min']
                        END < ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max']
                          ELSE fibrinogen['min']
                        END <= ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      WHEN LEFT(
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                          THEN fibrinogen['max_censoring']
                          ELSE fibrinogen['min_censoring']
                        END,
                        1
                      ) = LEFT(ELEMENT_AT(ARRAY('<='), CAST(i AS INT)), 1)
                      THEN CASE
                        WHEN CASE ELEMENT_AT(ARRAY('<='), CAST(i AS INT))
                          WHEN '>'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                            THEN fibrinogen['max']
                            ELSE fibrinogen['min']
                          END > ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '>='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                            THEN fibrinogen['max']
                            ELSE fibrinogen['min']
                          END >= ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                            THEN fibrinogen['max']
                            ELSE fibrinogen['min']
                          END < ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                            THEN fibrinogen['max']
                            ELSE fibrinogen['min']
                          END <= ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        END
                        OR (
                          CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                            THEN fibrinogen['max']
                            ELSE fibrinogen['min']
                          END = ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          AND CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                            THEN fibrinogen['max_censoring']
                            ELSE fibrinogen['min_censoring']
                          END IN ('<', '>')
                        )
                        THEN TRUE
                      END
                      ELSE CASE
                        WHEN NOT CASE ELEMENT_AT(ARRAY('<='), CAST(i AS INT))
                          WHEN '>'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                            THEN fibrinogen['max']
                            ELSE fibrinogen['min']
                          END > ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '>='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                            THEN fibrinogen['max']
                            ELSE fibrinogen['min']
                          END >= ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                            THEN fibrinogen['max']
                            ELSE fibrinogen['min']
                          END < ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                            THEN fibrinogen['max']
                            ELSE fibrinogen['min']
                          END <= ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        END
                        OR (
                          CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                            THEN fibrinogen['max']
                            ELSE fibrinogen['min']
                          END = ELEMENT_AT(CAST(ARRAY(250.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          AND CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('<='), 1), '>')
                            THEN fibrinogen['max_censoring']
                            ELSE fibrinogen['min_censoring']
                          END IN ('<', '>')
                        )
                        THEN FALSE
                      END
                    END,
                    TRUE
                  )
                  THEN ELEMENT_AT(ARRAY(30), CAST(i AS INT))
                  ELSE 0
                END
              )
            ),
            0
          )
        END
      END AS points_upper
    ) AS fibrinogen,
    STRUCT(
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
        THEN ast['max']
        ELSE ast['min']
      END AS value,
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
        THEN ast['max_censoring']
        ELSE ast['min_censoring']
      END AS censoring,
      'U/L' AS unit,
      CASE
        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
        THEN ast['max_at']
        ELSE ast['min_at']
      END AS taken_at,
      TRANSFORM(
        IF(
          (
            SIZE(ARRAY('>=')) + 1 - 1
          ) < 1,
          ARRAY(),
          SEQUENCE(1, (
            SIZE(ARRAY('>=')) + 1 - 1
          ))
        ),
        i -> STRUCT(
          ELEMENT_AT(ARRAY('>='), CAST(i AS INT)) AS operator,
          ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT)) AS threshold,
          ELEMENT_AT(ARRAY(19), CAST(i AS INT)) AS points
        )
      ) AS bands,
      CASE
        WHEN NOT CASE
          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
          THEN ast['max']
          ELSE ast['min']
        END IS NULL
        THEN COALESCE(
          ARRAY_MAX(
            TRANSFORM(
              IF(
                (
                  SIZE(ARRAY('>=')) + 1 - 1
                ) < 1,
                ARRAY(),
                SEQUENCE(1, (
                  SIZE(ARRAY('>=')) + 1 - 1
                ))
              ),
              i -> CASE
                WHEN COALESCE(
                  CASE
                    WHEN CASE
                      WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                      THEN ast['max_censoring']
                      ELSE ast['min_censoring']
                    END IS NULL
                    THEN CASE ELEMENT_AT(ARRAY('>='), CAST(i AS INT))
                      WHEN '>'
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                        THEN ast['max']
                        ELSE ast['min']
                      END > ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '>='
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                        THEN ast['max']
                        ELSE ast['min']
                      END >= ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '<'
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                        THEN ast['max']
                        ELSE ast['min']
                      END < ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      WHEN '<='
                      THEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                        THEN ast['max']
                        ELSE ast['min']
                      END <= ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                    END
                    WHEN LEFT(
                      CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                        THEN ast['max_censoring']
                        ELSE ast['min_censoring']
                      END,
                      1
                    ) = LEFT(ELEMENT_AT(ARRAY('>='), CAST(i AS INT)), 1)
                    THEN CASE
                      WHEN CASE ELEMENT_AT(ARRAY('>='), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max']
                          ELSE ast['min']
                        END > ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max']
                          ELSE ast['min']
                        END >= ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max']
                          ELSE ast['min']
                        END < ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max']
                          ELSE ast['min']
                        END <= ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      OR (
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max']
                          ELSE ast['min']
                        END = ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        AND CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max_censoring']
                          ELSE ast['min_censoring']
                        END IN ('<', '>')
                      )
                      THEN TRUE
                    END
                    ELSE CASE
                      WHEN NOT CASE ELEMENT_AT(ARRAY('>='), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max']
                          ELSE ast['min']
                        END > ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max']
                          ELSE ast['min']
                        END >= ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max']
                          ELSE ast['min']
                        END < ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max']
                          ELSE ast['min']
                        END <= ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      OR (
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max']
                          ELSE ast['min']
                        END = ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        AND CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max_censoring']
                          ELSE ast['min_censoring']
                        END IN ('<', '>')
                      )
                      THEN FALSE
                    END
                  END,
                  FALSE
                )
                THEN ELEMENT_AT(ARRAY(19), CAST(i AS INT))
                ELSE 0
              END
            )
          ),
          0
        )
      END AS points_lower,
      CASE
        WHEN CASE
          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
          THEN ast['open_above']
          ELSE ast['open_below']
        END
        THEN ARRAY_MAX(ARRAY(19))
        ELSE CASE
          WHEN NOT CASE
            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
            THEN ast['max']
            ELSE ast['min']
          END IS NULL
          THEN COALESCE(
            ARRAY_MAX(
              TRANSFORM(
                IF(
                  (
                    SIZE(ARRAY('>=')) + 1 - 1
                  ) < 1,
                  ARRAY(),
                  SEQUENCE(1, (
                    SIZE(ARRAY('>=')) + 1 - 1
                  ))
                ),
                i -> CASE
                  WHEN COALESCE(
                    CASE
                      WHEN CASE
                        WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                        THEN ast['max_censoring']
                        ELSE ast['min_censoring']
                      END IS NULL
                      THEN CASE ELEMENT_AT(ARRAY('>='), CAST(i AS INT))
                        WHEN '>'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max']
                          ELSE ast['min']
                        END > ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '>='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max']
                          ELSE ast['min']
                        END >= ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<'
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max']
                          ELSE ast['min']
                        END < ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        WHEN '<='
                        THEN CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max']
                          ELSE ast['min']
                        END <= ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                      END
                      WHEN LEFT(
                        CASE
                          WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                          THEN ast['max_censoring']
                          ELSE ast['min_censoring']
                        END,
                        1
                      ) = LEFT(ELEMENT_AT(ARRAY('>='), CAST(i AS INT)), 1)
                      THEN CASE
                        WHEN CASE ELEMENT_AT(ARRAY('>='), CAST(i AS INT))
                          WHEN '>'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                            THEN ast['max']
                            ELSE ast['min']
                          END > ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '>='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                            THEN ast['max']
                            ELSE ast['min']
                          END >= ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                            THEN ast['max']
                            ELSE ast['min']
                          END < ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                            THEN ast['max']
                            ELSE ast['min']
                          END <= ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        END
                        OR (
                          CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                            THEN ast['max']
                            ELSE ast['min']
                          END = ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          AND CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                            THEN ast['max_censoring']
                            ELSE ast['min_censoring']
                          END IN ('<', '>')
                        )
                        THEN TRUE
                      END
                      ELSE CASE
                        WHEN NOT CASE ELEMENT_AT(ARRAY('>='), CAST(i AS INT))
                          WHEN '>'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                            THEN ast['max']
                            ELSE ast['min']
                          END > ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '>='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                            THEN ast['max']
                            ELSE ast['min']
                          END >= ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<'
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                            THEN ast['max']
                            ELSE ast['min']
                          END < ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          WHEN '<='
                          THEN CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                            THEN ast['max']
                            ELSE ast['min']
                          END <= ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                        END
                        OR (
                          CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                            THEN ast['max']
                            ELSE ast['min']
                          END = ELEMENT_AT(CAST(ARRAY(30.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                          AND CASE
                            WHEN STARTSWITH(ELEMENT_AT(ARRAY('>='), 1), '>')
                            THEN ast['max_censoring']
                            ELSE ast['min_censoring']
                          END IN ('<', '>')
                        )
                        THEN FALSE
                      END
                    END,
                    TRUE
                  )
                  THEN ELEMENT_AT(ARRAY(19), CAST(i AS INT))
                  ELSE 0
                END
              )
            ),
            0
          )
        END
      END AS points_upper
    ) AS ast
  FROM screen_day
), points AS (
  SELECT
    *,
    ARRAY(hemoglobin.met, wbc.met, platelets.met) AS lineages,
    CASE
      WHEN NOT SIZE(FILTER(lineages, x -> x)) IS NULL
      THEN COALESCE(
        ARRAY_MAX(
          TRANSFORM(
            IF(
              (
                SIZE(ARRAY('>=', '>=')) + 1 - 1
              ) < 1,
              ARRAY(),
              SEQUENCE(1, (
                SIZE(ARRAY('>=', '>=')) + 1 - 1
              ))
            ),
            i -> CASE
              WHEN CASE ELEMENT_AT(ARRAY('>=', '>='), CAST(i AS INT))
                WHEN '>'
                THEN SIZE(FILTER(lineages, x -> x)) > ELEMENT_AT(CAST(ARRAY(2.0, 3.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                WHEN '>='
                THEN SIZE(FILTER(lineages, x -> x)) >= ELEMENT_AT(CAST(ARRAY(2.0, 3.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                WHEN '<'
                THEN SIZE(FILTER(lineages, x -> x)) < ELEMENT_AT(CAST(ARRAY(2.0, 3.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                WHEN '<='
                THEN SIZE(FILTER(lineages, x -> x)) <= ELEMENT_AT(CAST(ARRAY(2.0, 3.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
              END
              THEN ELEMENT_AT(ARRAY(24, 34), CAST(i AS INT))
              ELSE 0
            END
          )
        ),
        0
      )
    END AS cytopenias_lower,
    CASE
      WHEN NOT (
        SIZE(FILTER(lineages, x -> x)) + SIZE(FILTER(lineages, x -> x IS NULL))
      ) IS NULL
      THEN COALESCE(
        ARRAY_MAX(
          TRANSFORM(
            IF(
              (
                SIZE(ARRAY('>=', '>=')) + 1 - 1
              ) < 1,
              ARRAY(),
              SEQUENCE(1, (
                SIZE(ARRAY('>=', '>=')) + 1 - 1
              ))
            ),
            i -> CASE
              WHEN CASE ELEMENT_AT(ARRAY('>=', '>='), CAST(i AS INT))
                WHEN '>'
                THEN (
                  SIZE(FILTER(lineages, x -> x)) + SIZE(FILTER(lineages, x -> x IS NULL))
                ) > ELEMENT_AT(CAST(ARRAY(2.0, 3.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                WHEN '>='
                THEN (
                  SIZE(FILTER(lineages, x -> x)) + SIZE(FILTER(lineages, x -> x IS NULL))
                ) >= ELEMENT_AT(CAST(ARRAY(2.0, 3.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                WHEN '<'
                THEN (
                  SIZE(FILTER(lineages, x -> x)) + SIZE(FILTER(lineages, x -> x IS NULL))
                ) < ELEMENT_AT(CAST(ARRAY(2.0, 3.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
                WHEN '<='
                THEN (
                  SIZE(FILTER(lineages, x -> x)) + SIZE(FILTER(lineages, x -> x IS NULL))
                ) <= ELEMENT_AT(CAST(ARRAY(2.0, 3.0) AS ARRAY<DOUBLE>), CAST(i AS INT))
              END
              THEN ELEMENT_AT(ARRAY(24, 34), CAST(i AS INT))
              ELSE 0
            END
          )
        ),
        0
      )
    END AS cytopenias_upper,
    CASE WHEN immunosuppressed THEN 18 ELSE 0 END AS immunosuppression_lower
  FROM items
)
SELECT
  patient_id,
  as_of_date,
  COALESCE(temperature.points_lower, 0) + cytopenias_lower + COALESCE(ferritin.points_lower, 0) + COALESCE(triglycerides.points_lower, 0) + COALESCE(fibrinogen.points_lower, 0) + COALESCE(ast.points_lower, 0) + immunosuppression_lower AS hscore__lower,
  COALESCE(temperature.points_upper, 49) + cytopenias_upper + COALESCE(ferritin.points_upper, 50) + COALESCE(triglycerides.points_upper, 64) + COALESCE(fibrinogen.points_upper, 30) + COALESCE(ast.points_upper, 19) + 18 + 73 AS hscore__upper,
  NOT temperature.points_lower IS NULL
  AND cytopenias_lower = cytopenias_upper
  AND NOT ferritin.points_lower IS NULL
  AND NOT triglycerides.points_lower IS NULL
  AND NOT fibrinogen.points_lower IS NULL
  AND NOT ast.points_lower IS NULL AS hscore__labs_complete,
  hscore__lower >= 169 AS hscore__met,
  hscore__upper >= 169 AS hscore__possible,
  CASE
    WHEN hscore__lower IS NULL
    THEN NULL
    WHEN hscore__lower <= ELEMENT_AT(
      ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250),
      1
    )
    THEN ELEMENT_AT(
      ARRAY('<1', '1', '3', '5', '9', '16', '25', '40', '54', '70', '80', '88', '93', '96', '98', '99', '>99'),
      1
    )
    WHEN hscore__lower >= ELEMENT_AT(
      ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250),
      CAST(SIZE(
        ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250)
      ) AS INT)
    )
    THEN ELEMENT_AT(
      ARRAY('<1', '1', '3', '5', '9', '16', '25', '40', '54', '70', '80', '88', '93', '96', '98', '99', '>99'),
      CAST(SIZE(
        ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250)
      ) AS INT)
    )
    WHEN ARRAY_CONTAINS(
      ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250),
      hscore__lower
    )
    THEN ELEMENT_AT(
      ARRAY('<1', '1', '3', '5', '9', '16', '25', '40', '54', '70', '80', '88', '93', '96', '98', '99', '>99'),
      CAST(ARRAY_POSITION(
        ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250),
        hscore__lower
      ) AS INT)
    )
    ELSE ELEMENT_AT(
      ARRAY('<1', '1', '3', '5', '9', '16', '25', '40', '54', '70', '80', '88', '93', '96', '98', '99', '>99'),
      CAST(SIZE(
        FILTER(
          ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250),
          a -> a < hscore__lower
        )
      ) AS INT)
    ) || ' to ' || ELEMENT_AT(
      ARRAY('<1', '1', '3', '5', '9', '16', '25', '40', '54', '70', '80', '88', '93', '96', '98', '99', '>99'),
      CAST(SIZE(
        FILTER(
          ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250),
          a -> a < hscore__lower
        )
      ) + 1 AS INT)
    )
  END AS hscore__probability_lower,
  CASE
    WHEN hscore__upper IS NULL
    THEN NULL
    WHEN hscore__upper <= ELEMENT_AT(
      ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250),
      1
    )
    THEN ELEMENT_AT(
      ARRAY('<1', '1', '3', '5', '9', '16', '25', '40', '54', '70', '80', '88', '93', '96', '98', '99', '>99'),
      1
    )
    WHEN hscore__upper >= ELEMENT_AT(
      ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250),
      CAST(SIZE(
        ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250)
      ) AS INT)
    )
    THEN ELEMENT_AT(
      ARRAY('<1', '1', '3', '5', '9', '16', '25', '40', '54', '70', '80', '88', '93', '96', '98', '99', '>99'),
      CAST(SIZE(
        ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250)
      ) AS INT)
    )
    WHEN ARRAY_CONTAINS(
      ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250),
      hscore__upper
    )
    THEN ELEMENT_AT(
      ARRAY('<1', '1', '3', '5', '9', '16', '25', '40', '54', '70', '80', '88', '93', '96', '98', '99', '>99'),
      CAST(ARRAY_POSITION(
        ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250),
        hscore__upper
      ) AS INT)
    )
    ELSE ELEMENT_AT(
      ARRAY('<1', '1', '3', '5', '9', '16', '25', '40', '54', '70', '80', '88', '93', '96', '98', '99', '>99'),
      CAST(SIZE(
        FILTER(
          ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250),
          a -> a < hscore__upper
        )
      ) AS INT)
    ) || ' to ' || ELEMENT_AT(
      ARRAY('<1', '1', '3', '5', '9', '16', '25', '40', '54', '70', '80', '88', '93', '96', '98', '99', '>99'),
      CAST(SIZE(
        FILTER(
          ARRAY(90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240, 250),
          a -> a < hscore__upper
        )
      ) + 1 AS INT)
    )
  END AS hscore__probability_upper,
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
  END AS hscore__context,
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
  END AS hscore__population,
  STRUCT(
    temperature AS temperature,
    STRUCT(
      cytopenias_lower AS points_lower,
      cytopenias_upper AS points_upper,
      hemoglobin AS hemoglobin,
      wbc AS wbc,
      platelets AS platelets
    ) AS cytopenias,
    ferritin AS ferritin,
    triglycerides AS triglycerides,
    fibrinogen AS fibrinogen,
    ast AS ast,
    STRUCT(
      immunosuppressed AS known,
      immunosuppression_lower AS points_lower,
      18 AS points_upper
    ) AS immunosuppression,
    STRUCT(0 AS points_lower, 73 AS points_upper) AS not_computable,
    169 AS cut_off
  ) AS hscore__evidence
FROM points
