-- audit.recognition: per patient, the first evidence that clinicians recognised MAS/HLH, by kind.
-- One row per (patient_id, recognised_by, strength); built whole by pipelines/audit/quality_audit.py build_recognition.
--
-- Reads: temp.recognition_events (temporary table, sql/audit/recognition_events.sql: the matching
-- diagnosis codes and directed therapies, with the rule file's lists and caveats).
-- Columns:
--   recognised_by, strength, counts_as_recognition  as in recognition_events (weak therapies are
--                        reported and never count on their own: clinical-criteria.md section 9)
--   first_at             the first event's time (diagnosis recorded_at, or order started_at)
--   therapy, code_system, code_or_name, encounter_id, _load_id, _source_file, _source_row  of the
--                        first event (therapy: the rule file's name; code_or_name: as sent)
--   events               how many such events the patient has
--   event_times          every event's time, sorted (a patient may have several episodes)
-- Writes: audit.recognition (the rows this returns, by pipelines/audit/quality_audit.py).
SELECT patient_id, recognised_by, strength,
       arg_min(therapy, (event_at, _load_id, _source_row)) AS therapy,
       bool_or(counts_as_recognition) AS counts_as_recognition,
       min(event_at) AS first_at,
       arg_min(code_system, (event_at, _load_id, _source_row)) AS code_system,
       arg_min(code_or_name, (event_at, _load_id, _source_row)) AS code_or_name,
       arg_min(encounter_id, (event_at, _load_id, _source_row)) AS encounter_id,
       arg_min(_load_id, (event_at, _load_id, _source_row)) AS _load_id,
       arg_min(_source_file, (event_at, _load_id, _source_row)) AS _source_file,
       arg_min(_source_row, (event_at, _load_id, _source_row)) AS _source_row,
       CAST(count(*) AS INTEGER) AS events,
       list_sort(list(event_at)) AS event_times
FROM recognition_events
GROUP BY patient_id, recognised_by, strength
