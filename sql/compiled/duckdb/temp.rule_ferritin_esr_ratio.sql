-- temp.rule_ferritin_esr_ratio (duckdb), compiled by pipelines/features/dialects.py from sql/screen/rules/ferritin_esr_ratio.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: $start and $end (DATE, the first and last as-of day of the block).
-- rule_ferritin_esr_ratio (temporary table): ferritin (ng/mL) / ESR (mm/h) on the latest values in the
-- pairing window (Eloseily EMA et al. ACR Open Rheumatol 2019;1:345-349, doi:10.1002/acr2.11048).
-- Reads: temp.screen_day. Parameters: $ferritin_esr_ratio__*.
-- Key: (patient_id, as_of_date).
--   __value     the ratio of the numbers as sent; NULL when either is missing or ESR is 0 (undefined)
--   __met       the ratio meets the cut-off for every value its censored inputs allow ('>10000'
--               ferritin over ESR 20 is above 500); __possible: for some value
-- Writes: temp.rule_ferritin_esr_ratio (the rows this returns, by pipelines/screen/screening.py).
WITH latest AS (
    SELECT
        patient_id, as_of_date, contexts, suspected_contexts, age_years, in_icu, ferritin, esr,
        CASE WHEN esr['last'] > 0 THEN ferritin['last'] / esr['last'] END AS ratio,
        quotient_censoring(ferritin['last_censoring'], esr['last_censoring']) AS ratio_censoring
    FROM screen_day
),
tested AS (
    SELECT *,
           CASE WHEN ratio_censoring = 'unbounded' THEN NULL
                ELSE censored_meets(ratio, ratio_censoring, '>=',
                                    21.5::DOUBLE) END AS ratio_met
    FROM latest
)
SELECT
    patient_id,
    as_of_date,
    round(ratio, 2) AS ferritin_esr_ratio__value,
    coalesce(ratio_met, false) AS ferritin_esr_ratio__met,
    coalesce(ratio_met, true) AS ferritin_esr_ratio__possible,
    rule_context(contexts, suspected_contexts, ['sjia', 'aosd']) AS ferritin_esr_ratio__context,
    rule_population(NULL, age_years, in_icu, false,
                    NULL, NULL, false)
      AS ferritin_esr_ratio__population,
    {'ratio': {'value': round(ratio, 2), 'censoring': ratio_censoring, 'unit': '(ng/mL)/(mm/h)',
               'operator': '>=', 'threshold': 21.5::DOUBLE,
               'met': ratio_met,
               'result': CASE ratio_met WHEN true THEN 'met' WHEN false THEN 'not met' ELSE 'unknown' END},
     'ferritin': {'value': ferritin['last'], 'censoring': ferritin['last_censoring'], 'unit': 'ng/mL',
                  'taken_at': ferritin['last_at']},
     'esr': {'value': esr['last'], 'censoring': esr['last_censoring'], 'unit': 'mm/h', 'taken_at': esr['last_at']}}
      AS ferritin_esr_ratio__evidence
FROM tested
