-- inputs: data/**/*.parquet, metadata/dataset.json?
-- MEDS: diagnosis events (DIAGNOSIS//ICD//10//M0820, DIAGNOSIS//ICD10CM//M06.1, ICD10CM/M06.1...) as
-- canonical diagnoses, recorded at the event's time. The code system is the mapping entry's
-- (ICD10CM, ICD9CM, SNOMED), else the code's first part as sent, which staging quarantines as
-- unknown_code_system unless it is one of those. Static diagnoses (no time) are quarantined as
-- missing_required. MEDS events carry no encounter. Events: _shared.sql; inputs line: see
-- labs.sql.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.diagnoses (the rows this returns, inserted by pipelines/ingest/presets.py).
SELECT CAST(subject_id AS VARCHAR) AS patient_id,
       NULL AS encounter_id,
       coalesce(code_system, parts[1]) AS code_system,
       CASE WHEN code_system IS NOT NULL THEN parts[1] ELSE parts[2] END AS code,
       shift_time(CAST(CAST(time AS TIMESTAMP) AS VARCHAR), $shift_years) AS recorded_at,
       to_json({meds_code: meds_code, text_value: text_value, time: time, columns: columns}) AS _extra,
       _source_file,
       _source_row
FROM meds_events($dir, $inputs['data/**/*.parquet'], $code_prefixes)
WHERE kind = 'diagnoses'
