-- inputs: metadata/dataset.json
-- MEDS: body temperature events as canonical vitals: the events of a labs (or vitals) prefix whose
-- code part $measurement_codes gives kind vitals (LAB//8310-5//[degF], LAB//temperature, a site's
-- local item). Read, keyed and valued as in labs.sql (which see for the inputs line and the
-- measurement id: subject|time|code|n, so identical events cannot be told from duplicates); the
-- code is the mapped analyte, else the code part as sent. MEDS has no recording time.
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
    SELECT c.*, m.analyte, m.mapped_unit, coalesce(m.mapped_kind, c.kind) AS measurement_kind,
           row_number() OVER (PARTITION BY c.subject_id, c.time, c.meds_code ORDER BY c._source_file, c._source_row) AS n
    FROM classified AS c
    LEFT JOIN measurement_codes AS m ON m.mapped_code = c.parts[1]
    WHERE c.kind IN ('labs', 'vitals')
)
SELECT CAST(subject_id AS VARCHAR) AS patient_id,
       NULL AS encounter_id,
       concat_ws('|', subject_id, coalesce(CAST(time AS VARCHAR), ''), meds_code, n) AS measurement_id,
       coalesce(analyte, parts[1]) AS code,
       CASE WHEN numeric_value IS NULL OR value_censoring(text_value) IS NOT NULL THEN nullif(trim(text_value), '')
            ELSE CAST(numeric_value AS VARCHAR) END AS value,
       coalesce(nullif(trim(parts[2]), ''), nullif(trim(unit), ''), mapped_unit) AS unit,
       shift_time(CAST(CAST(time AS TIMESTAMP) AS VARCHAR), $shift_years) AS measured_at,
       NULL AS recorded_at,
       to_json({meds_code: meds_code, text_value: text_value, numeric_value: numeric_value,
                unit_from_mapping: coalesce(nullif(trim(parts[2]), ''), nullif(trim(unit), '')) IS NULL
                                   AND mapped_unit IS NOT NULL,
                time: time, columns: columns}) AS _extra,
       _source_file,
       _source_row
FROM measurements
WHERE measurement_kind = 'vitals'
