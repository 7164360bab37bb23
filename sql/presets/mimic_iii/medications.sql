-- inputs: PRESCRIPTIONS.csv.gz
-- MIMIC-III prescriptions. NDC '0' means no NDC.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.medications (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH rx AS (
    SELECT * FROM preset_rows($dir, $inputs['PRESCRIPTIONS.csv.gz'])
)
SELECT SUBJECT_ID AS patient_id,
       HADM_ID AS encounter_id,
       CASE WHEN nullif(NDC, '0') IS NOT NULL THEN 'NDC' END AS code_system,
       nullif(NDC, '0') AS code,
       DRUG AS name,
       DOSE_VAL_RX AS dose,
       DOSE_UNIT_RX AS dose_unit,
       ROUTE AS route,
       shift_time(STARTDATE, $shift_years) AS started_at,
       shift_time(ENDDATE, $shift_years) AS ended_at,
       to_json({drug_type: DRUG_TYPE, generic: DRUG_NAME_GENERIC}) AS _extra,
       _source_file,
       _source_row
FROM rx
