-- screen.rule_evaluations: every rule of the rule file evaluated for every patient and as-of day in
-- [$start, $end] that has a features.patient_day row, flagged or not, so quality teams can see how
-- close a patient came and researchers can study the rules themselves.
--
-- Reads: temp.screen_day (sql/screen/screen_day.sql) and one temporary table temp.rule_<rule> per rule
-- (placeholder rule_tables; sql/screen/rules/<rule>.sql, rendered and run first by pipelines/screen/screening.py).
-- Key: (patient_id, as_of_date). Per rule, the columns:
--   <rule>__met          its items are met (lower bound: unknown items count as not met)
--   <rule>__possible     it could be met if every unknown item were abnormal
--   <rule>__context      'known', 'suspected' or 'unknown' rheumatic context for the rule
--   <rule>__population   'in', 'outside' or 'unknown' (age, fever or ICU stay cannot be told)
-- plus the rule's own counts and bounds (see each rule file's header). Whether a rule *flags* a
-- patient depends on its context and population as well: the tiers (screen.at_risk_daily). Each
-- rule's item-by-item evidence is written with the flagged rows only (screen.at_risk_daily.evidence):
-- the values behind it are in features.patient_day, and writing it for every patient-day cost
-- more than the rest of the screen.
-- Writes: screen.rule_evaluations (the rows this returns for [$start, $end], by
-- pipelines/screen/screening.py through pipelines/core/daily_tables.py).
SELECT
    d.patient_id,
    d.as_of_date,
    d.contexts,
    d.suspected_contexts,
    d.context_evidence,
    d.age_days,
    d.in_icu,
    d.immunosuppressed,
    {{rule_columns}},
    $rule_set_version AS rule_set_version
FROM screen_day AS d
{{rule_tables}}
