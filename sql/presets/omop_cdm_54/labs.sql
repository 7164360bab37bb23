-- inputs: MEASUREMENT.csv, CONCEPT.csv
-- OMOP CDM v5.4 MEASUREMENT rows as canonical labs: every row except the vital signs ($vital_codes,
-- taken by vitals.sql), so each MEASUREMENT row lands exactly once. The code is the source value
-- when it is a LOINC code (Synthea); a local label ('FERR', 'Ferritin [Mass/volume]') is mapped
-- through the LOINC concept_code of the source concept, else of the standard concept
-- (_extra.code_from_concept); codes outside analytes.csv are quarantined as unmapped by staging. The
-- value is the source's text, else value_as_number when that text is empty or a de-identification
-- placeholder, with the operator concept's symbol ('<', '<=', '>', '>=', resolved through CONCEPT)
-- in front so staging reads it as censored; the unit is the unit concept's UCUM code, else
-- unit_source_value. OMOP has no result time: a result counts as
-- known when measured. MEASUREMENT is read (as in vitals.sql) by omop_measurements of _shared.sql.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.labs (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH vital AS (SELECT unnest($vital_codes, recursive := true))
SELECT c.person_id AS patient_id,
       c.visit_occurrence_id AS encounter_id,
       c.measurement_id AS result_id,
       c.source_code AS code,
       c.concept_name AS name,
       c.value,
       c.unit,
       c.range_low AS ref_low,
       c.range_high AS ref_high,
       shift_time(coalesce(nullif(trim(c.measurement_datetime), ''), c.measurement_date), $shift_years) AS collected_at,
       NULL AS resulted_at,
       'F' AS status,
       to_json({measurement_source_value: c.measurement_source_value, code_from_concept: c.code_from_concept,
                measurement_concept_id: c.measurement_concept_id,
                measurement_source_concept_id: c.measurement_source_concept_id,
                measurement_type_concept_id: c.measurement_type_concept_id,
                operator_concept_id: c.operator_concept_id, value_as_number: c.value_as_number,
                value_source_value: c.value_source_value, value_from_number: c.value_from_number,
                value_as_concept_id: c.value_as_concept_id, unit_concept_id: c.unit_concept_id,
                visit_detail_id: c.visit_detail_id, provider_id: c.provider_id,
                measurement_datetime: c.measurement_datetime}) AS _extra,
       _source_file,
       c._source_row
FROM omop_measurements($dir, $inputs['MEASUREMENT.csv'], $inputs['CONCEPT.csv']) AS c
WHERE NOT EXISTS (SELECT 1 FROM vital AS v WHERE v.source_code = c.source_code)
