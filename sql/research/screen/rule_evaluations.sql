-- screen.rule_evaluations for research: keyed pseudonym, shifted day, ages over 89 capped. The
-- context evidence (codes and drug names with their original times) is dropped, and any rule
-- evidence column (`<rule>__evidence`), should one be added: original times and values.
-- Reads: screen.rule_evaluations, temp.research_patients (sql/research/keys.sql). Writes: deidentified.screen.rule_evaluations.
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
