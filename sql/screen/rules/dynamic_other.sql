-- rule_dynamic_other (temporary table): other trends against the patient's own baseline window (rule
-- file `trend_windows`): fibrinogen falling, AST or LDH rising, ESR falling while CRP stays high. A
-- trend counts only when its latest value is past its floor (rule file): AST rising from 11 to
-- 24 U/L or fibrinogen falling while still high does not fire. No published cut-off exists for the
-- changes (Ravelli A et al. RMD Open 2016;2:e000161). Reads: temp.screen_day.
-- Parameters: $dynamic_other__*. Key: (patient_id, as_of_date).
-- Writes: temp.rule_dynamic_other (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
    SELECT
        patient_id, as_of_date, contexts, suspected_contexts, age_years, in_icu,
        struct_insert(trend_item(fibrinogen__trend__pct_drop, '%',
                   $dynamic_other__fibrinogen_drop_pct__op,
                   $dynamic_other__fibrinogen_drop_pct__threshold, fibrinogen__trend__baseline),
                      latest := latest_item(fibrinogen, $dynamic_other__fibrinogen_floor__op, $dynamic_other__fibrinogen_floor__threshold,
                               $dynamic_other__fibrinogen_floor__unit)) AS fibrinogen_drop,
        struct_insert(trend_item(ast__trend__fold_rise, 'fold',
                   $dynamic_other__ast_fold_rise__op,
                   $dynamic_other__ast_fold_rise__threshold, ast__trend__baseline),
                      latest := latest_item(ast, $dynamic_other__ast_floor__op, $dynamic_other__ast_floor__threshold,
                               $dynamic_other__ast_floor__unit)) AS ast_rise,
        struct_insert(trend_item(ldh__trend__fold_rise, 'fold',
                   $dynamic_other__ldh_fold_rise__op,
                   $dynamic_other__ldh_fold_rise__threshold, ldh__trend__baseline),
                      latest := latest_item(ldh, $dynamic_other__ldh_floor__op, $dynamic_other__ldh_floor__threshold,
                               $dynamic_other__ldh_floor__unit)) AS ldh_rise,
        struct_insert(trend_item(esr__trend__pct_drop, '%',
                   $dynamic_other__esr_drop_pct__op,
                   $dynamic_other__esr_drop_pct__threshold, esr__trend__baseline),
                      latest := latest_item(crp, $dynamic_other__crp_high__op, $dynamic_other__crp_high__threshold,
                               $dynamic_other__crp_high__unit)) AS esr_drop_crp_high
    FROM screen_day
)
SELECT
    patient_id,
    as_of_date,
    coalesce(fibrinogen_drop.met AND fibrinogen_drop.latest.met, false)
      OR coalesce(ast_rise.met AND ast_rise.latest.met, false)
      OR coalesce(ldh_rise.met AND ldh_rise.latest.met, false)
      OR coalesce(esr_drop_crp_high.met AND esr_drop_crp_high.latest.met, false) AS dynamic_other__met,
    coalesce(fibrinogen_drop.met AND fibrinogen_drop.latest.met, true)
      OR coalesce(ast_rise.met AND ast_rise.latest.met, true)
      OR coalesce(ldh_rise.met AND ldh_rise.latest.met, true)
      OR coalesce(esr_drop_crp_high.met AND esr_drop_crp_high.latest.met, true) AS dynamic_other__possible,
    rule_context(contexts, suspected_contexts, $dynamic_other__applies_to) AS dynamic_other__context,
    rule_population(NULL, age_years, in_icu, $dynamic_other__population__requires_fever,
                    $dynamic_other__population__min_age_years, $dynamic_other__population__max_age_years, $dynamic_other__population__requires_icu)
      AS dynamic_other__population,
    {'fibrinogen_drop': fibrinogen_drop, 'ast_rise': ast_rise, 'ldh_rise': ldh_rise,
     'esr_drop_crp_high': esr_drop_crp_high} AS dynamic_other__evidence
FROM items
