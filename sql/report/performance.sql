-- The report's monthly audit: audit.screen_performance for one month, in reading order.
--
-- Reads: audit.screen_performance. Writes nothing.
-- Parameters: $month (DATE, the first day of the month), $tiers (VARCHAR[]: the rule file's tiers,
--   highest first, so tier rows read from the highest tier down).
-- Rows: 'all', then each tier ("this tier or a higher one"), then each rule by name; the columns
-- as in the table (rates per 1,000 patient-days, positive predictive value and sensitivity as
-- fractions, lead times in hours).
SELECT level_kind, level, patient_days, flagged_days, flags_per_1000_patient_days, episodes,
       episodes_per_1000_patient_days, adjudicated_episodes, confirmed, not_mas, uncertain,
       positive_predictive_value, recognised_cases, recognised_cases_flagged, recognised_cases_flagged_first,
       sensitivity,
       lead_time_cases, lead_time_hours_q1, lead_time_hours_median, lead_time_hours_q3
FROM audit.screen_performance
WHERE month = $month
ORDER BY list_position(['all', 'tier', 'rule'], level_kind), coalesce(list_position($tiers, level), 0), level;
