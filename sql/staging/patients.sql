-- staging.patients: one row per patient (the latest load's version), birth date and sex (F, M, U).
-- Reads: temp.current (sql/staging/dispositions.sql).
-- Writes: staging.patients (the rows this returns, by pipelines/staging/staged_tables.py stage).
SELECT record_id AS patient_id, birth_day AS birth_date, sex_code AS sex, _load_id, _source_file, _source_row
FROM current
