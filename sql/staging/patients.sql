-- staging.patients: one row per patient (the latest load's version), birth date and sex (F, M, U).
SELECT record_id AS patient_id, birth_day AS birth_date, sex_code AS sex, _load_id, _source_file, _source_row
FROM current
