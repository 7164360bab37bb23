-- screen.rule_evaluations for research: keyed pseudonym, shifted day, ages over 89 capped.
CREATE TABLE deidentified.screen.rule_evaluations AS
SELECT k.pseudonym AS patient_id,
       r.as_of_date + k.shift_days AS as_of_date,
       r.* EXCLUDE (patient_id, as_of_date)
           REPLACE (CASE WHEN k.age_over_89 THEN $age_cap_days ELSE r.age_days END AS age_days)
FROM screen.rule_evaluations AS r
LEFT JOIN research_patients AS k ON k.patient_id = r.patient_id;
