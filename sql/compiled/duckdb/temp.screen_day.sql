-- temp.screen_day (duckdb), compiled by pipelines/features/dialects.py from sql/screen/screen_day.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: $start and $end (DATE, the first and last as-of day of the block).
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
    SELECT * FROM features.patient_day WHERE as_of_date BETWEEN $start AND $end
),
context_codes AS (
    SELECT unnest([{'context': 'sjia', 'code_system': 'ICD10CM', 'code': 'M082', 'exact': false}, {'context': 'sjia', 'code_system': 'SNOMED', 'code': '201796004', 'exact': true}, {'context': 'aosd', 'code_system': 'ICD10CM', 'code': 'M061', 'exact': false}, {'context': 'aosd', 'code_system': 'SNOMED', 'code': '239920006', 'exact': true}, {'context': 'sle', 'code_system': 'ICD10CM', 'code': 'M32', 'exact': false}, {'context': 'sle', 'code_system': 'ICD9CM', 'code': '7100', 'exact': false}, {'context': 'sle', 'code_system': 'SNOMED', 'code': '55464009', 'exact': true}], recursive := true)
),
context_therapies AS (
    SELECT unnest([{'context': 'sjia', 'ingredient': 'anakinra'}, {'context': 'sjia', 'ingredient': 'kineret'}, {'context': 'sjia', 'ingredient': 'canakinumab'}, {'context': 'sjia', 'ingredient': 'ilaris'}, {'context': 'sjia', 'ingredient': 'tocilizumab'}, {'context': 'sjia', 'ingredient': 'actemra'}, {'context': 'aosd', 'ingredient': 'anakinra'}, {'context': 'aosd', 'ingredient': 'kineret'}, {'context': 'aosd', 'ingredient': 'canakinumab'}, {'context': 'aosd', 'ingredient': 'ilaris'}, {'context': 'aosd', 'ingredient': 'tocilizumab'}, {'context': 'aosd', 'ingredient': 'actemra'}], recursive := true)
),
coded AS (
    SELECT f.patient_id, f.as_of_date, c.context, 'diagnosis' AS how, d.code_system, d.code AS what,
           d.recorded_at AS event_at
    FROM day_features AS f
    JOIN staging.diagnoses AS d ON d.patient_id = f.patient_id AND d.recorded_at < f.as_of_cutoff
    JOIN context_codes AS c
      ON d.code_system = c.code_system
     AND CASE WHEN c.exact THEN d.code_compact = c.code ELSE starts_with(d.code_compact, c.code) END
),
therapy AS (
    SELECT f.patient_id, f.as_of_date, t.context, 'therapy' AS how, m.code_system, m.name AS what,
           m.started_at AS event_at
    FROM day_features AS f
    JOIN staging.medications AS m ON m.patient_id = f.patient_id AND m.started_at < f.as_of_cutoff
    JOIN context_therapies AS t ON list_contains(regexp_split_to_array(lower(m.name), '[^a-z]+'), t.ingredient)
),
context_found AS (
    SELECT patient_id, as_of_date,
           list(DISTINCT context ORDER BY context) FILTER (WHERE how = 'diagnosis') AS contexts,
           list(DISTINCT context ORDER BY context) FILTER (WHERE how = 'therapy') AS therapy_contexts,
           list({'context': context, 'how': how, 'code_system': code_system, 'code_or_name': what, 'at': event_at}
                ORDER BY context, how, event_at) AS context_evidence
    FROM (
        -- the earliest diagnosis and the earliest therapy per context are enough evidence
        SELECT patient_id, as_of_date, context, how, arg_min(code_system, event_at) AS code_system,
               arg_min(what, event_at) AS what, min(event_at) AS event_at
        FROM (SELECT * FROM coded UNION ALL SELECT * FROM therapy)
        GROUP BY ALL
    )
    GROUP BY ALL
),
immunosuppressant_orders AS (
    -- systemic orders of a drug of the HScore's immunosuppression item, with the drug they are:
    -- the ingredient named (so a home order coded in RxNorm and its re-order under an NDC chain),
    -- else the RxNorm ingredient code
    SELECT m.patient_id, m.started_at, m.ended_at,
           coalesce(list_intersect(regexp_split_to_array(lower(m.name), '[^a-z]+'),
                                   ['methylprednisolone', 'dexamethasone', 'prednisone', 'prednisolone', 'hydrocortisone', 'cyclosporine', 'ciclosporin', 'azathioprine'])[1],
                    'RXNORM ' || m.code) AS drug
    FROM staging.medications AS m
    WHERE m.patient_id IN (SELECT patient_id FROM day_features)
      AND ((m.code_system = 'RXNORM' AND list_contains(['6902', '3264', '8640', '8638', '5492', '3008'], m.code))
           OR list_has_any(regexp_split_to_array(lower(m.name), '[^a-z]+'), ['methylprednisolone', 'dexamethasone', 'prednisone', 'prednisolone', 'hydrocortisone', 'cyclosporine', 'ciclosporin', 'azathioprine']))
      AND NOT list_has_any(regexp_split_to_array(lower(coalesce(m.route, '')), '[^a-z]+'),
                           ['eye', 'eyes', 'ophthalmic', 'ophth', 'ou', 'intravitreal', 'topical', 'tp', 'cutaneous', 'dermal', 'skin', 'inhalation', 'inhaled', 'inhaler', 'inh', 'ih', 'nebulized', 'nebulised', 'neb', 'nasal', 'intranasal', 'nu', 'otic', 'ear', 'ears', 'intrathecal', 'it', 'articular', 'intraarticular', 'vaginal', 'mucosal', 'mouthwash', 'swish', 'od', 'pr', 'rectal', 'intradermal', 'intralesional'])
      AND NOT list_has_any(regexp_split_to_array(lower(coalesce(m.name, '')), '[^a-z]+'),
                           ['ophthalmic', 'ophth', 'eye', 'otic', 'ear', 'topical', 'cream', 'ointment', 'lotion', 'gel', 'inhaler', 'inhalation', 'inhaled', 'nebulizer', 'nebulised', 'nebulized', 'nasal', 'intranasal', 'enema', 'suppository', 'rectal', 'intrathecal', 'intraarticular', 'mouthwash'])
),
immunosuppressant_orders_chained AS (
    -- a new course starts when an order starts more than the re-order gap after every earlier
    -- order of the same drug had ended (an order with no end runs on)
    SELECT *,
           CASE WHEN started_at > max(coalesce(ended_at, 'infinity'::TIMESTAMPTZ)) OVER earlier
                                  + to_hours(CAST(48 AS INTEGER))
                THEN 1 ELSE 0 END AS starts_course
    FROM immunosuppressant_orders
    WINDOW earlier AS (PARTITION BY patient_id, drug ORDER BY started_at, ended_at
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
immunosuppressant_courses AS (
    SELECT patient_id, drug, started_at, ended_at,
           min(started_at) OVER (PARTITION BY patient_id, drug, course_number) AS course_started_at
    FROM (SELECT *, sum(starts_course) OVER (PARTITION BY patient_id, drug ORDER BY started_at, ended_at) AS course_number
          FROM immunosuppressant_orders_chained)
),
immunosuppressed AS (
    -- an order running at the cutoff whose course began at least min_days_on_therapy before it
    SELECT DISTINCT f.patient_id, f.as_of_date
    FROM day_features AS f
    JOIN immunosuppressant_courses AS m
      ON m.patient_id = f.patient_id
     AND m.started_at < f.as_of_cutoff
     AND (m.ended_at IS NULL OR m.ended_at >= f.as_of_cutoff)
     AND m.course_started_at <= f.as_of_cutoff - to_days(CAST(30 AS INTEGER))
),
care_units AS (
    SELECT f.patient_id, f.as_of_date,
           bool_or(list_has_any(regexp_split_to_array(upper(e.care_unit), '[^A-Z]+'), ['ICU', 'MICU', 'SICU', 'CICU', 'CCU', 'CSRU', 'PICU', 'NICU', 'CVICU', 'TSICU', 'NSICU', 'ITU', 'HDU', 'INTENSIVE']))
             FILTER (WHERE e.care_unit IS NOT NULL) AS in_icu
    FROM day_features AS f
    JOIN staging.encounters AS e
      ON e.patient_id = f.patient_id AND e.admit_at < f.as_of_cutoff
     AND (e.discharge_at IS NULL OR e.discharge_at >= f.as_of_cutoff - INTERVAL 1 DAY)
    GROUP BY ALL
)
SELECT
    f.patient_id,
    f.as_of_date,
    f.as_of_cutoff,
    coalesce(c.contexts, []) AS contexts,
    list_filter(coalesce(c.therapy_contexts, []), x -> NOT list_contains(coalesce(c.contexts, []), x)) AS suspected_contexts,
    coalesce(c.context_evidence, []) AS context_evidence,
    i.patient_id IS NOT NULL AS immunosuppressed,
    p.birth_date,
    datediff('day', p.birth_date, f.as_of_date) AS age_days,
    CAST(datediff('year', p.birth_date, f.as_of_date) AS INTEGER)
      - CASE WHEN strftime(f.as_of_date, '%m%d') < strftime(p.birth_date, '%m%d') THEN 1 ELSE 0 END AS age_years,
    u.in_icu,
    {'last': f.ferritin__72h__last, 'last_at': f.ferritin__72h__last_at, 'last_censoring': f.ferritin__72h__last_censoring, 'min': f.ferritin__72h__min, 'min_at': f.ferritin__72h__min_at, 'min_censoring': f.ferritin__72h__min_censoring, 'max': f.ferritin__72h__max, 'max_at': f.ferritin__72h__max_at, 'max_censoring': f.ferritin__72h__max_censoring, 'open_above': f.ferritin__72h__open_above, 'open_below': f.ferritin__72h__open_below} AS ferritin,
    {'last': f.platelets__72h__last, 'last_at': f.platelets__72h__last_at, 'last_censoring': f.platelets__72h__last_censoring, 'min': f.platelets__72h__min, 'min_at': f.platelets__72h__min_at, 'min_censoring': f.platelets__72h__min_censoring, 'max': f.platelets__72h__max, 'max_at': f.platelets__72h__max_at, 'max_censoring': f.platelets__72h__max_censoring, 'open_above': f.platelets__72h__open_above, 'open_below': f.platelets__72h__open_below} AS platelets,
    {'last': f.wbc__72h__last, 'last_at': f.wbc__72h__last_at, 'last_censoring': f.wbc__72h__last_censoring, 'min': f.wbc__72h__min, 'min_at': f.wbc__72h__min_at, 'min_censoring': f.wbc__72h__min_censoring, 'max': f.wbc__72h__max, 'max_at': f.wbc__72h__max_at, 'max_censoring': f.wbc__72h__max_censoring, 'open_above': f.wbc__72h__open_above, 'open_below': f.wbc__72h__open_below} AS wbc,
    {'last': f.anc__72h__last, 'last_at': f.anc__72h__last_at, 'last_censoring': f.anc__72h__last_censoring, 'min': f.anc__72h__min, 'min_at': f.anc__72h__min_at, 'min_censoring': f.anc__72h__min_censoring, 'max': f.anc__72h__max, 'max_at': f.anc__72h__max_at, 'max_censoring': f.anc__72h__max_censoring, 'open_above': f.anc__72h__open_above, 'open_below': f.anc__72h__open_below} AS anc,
    {'last': f.hemoglobin__72h__last, 'last_at': f.hemoglobin__72h__last_at, 'last_censoring': f.hemoglobin__72h__last_censoring, 'min': f.hemoglobin__72h__min, 'min_at': f.hemoglobin__72h__min_at, 'min_censoring': f.hemoglobin__72h__min_censoring, 'max': f.hemoglobin__72h__max, 'max_at': f.hemoglobin__72h__max_at, 'max_censoring': f.hemoglobin__72h__max_censoring, 'open_above': f.hemoglobin__72h__open_above, 'open_below': f.hemoglobin__72h__open_below} AS hemoglobin,
    {'last': f.ast__72h__last, 'last_at': f.ast__72h__last_at, 'last_censoring': f.ast__72h__last_censoring, 'min': f.ast__72h__min, 'min_at': f.ast__72h__min_at, 'min_censoring': f.ast__72h__min_censoring, 'max': f.ast__72h__max, 'max_at': f.ast__72h__max_at, 'max_censoring': f.ast__72h__max_censoring, 'open_above': f.ast__72h__open_above, 'open_below': f.ast__72h__open_below} AS ast,
    {'last': f.alt__72h__last, 'last_at': f.alt__72h__last_at, 'last_censoring': f.alt__72h__last_censoring, 'min': f.alt__72h__min, 'min_at': f.alt__72h__min_at, 'min_censoring': f.alt__72h__min_censoring, 'max': f.alt__72h__max, 'max_at': f.alt__72h__max_at, 'max_censoring': f.alt__72h__max_censoring, 'open_above': f.alt__72h__open_above, 'open_below': f.alt__72h__open_below} AS alt,
    {'last': f.ldh__72h__last, 'last_at': f.ldh__72h__last_at, 'last_censoring': f.ldh__72h__last_censoring, 'min': f.ldh__72h__min, 'min_at': f.ldh__72h__min_at, 'min_censoring': f.ldh__72h__min_censoring, 'max': f.ldh__72h__max, 'max_at': f.ldh__72h__max_at, 'max_censoring': f.ldh__72h__max_censoring, 'open_above': f.ldh__72h__open_above, 'open_below': f.ldh__72h__open_below} AS ldh,
    {'last': f.triglycerides__72h__last, 'last_at': f.triglycerides__72h__last_at, 'last_censoring': f.triglycerides__72h__last_censoring, 'min': f.triglycerides__72h__min, 'min_at': f.triglycerides__72h__min_at, 'min_censoring': f.triglycerides__72h__min_censoring, 'max': f.triglycerides__72h__max, 'max_at': f.triglycerides__72h__max_at, 'max_censoring': f.triglycerides__72h__max_censoring, 'open_above': f.triglycerides__72h__open_above, 'open_below': f.triglycerides__72h__open_below} AS triglycerides,
    {'last': f.fibrinogen__72h__last, 'last_at': f.fibrinogen__72h__last_at, 'last_censoring': f.fibrinogen__72h__last_censoring, 'min': f.fibrinogen__72h__min, 'min_at': f.fibrinogen__72h__min_at, 'min_censoring': f.fibrinogen__72h__min_censoring, 'max': f.fibrinogen__72h__max, 'max_at': f.fibrinogen__72h__max_at, 'max_censoring': f.fibrinogen__72h__max_censoring, 'open_above': f.fibrinogen__72h__open_above, 'open_below': f.fibrinogen__72h__open_below} AS fibrinogen,
    {'last': f.ddimer__72h__last, 'last_at': f.ddimer__72h__last_at, 'last_censoring': f.ddimer__72h__last_censoring, 'min': f.ddimer__72h__min, 'min_at': f.ddimer__72h__min_at, 'min_censoring': f.ddimer__72h__min_censoring, 'max': f.ddimer__72h__max, 'max_at': f.ddimer__72h__max_at, 'max_censoring': f.ddimer__72h__max_censoring, 'open_above': f.ddimer__72h__open_above, 'open_below': f.ddimer__72h__open_below} AS ddimer,
    {'last': f.crp__72h__last, 'last_at': f.crp__72h__last_at, 'last_censoring': f.crp__72h__last_censoring, 'min': f.crp__72h__min, 'min_at': f.crp__72h__min_at, 'min_censoring': f.crp__72h__min_censoring, 'max': f.crp__72h__max, 'max_at': f.crp__72h__max_at, 'max_censoring': f.crp__72h__max_censoring, 'open_above': f.crp__72h__open_above, 'open_below': f.crp__72h__open_below} AS crp,
    {'last': f.esr__72h__last, 'last_at': f.esr__72h__last_at, 'last_censoring': f.esr__72h__last_censoring, 'min': f.esr__72h__min, 'min_at': f.esr__72h__min_at, 'min_censoring': f.esr__72h__min_censoring, 'max': f.esr__72h__max, 'max_at': f.esr__72h__max_at, 'max_censoring': f.esr__72h__max_censoring, 'open_above': f.esr__72h__open_above, 'open_below': f.esr__72h__open_below} AS esr,
    {'last': f.scd25_u__72h__last, 'last_at': f.scd25_u__72h__last_at, 'last_censoring': f.scd25_u__72h__last_censoring, 'min': f.scd25_u__72h__min, 'min_at': f.scd25_u__72h__min_at, 'min_censoring': f.scd25_u__72h__min_censoring, 'max': f.scd25_u__72h__max, 'max_at': f.scd25_u__72h__max_at, 'max_censoring': f.scd25_u__72h__max_censoring, 'open_above': f.scd25_u__72h__open_above, 'open_below': f.scd25_u__72h__open_below} AS scd25_u,
    {'last': f.scd25_pg__72h__last, 'last_at': f.scd25_pg__72h__last_at, 'last_censoring': f.scd25_pg__72h__last_censoring, 'min': f.scd25_pg__72h__min, 'min_at': f.scd25_pg__72h__min_at, 'min_censoring': f.scd25_pg__72h__min_censoring, 'max': f.scd25_pg__72h__max, 'max_at': f.scd25_pg__72h__max_at, 'max_censoring': f.scd25_pg__72h__max_censoring, 'open_above': f.scd25_pg__72h__open_above, 'open_below': f.scd25_pg__72h__open_below} AS scd25_pg,
    {'last': f.temperature__72h__last, 'last_at': f.temperature__72h__last_at, 'last_censoring': f.temperature__72h__last_censoring, 'min': f.temperature__72h__min, 'min_at': f.temperature__72h__min_at, 'min_censoring': f.temperature__72h__min_censoring, 'max': f.temperature__72h__max, 'max_at': f.temperature__72h__max_at, 'max_censoring': f.temperature__72h__max_censoring, 'open_above': f.temperature__72h__open_above, 'open_below': f.temperature__72h__open_below} AS temperature,
    f.ferritin__trend__fold_rise,
    {'value': f.ferritin__7d__min, 'censoring': f.ferritin__7d__min_censoring, 'taken_at': f.ferritin__7d__min_at, 'window': '7d', 'aggregate': 'min'} AS ferritin__trend__baseline,
    f.platelets__trend__pct_drop,
    {'value': f.platelets__7d__max, 'censoring': f.platelets__7d__max_censoring, 'taken_at': f.platelets__7d__max_at, 'window': '7d', 'aggregate': 'max'} AS platelets__trend__baseline,
    f.fibrinogen__trend__pct_drop,
    {'value': f.fibrinogen__7d__max, 'censoring': f.fibrinogen__7d__max_censoring, 'taken_at': f.fibrinogen__7d__max_at, 'window': '7d', 'aggregate': 'max'} AS fibrinogen__trend__baseline,
    f.ast__trend__fold_rise,
    {'value': f.ast__7d__min, 'censoring': f.ast__7d__min_censoring, 'taken_at': f.ast__7d__min_at, 'window': '7d', 'aggregate': 'min'} AS ast__trend__baseline,
    f.ldh__trend__fold_rise,
    {'value': f.ldh__7d__min, 'censoring': f.ldh__7d__min_censoring, 'taken_at': f.ldh__7d__min_at, 'window': '7d', 'aggregate': 'min'} AS ldh__trend__baseline,
    f.esr__trend__pct_drop,
    {'value': f.esr__7d__max, 'censoring': f.esr__7d__max_censoring, 'taken_at': f.esr__7d__max_at, 'window': '7d', 'aggregate': 'max'} AS esr__trend__baseline
FROM day_features AS f
LEFT JOIN context_found AS c USING (patient_id, as_of_date)
LEFT JOIN immunosuppressed AS i USING (patient_id, as_of_date)
LEFT JOIN care_units AS u USING (patient_id, as_of_date)
LEFT JOIN staging.patients AS p USING (patient_id)
