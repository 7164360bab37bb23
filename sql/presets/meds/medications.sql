-- inputs: data/**/*.parquet, metadata/dataset.json?
-- MEDS: medication events as canonical medications. With a code system (MEDICATION//RXNORM//<code>,
-- RxNorm/<code>) the code is kept and the name is the rest of the code, else the code; without one
-- the rest of the code is the name (MEDICATION//START//Methylprednisolone -> 'Methylprednisolone').
-- A MEDS event has one time. An order's start event (field started_at) ends at the first stop event
-- (field ended_at) of the same subject and drug after it, so a start repeated before that stop ends
-- there too; a start with no later stop runs on; stops are not rows of their own. Any other event (an
-- administration) starts and ends at its time, so that a single dose is not read as a running order;
-- an administration whose code's last part is in $medication_not_given (MIMIC-IV MEDS:
-- MEDICATION//<drug>//Not Given) gave no dose and is not part of the extract. dose: numeric_value
-- (else text_value), in the `unit` column's unit; MEDS has no route. Events: _shared.sql; inputs
-- line: see labs.sql.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.medications (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH not_given AS (SELECT lower(trim(entry->>'$')) AS status FROM mapping_entries($medication_not_given)),
drugs AS (
    SELECT *,
           CASE WHEN code_system IS NOT NULL THEN parts[1] END AS drug_code,
           CASE WHEN code_system IS NOT NULL THEN coalesce(nullif(array_to_string(parts[2:], '//'), ''), parts[1])
                ELSE array_to_string(parts, '//') END AS drug_name
    FROM meds_events($dir, $inputs['data/**/*.parquet'], $code_prefixes)
    WHERE kind = 'medications'
      AND NOT (field IS NULL AND lower(trim(parts[-1])) IN (SELECT status FROM not_given))
),
paired AS (
    SELECT *,
           first_value(CASE WHEN field = 'ended_at' THEN time END IGNORE NULLS) OVER later AS stop_time,
           first_value(CASE WHEN field = 'ended_at' THEN meds_code END IGNORE NULLS) OVER later AS stop_code
    FROM drugs
    WINDOW later AS (PARTITION BY subject_id, drug_name ORDER BY time, field = 'ended_at', _source_file, _source_row
                     ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
)
SELECT CAST(subject_id AS VARCHAR) AS patient_id,
       NULL AS encounter_id,
       code_system,
       drug_code AS code,
       drug_name AS name,
       coalesce(CAST(numeric_value AS VARCHAR), nullif(trim(text_value), '')) AS dose,
       nullif(trim(unit), '') AS dose_unit,
       NULL AS route,
       shift_time(CAST(CAST(time AS TIMESTAMP) AS VARCHAR), $shift_years) AS started_at,
       CASE WHEN field IS NULL THEN shift_time(CAST(CAST(time AS TIMESTAMP) AS VARCHAR), $shift_years)
            WHEN field = 'started_at' THEN shift_time(CAST(CAST(stop_time AS TIMESTAMP) AS VARCHAR), $shift_years)
       END AS ended_at,
       to_json({meds_code: meds_code, stop_code: CASE WHEN field = 'started_at' THEN stop_code END,
                text_value: text_value, time: time, columns: columns}) AS _extra,
       _source_file,
       _source_row
FROM paired
WHERE field IS DISTINCT FROM 'ended_at'
