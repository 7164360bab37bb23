-- staging.encounters: one row per encounter; discharge_at is NULL while the patient is in.
-- Reads: temp.current (sql/staging/dispositions.sql).
-- Writes: staging.encounters (the rows this returns, by pipelines/staging/staged_tables.py stage).
SELECT trim_id(patient_id) AS patient_id, record_id AS encounter_id, admit_ts AS admit_at,
       discharge_ts AS discharge_at, nullif(trim(encounter_type), '') AS encounter_type,
       nullif(trim(care_unit), '') AS care_unit, _load_id, _source_file, _source_row
FROM current
