-- The report's worklist: the patients flagged on $date (screen.at_risk_daily), one row each.
--
-- Reads: screen.at_risk_daily (the day's flags and their evidence), screen.episodes (the episode
-- holding the day: first_flag_date <= $date <= last_flag_date). Writes nothing.
-- Parameters: $date (DATE, the as-of day), $key_items (VARCHAR[]: JSON paths of evidence items,
--   such as '$.eular_acr_2016.items.ferritin', from the rule file; pipelines/publish/report.py).
-- Columns:
--   status         'new' when $date is the first flag day of its episode, else 'continuing'
--   tier           the day's tier (text), tier_rank (1 = highest), alert
--   rules_fired    the rules met that day that count in a tier
--   key_values     one text per $key_items path, in that order: the item's value in canonical units
--                  as the rule tested it (the most abnormal in the pairing window), rounded to one
--                  decimal for display (a temperature converted from Fahrenheit shows 39.9, not
--                  39.8889), prefixed with its censoring ('>10000'); NULL when the window held no value
--   episode_day    days from the episode's first flag day to $date, counting both (1 on a new flag)
--   flagged_days   flagged days of the episode up to and including $date
-- Order: highest tier first, new before continuing, then patient.
WITH day AS (
    SELECT * FROM screen.at_risk_daily WHERE as_of_date = $date
),
episode AS (
    SELECT d.patient_id, e.episode_id, e.first_flag_date
    FROM day AS d
    JOIN screen.episodes AS e
      ON e.patient_id = d.patient_id AND $date BETWEEN e.first_flag_date AND e.last_flag_date
),
flagged_so_far AS (
    SELECT e.patient_id, count(*) AS flagged_days
    FROM episode AS e
    JOIN screen.at_risk_daily AS a
      ON a.patient_id = e.patient_id AND a.as_of_date BETWEEN e.first_flag_date AND $date
    GROUP BY ALL
)
SELECT
    d.patient_id,
    e.episode_id,
    CASE WHEN e.first_flag_date = $date THEN 'new' WHEN e.first_flag_date < $date THEN 'continuing' END AS status,
    CAST(d.tier AS VARCHAR) AS tier,
    d.tier_rank,
    d.alert,
    d.rules_fired,
    list_transform($key_items, path ->
        nullif(coalesce(json_extract_string(d.evidence, path || '.censoring'), '')
               || coalesce(printf('%g', round(CAST(json_extract(d.evidence, path || '.value') AS DOUBLE), 1)), ''), '')) AS key_values,
    CAST($date - e.first_flag_date + 1 AS INTEGER) AS episode_day,
    CAST(s.flagged_days AS INTEGER) AS flagged_days,
    e.first_flag_date
FROM day AS d
LEFT JOIN episode AS e USING (patient_id)
LEFT JOIN flagged_so_far AS s USING (patient_id)
ORDER BY d.tier_rank, status = 'continuing', d.patient_id;
