-- staging.patients for research: a birth date is shifted with the patient's other dates, and
-- withheld (age_over_89) for a patient 90 or older at any recorded event.
-- Reads: staging.patients, temp.research_patients (sql/research/keys.sql). Writes: deidentified.staging.patients.
CREATE TABLE deidentified.staging.patients AS
SELECT k.pseudonym AS patient_id,
       CASE WHEN NOT k.age_over_89 THEN p.birth_date + k.shift_days END AS birth_date,
       k.age_over_89,
       p.sex
FROM staging.patients AS p
LEFT JOIN research_patients AS k ON k.patient_id = p.patient_id;
