-- Parse and validate raw.patients into the temp table `parsed` (shape: sql/staging/dispositions.sql).
-- One record per patient_id: the row from the latest load wins.
-- Reasons: missing_required (no patient id), invalid_date (a birth date that is not a date),
-- unknown_sex (not F, M, U or empty; female/male spelled out are accepted).
-- Reads: raw.patients. Writes: temp.parsed.
CREATE OR REPLACE TEMP TABLE parsed AS
WITH typed AS (
    SELECT *,
           TRY_CAST(trim(birth_date) AS DATE) AS birth_day,
           CASE upper(trim(coalesce(sex, '')))
               WHEN 'F' THEN 'F' WHEN 'FEMALE' THEN 'F' WHEN 'M' THEN 'M' WHEN 'MALE' THEN 'M'
               WHEN 'U' THEN 'U' WHEN '' THEN 'U' WHEN 'UNKNOWN' THEN 'U'
           END AS sex_code
    FROM raw.patients
),
validated AS (
    SELECT *,
           CASE
               WHEN nullif(trim_id(patient_id), '') IS NULL THEN 'missing_required'
               WHEN nullif(trim(birth_date), '') IS NOT NULL AND birth_day IS NULL THEN 'invalid_date'
               WHEN sex_code IS NULL THEN 'unknown_sex'
           END AS reason
    FROM typed
)
SELECT *,
       CASE reason
           WHEN 'missing_required' THEN 'patient_id is empty'
           WHEN 'invalid_date' THEN 'not a date: ' || birth_date
           WHEN 'unknown_sex' THEN 'sex ' || sex || ' is not F, M or U'
       END AS detail,
       CASE WHEN reason IS NOT NULL THEN to_json({patient_id: patient_id, birth_date: birth_date, sex: sex}) END AS raw_record,
       trim_id(patient_id) AS record_id,
       NULL::TIMESTAMPTZ AS version_time,
       0 AS status_rank,
       false AS is_cancel,
       hash(patient_id, birth_date, sex) AS fingerprint
FROM validated;
