-- staging.vital_signs for research: keyed pseudonyms, shifted times; the measurement id and the
-- value and unit as sent (free text) are dropped, lineage too.
-- Reads: staging.vital_signs, temp.research_patients, temp.research_encounters (sql/research/keys.sql). Writes: deidentified.staging.vital_signs.
CREATE TABLE deidentified.staging.vital_signs AS
SELECT k.pseudonym AS patient_id,
       e.pseudonym AS encounter_id,
       s.code,
       s.analyte,
       s.value_num,
       s.censoring,
       s.unit,
       s.measured_at + to_hours(24 * k.shift_days) AS measured_at,
       s.recorded_at + to_hours(24 * k.shift_days) AS recorded_at
FROM staging.vital_signs AS s
LEFT JOIN research_patients AS k ON k.patient_id = s.patient_id
LEFT JOIN research_encounters AS e ON e.encounter_id = s.encounter_id;
