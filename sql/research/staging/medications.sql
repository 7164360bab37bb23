-- staging.medications for research: keyed pseudonyms, shifted times. The name is free text and is
-- dropped; the dose is kept only when it is a number.
-- Reads: staging.medications, temp.research_patients, temp.research_encounters (sql/research/keys.sql). Writes: deidentified.staging.medications.
CREATE TABLE deidentified.staging.medications AS
SELECT k.pseudonym AS patient_id,
       e.pseudonym AS encounter_id,
       s.code_system,
       s.code,
       TRY_CAST(s.dose AS DOUBLE) AS dose,
       s.dose_unit,
       s.route,
       s.started_at + to_hours(24 * k.shift_days) AS started_at,
       s.ended_at + to_hours(24 * k.shift_days) AS ended_at
FROM staging.medications AS s
LEFT JOIN research_patients AS k ON k.patient_id = s.patient_id
LEFT JOIN research_encounters AS e ON e.encounter_id = s.encounter_id;
