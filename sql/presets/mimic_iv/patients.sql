-- inputs: hosp/patients.csv.gz
-- MIMIC-IV patients. MIMIC-IV gives no birth date, only anchor_age (the age in anchor_year, both
-- de-identified; ages over 89 are given as 91): the birth date is taken as January 1st of
-- anchor_year - anchor_age, so an age computed from it is right to within a year.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.patients (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH p AS (
    SELECT * FROM preset_rows($dir, $inputs['hosp/patients.csv.gz'])
)
SELECT subject_id AS patient_id,
       coalesce(strftime(TRY_CAST(shift_time(
                    lpad(CAST(TRY_CAST(anchor_year AS INTEGER) - TRY_CAST(anchor_age AS INTEGER) AS VARCHAR), 4, '0')
                    || '-01-01', $shift_years) AS TIMESTAMP), '%Y-%m-%d'),
                nullif(trim(anchor_year), '') || ' - ' || nullif(trim(anchor_age), '')) AS birth_date,
       gender AS sex,
       to_json({anchor_age: anchor_age, anchor_year: anchor_year, anchor_year_group: anchor_year_group,
                dod: dod}) AS _extra,
       _source_file,
       _source_row
FROM p
