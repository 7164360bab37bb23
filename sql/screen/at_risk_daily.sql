-- screen.at_risk_daily: the patients flagged on day D in [$start, $end]: one row per patient and day
-- whose rule evaluations (screen.rule_evaluations) reach a tier of the rule file.
--
-- Reads: screen.rule_evaluations, and each rule's evidence from the temporary tables temp.rule_<rule>
-- of the same build (sql/screen/rules/; pipelines/screen/screening.py build_screen). Key: (patient_id, as_of_date).
--   tier         the first (highest) tier whose `when` holds, an ENUM ordered by severity, lowest
--                first: max(tier) is the most severe, ORDER BY tier DESC lists the most severe first
--   tier_rank    1 for the highest tier of the rule file, 2 for the next...
--   alert        the tier is one a clinician is paged for (rule file `alert`)
--   rules_fired  the rules whose result counts in some tier (met, with a context and population
--                a tier lists; the ferritin/ESR ratio without a rheumatic context is left out);
--                the evidence gives each rule's context and population
--   evidence     JSON: for every rule, met/possible/context/population and each item's value,
--                censoring, unit, time taken, operator, threshold and result; and the contexts
--                with what made them known or suspected
-- The placeholders tier, tier_enum, tier_rank, alert, rules_fired, evidence and evidence_tables
-- are rendered from the rule file (pipelines/features/rule_set.py).
-- Writes: screen.at_risk_daily (the rows this returns for [$start, $end], by
-- pipelines/screen/screening.py through pipelines/core/daily_tables.py).
WITH tiered AS (
    SELECT *, {{tier}} AS tier_name
    FROM screen.rule_evaluations
    WHERE as_of_date BETWEEN $start AND $end
),
flagged AS (
    SELECT *, {{tier_rank}} AS tier_rank, {{alert}} AS alert, {{rules_fired}} AS rules_fired
    FROM tiered
    WHERE tier_name IS NOT NULL
)
SELECT
    f.patient_id,
    f.as_of_date,
    CAST(f.tier_name AS {{tier_enum}}) AS tier,
    f.tier_rank,
    f.alert,
    f.rules_fired,
    f.contexts,
    f.suspected_contexts,
    f.age_days,
    f.eular_acr_2016__met,
    f.hlh_2004__criteria_met,
    f.hlh_2004__criteria_max,
    f.hscore__lower,
    f.hscore__upper,
    f.hscore__probability_lower,
    f.hscore__probability_upper,
    f.ms_score__lower,
    f.ms_score__upper,
    to_json({'contexts': f.context_evidence, {{evidence}}}) AS evidence,
    f.rule_set_version
FROM flagged AS f
{{evidence_tables}}
