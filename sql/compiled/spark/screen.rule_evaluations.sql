-- screen.rule_evaluations (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/screen.rule_evaluations.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
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
  rule_fever.fever__value,
  rule_fever.fever__met,
  rule_fever.fever__possible,
  rule_fever.fever__context,
  rule_fever.fever__population,
  rule_eular_acr_2016.eular_acr_2016__met,
  rule_eular_acr_2016.eular_acr_2016__possible,
  rule_eular_acr_2016.eular_acr_2016__other_items_met,
  rule_eular_acr_2016.eular_acr_2016__other_items_unknown,
  rule_eular_acr_2016.eular_acr_2016__context,
  rule_eular_acr_2016.eular_acr_2016__population,
  rule_hlh_2004.hlh_2004__criteria_met,
  rule_hlh_2004.hlh_2004__criteria_unknown,
  rule_hlh_2004.hlh_2004__criteria_max,
  rule_hlh_2004.hlh_2004__met,
  rule_hlh_2004.hlh_2004__possible,
  rule_hlh_2004.hlh_2004__context,
  rule_hlh_2004.hlh_2004__population,
  rule_hscore.hscore__lower,
  rule_hscore.hscore__upper,
  rule_hscore.hscore__labs_complete,
  rule_hscore.hscore__met,
  rule_hscore.hscore__possible,
  rule_hscore.hscore__probability_lower,
  rule_hscore.hscore__probability_upper,
  rule_hscore.hscore__context,
  rule_hscore.hscore__population,
  rule_ms_score.ms_score__lab_part,
  rule_ms_score.ms_score__lower,
  rule_ms_score.ms_score__upper,
  rule_ms_score.ms_score__labs_complete,
  rule_ms_score.ms_score__met,
  rule_ms_score.ms_score__possible,
  rule_ms_score.ms_score__context,
  rule_ms_score.ms_score__population,
  rule_ferritin_esr_ratio.ferritin_esr_ratio__value,
  rule_ferritin_esr_ratio.ferritin_esr_ratio__met,
  rule_ferritin_esr_ratio.ferritin_esr_ratio__possible,
  rule_ferritin_esr_ratio.ferritin_esr_ratio__context,
  rule_ferritin_esr_ratio.ferritin_esr_ratio__population,
  rule_ferritin_above_10000.ferritin_above_10000__met,
  rule_ferritin_above_10000.ferritin_above_10000__possible,
  rule_ferritin_above_10000.ferritin_above_10000__context,
  rule_ferritin_above_10000.ferritin_above_10000__population,
  rule_ohi.ohi__met,
  rule_ohi.ohi__possible,
  rule_ohi.ohi__scd25,
  rule_ohi.ohi__context,
  rule_ohi.ohi__population,
  rule_dynamic_ferritin_platelets.dynamic_ferritin_platelets__met,
  rule_dynamic_ferritin_platelets.dynamic_ferritin_platelets__possible,
  rule_dynamic_ferritin_platelets.dynamic_ferritin_platelets__context,
  rule_dynamic_ferritin_platelets.dynamic_ferritin_platelets__population,
  rule_dynamic_other.dynamic_other__met,
  rule_dynamic_other.dynamic_other__possible,
  rule_dynamic_other.dynamic_other__context,
  rule_dynamic_other.dynamic_other__population,
  rule_hscore_icu.hscore_icu__met,
  rule_hscore_icu.hscore_icu__possible,
  rule_hscore_icu.hscore_icu__context,
  rule_hscore_icu.hscore_icu__population,
  rule_hlh_2004_icu.hlh_2004_icu__criteria_met,
  rule_hlh_2004_icu.hlh_2004_icu__criteria_unknown,
  rule_hlh_2004_icu.hlh_2004_icu__criteria_max,
  rule_hlh_2004_icu.hlh_2004_icu__met,
  rule_hlh_2004_icu.hlh_2004_icu__possible,
  rule_hlh_2004_icu.hlh_2004_icu__context,
  rule_hlh_2004_icu.hlh_2004_icu__population,
  'mas-screen-rules@509270c46b6a' AS rule_set_version
FROM screen_day AS d
JOIN rule_fever
  USING (patient_id, as_of_date)
JOIN rule_eular_acr_2016
  USING (patient_id, as_of_date)
JOIN rule_hlh_2004
  USING (patient_id, as_of_date)
JOIN rule_hscore
  USING (patient_id, as_of_date)
JOIN rule_ms_score
  USING (patient_id, as_of_date)
JOIN rule_ferritin_esr_ratio
  USING (patient_id, as_of_date)
JOIN rule_ferritin_above_10000
  USING (patient_id, as_of_date)
JOIN rule_ohi
  USING (patient_id, as_of_date)
JOIN rule_dynamic_ferritin_platelets
  USING (patient_id, as_of_date)
JOIN rule_dynamic_other
  USING (patient_id, as_of_date)
JOIN rule_hscore_icu
  USING (patient_id, as_of_date)
JOIN rule_hlh_2004_icu
  USING (patient_id, as_of_date)
