-- screen.at_risk_daily (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/screen.at_risk_daily.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
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
  SELECT
    *,
    CASE
      WHEN (
        eular_acr_2016__met
        AND eular_acr_2016__context IN ('known', 'suspected')
        AND eular_acr_2016__population IN ('in')
      )
      OR (
        ms_score__met
        AND ms_score__context IN ('known', 'suspected')
        AND ms_score__population IN ('in')
      )
      OR (
        hlh_2004__met AND hlh_2004__population IN ('in')
      )
      OR (
        hlh_2004_icu__met AND hlh_2004_icu__population IN ('in')
      )
      THEN 'criteria_met'
      WHEN (
        hscore__met
        AND hscore__context IN ('known', 'suspected')
        AND hscore__population IN ('in')
      )
      OR (
        hscore_icu__met
        AND hscore_icu__context IN ('known', 'suspected')
        AND hscore_icu__population IN ('in')
      )
      OR (
        ohi__met AND ohi__population IN ('in')
      )
      THEN 'score_high'
      WHEN (
        ferritin_above_10000__met AND ferritin_above_10000__population IN ('in')
      )
      THEN 'marker_in_children'
      WHEN (
        dynamic_ferritin_platelets__met
        AND dynamic_ferritin_platelets__context IN ('known', 'suspected')
      )
      THEN 'trend_in_context'
      WHEN (
        eular_acr_2016__met
        AND eular_acr_2016__context IN ('known', 'suspected')
        AND eular_acr_2016__population IN ('unknown')
      )
      OR (
        ms_score__met
        AND ms_score__context IN ('known', 'suspected')
        AND ms_score__population IN ('unknown')
      )
      THEN 'criteria_met_if_febrile'
      WHEN (
        eular_acr_2016__met
        AND eular_acr_2016__context IN ('unknown')
        AND eular_acr_2016__population IN ('in')
      )
      OR (
        ms_score__met
        AND ms_score__context IN ('unknown')
        AND ms_score__population IN ('in')
      )
      OR (
        hscore__met AND hscore__context IN ('unknown') AND hscore__population IN ('in')
      )
      OR (
        hscore_icu__met
        AND hscore_icu__context IN ('unknown')
        AND hscore_icu__population IN ('in')
      )
      OR (
        dynamic_ferritin_platelets__met
        AND dynamic_ferritin_platelets__context IN ('unknown')
      )
      THEN 'pattern_context_unknown'
      WHEN (
        eular_acr_2016__met AND eular_acr_2016__population IN ('outside', 'unknown')
      )
      OR (
        ms_score__met AND ms_score__population IN ('outside', 'unknown')
      )
      OR (
        hlh_2004__met AND hlh_2004__population IN ('outside', 'unknown')
      )
      OR (
        hlh_2004_icu__met AND hlh_2004_icu__population IN ('outside', 'unknown')
      )
      OR (
        hscore__met AND hscore__population IN ('outside', 'unknown')
      )
      OR (
        hscore_icu__met AND hscore_icu__population IN ('outside', 'unknown')
      )
      OR (
        ohi__met AND ohi__population IN ('outside', 'unknown')
      )
      OR (
        ferritin_esr_ratio__met
        AND ferritin_esr_ratio__population IN ('outside', 'unknown')
      )
      THEN 'outside_population'
      WHEN (
        ferritin_above_10000__met
        AND ferritin_above_10000__population IN ('outside', 'unknown')
      )
      OR dynamic_other__met
      OR (
        ferritin_esr_ratio__met AND ferritin_esr_ratio__context IN ('known', 'suspected')
      )
      THEN 'watch'
    END AS tier_name
  FROM screen.rule_evaluations
  WHERE
    as_of_date BETWEEN :start AND :end
), flagged AS (
  SELECT
    *,
    CASE tier_name
      WHEN 'criteria_met'
      THEN 1
      WHEN 'score_high'
      THEN 2
      WHEN 'marker_in_children'
      THEN 3
      WHEN 'trend_in_context'
      THEN 4
      WHEN 'criteria_met_if_febrile'
      THEN 5
      WHEN 'pattern_context_unknown'
      THEN 6
      WHEN 'outside_population'
      THEN 7
      WHEN 'watch'
      THEN 8
    END AS tier_rank,
    tier_name IN ('criteria_met', 'score_high', 'marker_in_children', 'trend_in_context') AS alert,
    FILTER(
      ARRAY(
        CASE
          WHEN (
            eular_acr_2016__met
            AND eular_acr_2016__context IN ('known', 'suspected')
            AND eular_acr_2016__population IN ('in')
          )
          OR (
            eular_acr_2016__met
            AND eular_acr_2016__context IN ('known', 'suspected')
            AND eular_acr_2016__population IN ('unknown')
          )
          OR (
            eular_acr_2016__met
            AND eular_acr_2016__context IN ('unknown')
            AND eular_acr_2016__population IN ('in')
          )
          OR (
            eular_acr_2016__met AND eular_acr_2016__population IN ('outside', 'unknown')
          )
          THEN 'eular_acr_2016'
        END,
        CASE
          WHEN (
            ms_score__met
            AND ms_score__context IN ('known', 'suspected')
            AND ms_score__population IN ('in')
          )
          OR (
            ms_score__met
            AND ms_score__context IN ('known', 'suspected')
            AND ms_score__population IN ('unknown')
          )
          OR (
            ms_score__met
            AND ms_score__context IN ('unknown')
            AND ms_score__population IN ('in')
          )
          OR (
            ms_score__met AND ms_score__population IN ('outside', 'unknown')
          )
          THEN 'ms_score'
        END,
        CASE
          WHEN (
            hlh_2004__met AND hlh_2004__population IN ('in')
          )
          OR (
            hlh_2004__met AND hlh_2004__population IN ('outside', 'unknown')
          )
          THEN 'hlh_2004'
        END,
        CASE
          WHEN (
            hlh_2004_icu__met AND hlh_2004_icu__population IN ('in')
          )
          OR (
            hlh_2004_icu__met AND hlh_2004_icu__population IN ('outside', 'unknown')
          )
          THEN 'hlh_2004_icu'
        END,
        CASE
          WHEN (
            hscore__met
            AND hscore__context IN ('known', 'suspected')
            AND hscore__population IN ('in')
          )
          OR (
            hscore__met AND hscore__context IN ('unknown') AND hscore__population IN ('in')
          )
          OR (
            hscore__met AND hscore__population IN ('outside', 'unknown')
          )
          THEN 'hscore'
        END,
        CASE
          WHEN (
            hscore_icu__met
            AND hscore_icu__context IN ('known', 'suspected')
            AND hscore_icu__population IN ('in')
          )
          OR (
            hscore_icu__met
            AND hscore_icu__context IN ('unknown')
            AND hscore_icu__population IN ('in')
          )
          OR (
            hscore_icu__met AND hscore_icu__population IN ('outside', 'unknown')
          )
          THEN 'hscore_icu'
        END,
        CASE
          WHEN (
            ohi__met AND ohi__population IN ('in')
          )
          OR (
            ohi__met AND ohi__population IN ('outside', 'unknown')
          )
          THEN 'ohi'
        END,
        CASE
          WHEN (
            ferritin_above_10000__met AND ferritin_above_10000__population IN ('in')
          )
          OR (
            ferritin_above_10000__met
            AND ferritin_above_10000__population IN ('outside', 'unknown')
          )
          THEN 'ferritin_above_10000'
        END,
        CASE
          WHEN (
            dynamic_ferritin_platelets__met
            AND dynamic_ferritin_platelets__context IN ('known', 'suspected')
          )
          OR (
            dynamic_ferritin_platelets__met
            AND dynamic_ferritin_platelets__context IN ('unknown')
          )
          THEN 'dynamic_ferritin_platelets'
        END,
        CASE
          WHEN (
            ferritin_esr_ratio__met
            AND ferritin_esr_ratio__population IN ('outside', 'unknown')
          )
          OR (
            ferritin_esr_ratio__met AND ferritin_esr_ratio__context IN ('known', 'suspected')
          )
          THEN 'ferritin_esr_ratio'
        END,
        CASE WHEN dynamic_other__met THEN 'dynamic_other' END
      ),
      x -> NOT x IS NULL
    ) AS rules_fired
  FROM tiered
  WHERE
    NOT tier_name IS NULL
)
SELECT
  f.patient_id,
  f.as_of_date,
  CAST(f.tier_name AS STRING) AS tier,
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
  TO_JSON(
    STRUCT(
      f.context_evidence AS contexts,
      STRUCT(
        f.fever__met AS met,
        f.fever__possible AS possible,
        f.fever__context AS context,
        f.fever__population AS population,
        rule_fever.fever__evidence AS items
      ) AS fever,
      STRUCT(
        f.eular_acr_2016__met AS met,
        f.eular_acr_2016__possible AS possible,
        f.eular_acr_2016__context AS context,
        f.eular_acr_2016__population AS population,
        rule_eular_acr_2016.eular_acr_2016__evidence AS items
      ) AS eular_acr_2016,
      STRUCT(
        f.hlh_2004__met AS met,
        f.hlh_2004__possible AS possible,
        f.hlh_2004__context AS context,
        f.hlh_2004__population AS population,
        rule_hlh_2004.hlh_2004__evidence AS items
      ) AS hlh_2004,
      STRUCT(
        f.hscore__met AS met,
        f.hscore__possible AS possible,
        f.hscore__context AS context,
        f.hscore__population AS population,
        rule_hscore.hscore__evidence AS items
      ) AS hscore,
      STRUCT(
        f.ms_score__met AS met,
        f.ms_score__possible AS possible,
        f.ms_score__context AS context,
        f.ms_score__population AS population,
        rule_ms_score.ms_score__evidence AS items
      ) AS ms_score,
      STRUCT(
        f.ferritin_esr_ratio__met AS met,
        f.ferritin_esr_ratio__possible AS possible,
        f.ferritin_esr_ratio__context AS context,
        f.ferritin_esr_ratio__population AS population,
        rule_ferritin_esr_ratio.ferritin_esr_ratio__evidence AS items
      ) AS ferritin_esr_ratio,
      STRUCT(
        f.ferritin_above_10000__met AS met,
        f.ferritin_above_10000__possible AS possible,
        f.ferritin_above_10000__context AS context,
        f.ferritin_above_10000__population AS population,
        rule_ferritin_above_10000.ferritin_above_10000__evidence AS items
      ) AS ferritin_above_10000,
      STRUCT(
        f.ohi__met AS met,
        f.ohi__possible AS possible,
        f.ohi__context AS context,
        f.ohi__population AS population,
        rule_ohi.ohi__evidence AS items
      ) AS ohi,
      STRUCT(
        f.dynamic_ferritin_platelets__met AS met,
        f.dynamic_ferritin_platelets__possible AS possible,
        f.dynamic_ferritin_platelets__context AS context,
        f.dynamic_ferritin_platelets__population AS population,
        rule_dynamic_ferritin_platelets.dynamic_ferritin_platelets__evidence AS items
      ) AS dynamic_ferritin_platelets,
      STRUCT(
        f.dynamic_other__met AS met,
        f.dynamic_other__possible AS possible,
        f.dynamic_other__context AS context,
        f.dynamic_other__population AS population,
        rule_dynamic_other.dynamic_other__evidence AS items
      ) AS dynamic_other,
      STRUCT(
        f.hscore_icu__met AS met,
        f.hscore_icu__possible AS possible,
        f.hscore_icu__context AS context,
        f.hscore_icu__population AS population,
        rule_hscore_icu.hscore_icu__evidence AS items
      ) AS hscore_icu,
      STRUCT(
        f.hlh_2004_icu__met AS met,
        f.hlh_2004_icu__possible AS possible,
        f.hlh_2004_icu__context AS context,
        f.hlh_2004_icu__population AS population,
        rule_hlh_2004_icu.hlh_2004_icu__evidence AS items
      ) AS hlh_2004_icu
    ),
    MAP('ignoreNullFields', 'false', 'timestampFormat', 'yyyy-MM-dd HH:mm:ssx')
  ) AS evidence,
  f.rule_set_version
