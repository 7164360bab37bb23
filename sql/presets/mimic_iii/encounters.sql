-- inputs: ADMISSIONS.csv.gz
-- MIMIC-III hospital admissions.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.encounters (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH a AS (
    SELECT * FROM preset_rows($dir, $inputs['ADMISSIONS.csv.gz'])
)
SELECT SUBJECT_ID AS patient_id,
       HADM_ID AS encounter_id,
       shift_time(ADMITTIME, $shift_years) AS admit_at,
       shift_time(DISCHTIME, $shift_years) AS discharge_at,
       ADMISSION_TYPE AS encounter_type,
       NULL AS care_unit,
       to_json({diagnosis: DIAGNOSIS, deathtime: DEATHTIME}) AS _extra,
       _source_file,
       _source_row
FROM a
