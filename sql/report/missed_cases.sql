-- The report's monthly audit: the month's cases of audit.missed_cases (episodes whose first flag
-- day is in the month, and recognised cases never flagged whose recognition day is), by category.
--
-- Reads: audit.missed_cases. Writes nothing. Parameters: $month (DATE, the first day of the month).
-- Columns: category and the case; times as site-local text ('YYYY-MM-DD HH:MM'); lead_time_hours
-- (DOUBLE, recognition - first flag, positive when the screen flagged first; NULL without both).
-- Order: categories needing a look first (possibly unrecognised, window still open, recognised
-- late, recognised before the flag, recognised but never flagged), then first flag or recognition.
SELECT category, case_id, patient_id, episode_id,
       strftime(CAST(first_flag_at AS TIMESTAMP), '%Y-%m-%d %H:%M') AS first_flag_at,
       last_flag_date, CAST(highest_tier AS VARCHAR) AS highest_tier,
       strftime(CAST(recognised_at AS TIMESTAMP), '%Y-%m-%d %H:%M') AS recognised_at,
       recognised_by, recognition_code_or_name, lead_time_hours,
       strftime(CAST(weak_therapy_at AS TIMESTAMP), '%Y-%m-%d %H:%M') AS weak_therapy_at
FROM audit.missed_cases
WHERE month = $month
ORDER BY coalesce(list_position(['possibly_unrecognised', 'recognition_window_open', 'recognised_late',
                                 'recognised_before_flag', 'recognised_never_flagged'], category), 99),
         category, coalesce(missed_cases.first_flag_at, missed_cases.recognised_at), case_id;
