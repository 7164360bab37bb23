-- inputs: metadata/dataset.json
-- MEDS (Medical Event Data Standard): events as canonical labs. The events are the parquet shards
-- under data/ (read by glob, nested folders included). The inputs line can only name files, so it
-- names metadata/dataset.json, whose created_at changes with every ETL run: a new dataset.json
-- reloads the kind; a shard rewritten without one is not noticed.
-- An event's kind comes from its code by the preset mapping ($code_prefixes, longest prefix wins).
-- Labs are the events of a labs prefix (LAB//<code>//<unit>) that measurement_codes does not route to
-- vitals, and every event no prefix claims, under its whole code, so that nothing is dropped
-- unseen: staging quarantines those as unmapped_code (missing_required when they have no time or
-- value). code: the part after the prefix (a LOINC or analyte name staging maps), or the analyte
-- $measurement_codes maps it to. value: numeric_value, or text_value when there is no number or the
-- text carries a censoring sign ('>1000'). unit: the code's unit part, else the dataset's `unit`
-- column, else the mapping's unit. Times are naive (site-local), shifted by shift_time; static
-- events (no time) are quarantined as missing_required. MEDS has no result time (results count as
-- known when taken) and no status (F).
-- MEDS has no result id: it is subject|time|code|n, n numbering identical (subject, time, code)
-- events in shard and row order. It stays stable across reloads, so a reloaded dataset supersedes
-- its earlier load, but two identical events (a duplicate, within or across shards) are two results.
WITH data AS (
    -- text_value (MEDS 0.3.3 on) and a unit column are optional: declared here for datasets without
    SELECT * FROM (SELECT NULL::VARCHAR AS text_value, NULL::VARCHAR AS unit WHERE false)
    UNION ALL BY NAME
    SELECT * FROM read_parquet($dir || '/data/**/*.parquet', filename = true, file_row_number = true,
                               union_by_name = true)
),
prefixes AS (
    SELECT p->>'prefix' AS prefix, p->>'kind' AS kind, p->>'code_system' AS code_system, p->>'field' AS field
    FROM (SELECT unnest(json_extract(to_json($code_prefixes), '$[*]')) AS p)
),
events AS (
    SELECT d.subject_id, d.time, d.code AS meds_code, d.numeric_value, d.text_value, d.unit,
           -- the longest prefix of the code: of two prefixes of one code the longer sorts last
           list_max(list_filter((SELECT list(prefix) FROM prefixes), lambda p: starts_with(d.code, p))) AS prefix,
           d AS source_columns,
           substr(d.filename, length($dir) + 2) AS _source_file,
           d.file_row_number + 1 AS _source_row
    FROM data AS d
),
classified AS (
    SELECT e.*, p.kind, p.code_system, p.field,
           -- the code after its prefix in parts: 'LAB//2276-4//ng/mL' -> ['2276-4', 'ng/mL']
           string_split(regexp_replace(substr(e.meds_code, length(e.prefix) + 1), '^//', ''), '//') AS parts,
           -- the dataset's own extra columns (hadm_id...)
           json_merge_patch(to_json(e.source_columns),
                            '{"subject_id": null, "time": null, "code": null, "numeric_value": null, "text_value": null,
                              "unit": null, "filename": null, "file_row_number": null}') AS columns
    FROM events AS e
    LEFT JOIN prefixes AS p USING (prefix)
),
measurement_codes AS (
    SELECT m->>'code' AS mapped_code, m->>'analyte' AS analyte, m->>'kind' AS mapped_kind, m->>'unit' AS mapped_unit
    FROM (SELECT unnest(json_extract(to_json($measurement_codes), '$[*]')) AS m)
),
measurements AS (
    SELECT c.*, m.analyte, m.mapped_unit, coalesce(m.mapped_kind, c.kind, 'labs') AS measurement_kind,
           row_number() OVER (PARTITION BY c.subject_id, c.time, c.meds_code ORDER BY c._source_file, c._source_row) AS n
    FROM classified AS c
    LEFT JOIN measurement_codes AS m ON c.kind IN ('labs', 'vitals') AND m.mapped_code = c.parts[1]
    WHERE c.kind IS NULL OR c.kind IN ('labs', 'vitals')
)
SELECT CAST(subject_id AS VARCHAR) AS patient_id,
       NULL AS encounter_id,
       concat_ws('|', subject_id, coalesce(CAST(time AS VARCHAR), ''), meds_code, n) AS result_id,
       CASE WHEN kind IS NULL THEN meds_code ELSE coalesce(analyte, parts[1]) END AS code,
       meds_code AS name,
       CASE WHEN numeric_value IS NULL OR value_censoring(text_value) IS NOT NULL THEN nullif(trim(text_value), '')
            ELSE CAST(numeric_value AS VARCHAR) END AS value,
       CASE WHEN kind IS NULL THEN nullif(trim(unit), '')
            ELSE coalesce(nullif(trim(parts[2]), ''), nullif(trim(unit), ''), mapped_unit) END AS unit,
       NULL AS ref_low,
       NULL AS ref_high,
       shift_time(CAST(CAST(time AS TIMESTAMP) AS VARCHAR), $shift_years) AS collected_at,
       NULL AS resulted_at,
       'F' AS status,
       to_json({meds_code: meds_code, text_value: text_value, numeric_value: numeric_value,
                unit_from_mapping: coalesce(nullif(trim(parts[2]), ''), nullif(trim(unit), '')) IS NULL
                                   AND mapped_unit IS NOT NULL,
                time: time, columns: columns}) AS _extra,
       _source_file,
       _source_row
FROM measurements
WHERE measurement_kind = 'labs'
