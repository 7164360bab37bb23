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
        term_low($ms_score__platelets__coefficient, d.platelets['last'], d.platelets['last_censoring'])
          + term_low($ms_score__ldh__coefficient, d.ldh['last'], d.ldh['last_censoring'])
          + term_low($ms_score__fibrinogen__coefficient, d.fibrinogen['last'], d.fibrinogen['last_censoring'])
          + term_low($ms_score__ferritin__coefficient, d.ferritin['last'], d.ferritin['last_censoring']) AS lab_part_low,
        term_high($ms_score__platelets__coefficient, d.platelets['last'], d.platelets['last_censoring'])
          + term_high($ms_score__ldh__coefficient, d.ldh['last'], d.ldh['last_censoring'])
          + term_high($ms_score__fibrinogen__coefficient, d.fibrinogen['last'], d.fibrinogen['last_censoring'])
          + term_high($ms_score__ferritin__coefficient, d.ferritin['last'], d.ferritin['last_censoring']) AS lab_part_high,
        $ms_score__platelets__coefficient * d.platelets['last'] + $ms_score__ldh__coefficient * d.ldh['last']
          + $ms_score__fibrinogen__coefficient * d.fibrinogen['last']
          + $ms_score__ferritin__coefficient * d.ferritin['last'] AS lab_part
    FROM screen_day AS d
    JOIN rule_fever AS f USING (patient_id, as_of_date)
)
SELECT
    patient_id,
    as_of_date,
    round(lab_part, 4) AS ms_score__lab_part,
    round(finite_or_null(lab_part_low + $ms_score__clinical_min), 4) AS ms_score__lower,
    round(finite_or_null(lab_part_high + $ms_score__clinical_max), 4) AS ms_score__upper,
    lab_part IS NOT NULL AS ms_score__labs_complete,
    coalesce(meets(lab_part_low + $ms_score__clinical_min, $ms_score__cut_off_op, $ms_score__cut_off), false) AS ms_score__met,
    coalesce(meets(lab_part_high + $ms_score__clinical_max, $ms_score__cut_off_op, $ms_score__cut_off), true) AS ms_score__possible,
    rule_context(contexts, suspected_contexts, $ms_score__applies_to) AS ms_score__context,
    rule_population(fever__met, age_years, in_icu, $ms_score__population__requires_fever,
                    $ms_score__population__min_age_years, $ms_score__population__max_age_years, $ms_score__population__requires_icu) AS ms_score__population,
    {'platelets': {'value': platelets['last'], 'censoring': platelets['last_censoring'], 'taken_at': platelets['last_at'],
                   'unit': $ms_score__platelets__unit, 'coefficient': $ms_score__platelets__coefficient},
     'ldh': {'value': ldh['last'], 'censoring': ldh['last_censoring'], 'taken_at': ldh['last_at'],
             'unit': $ms_score__ldh__unit, 'coefficient': $ms_score__ldh__coefficient},
     'fibrinogen': {'value': fibrinogen['last'], 'censoring': fibrinogen['last_censoring'], 'taken_at': fibrinogen['last_at'],
                    'unit': $ms_score__fibrinogen__unit, 'coefficient': $ms_score__fibrinogen__coefficient},
     'ferritin': {'value': ferritin['last'], 'censoring': ferritin['last_censoring'], 'taken_at': ferritin['last_at'],
                  'unit': $ms_score__ferritin__unit, 'coefficient': $ms_score__ferritin__coefficient},
     'clinical_items': {'lower': $ms_score__clinical_min, 'upper': $ms_score__clinical_max},
     'operator': $ms_score__cut_off_op, 'cut_off': $ms_score__cut_off} AS ms_score__evidence
FROM items
