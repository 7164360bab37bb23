-- temp.rule_ms_score (duckdb), compiled by pipelines/features/dialects.py from sql/screen/rules/ms_score.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: $start and $end (DATE, the first and last as-of day of the block).
-- rule_ms_score (temporary table): the MS score for MAS in systemic JIA, laboratory part with the
-- interval its clinical items allow (Minoia F et al. Ann Rheum Dis 2019;78:1357-1362,
-- doi:10.1136/annrheumdis-2019-215211): MS = sum of coefficient x value, platelets 10*9/L, LDH U/L,
-- fibrinogen mg/dL, ferritin ng/mL, on the latest values in the pairing window.
-- Reads: temp.screen_day, temp.rule_fever. Parameters: $ms_score__*.
-- Key: (patient_id, as_of_date).
--   __lab_part         the laboratory part on the values as sent (NULL when a lab is missing)
--   __lower / __upper  lab part bounds (a censored value widens them; NULL when unbounded or a lab
--                      is missing) plus the clinical items' negative / positive coefficients
--   __met / __possible lower / upper meets the cut-off (possible, too, when a lab is missing)
--   __population       febrile ('unknown' without a temperature)
-- Writes: temp.rule_ms_score (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
    SELECT
        d.patient_id, d.as_of_date, d.contexts, d.suspected_contexts, d.age_years, d.in_icu, f.fever__met,
        d.platelets, d.ldh, d.fibrinogen, d.ferritin,
        term_low(-0.003::DOUBLE, d.platelets['last'], d.platelets['last_censoring'])
          + term_low(0.001::DOUBLE, d.ldh['last'], d.ldh['last_censoring'])
          + term_low(-0.004::DOUBLE, d.fibrinogen['last'], d.fibrinogen['last_censoring'])
          + term_low(0.0001::DOUBLE, d.ferritin['last'], d.ferritin['last_censoring']) AS lab_part_low,
        term_high(-0.003::DOUBLE, d.platelets['last'], d.platelets['last_censoring'])
          + term_high(0.001::DOUBLE, d.ldh['last'], d.ldh['last_censoring'])
          + term_high(-0.004::DOUBLE, d.fibrinogen['last'], d.fibrinogen['last_censoring'])
          + term_high(0.0001::DOUBLE, d.ferritin['last'], d.ferritin['last_censoring']) AS lab_part_high,
        -0.003::DOUBLE * d.platelets['last'] + 0.001::DOUBLE * d.ldh['last']
          + -0.004::DOUBLE * d.fibrinogen['last']
          + 0.0001::DOUBLE * d.ferritin['last'] AS lab_part
    FROM screen_day AS d
    JOIN rule_fever AS f USING (patient_id, as_of_date)
)
SELECT
    patient_id,
    as_of_date,
    round(lab_part, 4) AS ms_score__lab_part,
    round(finite_or_null(lab_part_low + -1.3::DOUBLE), 4) AS ms_score__lower,
    round(finite_or_null(lab_part_high + 3.98::DOUBLE), 4) AS ms_score__upper,
    lab_part IS NOT NULL AS ms_score__labs_complete,
    coalesce(meets(lab_part_low + -1.3::DOUBLE, '>=', -2.1::DOUBLE), false) AS ms_score__met,
    coalesce(meets(lab_part_high + 3.98::DOUBLE, '>=', -2.1::DOUBLE), true) AS ms_score__possible,
    rule_context(contexts, suspected_contexts, ['sjia', 'aosd']) AS ms_score__context,
    rule_population(fever__met, age_years, in_icu, true,
                    NULL, NULL, false) AS ms_score__population,
    {'platelets': {'value': platelets['last'], 'censoring': platelets['last_censoring'], 'taken_at': platelets['last_at'],
                   'unit': '10*3/uL', 'coefficient': -0.003::DOUBLE},
     'ldh': {'value': ldh['last'], 'censoring': ldh['last_censoring'], 'taken_at': ldh['last_at'],
             'unit': 'U/L', 'coefficient': 0.001::DOUBLE},
     'fibrinogen': {'value': fibrinogen['last'], 'censoring': fibrinogen['last_censoring'], 'taken_at': fibrinogen['last_at'],
                    'unit': 'mg/dL', 'coefficient': -0.004::DOUBLE},
     'ferritin': {'value': ferritin['last'], 'censoring': ferritin['last_censoring'], 'taken_at': ferritin['last_at'],
                  'unit': 'ng/mL', 'coefficient': 0.0001::DOUBLE},
     'clinical_items': {'lower': -1.3::DOUBLE, 'upper': 3.98::DOUBLE},
     'operator': '>=', 'cut_off': -2.1::DOUBLE} AS ms_score__evidence
FROM items
