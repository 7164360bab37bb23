-- staging.medications: medication orders or administrations, latest version of each.
-- Reads: temp.current (sql/staging/dispositions.sql).
-- Writes: staging.medications (the rows this returns, by pipelines/staging/staged_tables.py stage).
SELECT trim_id(patient_id) AS patient_id, nullif(trim_id(encounter_id), '') AS encounter_id,
       nullif(system_key, '') AS code_system, nullif(trim(code), '') AS code, trim(name) AS name,
       nullif(trim(dose), '') AS dose, nullif(trim(dose_unit), '') AS dose_unit,
       nullif(trim(route), '') AS route, started_ts AS started_at, ended_ts AS ended_at,
       _load_id, _source_file, _source_row
FROM current
