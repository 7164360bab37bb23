-- temp.rule_dynamic_other (duckdb), compiled by pipelines/features/dialects.py from sql/screen/rules/dynamic_other.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: $start and $end (DATE, the first and last as-of day of the block).
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
                   '>=',
                   30.0::DOUBLE, fibrinogen__trend__baseline),
                      latest := latest_item(fibrinogen, '<=', 360.0::DOUBLE,
                               'mg/dL')) AS fibrinogen_drop,
        struct_insert(trend_item(ast__trend__fold_rise, 'fold',
                   '>=',
                   2.0::DOUBLE, ast__trend__baseline),
                      latest := latest_item(ast, '>', 48.0::DOUBLE,
                               'U/L')) AS ast_rise,
        struct_insert(trend_item(ldh__trend__fold_rise, 'fold',
                   '>=',
                   2.0::DOUBLE, ldh__trend__baseline),
                      latest := latest_item(ldh, '>', 882.0::DOUBLE,
                               'U/L')) AS ldh_rise,
        struct_insert(trend_item(esr__trend__pct_drop, '%',
                   '>=',
                   30.0::DOUBLE, esr__trend__baseline),
                      latest := latest_item(crp, '>=', 50.0::DOUBLE,
                               'mg/L')) AS esr_drop_crp_high
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
    rule_context(contexts, suspected_contexts, []) AS dynamic_other__context,
    rule_population(NULL, age_years, in_icu, false,
                    NULL, NULL, false)
      AS dynamic_other__population,
    {'fibrinogen_drop': fibrinogen_drop, 'ast_rise': ast_rise, 'ldh_rise': ldh_rise,
     'esr_drop_crp_high': esr_drop_crp_high} AS dynamic_other__evidence
FROM items
