-- inputs: hosp/diagnoses_icd.csv.gz, hosp/admissions.csv.gz
-- MIMIC-IV diagnoses, ICD-9-CM or ICD-10-CM by icd_version (another version is passed on as sent
-- and quarantined by staging). They are coded for the admission and carry no time: recorded at
-- the admission's discharge, the earliest moment they could be known.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.diagnoses (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH dx AS (SELECT * FROM preset_rows($dir, $inputs['hosp/diagnoses_icd.csv.gz'])),
admissions AS (SELECT * EXCLUDE (_source_file, _source_row) FROM preset_rows($dir, $inputs['hosp/admissions.csv.gz']))
SELECT d.subject_id AS patient_id,
       d.hadm_id AS encounter_id,
       CASE trim(d.icd_version) WHEN '9' THEN 'ICD9CM' WHEN '10' THEN 'ICD10CM'
            ELSE 'icd_version ' || d.icd_version END AS code_system,
       trim(d.icd_code) AS code,
       shift_time(a.dischtime, $shift_years) AS recorded_at,
       to_json({seq_num: d.seq_num, icd_version: d.icd_version}) AS _extra,
       d._source_file,
       d._source_row
FROM dx AS d
LEFT JOIN admissions AS a USING (hadm_id)
