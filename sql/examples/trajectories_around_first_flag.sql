-- Question: How do ferritin and platelets move in the week before and the week after a patient's
--   first flag, for episodes that reached an alert tier and for those that did not?
-- Reads: screen.episodes (each patient's first episode: its first_flag_at and alert),
--   staging.lab_results (ferritin, platelets; collected_at, value_num in canonical units).
-- Runs on: snapshot, release
-- Columns: first_episode_alert (the first episode reached an alert tier), analyte (ferritin ng/mL,
--   platelets 10*3/uL), day_from_flag (whole days from the first flag's cutoff by collection time:
--   -1 is the 24 hours before the cutoff, which is the first flagged day itself; 0 the day after),
--   patients (with a value that day), median, q1, q3 (of each patient's most abnormal value that
--   day: the highest ferritin, the lowest platelets).
-- Caveats: every value taken in the fortnight counts, including values resulted after the flag
--   (this is hindsight, not what the screen could know). A censored value (`>100000`, `<5`) counts
--   as its stated bound. Only the patient's first episode is used; patients flagged at the start of
--   the data have no week before. Days are 24-hour steps from the cutoff, not calendar days, so a
--   daylight-saving change does not move a value. Intervals within a patient are kept exactly by
--   de-identification: the release gives the same numbers as its snapshot.
-- Writes: nothing (a read-only query).
WITH first_episode AS (
    SELECT patient_id, arg_min(first_flag_at, first_flag_date) AS first_flag_at,
           arg_min(alert, first_flag_date) AS first_episode_alert
    FROM screen.episodes
    GROUP BY patient_id
),
daily AS (
    SELECT e.first_episode_alert, l.analyte, l.patient_id,
           CAST(floor((epoch(l.collected_at) - epoch(e.first_flag_at)) / 86400) AS INTEGER) AS day_from_flag,
           CASE l.analyte WHEN 'ferritin' THEN max(l.value_num) ELSE min(l.value_num) END AS value
    FROM staging.lab_results AS l
    JOIN first_episode AS e USING (patient_id)
    WHERE l.analyte IN ('ferritin', 'platelets')
      AND l.value_num IS NOT NULL
      AND l.collected_at >= e.first_flag_at - to_hours(7 * 24)
      AND l.collected_at < e.first_flag_at + to_hours(7 * 24)
    GROUP BY e.first_episode_alert, l.analyte, l.patient_id, day_from_flag
)
SELECT first_episode_alert, analyte, day_from_flag,
       count(*) AS patients,
       quantile_disc(value, 0.5) AS median,
       quantile_disc(value, 0.25) AS q1,
       quantile_disc(value, 0.75) AS q3
FROM daily
GROUP BY ALL
ORDER BY first_episode_alert DESC, analyte, day_from_flag;
