-- audit.screen_performance: what the screen flagged and how it fared, by month and by level.
-- One row per (month, level_kind, level). Built whole by pipelines/audit/quality_audit.py build_screen_performance.
--
-- Reads: screen.rule_evaluations (patient-days screened), screen.at_risk_daily (flagged days),
-- screen.episodes, audit.adjudications, audit.missed_cases.
-- Parameters: $tiers (tier names in rule-file order, highest first), $rules (rule ids).
--
-- Levels: level_kind 'all' (level 'all': every flag), 'tier' (level = a tier name: flags of that
-- tier or a higher one; an episode counts when its highest tier is that tier or higher), 'rule'
-- (level = a rule id: flags and episodes where that rule fired).
-- Months: a flagged day by its as_of_date; an episode, its lead time and its adjudication by its
-- first_flag_date; a recognised case by the local date of its recognition.
-- Columns:
--   patient_days             screen.rule_evaluations rows in the month (patient-days screened)
--   flagged_days, flags_per_1000_patient_days
--   episodes, episodes_per_1000_patient_days
--   adjudicated_episodes, confirmed, not_mas, uncertain   episodes with a verdict (audit.adjudications)
--   positive_predictive_value  confirmed / (confirmed + not_mas); NULL when neither (uncertain
--                            verdicts are left out of both counts)
--   recognised_cases         recognitions in the month (audit.missed_cases: before or after a flag,
--                            or never flagged; one recognition in the windows of two episodes is one)
--   recognised_cases_flagged of those, with an episode at this level; sensitivity = the share
--   recognised_cases_flagged_first  of those, flagged before the recognition (lead time > 0)
--   lead_time_cases, lead_time_hours_median, _q1, _q3   over the month's episodes at this level
--                            with a recognition: (recognised_at - first_flag_at) in hours
-- Writes: audit.screen_performance (the rows this returns, by pipelines/audit/quality_audit.py).
WITH levels AS (
    SELECT 'all' AS level_kind, 'all' AS level, 0 AS level_order, NULL::INTEGER AS highest_rank, NULL AS rule
    UNION ALL
    SELECT 'tier', $tiers[k], k, k, NULL FROM range(1, len($tiers) + 1) AS r(k)
    UNION ALL
    SELECT 'rule', $rules[k], 1000 + k, NULL, $rules[k] FROM range(1, len($rules) + 1) AS r(k)
),
screened AS (
    SELECT CAST(date_trunc('month', as_of_date) AS DATE) AS month, count(*) AS patient_days
    FROM screen.rule_evaluations
    GROUP BY ALL
),
flagged AS (
    SELECT CAST(date_trunc('month', f.as_of_date) AS DATE) AS month, l.level_kind, l.level, count(*) AS flagged_days
    FROM screen.at_risk_daily AS f
    JOIN levels AS l
      ON l.level_kind = 'all' OR f.tier_rank <= l.highest_rank OR list_contains(f.rules_fired, l.rule)
    GROUP BY ALL
),
episodes_at_level AS (
    SELECT e.episode_id, CAST(date_trunc('month', e.first_flag_date) AS DATE) AS month, l.level_kind, l.level,
           a.verdict
    FROM screen.episodes AS e
    JOIN levels AS l
      ON l.level_kind = 'all' OR e.highest_tier_rank <= l.highest_rank OR list_contains(e.rules_fired, l.rule)
    LEFT JOIN audit.adjudications AS a USING (episode_id)
),
episode_counts AS (
    SELECT month, level_kind, level, count(*) AS episodes,
           count(verdict) AS adjudicated_episodes,
           count(*) FILTER (WHERE verdict = 'confirmed') AS confirmed,
           count(*) FILTER (WHERE verdict = 'not_mas') AS not_mas,
           count(*) FILTER (WHERE verdict = 'uncertain') AS uncertain
    FROM episodes_at_level
    GROUP BY ALL
),
recognised AS (
    -- a recognition inside the windows of two episodes of its patient is one case
    SELECT c.patient_id, c.recognised_at, CAST(date_trunc('month', CAST(c.recognised_at AS DATE)) AS DATE) AS month,
           c.episode_id, c.lead_time_hours
    FROM audit.missed_cases AS c
    WHERE c.recognised_at IS NOT NULL
),
recognised_at_level AS (
    SELECT r.month, l.level_kind, l.level, r.patient_id, r.recognised_at,
           bool_or(e.episode_id IS NOT NULL) AS flagged,
           bool_or(e.episode_id IS NOT NULL AND r.lead_time_hours > 0) AS flagged_first
    FROM recognised AS r
    CROSS JOIN levels AS l
    LEFT JOIN episodes_at_level AS e
      ON e.episode_id = r.episode_id AND e.level_kind = l.level_kind AND e.level = l.level
    GROUP BY ALL
),
recognised_counts AS (
    SELECT month, level_kind, level, count(*) AS recognised_cases,
           count(*) FILTER (WHERE flagged) AS recognised_cases_flagged,
           count(*) FILTER (WHERE flagged_first) AS recognised_cases_flagged_first
    FROM recognised_at_level
    GROUP BY ALL
),
lead_times AS (
    SELECT e.month, e.level_kind, e.level, count(*) AS lead_time_cases,
           quantile_cont(c.lead_time_hours, 0.5) AS lead_time_hours_median,
           quantile_cont(c.lead_time_hours, 0.25) AS lead_time_hours_q1,
           quantile_cont(c.lead_time_hours, 0.75) AS lead_time_hours_q3
    FROM episodes_at_level AS e
    JOIN audit.missed_cases AS c ON c.episode_id = e.episode_id AND c.lead_time_hours IS NOT NULL
    GROUP BY ALL
),
months AS (
    SELECT month FROM screened UNION SELECT month FROM recognised
)
SELECT m.month, l.level_kind, l.level,
       coalesce(s.patient_days, 0) AS patient_days,
       coalesce(f.flagged_days, 0) AS flagged_days,
       round(1000.0 * coalesce(f.flagged_days, 0) / nullif(s.patient_days, 0), 2) AS flags_per_1000_patient_days,
       coalesce(e.episodes, 0) AS episodes,
       round(1000.0 * coalesce(e.episodes, 0) / nullif(s.patient_days, 0), 2) AS episodes_per_1000_patient_days,
       coalesce(e.adjudicated_episodes, 0) AS adjudicated_episodes,
       coalesce(e.confirmed, 0) AS confirmed,
       coalesce(e.not_mas, 0) AS not_mas,
       coalesce(e.uncertain, 0) AS uncertain,
       round(e.confirmed / nullif(e.confirmed + e.not_mas, 0), 4) AS positive_predictive_value,
       coalesce(r.recognised_cases, 0) AS recognised_cases,
       coalesce(r.recognised_cases_flagged, 0) AS recognised_cases_flagged,
       coalesce(r.recognised_cases_flagged_first, 0) AS recognised_cases_flagged_first,
       round(r.recognised_cases_flagged / nullif(r.recognised_cases, 0), 4) AS sensitivity,
       coalesce(t.lead_time_cases, 0) AS lead_time_cases,
       t.lead_time_hours_median, t.lead_time_hours_q1, t.lead_time_hours_q3
FROM months AS m
CROSS JOIN levels AS l
LEFT JOIN screened AS s USING (month)
LEFT JOIN flagged AS f ON f.month = m.month AND f.level_kind = l.level_kind AND f.level = l.level
LEFT JOIN episode_counts AS e ON e.month = m.month AND e.level_kind = l.level_kind AND e.level = l.level
LEFT JOIN recognised_counts AS r ON r.month = m.month AND r.level_kind = l.level_kind AND r.level = l.level
LEFT JOIN lead_times AS t ON t.month = m.month AND t.level_kind = l.level_kind AND t.level = l.level
ORDER BY m.month, l.level_order
