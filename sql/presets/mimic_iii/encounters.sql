-- inputs: ADMISSIONS.csv.gz
-- MIMIC-III hospital admissions.
WITH a AS (
    SELECT *, row_number() OVER () AS _source_row
    FROM read_csv($dir || '/ADMISSIONS.csv.gz', header = true, all_varchar = true)
)
SELECT SUBJECT_ID AS patient_id,
       HADM_ID AS encounter_id,
       shift_time(ADMITTIME, $shift_years) AS admit_at,
       shift_time(DISCHTIME, $shift_years) AS discharge_at,
       ADMISSION_TYPE AS encounter_type,
       NULL AS care_unit,
       to_json({diagnosis: DIAGNOSIS, deathtime: DEATHTIME}) AS _extra,
       'ADMISSIONS.csv.gz' AS _source_file,
       _source_row
FROM a
