-- inputs: hosp/prescriptions.csv.gz
-- MIMIC-IV prescriptions. NDC '0' or empty means no NDC.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.medications (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH rx AS (
    SELECT * FROM preset_rows($dir, $inputs['hosp/prescriptions.csv.gz'])
)
SELECT subject_id AS patient_id,
       hadm_id AS encounter_id,
       CASE WHEN nullif(nullif(trim(ndc), ''), '0') IS NOT NULL THEN 'NDC' END AS code_system,
       nullif(nullif(trim(ndc), ''), '0') AS code,
       drug AS name,
       dose_val_rx AS dose,
       dose_unit_rx AS dose_unit,
       route,
       shift_time(starttime, $shift_years) AS started_at,
       shift_time(stoptime, $shift_years) AS ended_at,
       to_json({drug_type: drug_type, pharmacy_id: pharmacy_id, poe_id: poe_id,
                formulary_drug_cd: formulary_drug_cd, gsn: gsn, prod_strength: prod_strength,
                form_rx: form_rx, form_val_disp: form_val_disp, form_unit_disp: form_unit_disp,
                doses_per_24_hrs: doses_per_24_hrs}) AS _extra,
       _source_file,
       _source_row
FROM rx
