-- Raw labs in the shape every measurement shares, for sql/staging/measurement_parse.sql.
-- Reads raw.labs and the temp tables stage_scope (the loads being staged) and earlier_loads (the
-- other loads of the kind, already staged; empty on a full restage), built by pipelines/staging/staged_tables.py.
-- Ids are compared trimmed: patient_id and result_id lose surrounding whitespace here, so 'P1  '
-- (a CHAR column or fixed-width export) and 'P1' are one patient everywhere downstream.
-- Reads: raw.labs, temp.stage_scope, temp.earlier_loads (built by pipelines/staging/staged_tables.py).
-- Writes: temp.measurement_source (a view).
CREATE OR REPLACE TEMP VIEW measurement_source AS
WITH sent AS (
    -- the loads being staged
    SELECT * FROM raw.labs WHERE _load_id IN (SELECT load_id FROM stage_scope)
    UNION ALL
    -- and every earlier version of the records they carry (a result id is unique only within its
    -- source: this reads the same id of other sources too, which is harmless, as
    -- sql/staging/dispositions.sql narrows to (source, id)); nothing to look up on a full restage
    SELECT * FROM raw.labs
    WHERE _load_id IN (SELECT load_id FROM earlier_loads)
      AND trim_id(result_id) IN (SELECT trim_id(result_id) FROM raw.labs WHERE _load_id IN (SELECT load_id FROM stage_scope))
)
SELECT 'lab' AS analyte_kind,
       trim_id(patient_id) AS patient_id, encounter_id, trim_id(result_id) AS record_id, code, name, value, unit,
       ref_low, ref_high,
       collected_at AS taken_at, resulted_at AS available_at,
       coalesce(nullif(upper(trim(status)), ''), 'F') AS status,
       _load_id, _source_file, _source_row
FROM sent;