FROM flagged AS f
JOIN rule_fever
  ON rule_fever.patient_id = f.patient_id AND rule_fever.as_of_date = f.as_of_date
JOIN rule_eular_acr_2016
  ON rule_eular_acr_2016.patient_id = f.patient_id
  AND rule_eular_acr_2016.as_of_date = f.as_of_date
JOIN rule_hlh_2004
  ON rule_hlh_2004.patient_id = f.patient_id
  AND rule_hlh_2004.as_of_date = f.as_of_date
JOIN rule_hscore
  ON rule_hscore.patient_id = f.patient_id AND rule_hscore.as_of_date = f.as_of_date
JOIN rule_ms_score
  ON rule_ms_score.patient_id = f.patient_id
  AND rule_ms_score.as_of_date = f.as_of_date
JOIN rule_ferritin_esr_ratio
  ON rule_ferritin_esr_ratio.patient_id = f.patient_id
  AND rule_ferritin_esr_ratio.as_of_date = f.as_of_date
JOIN rule_ferritin_above_10000
  ON rule_ferritin_above_10000.patient_id = f.patient_id
  AND rule_ferritin_above_10000.as_of_date = f.as_of_date
JOIN rule_ohi
  ON rule_ohi.patient_id = f.patient_id AND rule_ohi.as_of_date = f.as_of_date
JOIN rule_dynamic_ferritin_platelets
  ON rule_dynamic_ferritin_platelets.patient_id = f.patient_id
  AND rule_dynamic_ferritin_platelets.as_of_date = f.as_of_date
JOIN rule_dynamic_other
  ON rule_dynamic_other.patient_id = f.patient_id
  AND rule_dynamic_other.as_of_date = f.as_of_date
JOIN rule_hscore_icu
  ON rule_hscore_icu.patient_id = f.patient_id
  AND rule_hscore_icu.as_of_date = f.as_of_date
JOIN rule_hlh_2004_icu
  ON rule_hlh_2004_icu.patient_id = f.patient_id
  AND rule_hlh_2004_icu.as_of_date = f.as_of_date
