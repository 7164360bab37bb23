-- Question: How are the HScore and the MS score distributed over the patient-days screened, by the
--   rheumatic context each score was evaluated in (known, suspected, unknown)?
-- Reads: screen.rule_evaluations.
-- Runs on: snapshot, release
-- Columns: score (hscore, ms_score), context (the score's `<score>__context`: known from a coded
--   sJIA/AOSD/SLE diagnosis, suspected from IL-1/IL-6 blockade, unknown), patient_days, patients,
--   labs_complete_share (share of patient-days with every lab item of the score known),
--   lower_median, lower_p90, lower_max (the score's lower bound: missing items add nothing),
--   upper_median, upper_p90 (its upper bound: missing items at their maximum), unbounded_days
--   (days whose bound is NULL: the MS score is unbounded by a censored value).
-- Caveats: a score is stored as the bounds a missing or censored item allows, never as one
--   number: read the lower and upper bounds together, and the complete share beside them. Every
--   patient-day with a feature row is in it, flagged or not, so most days are of patients far from
--   MAS. Context and population are the score's own (docs/RULES.md); the HScore's ICU variant is a
--   separate rule (hscore_icu__*). De-identification changes neither scores nor contexts: the
--   release gives the same numbers as its snapshot.
-- Writes: nothing (a read-only query).
WITH scores AS (
    SELECT 'hscore' AS score, hscore__context AS context, patient_id, hscore__labs_complete AS labs_complete,
           hscore__lower AS lower_bound, hscore__upper AS upper_bound
    FROM screen.rule_evaluations
    UNION ALL
    SELECT 'ms_score', ms_score__context, patient_id, ms_score__labs_complete, ms_score__lower, ms_score__upper
    FROM screen.rule_evaluations
)
SELECT score, context,
       count(*) AS patient_days,
       count(DISTINCT patient_id) AS patients,
       round(avg(CAST(labs_complete AS INTEGER)), 4) AS labs_complete_share,
       quantile_disc(lower_bound, 0.5) AS lower_median,
       quantile_disc(lower_bound, 0.9) AS lower_p90,
       max(lower_bound) AS lower_max,
       quantile_disc(upper_bound, 0.5) AS upper_median,
       quantile_disc(upper_bound, 0.9) AS upper_p90,
       count(*) FILTER (WHERE lower_bound IS NULL OR upper_bound IS NULL) AS unbounded_days
FROM scores
GROUP BY score, context
ORDER BY score, context;
