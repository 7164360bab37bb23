-- inputs: MEASUREMENT.csv, CONCEPT.csv
-- OMOP CDM v5.4 MEASUREMENT rows whose code (worked out as in labs.sql) is a vital sign in
-- $vital_codes, as canonical vitals with the mapping's code; labs.sql takes every other row. The
-- value and unit are read as in labs.sql. OMOP has no recording time: known when measured.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.vitals (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH vital AS (SELECT unnest($vital_codes, recursive := true))
SELECT c.person_id AS patient_id,
       c.visit_occurrence_id AS encounter_id,
       c.measurement_id AS measurement_id,
       v.code,
       c.value,
       c.unit,
       shift_time(coalesce(nullif(trim(c.measurement_datetime), ''), c.measurement_date), $shift_years) AS measured_at,
       NULL AS recorded_at,
       to_json({source_code: c.source_code, measurement_concept_id: c.measurement_concept_id,
                operator_concept_id: c.operator_concept_id, value_as_number: c.value_as_number,
                unit_concept_id: c.unit_concept_id, visit_detail_id: c.visit_detail_id,
                measurement_datetime: c.measurement_datetime}) AS _extra,
       _source_file,
       c._source_row
FROM omop_measurements($dir, $inputs['MEASUREMENT.csv'], $inputs['CONCEPT.csv']) AS c
JOIN vital AS v ON v.source_code = c.source_code
