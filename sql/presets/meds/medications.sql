-- inputs: metadata/dataset.json
-- MEDS: medication events as canonical medications. With a code system (MEDICATION//RXNORM//<code>,
-- RxNorm/<code>) the code is kept and the name is the rest of the code, else the code; without one
-- the rest of the code is the name (MEDICATION//START//Methylprednisolone -> 'Methylprednisolone').
-- A MEDS event has one time: an order's start event (field started_at) ends at the next event of
-- the same subject and drug when that is a stop (field ended_at; stops are not rows of their own),
-- and runs on when it is not; any other event (an administration) starts and ends at its time, so
-- that a single dose is not read as a running order. dose: numeric_value (else text_value), in the
-- `unit` column's unit; no route. Events: _shared.sql; inputs line: see labs.sql.
WITH drugs AS (
    SELECT *,
           CASE WHEN code_system IS NOT NULL THEN parts[1] END AS drug_code,
           CASE WHEN code_system IS NOT NULL THEN coalesce(nullif(array_to_string(parts[2:], '//'), ''), parts[1])
                ELSE array_to_string(parts, '//') END AS drug_name
    FROM meds_events($dir, $code_prefixes)
    WHERE kind = 'medications'
),
paired AS (
    SELECT *,
           lead(field) OVER next_event AS next_field,
           lead(time) OVER next_event AS next_time,
           lead(meds_code) OVER next_event AS next_code
    FROM drugs
    WINDOW next_event AS (PARTITION BY subject_id, drug_name
                          ORDER BY time, field = 'ended_at', _source_file, _source_row)
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
            WHEN next_field = 'ended_at' THEN shift_time(CAST(CAST(next_time AS TIMESTAMP) AS VARCHAR), $shift_years)
       END AS ended_at,
       to_json({meds_code: meds_code, stop_code: CASE WHEN field = 'started_at' AND next_field = 'ended_at' THEN next_code END,
                text_value: text_value, time: time, columns: columns}) AS _extra,
       _source_file,
       _source_row
FROM paired
WHERE field IS DISTINCT FROM 'ended_at'
