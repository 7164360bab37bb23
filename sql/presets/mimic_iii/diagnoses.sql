-- inputs: DIAGNOSES_ICD.csv.gz, ADMISSIONS.csv.gz
-- MIMIC-III ICD-9-CM diagnoses. They are coded for the admission and carry no time: recorded at
-- the admission's discharge, the earliest moment they could be known.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.diagnoses (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH dx AS (SELECT * FROM preset_rows($dir, $inputs['DIAGNOSES_ICD.csv.gz'])),
admissions AS (SELECT * EXCLUDE (_source_file, _source_row) FROM preset_rows($dir, $inputs['ADMISSIONS.csv.gz']))
SELECT d.SUBJECT_ID AS patient_id,
       d.HADM_ID AS encounter_id,
       'ICD9CM' AS code_system,
       d.ICD9_CODE AS code,
       shift_time(a.DISCHTIME, $shift_years) AS recorded_at,
       to_json({seq_num: d.SEQ_NUM}) AS _extra,
       d._source_file,
       d._source_row
FROM dx AS d
LEFT JOIN admissions AS a USING (HADM_ID)
