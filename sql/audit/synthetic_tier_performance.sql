-- Tier performance on a generated hospital: for each tier of the rule file, counted cumulatively
-- ("this tier or higher"), and for the alert tiers together, what screen.at_risk_daily caught.
--
-- Reads: screen.at_risk_daily, staging.encounters (admission and discharge of each stay), and a
-- generator's truth files $episodes_csv (truth/mas_episodes.csv) and $cohorts_csv (truth/cohorts.csv).
-- Parameters: $tiers, the tier names in rule-file order, highest first; $alert_tiers, the names of
-- the tiers with `alert: true`. Writes nothing.
--
-- One row per level and group. Levels: each tier k (counting rows whose tier is k or any tier
-- listed before it), then 'alert tiers' (rows whose tier is an alert tier). Groups:
--   mas, mas_at_sjia_onset  MAS episodes (all; those at sJIA onset, context_at_onset <> 'coded').
--                           flagged = episodes flagged before their diagnosis, as
--                           sql/audit/synthetic_episode_detection.sql defines it: the first flag whose
--                           cutoff (start of the day after as_of_date) falls within 7 days before onset
--                           and 7 days after diagnosis, at or before the diagnosis. median_lead_hours =
--                           median over those episodes of (diagnosis - first flag cutoff), in hours.
--   every cohort of cohorts.csv but mas, and `flare` (sjia_flare and aosd_flare together)
--                           patients with a stay of that cohort, MAS patients left out; flagged = at
--                           least one flag on a day that overlaps such a stay (the day's cutoff after
--                           admission, the day's start before discharge). median_lead_hours is NULL.
-- percent = 100 * flagged / total, one decimal.
-- Writes nothing (returns the table for the summary).
WITH levels AS (
    SELECT k AS level_order, $tiers[k] AS level, list_slice($tiers, 1, k) AS counted_tiers
    FROM range(1, len($tiers) + 1) AS r(k)
    UNION ALL
    SELECT len($tiers) + 1, 'alert tiers', $alert_tiers
),
flags AS (
    SELECT patient_id, CAST(tier AS VARCHAR) AS tier,
           CAST(as_of_date AS TIMESTAMPTZ) AS day_start, CAST(as_of_date + 1 AS TIMESTAMPTZ) AS cutoff
    FROM screen.at_risk_daily
),
episodes AS (
    SELECT patient_id, encounter_id, context_at_onset <> 'coded' AS at_sjia_onset,
           parse_timestamp(onset_at) AS onset_at, parse_timestamp(diagnosis_at) AS diagnosis_at
    FROM read_csv($episodes_csv, header = true, all_varchar = true)
),
episode_first_flag AS (
    SELECT l.level_order, e.encounter_id, min(f.cutoff) AS first_flag_cutoff
    FROM levels AS l
    CROSS JOIN episodes AS e
    JOIN flags AS f
      ON f.patient_id = e.patient_id
     AND list_contains(l.counted_tiers, f.tier)
     AND f.cutoff > e.onset_at - INTERVAL 7 DAY
     AND f.cutoff <= e.diagnosis_at + INTERVAL 7 DAY
    GROUP BY ALL
),
episode_levels AS (
    SELECT l.level_order, l.level, e.at_sjia_onset,
           ff.first_flag_cutoff <= e.diagnosis_at AS flagged_before_diagnosis,
           epoch(e.diagnosis_at - ff.first_flag_cutoff) / 3600 AS lead_hours
    FROM levels AS l
    CROSS JOIN episodes AS e
    LEFT JOIN episode_first_flag AS ff ON ff.level_order = l.level_order AND ff.encounter_id = e.encounter_id
),
mas_groups AS (
    SELECT level_order, level, g.group_name,
           count(*) FILTER (WHERE flagged_before_diagnosis) AS flagged,
           count(*) AS total,
           median(lead_hours) FILTER (WHERE flagged_before_diagnosis) AS median_lead_hours
    FROM episode_levels
    JOIN (VALUES ('mas'), ('mas_at_sjia_onset')) AS g(group_name)
      ON g.group_name = 'mas' OR at_sjia_onset
    GROUP BY ALL
),
stays AS (
    -- non-MAS cohort stays of patients who never had MAS, under their cohort and under `flare`
    SELECT c.patient_id, s.admit_at, s.discharge_at,
           unnest(CASE WHEN c.cohort IN ('sjia_flare', 'aosd_flare') THEN [c.cohort, 'flare'] ELSE [c.cohort] END)
               AS group_name
    FROM read_csv($cohorts_csv, header = true, all_varchar = true) AS c
    JOIN staging.encounters AS s USING (patient_id, encounter_id)
    WHERE c.cohort <> 'mas'
      AND c.patient_id NOT IN (SELECT patient_id FROM episodes)
),
stay_levels AS (
    SELECT l.level_order, l.level, s.group_name, s.patient_id,
           bool_or(f.patient_id IS NOT NULL) AS flagged
    FROM levels AS l
    CROSS JOIN stays AS s
    LEFT JOIN flags AS f
      ON f.patient_id = s.patient_id
     AND list_contains(l.counted_tiers, f.tier)
     AND f.cutoff > s.admit_at
     AND f.day_start < coalesce(s.discharge_at, 'infinity'::TIMESTAMPTZ)
    GROUP BY ALL
),
cohort_groups AS (
    SELECT level_order, level, group_name, count(*) FILTER (WHERE flagged) AS flagged, count(*) AS total,
           CAST(NULL AS DOUBLE) AS median_lead_hours
    FROM stay_levels
    GROUP BY ALL
)
SELECT level_order, level, group_name, flagged, total,
       round(100.0 * flagged / total, 1) AS percent,
       round(median_lead_hours, 1) AS median_lead_hours
FROM (SELECT * FROM mas_groups UNION ALL SELECT * FROM cohort_groups)
ORDER BY level_order, group_name NOT IN ('mas', 'mas_at_sjia_onset'), group_name
