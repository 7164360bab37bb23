-- temp.screen_day (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/temp.screen_day.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
-- screen_day (temporary table, the one input of every rule family file in sql/screen/rules/):
-- one row per patient and as-of day D in [$start, $end] that has a features.patient_day row.
--
-- Reads: features.patient_day (values), staging.diagnoses (coded contexts), staging.medications
-- (therapies that make a context suspected; immunosuppression for the HScore), staging.patients
-- (birth date), staging.encounters (care unit, for ICU populations).
-- Key: (patient_id, as_of_date). Everything is as of the cutoff (the start of D+1, site time):
-- a diagnosis counts when recorded before it, an order when started before it.
--
-- Columns:
--   contexts               list of contexts known from a coded diagnosis (rule file `contexts`)
--   suspected_contexts     list of contexts suspected from a therapy order, not already known
--   context_evidence       list of {context, how ('diagnosis' or 'therapy'), code_system, code or
--                          therapy name, at}: what made each context known or suspected
--   immunosuppressed       an immunosuppressant course (rule file hscore.immunosuppression) by a
--                          systemic route running at the cutoff for at least min_days_on_therapy;
--                          orders of one drug re-ordered within reorder_gap_hours count as one course
--   birth_date, age_days, age_years  age on the as-of day in days and in whole years (NULL
--                          without a birth date)
--   in_icu                 an encounter open during day D in a care unit named by a word of the
--                          rule file's icu_care_unit_words; NULL (unknown) when no encounter open
--                          that day names its care unit (no preset delivers one: only the
--                          canonical encounters extract has care_unit)
--   <analyte>              for every analyte, its pairing-window values as one struct: last,
--                          last_at, last_censoring, min, min_at, min_censoring, max, max_at,
--                          max_censoring (the placeholder pairing_window_values, rendered by pipelines/features/rule_set.py)
--   <analyte>__trend__*    the trend columns of features.patient_day, with the baseline values
-- Writes: temp.screen_day (the rows this returns, by pipelines/screen/screening.py).
WITH day_features AS (
  SELECT
    *
  FROM features.patient_day
  WHERE
    as_of_date BETWEEN :start AND :end
), context_codes AS (
  SELECT
    INLINE(
      ARRAY(
        STRUCT('sjia' AS context, 'ICD10CM' AS code_system, 'M082' AS code, FALSE AS exact),
        STRUCT('sjia' AS context, 'SNOMED' AS code_system, '201796004' AS code, TRUE AS exact),
        STRUCT('aosd' AS context, 'ICD10CM' AS code_system, 'M061' AS code, FALSE AS exact),
        STRUCT('aosd' AS context, 'SNOMED' AS code_system, '239920006' AS code, TRUE AS exact),
        STRUCT('sle' AS context, 'ICD10CM' AS code_system, 'M32' AS code, FALSE AS exact),
        STRUCT('sle' AS context, 'ICD9CM' AS code_system, '7100' AS code, FALSE AS exact),
        STRUCT('sle' AS context, 'SNOMED' AS code_system, '55464009' AS code, TRUE AS exact)
      )
    )
), context_therapies AS (
  SELECT
    INLINE(
      ARRAY(
        STRUCT('sjia' AS context, 'anakinra' AS ingredient),
        STRUCT('sjia' AS context, 'kineret' AS ingredient),
        STRUCT('sjia' AS context, 'canakinumab' AS ingredient),
        STRUCT('sjia' AS context, 'ilaris' AS ingredient),
        STRUCT('sjia' AS context, 'tocilizumab' AS ingredient),
        STRUCT('sjia' AS context, 'actemra' AS ingredient),
        STRUCT('aosd' AS context, 'anakinra' AS ingredient),
        STRUCT('aosd' AS context, 'kineret' AS ingredient),
        STRUCT('aosd' AS context, 'canakinumab' AS ingredient),
        STRUCT('aosd' AS context, 'ilaris' AS ingredient),
        STRUCT('aosd' AS context, 'tocilizumab' AS ingredient),
        STRUCT('aosd' AS context, 'actemra' AS ingredient)
      )
    )
), coded AS (
  SELECT
    f.patient_id,
    f.as_of_date,
    c.context,
    'diagnosis' AS how,
    d.code_system,
    d.code AS what,
    d.recorded_at AS event_at
  FROM day_features AS f
  JOIN staging.diagnoses AS d
    ON d.patient_id = f.patient_id AND d.recorded_at < f.as_of_cutoff
  JOIN context_codes AS c
    ON d.code_system = c.code_system
    AND CASE
      WHEN c.exact
      THEN d.code_compact = c.code
      ELSE STARTSWITH(d.code_compact, c.code)
    END
), therapy AS (
  SELECT
    f.patient_id,
    f.as_of_date,
    t.context,
    'therapy' AS how,
    m.code_system,
    m.name AS what,
    m.started_at AS event_at
  FROM day_features AS f
  JOIN staging.medications AS m
    ON m.patient_id = f.patient_id AND m.started_at < f.as_of_cutoff
  JOIN context_therapies AS t
    ON ARRAY_CONTAINS(SPLIT(LOWER(m.name), '[^a-z]+'), t.ingredient)
), context_found AS (
  SELECT
    patient_id,
    as_of_date,
    ARRAY_SORT(COLLECT_SET(context) FILTER(WHERE
      how = 'diagnosis')) AS contexts,
    ARRAY_SORT(COLLECT_SET(context) FILTER(WHERE
      how = 'therapy')) AS therapy_contexts,
    TRANSFORM(
      ARRAY_SORT(
        COLLECT_LIST(
          STRUCT(
            context AS k0,
            how AS k1,
            event_at AS k2,
            STRUCT(
              context AS context,
              how AS how,
              code_system AS code_system,
              what AS code_or_name,
              event_at AS at
            ) AS v
          )
        )
      ),
      e -> e.v
    ) AS context_evidence
  FROM (
    SELECT
      patient_id,
      as_of_date,
      context,
      how,
      MIN_BY(code_system, event_at) AS code_system,
      MIN_BY(what, event_at) AS what,
      MIN(event_at) AS event_at
    FROM (
      SELECT
        *
      FROM coded
      UNION ALL
      SELECT
        *
      FROM therapy
    )
    GROUP BY ALL
  )
  GROUP BY ALL
), immunosuppressant_orders AS (
  SELECT
    m.patient_id,
    m.started_at,
    m.ended_at,
    COALESCE(
      ELEMENT_AT(
        ARRAY_INTERSECT(
          SPLIT(LOWER(m.name), '[^a-z]+'),
          ARRAY(
            'methylprednisolone',
            'dexamethasone',
            'prednisone',
            'prednisolone',
            'hydrocortisone',
            'cyclosporine',
            'ciclosporin',
            'azathioprine'
          )
        ),
        1
      ),
      'RXNORM ' || m.code
    ) AS drug
  FROM staging.medications AS m
  WHERE
    m.patient_id IN (
      SELECT
        patient_id
      FROM day_features
    )
    AND (
      (
        m.code_system = 'RXNORM'
        AND ARRAY_CONTAINS(ARRAY('6902', '3264', '8640', '8638', '5492', '3008'), m.code)
      )
      OR ARRAYS_OVERLAP(
        SPLIT(LOWER(m.name), '[^a-z]+'),
        ARRAY(
          'methylprednisolone',
          'dexamethasone',
          'prednisone',
          'prednisolone',
          'hydrocortisone',
          'cyclosporine',
          'ciclosporin',
          'azathioprine'
        )
      )
    )
    AND NOT ARRAYS_OVERLAP(
      SPLIT(LOWER(COALESCE(m.route, '')), '[^a-z]+'),
      ARRAY(
        'eye',
        'eyes',
        'ophthalmic',
        'ophth',
        'ou',
        'intravitreal',
        'topical',
        'tp',
        'cutaneous',
        'dermal',
        'skin',
        'inhalation',
        'inhaled',
        'inhaler',
        'inh',
        'ih',
        'nebulized',
        'nebulised',
        'neb',
        'nasal',
        'intranasal',
        'nu',
        'otic',
        'ear',
        'ears',
        'intrathecal',
        'it',
        'articular',
        'intraarticular',
        'vaginal',
        'mucosal',
        'mouthwash',
        'swish',
        'od',
        'pr',
        'rectal',
        'intradermal',
        'intralesional'
      )
    )
    AND NOT ARRAYS_OVERLAP(
      SPLIT(LOWER(COALESCE(m.name, '')), '[^a-z]+'),
      ARRAY(
        'ophthalmic',
        'ophth',
        'eye',
        'otic',
        'ear',
        'topical',
        'cream',
        'ointment',
        'lotion',
        'gel',
        'inhaler',
        'inhalation',
        'inhaled',
        'nebulizer',
        'nebulised',
        'nebulized',
        'nasal',
        'intranasal',
        'enema',
        'suppository',
        'rectal',
        'intrathecal',
        'intraarticular',
        'mouthwash'
      )
    )
), immunosuppressant_orders_chained AS (
  SELECT
    *,
    CASE
      WHEN started_at > TIMESTAMP_MICROS(
        UNIX_MICROS(
          MAX(COALESCE(ended_at, CAST('9999-12-31 23:59:59.999999' AS TIMESTAMP))) OVER earlier
        ) + CAST(CAST(48 AS INT) AS BIGINT) * 3600000000
      )
      THEN 1
      ELSE 0
    END AS starts_course
  FROM immunosuppressant_orders
  WINDOW earlier AS (
    PARTITION BY patient_id, drug
    ORDER BY started_at NULLS LAST, ended_at NULLS LAST
    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
  )
), immunosuppressant_courses AS (
  SELECT
    patient_id,
    drug,
    started_at,
    ended_at,
    MIN(started_at) OVER (PARTITION BY patient_id, drug, course_number) AS course_started_at
  FROM (
    SELECT
      *,
      SUM(starts_course) OVER (PARTITION BY patient_id, drug ORDER BY started_at NULLS LAST, ended_at NULLS LAST) AS course_number
    FROM immunosuppressant_orders_chained
  )
), immunosuppressed AS (
  SELECT DISTINCT
    f.patient_id,
    f.as_of_date
  FROM day_features AS f
  JOIN immunosuppressant_courses AS m
    ON m.patient_id = f.patient_id
    AND m.started_at < f.as_of_cutoff
    AND (
      m.ended_at IS NULL OR m.ended_at >= f.as_of_cutoff
    )
    AND m.course_started_at <= f.as_of_cutoff - MAKE_INTERVAL(0, 0, 0, CAST(30 AS INT), 0, 0, 0)
), care_units AS (
  SELECT
    f.patient_id,
    f.as_of_date,
    BOOL_OR(
      ARRAYS_OVERLAP(
        SPLIT(UPPER(e.care_unit), '[^A-Z]+'),
        ARRAY(
          'ICU',
          'MICU',
          'SICU',
          'CICU',
          'CCU',
          'CSRU',
          'PICU',
          'NICU',
          'CVICU',
          'TSICU',
          'NSICU',
          'ITU',
          'HDU',
          'INTENSIVE'
        )
      )
    ) FILTER(WHERE
      NOT e.care_unit IS NULL) AS in_icu
  FROM day_features AS f
  JOIN staging.encounters AS e
    ON e.patient_id = f.patient_id
    AND e.admit_at < f.as_of_cutoff
    AND (
      e.discharge_at IS NULL
      OR e.discharge_at >= f.as_of_cutoff - MAKE_INTERVAL(0, 0, 0, 1, 0, 0, 0)
    )
  GROUP BY ALL
)
SELECT
  f.patient_id,
  f.as_of_date,
  f.as_of_cutoff,
  COALESCE(c.contexts, ARRAY()) AS contexts,
  FILTER(
    COALESCE(c.therapy_contexts, ARRAY()),
    x -> NOT ARRAY_CONTAINS(COALESCE(c.contexts, ARRAY()), x)
  ) AS suspected_contexts,
  COALESCE(c.context_evidence, ARRAY()) AS context_evidence,
  NOT i.patient_id IS NULL AS immunosuppressed,
  p.birth_date,
  DATEDIFF(CAST(f.as_of_date AS DATE), CAST(p.birth_date AS DATE)) AS age_days,
  CAST(YEAR(f.as_of_date) - YEAR(p.birth_date) AS INT) - CASE
    WHEN DATE_FORMAT(f.as_of_date, 'MMdd') < DATE_FORMAT(p.birth_date, 'MMdd')
    THEN 1
    ELSE 0
  END AS age_years,
  u.in_icu,
  STRUCT(
    f.ferritin__72h__last AS last,
    f.ferritin__72h__last_at AS last_at,
    f.ferritin__72h__last_censoring AS last_censoring,
    f.ferritin__72h__min AS min,
    f.ferritin__72h__min_at AS min_at,
    f.ferritin__72h__min_censoring AS min_censoring,
    f.ferritin__72h__max AS max,
    f.ferritin__72h__max_at AS max_at,
    f.ferritin__72h__max_censoring AS max_censoring,
    f.ferritin__72h__open_above AS open_above,
    f.ferritin__72h__open_below AS open_below
  ) AS ferritin,
  STRUCT(
    f.platelets__72h__last AS last,
    f.platelets__72h__last_at AS last_at,
    f.platelets__72h__last_censoring AS last_censoring,
    f.platelets__72h__min AS min,
    f.platelets__72h__min_at AS min_at,
    f.platelets__72h__min_censoring AS min_censoring,
    f.platelets__72h__max AS max,
    f.platelets__72h__max_at AS max_at,
    f.platelets__72h__max_censoring AS max_censoring,
    f.platelets__72h__open_above AS open_above,
    f.platelets__72h__open_below AS open_below
  ) AS platelets,
  STRUCT(
    f.wbc__72h__last AS last,
    f.wbc__72h__last_at AS last_at,
    f.wbc__72h__last_censoring AS last_censoring,
    f.wbc__72h__min AS min,
    f.wbc__72h__min_at AS min_at,
    f.wbc__72h__min_censoring AS min_censoring,
    f.wbc__72h__max AS max,
    f.wbc__72h__max_at AS max_at,
    f.wbc__72h__max_censoring AS max_censoring,
    f.wbc__72h__open_above AS open_above,
    f.wbc__72h__open_below AS open_below
  ) AS wbc,
  STRUCT(
    f.anc__72h__last AS last,
    f.anc__72h__last_at AS last_at,
    f.anc__72h__last_censoring AS last_censoring,
    f.anc__72h__min AS min,
    f.anc__72h__min_at AS min_at,
    f.anc__72h__min_censoring AS min_censoring,
    f.anc__72h__max AS max,
    f.anc__72h__max_at AS max_at,
    f.anc__72h__max_censoring AS max_censoring,
    f.anc__72h__open_above AS open_above,
    f.anc__72h__open_below AS open_below
  ) AS anc,
  STRUCT(
    f.hemoglobin__72h__last AS last,
    f.hemoglobin__72h__last_at AS last_at,
    f.hemoglobin__72h__last_censoring AS last_censoring,
    f.hemoglobin__72h__min AS min,
    f.hemoglobin__72h__min_at AS min_at,
    f.hemoglobin__72h__min_censoring AS min_censoring,
    f.hemoglobin__72h__max AS max,
    f.hemoglobin__72h__max_at AS max_at,
    f.hemoglobin__72h__max_censoring AS max_censoring,
    f.hemoglobin__72h__open_above AS open_above,
    f.hemoglobin__72h__open_below AS open_below
  ) AS hemoglobin,
  STRUCT(
    f.ast__72h__last AS last,
    f.ast__72h__last_at AS last_at,
    f.ast__72h__last_censoring AS last_censoring,
    f.ast__72h__min AS min,
    f.ast__72h__min_at AS min_at,
    f.ast__72h__min_censoring AS min_censoring,
    f.ast__72h__max AS max,
    f.ast__72h__max_at AS max_at,
    f.ast__72h__max_censoring AS max_censoring,
    f.ast__72h__open_above AS open_above,
    f.ast__72h__open_below AS open_below
  ) AS ast,
  STRUCT(
    f.alt__72h__last AS last,
    f.alt__72h__last_at AS last_at,
    f.alt__72h__last_censoring AS last_censoring,
    f.alt__72h__min AS min,
    f.alt__72h__min_at AS min_at,
    f.alt__72h__min_censoring AS min_censoring,
    f.alt__72h__max AS max,
    f.alt__72h__max_at AS max_at,
    f.alt__72h__max_censoring AS max_censoring,
    f.alt__72h__open_above AS open_above,
    f.alt__72h__open_below AS open_below
  ) AS alt,
  STRUCT(
    f.ldh__72h__last AS last,
    f.ldh__72h__last_at AS last_at,
    f.ldh__72h__last_censoring AS last_censoring,
    f.ldh__72h__min AS min,
    f.ldh__72h__min_at AS min_at,
    f.ldh__72h__min_censoring AS min_censoring,
    f.ldh__72h__max AS max,
    f.ldh__72h__max_at AS max_at,
    f.ldh__72h__max_censoring AS max_censoring,
    f.ldh__72h__open_above AS open_above,
    f.ldh__72h__open_below AS open_below
  ) AS ldh,
  STRUCT(
    f.triglycerides__72h__last AS last,
    f.triglycerides__72h__last_at AS last_at,
    f.triglycerides__72h__last_censoring AS last_censoring,
    f.triglycerides__72h__min AS min,
    f.triglycerides__72h__min_at AS min_at,
    f.triglycerides__72h__min_censoring AS min_censoring,
    f.triglycerides__72h__max AS max,
    f.triglycerides__72h__max_at AS max_at,
    f.triglycerides__72h__max_censoring AS max_censoring,
    f.triglycerides__72h__open_above AS open_above,
    f.triglycerides__72h__open_below AS open_below
  ) AS triglycerides,
  STRUCT(
    f.fibrinogen__72h__last AS last,
    f.fibrinogen__72h__last_at AS last_at,
    f.fibrinogen__72h__last_censoring AS last_censoring,
    f.fibrinogen__72h__min AS min,
    f.fibrinogen__72h__min_at AS min_at,
    f.fibrinogen__72h__min_censoring AS min_censoring,
    f.fibrinogen__72h__max AS max,
    f.fibrinogen__72h__max_at AS max_at,
    f.fibrinogen__72h__max_censoring AS max_censoring,
    f.fibrinogen__72h__open_above AS open_above,
    f.fibrinogen__72h__open_below AS open_below
  ) AS fibrinogen,
  STRUCT(
    f.ddimer__72h__last AS last,
    f.ddimer__72h__last_at AS last_at,
    f.ddimer__72h__last_censoring AS last_censoring,
    f.ddimer__72h__min AS min,
    f.ddimer__72h__min_at AS min_at,
    f.ddimer__72h__min_censoring AS min_censoring,
    f.ddimer__72h__max AS max,
    f.ddimer__72h__max_at AS max_at,
    f.ddimer__72h__max_censoring AS max_censoring,
    f.ddimer__72h__open_above AS open_above,
    f.ddimer__72h__open_below AS open_below
  ) AS ddimer,
  STRUCT(
    f.crp__72h__last AS last,
    f.crp__72h__last_at AS last_at,
    f.crp__72h__last_censoring AS last_censoring,
    f.crp__72h__min AS min,
    f.crp__72h__min_at AS min_at,
    f.crp__72h__min_censoring AS min_censoring,
    f.crp__72h__max AS max,
    f.crp__72h__max_at AS max_at,
    f.crp__72h__max_censoring AS max_censoring,
    f.crp__72h__open_above AS open_above,
    f.crp__72h__open_below AS open_below
  ) AS crp,
  STRUCT(
    f.esr__72h__last AS last,
    f.esr__72h__last_at AS last_at,
    f.esr__72h__last_censoring AS last_censoring,
    f.esr__72h__min AS min,
    f.esr__72h__min_at AS min_at,
    f.esr__72h__min_censoring AS min_censoring,
    f.esr__72h__max AS max,
    f.esr__72h__max_at AS max_at,
    f.esr__72h__max_censoring AS max_censoring,
    f.esr__72h__open_above AS open_above,
    f.esr__72h__open_below AS open_below
  ) AS esr,
  STRUCT(
    f.scd25_u__72h__last AS last,
    f.scd25_u__72h__last_at AS last_at,
    f.scd25_u__72h__last_censoring AS last_censoring,
    f.scd25_u__72h__min AS min,
    f.scd25_u__72h__min_at AS min_at,
    f.scd25_u__72h__min_censoring AS min_censoring,
    f.scd25_u__72h__max AS max,
    f.scd25_u__72h__max_at AS max_at,
    f.scd25_u__72h__max_censoring AS max_censoring,
    f.scd25_u__72h__open_above AS open_above,
    f.scd25_u__72h__open_below AS open_below
  ) AS scd25_u,
  STRUCT(
    f.scd25_pg__72h__last AS last,
    f.scd25_pg__72h__last_at AS last_at,
    f.scd25_pg__72h__last_censoring AS last_censoring,
    f.scd25_pg__72h__min AS min,
    f.scd25_pg__72h__min_at AS min_at,
    f.scd25_pg__72h__min_censoring AS min_censoring,
    f.scd25_pg__72h__max AS max,
    f.scd25_pg__72h__max_at AS max_at,
    f.scd25_pg__72h__max_censoring AS max_censoring,
    f.scd25_pg__72h__open_above AS open_above,
    f.scd25_pg__72h__open_below AS open_below
  ) AS scd25_pg,
  STRUCT(
    f.temperature__72h__last AS last,
    f.temperature__72h__last_at AS last_at,
    f.temperature__72h__last_censoring AS last_censoring,
    f.temperature__72h__min AS min,
    f.temperature__72h__min_at AS min_at,
    f.temperature__72h__min_censoring AS min_censoring,
    f.temperature__72h__max AS max,
    f.temperature__72h__max_at AS max_at,
    f.temperature__72h__max_censoring AS max_censoring,
    f.temperature__72h__open_above AS open_above,
    f.temperature__72h__open_below AS open_below
  ) AS temperature,
  f.ferritin__trend__fold_rise,
  STRUCT(
    f.ferritin__7d__min AS value,
    f.ferritin__7d__min_censoring AS censoring,
    f.ferritin__7d__min_at AS taken_at,
    '7d' AS window,
    'min' AS aggregate
  ) AS ferritin__trend__baseline,
  f.platelets__trend__pct_drop,
  STRUCT(
    f.platelets__7d__max AS value,
    f.platelets__7d__max_censoring AS censoring,
    f.platelets__7d__max_at AS taken_at,
    '7d' AS window,
    'max' AS aggregate
  ) AS platelets__trend__baseline,
  f.fibrinogen__trend__pct_drop,
  STRUCT(
    f.fibrinogen__7d__max AS value,
    f.fibrinogen__7d__max_censoring AS censoring,
    f.fibrinogen__7d__max_at AS taken_at,
    '7d' AS window,
    'max' AS aggregate
  ) AS fibrinogen__trend__baseline,
  f.ast__trend__fold_rise,
  STRUCT(
    f.ast__7d__min AS value,
    f.ast__7d__min_censoring AS censoring,
    f.ast__7d__min_at AS taken_at,
    '7d' AS window,
    'min' AS aggregate
  ) AS ast__trend__baseline,
  f.ldh__trend__fold_rise,
  STRUCT(
    f.ldh__7d__min AS value,
    f.ldh__7d__min_censoring AS censoring,
    f.ldh__7d__min_at AS taken_at,
    '7d' AS window,
    'min' AS aggregate
  ) AS ldh__trend__baseline,
  f.esr__trend__pct_drop,
  STRUCT(
    f.esr__7d__max AS value,
    f.esr__7d__max_censoring AS censoring,
    f.esr__7d__max_at AS taken_at,
    '7d' AS window,
    'max' AS aggregate
  ) AS esr__trend__baseline
FROM day_features AS f
LEFT JOIN context_found AS c
  USING (patient_id, as_of_date)
LEFT JOIN immunosuppressed AS i
  USING (patient_id, as_of_date)
LEFT JOIN care_units AS u
  USING (patient_id, as_of_date)
LEFT JOIN staging.patients AS p
  USING (patient_id)
