-- inputs: data/**/*.parquet, metadata/dataset.json?
-- MEDS: body temperature events as canonical vitals: the events of a labs (or vitals) prefix whose
-- code part $measurement_codes gives kind vitals (LAB//8310-5//[degF], LAB//temperature, a site's
-- local item). Read, keyed and valued as in labs.sql (both through meds_measurements, _shared.sql;
-- labs.sql gives the inputs line and the measurement id: subject|time|code|n, so identical events
-- cannot be told from duplicates); the code is the mapped analyte, else the code part as sent.
-- MEDS has no recording time.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.vitals (the rows this returns, inserted by pipelines/ingest/presets.py).
SELECT CAST(subject_id AS VARCHAR) AS patient_id,
       NULL AS encounter_id,
       measurement_id,
       coalesce(analyte, parts[1]) AS code,
       measured_value AS value,
       measured_unit AS unit,
       shift_time(CAST(CAST(time AS TIMESTAMP) AS VARCHAR), $shift_years) AS measured_at,
       NULL AS recorded_at,
       measurement_extra AS _extra,
       _source_file,
       _source_row
FROM meds_measurements($dir, $inputs['data/**/*.parquet'], $code_prefixes, $measurement_codes)
WHERE measurement_kind = 'vitals'
