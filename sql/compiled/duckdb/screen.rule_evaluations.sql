-- screen.rule_evaluations (duckdb), compiled by pipelines/features/dialects.py from sql/screen/rule_evaluations.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: $start and $end (DATE, the first and last as-of day of the block).
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
    rule_fever.* EXCLUDE (patient_id, as_of_date, fever__evidence),
    rule_eular_acr_2016.* EXCLUDE (patient_id, as_of_date, eular_acr_2016__evidence),
    rule_hlh_2004.* EXCLUDE (patient_id, as_of_date, hlh_2004__evidence),
    rule_hscore.* EXCLUDE (patient_id, as_of_date, hscore__evidence),
    rule_ms_score.* EXCLUDE (patient_id, as_of_date, ms_score__evidence),
    rule_ferritin_esr_ratio.* EXCLUDE (patient_id, as_of_date, ferritin_esr_ratio__evidence),
    rule_ferritin_above_10000.* EXCLUDE (patient_id, as_of_date, ferritin_above_10000__evidence),
    rule_ohi.* EXCLUDE (patient_id, as_of_date, ohi__evidence),
    rule_dynamic_ferritin_platelets.* EXCLUDE (patient_id, as_of_date, dynamic_ferritin_platelets__evidence),
    rule_dynamic_other.* EXCLUDE (patient_id, as_of_date, dynamic_other__evidence),
    rule_hscore_icu.* EXCLUDE (patient_id, as_of_date, hscore_icu__evidence),
    rule_hlh_2004_icu.* EXCLUDE (patient_id, as_of_date, hlh_2004_icu__evidence),
    'mas-screen-rules@509270c46b6a' AS rule_set_version
FROM screen_day AS d
JOIN rule_fever USING (patient_id, as_of_date)
JOIN rule_eular_acr_2016 USING (patient_id, as_of_date)
JOIN rule_hlh_2004 USING (patient_id, as_of_date)
JOIN rule_hscore USING (patient_id, as_of_date)
JOIN rule_ms_score USING (patient_id, as_of_date)
JOIN rule_ferritin_esr_ratio USING (patient_id, as_of_date)
JOIN rule_ferritin_above_10000 USING (patient_id, as_of_date)
JOIN rule_ohi USING (patient_id, as_of_date)
JOIN rule_dynamic_ferritin_platelets USING (patient_id, as_of_date)
JOIN rule_dynamic_other USING (patient_id, as_of_date)
JOIN rule_hscore_icu USING (patient_id, as_of_date)
JOIN rule_hlh_2004_icu USING (patient_id, as_of_date)
