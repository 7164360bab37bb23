-- screen.episodes: runs of flagged days per patient. One row per episode; key episode_id.
--
-- Reads: screen.at_risk_daily (every flagged day), screen.rule_evaluations (the last computed day).
-- Writes: the rows of screen.episodes (pipelines/audit/quality_audit.py build_episodes replaces the whole table).
-- Parameters: $episode_gap_days (rule file audit.episode_gap_days): flagged days separated by at
-- most that many unflagged days belong to one episode (gap 2: flags on the 1st and the 4th join,
-- on the 1st and the 5th do not).
--
-- Columns:
--   episode_id          patient_id || '/' || first_flag_date (YYYY-MM-DD): stable, re-running any
--                       range gives the same id as long as the episode starts on the same day (a
--                       backfill that adds an earlier flagged day within the gap moves its start,
--                       and so its id)
--   first_flag_date, last_flag_date  the first and last flagged as_of_date
--   first_flag_at, last_flag_at      their cutoffs (the start of the next local day): the first
--                       moment each flag could be known
--   flagged_days        days with a flag (at most last - first + 1)
--   highest_tier, highest_tier_rank  the most severe tier of any of its days (rank 1 = highest)
--   alert, first_alert_date          some day is in a tier with `alert: true`; the first such day
--   rules_fired         every rule that fired on some day, sorted
--   <score>__peak       the highest value of the day's score over the episode (hscore bounds,
--                       HLH-2004 criteria met, MS score bounds); eular_acr_2016__met__any: met on some day
--   ongoing             the last computed as-of day is within $episode_gap_days days of the last
--                       flag: a later flag may still extend the episode
--   rule_set_versions   the rule set versions of its days
WITH flags AS (
    SELECT patient_id, as_of_date, tier, tier_rank, alert, rules_fired, rule_set_version,
           hscore__lower, hscore__upper, hlh_2004__criteria_met, ms_score__lower, ms_score__upper,
           eular_acr_2016__met,
           -- a new episode starts where the previous flagged day is more than gap + 1 days earlier
           coalesce(as_of_date - lag(as_of_date) OVER (PARTITION BY patient_id ORDER BY as_of_date)
                    > $episode_gap_days + 1, true) AS starts_episode
    FROM screen.at_risk_daily
),
numbered AS (
    SELECT *, sum(CAST(starts_episode AS INTEGER)) OVER (PARTITION BY patient_id ORDER BY as_of_date
                                                         ROWS UNBOUNDED PRECEDING) AS episode_number
    FROM flags
),
last_computed AS (
    SELECT max(as_of_date) AS as_of_date FROM screen.rule_evaluations
)
SELECT
    patient_id || '/' || strftime(min(as_of_date), '%Y-%m-%d') AS episode_id,
    patient_id,
    min(as_of_date) AS first_flag_date,
    max(as_of_date) AS last_flag_date,
    CAST(min(as_of_date) + 1 AS TIMESTAMPTZ) AS first_flag_at,
    CAST(max(as_of_date) + 1 AS TIMESTAMPTZ) AS last_flag_at,
    CAST(count(*) AS INTEGER) AS flagged_days,
    max(tier) AS highest_tier,
    min(tier_rank) AS highest_tier_rank,
    bool_or(alert) AS alert,
    min(as_of_date) FILTER (WHERE alert) AS first_alert_date,
    list_sort(list_distinct(flatten(list(rules_fired)))) AS rules_fired,
    max(hscore__lower) AS hscore__lower__peak,
    max(hscore__upper) AS hscore__upper__peak,
    max(hlh_2004__criteria_met) AS hlh_2004__criteria_met__peak,
    max(ms_score__lower) AS ms_score__lower__peak,
    max(ms_score__upper) AS ms_score__upper__peak,
    bool_or(eular_acr_2016__met) AS eular_acr_2016__met__any,
    max(as_of_date) >= (SELECT as_of_date FROM last_computed) - $episode_gap_days AS ongoing,
    list_sort(list_distinct(list(rule_set_version))) AS rule_set_versions
FROM numbered
GROUP BY patient_id, episode_number
