-- Parse and validate raw.diagnoses into the temp table `parsed` (shape: sql/staging/dispositions.sql).
-- A diagnosis has no id in the contract: the record is (patient, encounter, code system, code,
-- recorded time), so the same diagnosis landed twice is a duplicate.
-- Reasons: missing_required, invalid_timestamp, unknown_code_system (not ICD10CM, ICD9CM, SNOMED).
-- Reads: raw.diagnoses. Writes: temp.parsed.
CREATE OR REPLACE TEMP TABLE parsed AS
WITH typed AS (
    SELECT *,
           upper(replace(trim(code_system), '-', '')) AS system_key,
           upper(replace(trim(code), '.', '')) AS code_key,
           parse_timestamp(recorded_at) AS recorded_ts
    FROM raw.diagnoses
),
validated AS (
    SELECT *,
           CASE
               WHEN nullif(trim_id(patient_id), '') IS NULL OR nullif(trim(code_system), '') IS NULL
                    OR nullif(trim(code), '') IS NULL OR nullif(trim(recorded_at), '') IS NULL
                   THEN 'missing_required'
               WHEN recorded_ts IS NULL THEN 'invalid_timestamp'
               WHEN system_key NOT IN ('ICD10CM', 'ICD9CM', 'SNOMED') THEN 'unknown_code_system'
           END AS reason
    FROM typed
)
SELECT *,
       CASE reason
           WHEN 'missing_required' THEN 'a required field is empty'
           WHEN 'invalid_timestamp' THEN 'not a timestamp: ' || recorded_at
           WHEN 'unknown_code_system' THEN 'code system ' || code_system || ' is not ICD10CM, ICD9CM or SNOMED'
       END AS detail,
       CASE WHEN reason IS NOT NULL THEN to_json({patient_id: patient_id, encounter_id: encounter_id, code_system: code_system, code: code,
                recorded_at: recorded_at}) END AS raw_record,
       concat_ws('|', trim_id(patient_id), coalesce(trim_id(encounter_id), ''), system_key, code_key,
                 CAST(recorded_ts AS VARCHAR)) AS record_id,
       NULL::TIMESTAMPTZ AS version_time,
       0 AS status_rank,
       false AS is_cancel,
       hash(patient_id, encounter_id, code_system, code, recorded_at) AS fingerprint
FROM validated;
