-- audit.missed_cases: every episode and every recognised case the screen never flagged, with a
-- category. One row per case; key case_id. Built whole by pipelines/audit/quality_audit.py build_missed_cases.
--
-- Reads: screen.episodes, temp.recognition_events (temporary, sql/audit/recognition_events.sql),
-- screen.rule_evaluations (last computed day; why each rule did not fire), features.patient_day
-- (near misses: placeholder pairing_extremes, one SELECT per analyte of the rule items, rendered by
-- pipelines/audit/quality_audit.py from the rule file's pairing window).
-- Parameters (rule file `audit`): $recognition_before_flag_days, $recognition_after_flag_days,
-- $near_miss_days_before, $near_miss_days_after; $near_miss_items: [{rule, item, analyte, operator,
-- threshold, unit}], every rule item with an operator, threshold in the analyte's canonical unit.
--
-- A recognition (a counted event: diagnosis code or strong directed therapy) belongs to an episode
-- of its patient when it lies in [first_flag_at - recognition_before_flag_days,
-- last_flag_at + recognition_after_flag_days]. Categories:
--   recognised_before_flag   its first recognition is at or before first_flag_at (the cutoff of
--                            the first flagged day, when the flag could first be seen)
--   recognised_late          its first recognition is after first_flag_at
--   possibly_unrecognised    no recognition, and the window has closed: the last computed day's
--                            cutoff is at or after last_flag_at + recognition_after_flag_days
--   recognition_window_open  no recognition yet, the window still open
--   recognised_never_flagged counted events of a patient that belong to no episode; events less than
--                            recognition_before_flag_days apart are one case (case_id =
--                            patient_id || '/recognised/' || local date of its first event)
-- recognised_by, recognition_code_or_name (as sent), recognition_therapy (the rule file's therapy
-- name; NULL for a diagnosis code): the first recognition.
-- alert: the episode reached a tier with `alert: true` (NULL when never flagged).
-- lead_time_hours = (recognised_at - first_flag_at) in hours: positive, the screen flagged that many
-- hours before recognition; negative, recognition came first. month: first day of the month of
-- first_flag_date, or, never flagged, of the recognition's local date.
-- near_misses (never-flagged cases only): for every rule item, the value that came closest to its
-- threshold over the as-of days [recognition date - near_miss_days_before, + near_miss_days_after]:
-- the highest pairing-window value for a '>'/'>=' item, the lowest for '<'/'<='; distance = how far
-- it stayed from the threshold in the canonical unit (0 or less: the item was met), relative_distance
-- = distance / |threshold|, met = distance <= 0 (the item was reached, the rule missed for another
-- item); the misses first, closest first, then the items met, then those with no value.
-- rules_not_fired (never-flagged cases only; placeholder rules_not_fired): per rule over those days,
-- the first that holds of: no_values (no screen.rule_evaluations row), met_without_flag (met on some
-- day, in no flagging tier), outside_context (its values met, the context was not there),
-- items_missing (it could have been met had the unknown items been abnormal), thresholds_not_reached.
-- Writes: temp.missed_case_rows, temp.near_miss_days, temp.near_misses, temp.rules_not_fired, and
-- audit.missed_cases (the rows the last statement returns, by pipelines/audit/quality_audit.py).
CREATE OR REPLACE TEMP TABLE missed_case_rows AS
WITH counted AS (
    SELECT * FROM recognition_events WHERE counts_as_recognition
),
windows AS (
    SELECT episode_id, patient_id,
           first_flag_at - to_days($recognition_before_flag_days) AS window_start,
           last_flag_at + to_days($recognition_after_flag_days) AS window_end
    FROM screen.episodes
),
episode_recognition AS (
    SELECT w.episode_id,
           min(r.event_at) FILTER (WHERE r.counts_as_recognition) AS recognised_at,
           arg_min(r.recognised_by, (r.event_at, r._source_row)) FILTER (WHERE r.counts_as_recognition) AS recognised_by,
           arg_min(r.code_or_name, (r.event_at, r._source_row)) FILTER (WHERE r.counts_as_recognition)
               AS recognition_code_or_name,
           arg_min(r.therapy, (r.event_at, r._source_row)) FILTER (WHERE r.counts_as_recognition)
               AS recognition_therapy,
           min(r.event_at) FILTER (WHERE NOT r.counts_as_recognition) AS weak_therapy_at
    FROM windows AS w
    JOIN recognition_events AS r
      ON r.patient_id = w.patient_id AND r.event_at BETWEEN w.window_start AND w.window_end
    GROUP BY w.episode_id
),
last_computed AS (
    SELECT CAST(max(as_of_date) + 1 AS TIMESTAMPTZ) AS cutoff FROM screen.rule_evaluations
),
flagged_cases AS (
    SELECT e.episode_id AS case_id,
           CASE WHEN r.recognised_at IS NULL AND (SELECT cutoff FROM last_computed)
                     >= e.last_flag_at + to_days($recognition_after_flag_days) THEN 'possibly_unrecognised'
                WHEN r.recognised_at IS NULL THEN 'recognition_window_open'
                WHEN r.recognised_at <= e.first_flag_at THEN 'recognised_before_flag'
                ELSE 'recognised_late' END AS category,
           e.patient_id, e.episode_id, e.first_flag_at, e.last_flag_date, e.highest_tier, e.alert,
           r.recognised_at, r.recognised_by, r.recognition_code_or_name, r.recognition_therapy,
           round(epoch(r.recognised_at - e.first_flag_at) / 3600, 2) AS lead_time_hours,
           r.weak_therapy_at,
           CAST(date_trunc('month', e.first_flag_date) AS DATE) AS month
    FROM screen.episodes AS e
    LEFT JOIN episode_recognition AS r USING (episode_id)
),
unmatched AS (
    SELECT c.*,
           coalesce(c.event_at - lag(c.event_at) OVER (PARTITION BY c.patient_id ORDER BY c.event_at, c._source_row)
                    > to_days($recognition_before_flag_days), true) AS starts_case
    FROM counted AS c
    WHERE NOT EXISTS (SELECT 1 FROM windows AS w
                      WHERE w.patient_id = c.patient_id AND c.event_at BETWEEN w.window_start AND w.window_end)
),
unmatched_numbered AS (
    SELECT *, sum(CAST(starts_case AS INTEGER)) OVER (PARTITION BY patient_id ORDER BY event_at, _source_row
                                                     ROWS UNBOUNDED PRECEDING) AS case_number
    FROM unmatched
),
never_flagged AS (
    SELECT patient_id,
           min(event_at) AS recognised_at,
           arg_min(recognised_by, (event_at, _source_row)) AS recognised_by,
           arg_min(code_or_name, (event_at, _source_row)) AS recognition_code_or_name,
           arg_min(therapy, (event_at, _source_row)) AS recognition_therapy
    FROM unmatched_numbered
    GROUP BY patient_id, case_number
)
SELECT * FROM flagged_cases
UNION ALL BY NAME
SELECT patient_id || '/recognised/' || strftime(CAST(recognised_at AS DATE), '%Y-%m-%d') AS case_id,
       'recognised_never_flagged' AS category, patient_id, recognised_at, recognised_by,
       recognition_code_or_name, recognition_therapy, CAST(date_trunc('month', CAST(recognised_at AS DATE)) AS DATE) AS month
FROM never_flagged;

-- The as-of days searched for near misses, per never-flagged case.
CREATE OR REPLACE TEMP TABLE near_miss_days AS
SELECT case_id, patient_id,
       CAST(recognised_at AS DATE) - $near_miss_days_before AS first_day,
       CAST(recognised_at AS DATE) + $near_miss_days_after AS last_day
FROM missed_case_rows
WHERE category = 'recognised_never_flagged';

CREATE OR REPLACE TEMP TABLE near_misses AS
WITH pairing_extremes AS (
    {{pairing_extremes}}
),
items AS (
    SELECT unnest($near_miss_items, recursive := true)
),
closest AS (
    SELECT d.case_id, i.rule, i.item, i.analyte, i.operator, i.threshold, i.unit,
           CASE WHEN i.operator LIKE '>%' THEN max(x.maximum) ELSE min(x.minimum) END AS value,
           CASE WHEN i.operator LIKE '>%' THEN arg_max(x.as_of_date, x.maximum)
                ELSE arg_min(x.as_of_date, x.minimum) END AS as_of_date
    FROM near_miss_days AS d
    CROSS JOIN items AS i
    LEFT JOIN pairing_extremes AS x
      ON x.patient_id = d.patient_id AND x.analyte = i.analyte AND x.as_of_date BETWEEN d.first_day AND d.last_day
    GROUP BY d.case_id, i.rule, i.item, i.analyte, i.operator, i.threshold, i.unit
)
SELECT case_id,
       list({'rule': rule, 'item': item, 'analyte': analyte, 'value': value, 'unit': unit, 'operator': operator,
             'threshold': threshold, 'distance': distance, 'relative_distance': relative_distance,
             'met': distance <= 0, 'as_of_date': as_of_date}
            ORDER BY distance <= 0 NULLS LAST, relative_distance NULLS LAST, rule, item) AS near_misses
FROM (
    SELECT *,
           CASE WHEN operator LIKE '>%' THEN threshold - value ELSE value - threshold END AS distance,
           round((CASE WHEN operator LIKE '>%' THEN threshold - value ELSE value - threshold END)
                 / nullif(abs(threshold), 0), 4) AS relative_distance
    FROM closest
)
GROUP BY case_id;

CREATE OR REPLACE TEMP TABLE rules_not_fired AS
SELECT d.case_id, {{rules_not_fired}} AS rules_not_fired
FROM near_miss_days AS d
LEFT JOIN screen.rule_evaluations AS r
  ON r.patient_id = d.patient_id AND r.as_of_date BETWEEN d.first_day AND d.last_day
GROUP BY d.case_id;

SELECT c.case_id, c.category, c.patient_id, c.episode_id, c.first_flag_at, c.last_flag_date, c.highest_tier, c.alert,
       c.recognised_at, c.recognised_by, c.recognition_code_or_name, c.recognition_therapy, c.lead_time_hours,
       c.weak_therapy_at,
       c.month, n.near_misses, f.rules_not_fired
FROM missed_case_rows AS c
LEFT JOIN near_misses AS n USING (case_id)
LEFT JOIN rules_not_fired AS f USING (case_id)
