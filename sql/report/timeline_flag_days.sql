-- The report's timelines: the flag days, within the $days days up to $date, of each patient
-- flagged on $date.
--
-- Reads: screen.at_risk_daily. Writes nothing. Parameters: $date (DATE), $days (INTEGER).
-- Columns: patient_id, as_of_date, tier (text), day_start and day_end (TIMESTAMP, site-local
-- midnight of the day and of the next: the span the chart shades).
SELECT a.patient_id, a.as_of_date, CAST(a.tier AS VARCHAR) AS tier,
       CAST(a.as_of_date AS TIMESTAMP) AS day_start, CAST(a.as_of_date + 1 AS TIMESTAMP) AS day_end
FROM screen.at_risk_daily AS a
SEMI JOIN (SELECT patient_id FROM screen.at_risk_daily WHERE as_of_date = $date) AS f USING (patient_id)
WHERE a.as_of_date BETWEEN $date - CAST($days AS INTEGER) + 1 AND $date
ORDER BY a.patient_id, a.as_of_date;
