-- rule_ferritin_esr_ratio (temporary table): ferritin (ng/mL) / ESR (mm/h) on the latest values in the
-- pairing window (Eloseily EMA et al. ACR Open Rheumatol 2019;1:345-349, doi:10.1002/acr2.11048).
-- Reads: screen_day. Parameters: $ferritin_esr_ratio__*.
-- Key: (patient_id, as_of_date).
--   __value   the ratio of the values as sent; NULL when either is missing or ESR is 0 (undefined)
--   __met     the ratio's lower bound meets the cut-off (a censored value gives an interval:
--             '>10000' ferritin over ESR 20 is at least 500); __possible: its upper bound does
WITH latest AS (
    SELECT
        patient_id, as_of_date, contexts, suspected_contexts, age_years, in_icu, ferritin, esr,
        CASE WHEN esr['last'] > 0 THEN ferritin['last'] / esr['last'] END AS ratio,
        CASE WHEN esr['last'] > 0 THEN value_low(ferritin['last'], ferritin['last_censoring'])
                                       / value_high(esr['last'], esr['last_censoring']) END AS ratio_low,
        CASE WHEN esr['last'] > 0 AND value_low(esr['last'], esr['last_censoring']) = 0 THEN 'infinity'::DOUBLE
             WHEN esr['last'] > 0 THEN value_high(ferritin['last'], ferritin['last_censoring'])
                                       / value_low(esr['last'], esr['last_censoring']) END AS ratio_high
    FROM screen_day
)
SELECT
    patient_id,
    as_of_date,
    round(ratio, 2) AS ferritin_esr_ratio__value,
    coalesce(meets(ratio_low, $ferritin_esr_ratio__ratio__op, $ferritin_esr_ratio__ratio__threshold), false)
      AS ferritin_esr_ratio__met,
    coalesce(meets(ratio_high, $ferritin_esr_ratio__ratio__op, $ferritin_esr_ratio__ratio__threshold), true)
      AS ferritin_esr_ratio__possible,
    rule_context(contexts, suspected_contexts, $ferritin_esr_ratio__applies_to) AS ferritin_esr_ratio__context,
    rule_population(NULL, age_years, in_icu, $ferritin_esr_ratio__population__requires_fever,
                    $ferritin_esr_ratio__population__min_age_years, $ferritin_esr_ratio__population__requires_icu)
      AS ferritin_esr_ratio__population,
    {'ratio': {'value': round(ratio, 2), 'lower': round(ratio_low, 2), 'upper': round(finite_or_null(ratio_high), 2),
               'unit': $ferritin_esr_ratio__ratio__unit, 'operator': $ferritin_esr_ratio__ratio__op,
               'threshold': $ferritin_esr_ratio__ratio__threshold,
               'result': CASE WHEN meets(ratio_low, $ferritin_esr_ratio__ratio__op, $ferritin_esr_ratio__ratio__threshold) THEN 'met'
                              WHEN meets(ratio_high, $ferritin_esr_ratio__ratio__op, $ferritin_esr_ratio__ratio__threshold) THEN 'unknown'
                              WHEN ratio_high IS NULL THEN 'unknown' ELSE 'not met' END},
     'ferritin': {'value': ferritin['last'], 'censoring': ferritin['last_censoring'], 'unit': 'ng/mL', 'taken_at': ferritin['last_at']},
     'esr': {'value': esr['last'], 'censoring': esr['last_censoring'], 'unit': 'mm/h', 'taken_at': esr['last_at']}}
      AS ferritin_esr_ratio__evidence
FROM latest
