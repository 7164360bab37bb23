-- The report's monthly audit: for each recognised case of the month the screen never flagged,
-- why each rule did not fire.
--
-- Reads: audit.missed_cases (rules_not_fired). Writes nothing.
-- Parameters: $month (DATE, the first day of the month).
-- Columns: case_id, patient_id, rule, reason ('no_values', 'met_without_flag', 'outside_context',
-- 'items_missing', 'thresholds_not_reached'; docs/AUDIT.md), days_evaluated (patient-days of the
-- look-around the rule was evaluated on).
WITH reasons AS (
    SELECT case_id, patient_id, unnest(rules_not_fired) AS r
    FROM audit.missed_cases
    WHERE month = $month AND len(rules_not_fired) > 0
)
SELECT case_id, patient_id, r.rule AS rule, r.reason AS reason, r.days_evaluated AS days_evaluated
FROM reasons
ORDER BY case_id, rule;
