-- screen.rule_evaluations for research: keyed pseudonym, shifted day, ages over 89 capped. Each
-- rule's evidence STRUCT and the context evidence (original times and values as taken, codes with
-- their recording times) are dropped: features.patient_day carries the same values, de-identified.
CREATE TABLE deidentified.screen.rule_evaluations AS
WITH evaluations AS (
    SELECT COLUMNS(c -> NOT suffix(c, '__evidence') AND c <> 'context_evidence')
    FROM screen.rule_evaluations
)
SELECT k.pseudonym AS patient_id,
       r.as_of_date + k.shift_days AS as_of_date,
       r.* EXCLUDE (patient_id, as_of_date)
           REPLACE (CASE WHEN k.age_over_89 THEN $age_cap_days ELSE r.age_days END AS age_days)
FROM evaluations AS r
LEFT JOIN research_patients AS k ON k.patient_id = r.patient_id;
