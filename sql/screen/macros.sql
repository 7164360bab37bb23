-- Macros of the rule family files (sql/screen/rules/*.sql), loaded by pipelines/screen/screening.py
-- build_screen before them. They build on sql/macros.sql (meets, most_abnormal, censored_meets,
-- censored_band_points). A window's values come as one struct per analyte from screen_day:
-- {last, last_at, last_censoring, min, min_at, min_censoring, max, max_at, max_censoring}.
-- Reads: no table. Writes: no table (temporary macros only).

-- Whether a window meets a threshold: true when its most abnormal value surely does (a censored
-- value as the interval it states), NULL when one of its values could (the most abnormal is
-- exact but another was sent as '>x' for an upper cut-off, or '<x' for a lower one), false
-- otherwise. Limit (features.patient_day): a value sent as '<x' with the largest number in the
-- window is reported as the maximum, so a smaller exact value that meets an upper cut-off
-- gives NULL rather than true.
-- (Three-valued OR: true OR x is true; false OR NULL is NULL, for a window open on that side.)
CREATE OR REPLACE TEMP MACRO window_met(w, op, threshold) AS
    censored_meets(most_abnormal(op, w['min'], w['max']),
                   most_abnormal(op, w['min_censoring'], w['max_censoring']), op, threshold)
    OR CASE WHEN most_abnormal(op, w['open_below'], w['open_above']) THEN NULL ELSE false END;

-- One thresholded item read from a window: the most abnormal value for the boundary (the maximum
-- for '>'/'>=', the minimum for '<'/'<='), its censoring ('<', '>', ... or NULL) and time, the
-- rule applied, and whether it is met (window_met). `result` says the same in words.
CREATE OR REPLACE TEMP MACRO window_item(w, op, threshold, unit) AS {
    'value': most_abnormal(op, w['min'], w['max']),
    'censoring': most_abnormal(op, w['min_censoring'], w['max_censoring']),
    'unit': unit,
    'taken_at': most_abnormal(op, w['min_at'], w['max_at']),
    'operator': op,
    'threshold': threshold,
    'met': window_met(w, op, threshold),
    'result': CASE window_met(w, op, threshold) WHEN true THEN 'met' WHEN false THEN 'not met' ELSE 'unknown' END
};

-- The same for the latest value in the window (floors of the trend rules).
CREATE OR REPLACE TEMP MACRO latest_item(w, op, threshold, unit) AS {
    'value': w['last'],
    'censoring': w['last_censoring'],
    'unit': unit,
    'taken_at': w['last_at'],
    'operator': op,
    'threshold': threshold,
    'met': censored_meets(w['last'], w['last_censoring'], op, threshold),
    'result': CASE censored_meets(w['last'], w['last_censoring'], op, threshold)
                   WHEN true THEN 'met' WHEN false THEN 'not met' ELSE 'unknown' END
};

-- A trend item: the change (fold or %) against the patient's baseline, the rule applied, and
-- whether it is met (NULL without a value in either window).
CREATE OR REPLACE TEMP MACRO trend_item(change, unit, op, threshold, baseline) AS {
    'value': round(change, 2),
    'unit': unit,
    'operator': op,
    'threshold': threshold,
    'met': meets(change, op, threshold),
    'result': CASE meets(change, op, threshold) WHEN true THEN 'met' WHEN false THEN 'not met' ELSE 'unknown' END,
    'baseline': baseline
};

-- A banded score item (HScore): the most abnormal value for the first band's boundary, and the
-- points it surely earns (lower) and could earn (upper, wider only for a censored value: any value
-- sent as '>x' in the window, for an upper band, could reach the top band). Points are NULL when
-- the window holds no value.
CREATE OR REPLACE TEMP MACRO band_item(w, ops, thresholds, points, unit) AS {
    'value': most_abnormal(ops[1], w['min'], w['max']),
    'censoring': most_abnormal(ops[1], w['min_censoring'], w['max_censoring']),
    'unit': unit,
    'taken_at': most_abnormal(ops[1], w['min_at'], w['max_at']),
    'bands': list_transform(range(1, len(ops) + 1),
                            i -> {'operator': ops[i], 'threshold': thresholds[i], 'points': points[i]}),
    'points_lower': censored_band_points(most_abnormal(ops[1], w['min'], w['max']),
                                         most_abnormal(ops[1], w['min_censoring'], w['max_censoring']),
                                         ops, thresholds, points, 'lower'),
    'points_upper': CASE WHEN most_abnormal(ops[1], w['open_below'], w['open_above']) THEN list_max(points)
                         ELSE censored_band_points(most_abnormal(ops[1], w['min'], w['max']),
                                                   most_abnormal(ops[1], w['min_censoring'], w['max_censoring']),
                                                   ops, thresholds, points, 'upper') END
};

-- Bounds of a value as sent: a value sent as '<x' lies in [0, x] (results are never negative),
-- one sent as '>x' in [x, infinity); an exact value is its own bound. NULL without a value.
CREATE OR REPLACE TEMP MACRO value_low(v, censoring) AS
    CASE WHEN censoring IN ('<', '<=') THEN 0.0 ELSE v END;
CREATE OR REPLACE TEMP MACRO value_high(v, censoring) AS
    CASE WHEN censoring IN ('>', '>=') AND v IS NOT NULL THEN 'infinity'::DOUBLE ELSE v END;

-- Bounds of coefficient x value for a value as sent (the MS score's terms).
CREATE OR REPLACE TEMP MACRO term_low(coefficient, v, censoring) AS
    CASE WHEN coefficient >= 0 THEN coefficient * value_low(v, censoring)
         ELSE coefficient * value_high(v, censoring) END;
CREATE OR REPLACE TEMP MACRO term_high(coefficient, v, censoring) AS
    CASE WHEN coefficient >= 0 THEN coefficient * value_high(v, censoring)
         ELSE coefficient * value_low(v, censoring) END;

-- The censoring of a quotient of two values as sent (the ferritin/ESR ratio): '>' when the numerator
-- is at least its number or the denominator at most its, '<' the other way round ('>=' / '<=' when
-- both sides are inclusive), NULL when both are exact, 'unbounded' when the two pull apart
-- ('>' over '>'): then the quotient can be anything.
CREATE OR REPLACE TEMP MACRO quotient_censoring(numerator_censoring, denominator_censoring) AS
    CASE
        WHEN (numerator_censoring IN ('>', '>=') OR denominator_censoring IN ('<', '<='))
             AND (numerator_censoring IN ('<', '<=') OR denominator_censoring IN ('>', '>=')) THEN 'unbounded'
        WHEN numerator_censoring = '>' OR denominator_censoring = '<' THEN '>'
        WHEN numerator_censoring = '>=' OR denominator_censoring = '<=' THEN '>='
        WHEN numerator_censoring = '<' OR denominator_censoring = '>' THEN '<'
        WHEN numerator_censoring = '<=' OR denominator_censoring = '>=' THEN '<='
    END;

-- A bound stored in a table: infinite bounds (a censored value) are stored as NULL.
CREATE OR REPLACE TEMP MACRO finite_or_null(x) AS CASE WHEN isinf(x) THEN NULL ELSE x END;

-- A rule's context for one patient-day: 'known' when a coded diagnosis names one of the rule's
-- contexts (`applies_to`; any rheumatic context when the rule has none), 'suspected' when only a
-- therapy does, 'unknown' otherwise.
CREATE OR REPLACE TEMP MACRO rule_context(contexts, suspected_contexts, applies_to) AS
    CASE
        WHEN len(applies_to) = 0 AND len(contexts) > 0 THEN 'known'
        WHEN len(applies_to) = 0 AND len(suspected_contexts) > 0 THEN 'suspected'
        WHEN len(applies_to) = 0 THEN 'unknown'
        WHEN len(list_intersect(contexts, applies_to)) > 0 THEN 'known'
        WHEN len(list_intersect(suspected_contexts, applies_to)) > 0 THEN 'suspected'
        ELSE 'unknown'
    END;

-- Whether a patient-day is in a rule's population (rule file `population`): 'outside' when a
-- requirement is known to fail (afebrile, younger than min_age_years or not younger than
-- max_age_years, not in intensive care),
-- 'unknown' when one cannot be told (no temperature, no birth date, no open encounter), 'in'
-- otherwise. A NULL age limit means none.
CREATE OR REPLACE TEMP MACRO rule_population(fever_met, age_years, in_icu, requires_fever, min_age_years, max_age_years,
                                             requires_icu) AS
    CASE
        WHEN (requires_fever AND fever_met = false) OR age_years < min_age_years OR age_years >= max_age_years
             OR (requires_icu AND in_icu = false)
            THEN 'outside'
        WHEN (requires_fever AND fever_met IS NULL)
             OR ((min_age_years IS NOT NULL OR max_age_years IS NOT NULL) AND age_years IS NULL)
             OR (requires_icu AND in_icu IS NULL)
            THEN 'unknown'
        ELSE 'in'
    END;
