-- staging.diagnoses for research: keyed pseudonyms, shifted times, lineage dropped.
-- Reads: staging.diagnoses, temp.research_patients, temp.research_encounters (sql/research/keys.sql). Writes: deidentified.staging.diagnoses.
CREATE TABLE deidentified.staging.diagnoses AS
SELECT k.pseudonym AS patient_id,
       e.pseudonym AS encounter_id,
       s.code_system,
       s.code,
       s.code_compact,
       s.recorded_at + to_hours(24 * k.shift_days) AS recorded_at
FROM staging.diagnoses AS s
LEFT JOIN research_patients AS k ON k.patient_id = s.patient_id
LEFT JOIN research_encounters AS e ON e.encounter_id = s.encounter_id;
