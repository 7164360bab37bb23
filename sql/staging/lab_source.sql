-- Raw labs in the shape every measurement shares, for sql/staging/measurement_parse.sql.
-- Ids are compared trimmed: patient_id and result_id lose surrounding whitespace here, so 'P1  '
-- (a CHAR column or fixed-width export) and 'P1' are one patient everywhere downstream.
CREATE OR REPLACE TEMP VIEW measurement_source AS
SELECT 'lab' AS analyte_kind,
       trim_id(patient_id) AS patient_id, encounter_id, trim_id(result_id) AS record_id, code, name, value, unit,
       ref_low, ref_high,
       collected_at AS taken_at, resulted_at AS available_at,
       coalesce(nullif(upper(trim(status)), ''), 'F') AS status,
       _load_id, _source_file, _source_row
FROM raw.labs
-- the loads being staged, and every earlier version of the records they carry (a result id is
-- unique only within its source: this reads the same id of other sources too, which is harmless,
-- as sql/staging/dispositions.sql narrows to (source, id))
WHERE _load_id IN (SELECT load_id FROM stage_scope)
   OR trim_id(result_id) IN (SELECT trim_id(result_id) FROM raw.labs WHERE _load_id IN (SELECT load_id FROM stage_scope));
