-- Who the screen flagged, by what a generator's truth says they had: a MAS episode, a confounder
-- (sepsis, liver injury, haematological malignancy, chemotherapy), or neither.
WITH flagged AS (SELECT DISTINCT patient_id FROM screen.at_risk_daily),
mas AS (SELECT DISTINCT patient_id FROM read_csv($episodes_csv, header = true, all_varchar = true)),
confounded AS (
    SELECT patient_id, string_agg(DISTINCT kind, '+' ORDER BY kind) AS kind
    FROM read_csv($confounders_csv, header = true, all_varchar = true)
    GROUP BY patient_id
)
SELECT CASE WHEN m.patient_id IS NOT NULL THEN 'MAS episode'
            WHEN c.kind IS NOT NULL THEN 'confounder: ' || c.kind
            ELSE 'neither' END AS truth,
       count(*) AS patients_flagged
FROM flagged AS f
LEFT JOIN mas AS m USING (patient_id)
LEFT JOIN confounded AS c USING (patient_id)
GROUP BY ALL
ORDER BY patients_flagged DESC
