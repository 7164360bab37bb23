-- Known MAS episodes (a generator's truth file, $truth_csv) against screen.at_risk_daily.
-- The first flag of an episode is the earliest at-risk day whose cutoff (start of the next local
-- day, when the flag could first be known) falls within 7 days before onset and 7 days after
-- diagnosis. Lead time = diagnosis time - that cutoff; positive means flagged before diagnosis.
-- Reads: screen.at_risk_daily and the generator's truth file $truth_csv. Writes nothing (pipelines/summary.py).
WITH episodes AS (
    SELECT patient_id, encounter_id, underlying,
           parse_timestamp(onset_at) AS onset_at, parse_timestamp(diagnosis_at) AS diagnosis_at
    FROM read_csv($truth_csv, header = true, all_varchar = true)
),
flags AS (
    SELECT e.patient_id, e.encounter_id, min(CAST(a.as_of_date + 1 AS TIMESTAMPTZ)) AS first_flag_cutoff
    FROM episodes AS e
    JOIN screen.at_risk_daily AS a
      ON a.patient_id = e.patient_id
     AND CAST(a.as_of_date + 1 AS TIMESTAMPTZ) > e.onset_at - INTERVAL 7 DAY
     AND CAST(a.as_of_date + 1 AS TIMESTAMPTZ) <= e.diagnosis_at + INTERVAL 7 DAY
    GROUP BY ALL
)
SELECT e.patient_id, e.encounter_id, e.underlying, e.onset_at, e.diagnosis_at, f.first_flag_cutoff,
       f.first_flag_cutoff <= e.diagnosis_at AS flagged_before_diagnosis,
       round(epoch(e.diagnosis_at - f.first_flag_cutoff) / 3600, 1) AS lead_hours
FROM episodes AS e
LEFT JOIN flags AS f USING (patient_id, encounter_id)
ORDER BY e.diagnosis_at
