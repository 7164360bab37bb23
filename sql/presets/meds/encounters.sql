-- inputs: metadata/dataset.json
-- MEDS: hospital stays from admission events (HOSPITAL_ADMISSION//<type>//...), each discharged by
-- the subject's next event when that is a discharge (HOSPITAL_DISCHARGE; discharges are not rows of
-- their own; an admission followed by another admission stays open). MEDS has no stay id: the
-- encounter id is subject/admission time as sent; the other kinds' rows carry no encounter.
-- encounter_type: the code's first part after the prefix; no care unit. Inputs line: see labs.sql.
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
stays AS (
    SELECT *,
           lead(field) OVER next_event AS next_field,
           lead(time) OVER next_event AS next_time,
           lead(meds_code) OVER next_event AS next_code
    FROM classified
    WHERE kind = 'encounters'
    WINDOW next_event AS (PARTITION BY subject_id ORDER BY time, field = 'discharge_at', _source_file, _source_row)
)
SELECT CAST(subject_id AS VARCHAR) AS patient_id,
       CAST(subject_id AS VARCHAR) || '/' || coalesce(strftime(time, '%Y-%m-%dT%H:%M:%S'), '') AS encounter_id,
       shift_time(CAST(CAST(time AS TIMESTAMP) AS VARCHAR), $shift_years) AS admit_at,
       CASE WHEN next_field = 'discharge_at'
            THEN shift_time(CAST(CAST(next_time AS TIMESTAMP) AS VARCHAR), $shift_years) END AS discharge_at,
       nullif(parts[1], '') AS encounter_type,
       NULL AS care_unit,
       to_json({meds_code: meds_code, discharge_code: CASE WHEN next_field = 'discharge_at' THEN next_code END,
                columns: columns}) AS _extra,
       _source_file,
       _source_row
FROM stays
WHERE field = 'admit_at'
