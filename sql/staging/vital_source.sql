-- Raw vitals in the shape every measurement shares, for sql/staging/measurement_parse.sql.
-- Vital signs have no status or reference range: every row is a final measurement.
-- Reads raw.vitals and the temp tables stage_scope and earlier_loads (as sql/staging/lab_source.sql).
-- Ids are compared trimmed (as in sql/staging/lab_source.sql).
-- Reads: raw.vitals, temp.stage_scope, temp.earlier_loads (built by pipelines/staging/staged_tables.py).
-- Writes: temp.measurement_source (a view).
CREATE OR REPLACE TEMP VIEW measurement_source AS
WITH sent AS (
    -- the loads being staged, and every earlier version of the records they carry (any source)
    SELECT * FROM raw.vitals WHERE _load_id IN (SELECT load_id FROM stage_scope)
    UNION ALL
    SELECT * FROM raw.vitals
    WHERE _load_id IN (SELECT load_id FROM earlier_loads)
      AND trim_id(measurement_id) IN (SELECT trim_id(measurement_id) FROM raw.vitals
                                      WHERE _load_id IN (SELECT load_id FROM stage_scope))
)
SELECT 'vital' AS analyte_kind,
       trim_id(patient_id) AS patient_id, encounter_id, trim_id(measurement_id) AS record_id, code, CAST(NULL AS VARCHAR) AS name,
       value, unit, CAST(NULL AS VARCHAR) AS ref_low, CAST(NULL AS VARCHAR) AS ref_high,
       measured_at AS taken_at, recorded_at AS available_at, 'F' AS status,
       _load_id, _source_file, _source_row
FROM sent;
