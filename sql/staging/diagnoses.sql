-- staging.diagnoses: coded diagnoses, one row per distinct (patient, encounter, code, time).
-- `code` keeps the form sent; `code_compact` is upper case without the dot (M08.20 -> M0820), the
-- form rules match on.
-- Reads: temp.current (sql/staging/dispositions.sql).
-- Writes: staging.diagnoses (the rows this returns, by pipelines/staging/staged_tables.py stage).
SELECT trim_id(patient_id) AS patient_id, nullif(trim_id(encounter_id), '') AS encounter_id,
       system_key AS code_system, trim(code) AS code, code_key AS code_compact,
       recorded_ts AS recorded_at, _load_id, _source_file, _source_row
FROM current
