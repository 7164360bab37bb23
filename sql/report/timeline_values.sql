-- The report's timelines: every value of the charted analytes of each patient flagged on $date,
-- taken in the $days days before $date's cutoff and known before it.
--
-- Reads: screen.at_risk_daily (who is flagged on $date), staging.lab_results (collected_at,
-- resulted_at), staging.vital_signs (measured_at, recorded_at). Writes nothing.
-- Parameters: $date (DATE), $days (INTEGER, the length of the timeline), $analytes (VARCHAR[]).
-- Semantics: the cutoff is the start of $date + 1, local time (the time the day's flag is known,
-- as in features.patient_day); a value counts when taken in (cutoff - $days days, cutoff) and
-- resulted or recorded before the cutoff, so the chart shows what the screen could know.
-- Columns: patient_id, analyte, taken_at (TIMESTAMP, site-local wall time, for the chart),
--   value (DOUBLE, canonical unit), censoring ('<', '>', ... or NULL), unit (canonical).
WITH flagged AS (
    SELECT patient_id, CAST($date + 1 AS TIMESTAMPTZ) AS cutoff
    FROM screen.at_risk_daily WHERE as_of_date = $date
)
SELECT l.patient_id, l.analyte, CAST(l.collected_at AS TIMESTAMP) AS taken_at, l.value_num AS value,
       l.censoring, l.unit
FROM staging.lab_results AS l
JOIN flagged AS f USING (patient_id)
WHERE list_contains($analytes, l.analyte)
  AND l.value_num IS NOT NULL
  AND l.collected_at > f.cutoff - to_days(CAST($days AS INTEGER)) AND l.collected_at < f.cutoff
  AND l.resulted_at < f.cutoff
UNION ALL
SELECT v.patient_id, v.analyte, CAST(v.measured_at AS TIMESTAMP), v.value_num, v.censoring, v.unit
FROM staging.vital_signs AS v
JOIN flagged AS f USING (patient_id)
WHERE list_contains($analytes, v.analyte)
  AND v.value_num IS NOT NULL
  AND v.measured_at > f.cutoff - to_days(CAST($days AS INTEGER)) AND v.measured_at < f.cutoff
  AND v.recorded_at < f.cutoff
ORDER BY patient_id, analyte, taken_at;
