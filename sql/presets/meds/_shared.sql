-- MEDS: table macros the kinds read the events through (run before each kind; see labs.sql for the
-- inputs line). meds_events(dir, files, code_prefixes): every event of the parquet shards under data/
-- ($inputs: every data/**/*.parquet file, nested folders included, read together), with the preset mapping's prefix its code starts with (longest
-- prefix wins; none for an unclaimed code), that prefix's kind, code_system and field, the code after
-- the prefix in parts, the dataset's own extra columns, and its file and row.
-- Reads: no table. Writes: no table (temporary macros only).
CREATE OR REPLACE TEMP MACRO meds_events(dir, files, code_prefixes) AS TABLE
WITH data AS (
    -- text_value (MEDS 0.3.3 on) and a unit column are optional: declared here for datasets without
    SELECT * FROM (SELECT NULL::VARCHAR AS text_value, NULL::VARCHAR AS unit WHERE false)
    UNION ALL BY NAME
    SELECT * FROM read_parquet(files, filename = true, file_row_number = true,
                               union_by_name = true)
),
prefixes AS (
    SELECT p->>'prefix' AS prefix, p->>'kind' AS kind, p->>'code_system' AS code_system, p->>'field' AS field
    FROM (SELECT unnest(json_extract(to_json(code_prefixes), '$[*]')) AS p)
),
events AS (
    SELECT d.subject_id, d.time, d.code AS meds_code, d.numeric_value, d.text_value, d.unit,
           -- the longest prefix of the code: of two prefixes of one code the longer sorts last
           list_max(list_filter((SELECT list(prefix) FROM prefixes), lambda p: starts_with(d.code, p))) AS prefix,
           d AS source_columns,
           substr(d.filename, length(dir) + 2) AS _source_file,
           d.file_row_number + 1 AS _source_row
    FROM data AS d
)
SELECT e.*, p.kind, p.code_system, p.field,
       -- the code after its prefix in parts: 'LAB//2276-4//ng/mL' -> ['2276-4', 'ng/mL']
       string_split(regexp_replace(substr(e.meds_code, length(e.prefix) + 1), '^//', ''), '//') AS parts,
       -- the dataset's own extra columns (hadm_id...)
       json_merge_patch(to_json(e.source_columns),
                        '{"subject_id": null, "time": null, "code": null, "numeric_value": null, "text_value": null,
                          "unit": null, "filename": null, "file_row_number": null}') AS columns
FROM events AS e
LEFT JOIN prefixes AS p USING (prefix);

-- meds_measurements(dir, files, code_prefixes, measurement_codes): the events labs.sql and vitals.sql share
-- (those of a labs or vitals prefix, and the unclaimed ones), each with its measurement_kind (the
-- measurement_codes entry's kind for its code part, else the prefix's, else labs), analyte and
-- mapped_unit, and the id, value, unit and _extra both kinds give it (see labs.sql). The unit: the
-- code's unit part, else the `unit` column; when that is empty or UNK, or the mapped unit without its
-- annotation, the measurement_codes entry's unit (source_unit, sql/presets/_common.sql).
CREATE OR REPLACE TEMP MACRO meds_measurements(dir, files, code_prefixes, measurement_codes) AS TABLE
WITH mapped_codes AS (
    SELECT m->>'code' AS mapped_code, m->>'analyte' AS analyte, m->>'kind' AS mapped_kind, m->>'unit' AS mapped_unit
    FROM (SELECT unnest(json_extract(to_json(measurement_codes), '$[*]')) AS m)
),
measurements AS (
    SELECT c.*, m.analyte, m.mapped_unit, coalesce(m.mapped_kind, c.kind, 'labs') AS measurement_kind,
           row_number() OVER (PARTITION BY c.subject_id, c.time, c.meds_code ORDER BY c._source_file, c._source_row) AS n
    FROM meds_events(dir, files, code_prefixes) AS c
    LEFT JOIN mapped_codes AS m ON c.kind IN ('labs', 'vitals') AND m.mapped_code = c.parts[1]
    WHERE c.kind IS NULL OR c.kind IN ('labs', 'vitals')
),
-- the unit as sent: the code's unit part, unless empty or UNK (unknown), else the `unit` column
sent AS (
    SELECT *, coalesce(CASE WHEN upper(trim(parts[2])) <> 'UNK' THEN nullif(trim(parts[2]), '') END,
                       nullif(trim(unit), ''), nullif(trim(parts[2]), '')) AS unit_as_sent
    FROM measurements
)
SELECT *,
       concat_ws('|', subject_id, coalesce(CAST(time AS VARCHAR), ''), meds_code, n) AS measurement_id,
       CASE WHEN numeric_value IS NULL OR value_censoring(text_value) IS NOT NULL THEN nullif(trim(text_value), '')
            ELSE CAST(numeric_value AS VARCHAR) END AS measured_value,
       CASE WHEN kind IS NULL THEN nullif(trim(unit), '') ELSE source_unit(unit_as_sent, mapped_unit) END AS measured_unit,
       to_json({meds_code: meds_code, text_value: text_value, numeric_value: numeric_value,
                unit_from_mapping: kind IS NOT NULL AND unit_from_mapping(unit_as_sent, mapped_unit),
                time: time, columns: columns}) AS measurement_extra
FROM sent;
