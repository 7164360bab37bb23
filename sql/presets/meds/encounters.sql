-- inputs: data/**/*.parquet, metadata/dataset.json?
-- MEDS: hospital stays from admission events (HOSPITAL_ADMISSION//<type>//...), each discharged by
-- the subject's next event when that is a discharge (HOSPITAL_DISCHARGE; discharges are not rows of
-- their own; an admission followed by another admission stays open). MEDS has no stay id: the
-- encounter id is subject/admission time as sent; the other kinds' rows carry no encounter.
-- encounter_type: the code's first part after the prefix; no care unit. Events: _shared.sql;
-- inputs line: see labs.sql.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.encounters (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH stays AS (
    SELECT *,
           lead(field) OVER next_event AS next_field,
           lead(time) OVER next_event AS next_time,
           lead(meds_code) OVER next_event AS next_code
    FROM meds_events($dir, $inputs['data/**/*.parquet'], $code_prefixes)
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
