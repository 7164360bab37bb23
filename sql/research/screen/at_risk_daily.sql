-- screen.at_risk_daily for research: keyed pseudonym, shifted day, ages over 89 capped. The
-- evidence JSON (original times and values as taken) is dropped: screen.rule_evaluations and
-- features.patient_day carry the same values, de-identified.
-- Reads: screen.at_risk_daily, temp.research_patients (sql/research/keys.sql). Writes: deidentified.screen.at_risk_daily.
CREATE TABLE deidentified.screen.at_risk_daily AS
SELECT k.pseudonym AS patient_id,
       a.as_of_date + k.shift_days AS as_of_date,
       a.* EXCLUDE (patient_id, as_of_date, evidence)
           REPLACE (CASE WHEN k.age_over_89 THEN $age_cap_days ELSE a.age_days END AS age_days)
FROM screen.at_risk_daily AS a
LEFT JOIN research_patients AS k ON k.patient_id = a.patient_id;
