-- screen.episodes for research: keyed pseudonym, shifted days and times; the episode id is made
-- again from the pseudonym and the shifted first day, as the warehouse makes it from the patient
-- id (patient_id || '/' || first_flag_date), so it never carries the source id or the true day.
-- Reads: screen.episodes, temp.research_patients (sql/research/keys.sql). Writes: deidentified.screen.episodes.
CREATE TABLE deidentified.screen.episodes AS
SELECT k.pseudonym || '/' || strftime(e.first_flag_date + k.shift_days, '%Y-%m-%d') AS episode_id,
       k.pseudonym AS patient_id,
       e.first_flag_date + k.shift_days AS first_flag_date,
       e.last_flag_date + k.shift_days AS last_flag_date,
       e.first_flag_at + to_hours(24 * k.shift_days) AS first_flag_at,
       e.last_flag_at + to_hours(24 * k.shift_days) AS last_flag_at,
       e.first_alert_date + k.shift_days AS first_alert_date,
       e.* EXCLUDE (episode_id, patient_id, first_flag_date, last_flag_date, first_flag_at, last_flag_at,
                    first_alert_date)
FROM screen.episodes AS e
LEFT JOIN research_patients AS k ON k.patient_id = e.patient_id;
