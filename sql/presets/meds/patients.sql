-- inputs: metadata/dataset.json
-- MEDS: one patient per subject with a birth (MEDS_BIRTH: its time is the birth date) or sex
-- (GENDER//F) event; the row points at the subject's first such event. Subjects with neither have
-- no patient row. Birth dates are moved by $shift_years. Inputs line: see labs.sql.
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
)
SELECT CAST(subject_id AS VARCHAR) AS patient_id,
       CAST(CAST(shift_time(CAST(CAST(min(time) FILTER (WHERE field = 'birth_date') AS TIMESTAMP) AS VARCHAR),
                            $shift_years) AS TIMESTAMP) AS DATE)::VARCHAR AS birth_date,
       min(parts[1]) FILTER (WHERE field = 'sex') AS sex,
       to_json({birth_events: count(*) FILTER (WHERE field = 'birth_date'),
                sex_codes: list(DISTINCT meds_code) FILTER (WHERE field = 'sex')}) AS _extra,
       min({file: _source_file, row: _source_row}).file AS _source_file,
       min({file: _source_file, row: _source_row}).row AS _source_row
FROM classified
WHERE kind = 'patients'
GROUP BY subject_id
