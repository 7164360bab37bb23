-- temp.rule_dynamic_ferritin_platelets (duckdb), compiled by pipelines/features/dialects.py from sql/screen/rules/dynamic_ferritin_platelets.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: $start and $end (DATE, the first and last as-of day of the block).
-- rule_dynamic_ferritin_platelets (temporary table): ferritin rising while platelets fall, against the
-- patient's own baseline window (rule file `trend_windows`), each with its latest value past its floor.
-- No published cut-off exists (Ravelli A et al. RMD Open 2016;2:e000161): all numbers but the floors
-- are engineering parameters. Reads: temp.screen_day. Parameters: $dynamic_ferritin_platelets__*.
-- Key: (patient_id, as_of_date). Rises and falls use the values as sent (a censored value is taken
-- at its stated bound); the floors read the censoring.
-- Writes: temp.rule_dynamic_ferritin_platelets (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
    SELECT
        patient_id, as_of_date, contexts, suspected_contexts, age_years, in_icu,
        trend_item(ferritin__trend__fold_rise, 'fold',
                   '>=',
                   2.0::DOUBLE, ferritin__trend__baseline) AS ferritin_fold_rise,
        trend_item(platelets__trend__pct_drop, '%',
                   '>=',
                   30.0::DOUBLE, platelets__trend__baseline) AS platelet_drop_pct,
        latest_item(ferritin, '>=',
                    500.0::DOUBLE, 'ng/mL')
          AS ferritin_latest,
        latest_item(platelets, '<=',
                    211.0::DOUBLE, '10*3/uL')
          AS platelets_latest
    FROM screen_day
)
SELECT
    patient_id,
    as_of_date,
    coalesce(ferritin_fold_rise.met AND platelet_drop_pct.met AND ferritin_latest.met AND platelets_latest.met, false)
      AS dynamic_ferritin_platelets__met,
    coalesce(ferritin_fold_rise.met AND platelet_drop_pct.met AND ferritin_latest.met AND platelets_latest.met, true)
      AS dynamic_ferritin_platelets__possible,
    rule_context(contexts, suspected_contexts, []) AS dynamic_ferritin_platelets__context,
    rule_population(NULL, age_years, in_icu, false,
                    NULL, NULL,
                    false) AS dynamic_ferritin_platelets__population,
    {'ferritin_fold_rise': ferritin_fold_rise, 'platelet_drop_pct': platelet_drop_pct,
     'ferritin_floor': ferritin_latest, 'platelet_floor': platelets_latest} AS dynamic_ferritin_platelets__evidence
FROM items
