-- Who the screen flagged, by their highest tier and by what a generator's truth says they had:
-- a MAS episode, a confounder (sepsis, liver injury, haematological malignancy, chemotherapy), or
-- neither. Tier order follows the rule file ($tiers, highest first).
-- Reads: screen.at_risk_daily and the generator's truth files. Writes nothing (pipelines/summary.py).
WITH flagged AS (
    SELECT patient_id, min(list_position($tiers, tier)) AS tier_rank
    FROM screen.at_risk_daily
    GROUP BY patient_id
),
mas AS (SELECT DISTINCT patient_id FROM read_csv($episodes_csv, header = true, all_varchar = true)),
confounded AS (
    SELECT patient_id, string_agg(DISTINCT kind, '+' ORDER BY kind) AS kind
    FROM read_csv($confounders_csv, header = true, all_varchar = true)
    GROUP BY patient_id
)
SELECT $tiers[tier_rank] AS highest_tier,
       count(*) FILTER (WHERE m.patient_id IS NOT NULL) AS mas_episode,
       count(*) FILTER (WHERE m.patient_id IS NULL AND c.kind IS NOT NULL) AS confounder,
       count(*) FILTER (WHERE m.patient_id IS NULL AND c.kind IS NULL) AS neither,
       count(*) AS patients
FROM flagged AS f
LEFT JOIN mas AS m USING (patient_id)
LEFT JOIN confounded AS c USING (patient_id)
GROUP BY tier_rank
ORDER BY tier_rank
