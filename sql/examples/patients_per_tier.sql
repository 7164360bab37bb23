-- Question: How many patients reached each tier, as their highest tier and at all, and on how
--   many patient-days?
-- Reads: screen.at_risk_daily.
-- Runs on: snapshot, release
-- Columns: tier (most severe first), tier_rank (1 = the rule file's highest tier), alert (a tier a
--   clinician is paged for), patients_highest (patients whose most severe flagged day is in this
--   tier: the column adds up to the flagged patients), patients_ever (patients with a day in this
--   tier), flagged_days (patient-days in this tier).
-- Caveats: a tier counts only days flagged in it; a day below every tier is not in
--   screen.at_risk_daily. The most severe tier is taken by tier_rank, not by the tier's text, so
--   the query reads the same where `tier` is text rather than the warehouse's ENUM. Tiers come from
--   the rule file of each day (rule_set_version); a release or snapshot spanning two rule sets mixes
--   their tiers. De-identification keeps every patient's days and tiers: the release gives the
--   same numbers as its snapshot.
-- Writes: nothing (a read-only query).
WITH highest AS (
    SELECT patient_id, min(tier_rank) AS tier_rank
    FROM screen.at_risk_daily
    GROUP BY patient_id
),
tiers AS (
    SELECT tier_rank, any_value(tier) AS tier, bool_or(alert) AS alert,
           count(DISTINCT patient_id) AS patients_ever, count(*) AS flagged_days
    FROM screen.at_risk_daily
    GROUP BY tier_rank
)
SELECT t.tier, t.tier_rank, t.alert,
       (SELECT count(*) FROM highest AS h WHERE h.tier_rank = t.tier_rank) AS patients_highest,
       t.patients_ever, t.flagged_days
FROM tiers AS t
ORDER BY t.tier_rank;
