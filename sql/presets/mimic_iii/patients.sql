-- inputs: PATIENTS.csv.gz
-- MIMIC-III patients. Ages over 89 have DOB moved 300 years back by MIMIC's de-identification.
WITH p AS (
    SELECT *, row_number() OVER () AS _source_row
    FROM read_csv($dir || '/PATIENTS.csv.gz', header = true, all_varchar = true)
)
SELECT SUBJECT_ID AS patient_id,
       CAST(CAST(shift_time(DOB, $shift_years) AS TIMESTAMP) AS DATE)::VARCHAR AS birth_date,
       GENDER AS sex,
       to_json({dod: DOD}) AS _extra,
       'PATIENTS.csv.gz' AS _source_file,
       _source_row
FROM p
