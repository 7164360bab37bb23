-- staging.encounters for research: keyed pseudonyms, shifted times.
-- Reads: staging.encounters, temp.research_patients, temp.research_encounters (sql/research/keys.sql). Writes: deidentified.staging.encounters.
CREATE TABLE deidentified.staging.encounters AS
SELECT k.pseudonym AS patient_id,
       e.pseudonym AS encounter_id,
       s.admit_at + to_hours(24 * k.shift_days) AS admit_at,
       s.discharge_at + to_hours(24 * k.shift_days) AS discharge_at,
       s.encounter_type,
       s.care_unit
FROM staging.encounters AS s
LEFT JOIN research_patients AS k ON k.patient_id = s.patient_id
LEFT JOIN research_encounters AS e ON e.encounter_id = s.encounter_id;
