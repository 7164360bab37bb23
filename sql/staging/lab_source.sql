-- Raw labs in the shape every measurement shares, for sql/staging/measurement_parse.sql.
CREATE OR REPLACE TEMP VIEW measurement_source AS
SELECT 'lab' AS analyte_kind,
       patient_id, encounter_id, result_id AS record_id, code, name, value, unit, ref_low, ref_high,
       collected_at AS taken_at, resulted_at AS available_at,
       coalesce(nullif(upper(trim(status)), ''), 'F') AS status,
       _load_id, _source_file, _source_row
FROM raw.labs
-- the loads being staged, and every earlier version of the records they carry
WHERE _load_id IN (SELECT load_id FROM stage_scope)
   OR result_id IN (SELECT result_id FROM raw.labs WHERE _load_id IN (SELECT load_id FROM stage_scope));
