-- Question: How many patient-days did the screen flag per 1,000 patient-days screened, month by
--   month, in all tiers and in the alert tiers?
-- Reads: screen.rule_evaluations (the patient-days screened), screen.at_risk_daily (the flags).
-- Runs on: snapshot, release
-- Columns: month (YYYY-MM of as_of_date), patient_days (patients with a feature row that day,
--   summed over the month's days), flagged_days, flags_per_1000_patient_days,
--   alert_days (flagged in a tier with alert), alerts_per_1000_patient_days, flagged_patients.
-- Caveats: on the snapshot the months are calendar months and the figures equal
--   audit.screen_performance (level 'all'). On the research release every patient's days are moved
--   by the patient's own shift (up to MAX_SHIFT_DAYS, release.max_shift_days, either way), so a
--   "month" there is a shifted month: each patient's days land in different months, the series runs
--   months beyond the real period at both ends, and seasonality, outbreaks, a change of practice
--   or of rule set on a calendar date cannot be seen in it. Totals over the whole release
--   (patient-days, flagged days, their ratio) equal the snapshot's; monthly rates do not.
--   A patient-day is screened when the patient has a value in the longest look-back window, so
--   the denominator is patients with recent labs or vitals, not the census.
-- Writes: nothing (a read-only query).
WITH screened AS (
    SELECT strftime(as_of_date, '%Y-%m') AS month, count(*) AS patient_days
    FROM screen.rule_evaluations
    GROUP BY ALL
),
flagged AS (
    SELECT strftime(as_of_date, '%Y-%m') AS month, count(*) AS flagged_days,
           count(*) FILTER (WHERE alert) AS alert_days, count(DISTINCT patient_id) AS flagged_patients
    FROM screen.at_risk_daily
    GROUP BY ALL
)
SELECT s.month, s.patient_days,
       coalesce(f.flagged_days, 0) AS flagged_days,
       round(1000.0 * coalesce(f.flagged_days, 0) / s.patient_days, 2) AS flags_per_1000_patient_days,
       coalesce(f.alert_days, 0) AS alert_days,
       round(1000.0 * coalesce(f.alert_days, 0) / s.patient_days, 2) AS alerts_per_1000_patient_days,
       coalesce(f.flagged_patients, 0) AS flagged_patients
FROM screened AS s
LEFT JOIN flagged AS f USING (month)
ORDER BY s.month;
