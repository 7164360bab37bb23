-- staging.lab_results for research: keyed pseudonyms, shifted times; the result id, the test name
-- and the value and unit as sent (free text) are dropped, lineage too.
-- Reads: staging.lab_results, temp.research_patients, temp.research_encounters (sql/research/keys.sql). Writes: deidentified.staging.lab_results.
CREATE TABLE deidentified.staging.lab_results AS
SELECT k.pseudonym AS patient_id,
       e.pseudonym AS encounter_id,
       s.code,
       s.analyte,
       s.value_num,
       s.censoring,
       s.unit,
       s.ref_low,
       s.ref_high,
       s.collected_at + to_hours(24 * k.shift_days) AS collected_at,
       s.resulted_at + to_hours(24 * k.shift_days) AS resulted_at,
       s.status
FROM staging.lab_results AS s
LEFT JOIN research_patients AS k ON k.patient_id = s.patient_id
LEFT JOIN research_encounters AS e ON e.encounter_id = s.encounter_id;
