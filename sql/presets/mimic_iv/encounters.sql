-- inputs: hosp/admissions.csv.gz
-- MIMIC-IV hospital admissions. The care unit is per ICU stay (icu/icustays), not per admission.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.encounters (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH a AS (
    SELECT * FROM preset_rows($dir, $inputs['hosp/admissions.csv.gz'])
)
SELECT subject_id AS patient_id,
       hadm_id AS encounter_id,
       shift_time(admittime, $shift_years) AS admit_at,
       shift_time(dischtime, $shift_years) AS discharge_at,
       admission_type AS encounter_type,
       NULL AS care_unit,
       to_json({deathtime: deathtime, admission_location: admission_location,
                discharge_location: discharge_location, hospital_expire_flag: hospital_expire_flag}) AS _extra,
       _source_file,
       _source_row
FROM a
