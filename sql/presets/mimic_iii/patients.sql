-- inputs: PATIENTS.csv.gz
-- MIMIC-III patients. Ages over 89 have DOB moved 300 years back by MIMIC's de-identification.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.patients (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH p AS (
    SELECT * FROM preset_rows($dir, $inputs['PATIENTS.csv.gz'])
)
SELECT SUBJECT_ID AS patient_id,
       CAST(CAST(shift_time(DOB, $shift_years) AS TIMESTAMP) AS DATE)::VARCHAR AS birth_date,
       GENDER AS sex,
       to_json({dod: DOD}) AS _extra,
       _source_file,
       _source_row
FROM p
