-- audit.recognition for research: keyed pseudonyms, shifted times, lineage dropped. An order's
-- name is free text and is dropped (code_or_name kept for diagnosis codes only); `therapy` is the
-- rule file's name for it.
-- Reads: audit.recognition, temp.research_patients, temp.research_encounters (sql/research/keys.sql). Writes: deidentified.audit.recognition.
CREATE TABLE deidentified.audit.recognition AS
SELECT k.pseudonym AS patient_id,
       r.recognised_by,
       r.strength,
       r.therapy,
       r.counts_as_recognition,
       r.first_at + to_hours(24 * k.shift_days) AS first_at,
       r.code_system,
       CASE WHEN r.recognised_by = 'diagnosis_code' THEN r.code_or_name END AS code_or_name,
       e.pseudonym AS encounter_id,
       r.events,
       list_transform(r.event_times, t -> t + to_hours(24 * k.shift_days)) AS event_times
FROM audit.recognition AS r
LEFT JOIN research_patients AS k ON k.patient_id = r.patient_id
LEFT JOIN research_encounters AS e ON e.encounter_id = r.encounter_id;
