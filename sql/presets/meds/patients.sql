-- inputs: data/**/*.parquet, metadata/dataset.json?
-- MEDS: one patient per subject with a birth (MEDS_BIRTH: its time is the birth date) or sex
-- (GENDER//F) event; the row points at the subject's first such event. Subjects with neither have
-- no patient row. Birth dates are moved by $shift_years. Events: _shared.sql; inputs line: see
-- labs.sql.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.patients (the rows this returns, inserted by pipelines/ingest/presets.py).
SELECT CAST(subject_id AS VARCHAR) AS patient_id,
       CAST(CAST(shift_time(CAST(CAST(min(time) FILTER (WHERE field = 'birth_date') AS TIMESTAMP) AS VARCHAR),
                            $shift_years) AS TIMESTAMP) AS DATE)::VARCHAR AS birth_date,
       min(parts[1]) FILTER (WHERE field = 'sex') AS sex,
       to_json({birth_events: count(*) FILTER (WHERE field = 'birth_date'),
                sex_codes: list(DISTINCT meds_code) FILTER (WHERE field = 'sex')}) AS _extra,
       min({file: _source_file, row: _source_row}).file AS _source_file,
       min({file: _source_file, row: _source_row}).row AS _source_row
FROM meds_events($dir, $inputs['data/**/*.parquet'], $code_prefixes)
WHERE kind = 'patients'
GROUP BY subject_id
