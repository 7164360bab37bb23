-- Parsing helpers shared by every staging table. Loaded on each warehouse connection (temp macros).
-- Reads: no table. Writes: no table (temporary macros only).

-- An identifier as compared everywhere (patient, encounter, result, measurement ids): without the
-- blanks a CHAR column, a fixed-width export or a spreadsheet pads it with (spaces, tabs, line ends,
-- no-break spaces), so 'P1  ' and '	P1' are P1.
-- Only an id whose first or last character is such a blank is trimmed: the test of two characters
-- costs a fraction of trim's scan with a set of characters, and the lookups of earlier versions
-- (sql/staging/lab_source.sql, vital_source.sql, sql/meta/changed_days.sql) apply it to every raw row.
CREATE OR REPLACE TEMP MACRO trim_id(v) AS
    CASE WHEN ascii(v) IN (32, 9, 10, 13, 160) OR ascii(right(v, 1)) IN (32, 9, 10, 13, 160)
         THEN trim(v, ' ' || chr(9) || chr(10) || chr(13) || chr(160))
         ELSE v END;

-- Unit as sent -> lookup spelling: lower case, micro signs as 'u', no spaces ("Deg. F" -> "deg.f").
CREATE OR REPLACE TEMP MACRO normalize_unit(u) AS
    nullif(replace(replace(replace(lower(trim(u)), 'µ', 'u'), 'μ', 'u'), ' ', ''), '');

-- Censoring flag of a value as sent: '<', '<=', '>', '>=' or NULL (at once for a value that
-- starts with a digit or a point).
CREATE OR REPLACE TEMP MACRO value_censoring(v) AS
    CASE
        WHEN regexp_matches(v, '^\s*[0-9.]') THEN NULL
        WHEN regexp_matches(upper(trim(v)), '^(<=|=<|LESS THAN OR EQUAL( TO)?\b)') THEN '<='
        WHEN regexp_matches(upper(trim(v)), '^(>=|=>|GREATER THAN OR EQUAL( TO)?\b)') THEN '>='
        WHEN regexp_matches(upper(trim(v)), '^(<|LESS THAN\b)') THEN '<'
        WHEN regexp_matches(upper(trim(v)), '^(>|GREATER THAN\b)') THEN '>'
    END;

-- The numeric part of a value as sent, without its censoring prefix.
CREATE OR REPLACE TEMP MACRO value_number_text(v) AS
    trim(regexp_replace(upper(trim(v)),
        '^(<=|=<|>=|=>|<|>|LESS THAN( OR EQUAL( TO)?)?|GREATER THAN( OR EQUAL( TO)?)?)', ''));

-- Value as sent -> DOUBLE, or NULL when it is not a number written with a decimal point (a source's
-- declared decimal separator is applied at landing, pipelines/core/source_mapping.py).
-- Accepts '.3', '-2', '1e5', '1.2E+03', '<5', 'GREATER THAN 2000', and thousands groups that cannot
-- be a decimal comma ('1,234,567', '12,345.5'); refuses 'hemolyzed', '___', '1.2.3' and a single
-- comma group ('1,234', '0,425', '12,34'), which value_is_ambiguous names. Plain decimals, nearly
-- every value, take the first branch and skip the slower parsing.
CREATE OR REPLACE TEMP MACRO value_number(v) AS
    CASE WHEN regexp_full_match(v, '\s*[0-9]*\.?[0-9]+\s*') THEN CAST(trim(v) AS DOUBLE)
         WHEN nullif(trim(v), '') IS NULL THEN NULL
         WHEN regexp_full_match(value_number_text(v), '[+-]?(\d+\.?\d*|\.\d+)(E[+-]?\d+)?')
         THEN TRY_CAST(value_number_text(v) AS DOUBLE)
         WHEN regexp_full_match(value_number_text(v), '[+-]?\d{1,3}((,\d{3}){2,}(\.\d+)?|,\d{3}\.\d+)')
         THEN TRY_CAST(replace(value_number_text(v), ',', '') AS DOUBLE) END;

-- A value whose number depends on the decimal separator: one comma group and no point ('1,234',
-- '0,425', '12,34', '<0,5', '1,2E3') is 1.234 or 1234. Never guessed; staging quarantines it as
-- ambiguous_value until the source declares its separator.
CREATE OR REPLACE TEMP MACRO value_is_ambiguous(v) AS
    coalesce(regexp_full_match(value_number_text(v), '[+-]?\d*,\d+(E[+-]?\d+)?'), false);

-- Timestamp as sent -> TIMESTAMPTZ. Text without an offset is read in the session time zone,
-- which the warehouse connection sets to the site's zone.
CREATE OR REPLACE TEMP MACRO parse_timestamp(t) AS TRY_CAST(trim(t) AS TIMESTAMPTZ);

-- Compare a value with a threshold using the boundary written in the rule file (which
-- pipelines/features/rule_set.py validates: one of >, >=, <, <=).
-- A NULL value gives NULL: a missing item is neither normal nor abnormal.
CREATE OR REPLACE TEMP MACRO meets(v, op, threshold) AS
    CASE op
        WHEN '>' THEN v > threshold
        WHEN '>=' THEN v >= threshold
        WHEN '<' THEN v < threshold
        WHEN '<=' THEN v <= threshold
    END;

-- The value a threshold should be tested on within a window: the maximum for an upper cut-off
-- ('>', '>='), the minimum for a lower one ('<', '<=').
CREATE OR REPLACE TEMP MACRO most_abnormal(op, window_min, window_max) AS
    CASE WHEN starts_with(op, '>') THEN window_max ELSE window_min END;

-- Censored values: a staged value with censoring '>' 10000 is the interval (10000, inf), '>=' 684
-- is [684, inf), '<' 500 is (-inf, 500), '<=' 181 is (-inf, 181]; NULL censoring is the exact value.

-- The order of censored values that state the same number, lowest first: '<' (-2), '<=' (-1),
-- exact (0), '>=' (1), '>' (2). features.patient_day reports, among rows sharing the largest
-- number, the one ranked highest as the maximum (and the lowest-ranked as the minimum).
CREATE OR REPLACE TEMP MACRO censoring_rank(censoring) AS
    CASE censoring WHEN '<' THEN -2 WHEN '<=' THEN -1 WHEN '>=' THEN 1 WHEN '>' THEN 2 ELSE 0 END;

-- meets() for a censored value, read as its interval: true when the whole interval lies on the met
-- side of the boundary, false when none of it does, NULL when it straddles the boundary (or the
-- value is NULL). An exact value (censoring NULL) gives meets(). A censoring of the same direction
-- as the boundary ('>' value, '>=' cut-off) can only be met or unknown; of the other direction only
-- not met or unknown. At v = threshold an open interval ('<', '>') lies wholly beyond v, so it
-- counts as met (same direction) or not met (other direction):
-- ('>', 10000) meets '> 10000'; ('<', 500) does not meet '>= 500'; ('>=', 684) vs '> 684' is NULL.
CREATE OR REPLACE TEMP MACRO censored_meets(v, censoring, op, threshold) AS
    CASE
        WHEN censoring IS NULL THEN meets(v, op, threshold)
        WHEN left(censoring, 1) = left(op, 1)
            THEN CASE WHEN meets(v, op, threshold) OR (v = threshold AND censoring IN ('<', '>')) THEN true END
        ELSE CASE WHEN NOT meets(v, op, threshold) OR (v = threshold AND censoring IN ('<', '>')) THEN false END
    END;

-- band_points() for a censored value, as a bound of the interval it states: with bound 'lower' the
-- points of the highest band surely met (censored_meets true), with 'upper' of the highest band
-- possibly met (true or NULL); 0 when none, NULL when the value is NULL or bound is neither.
-- ('>', 6000) on the ferritin bands (>= 2000: 35, > 6000: 50) gives 50 and 50; ('>', 2000) 35 and 50;
-- ('<', 3000) 0 and 35. Works for bands of either kind ('>=', '>' or '<=', '<').
CREATE OR REPLACE TEMP MACRO censored_band_points(v, censoring, ops, thresholds, points, bound) AS
    CASE WHEN v IS NOT NULL AND bound IN ('lower', 'upper') THEN coalesce(list_max(list_transform(
        range(1, len(ops) + 1),
        i -> CASE WHEN coalesce(censored_meets(v, censoring, ops[i], thresholds[i]), bound = 'upper')
                  THEN points[i] ELSE 0 END)), 0) END;

-- The censoring of the value most_abnormal() picks: the maximum's for an upper cut-off, the
-- minimum's for a lower one (features.patient_day's <analyte>__<window>__max_censoring / __min_censoring).
-- Known limit: a window holding both a '>' value and a larger '<' value ('>300', '<500') reports
-- only the max row's censoring (500 with '<'): against a cut-off above 500 the window then reads
-- as not met, although the '>300' value may meet it.
CREATE OR REPLACE TEMP MACRO most_abnormal_censoring(op, min_censoring, max_censoring) AS
    CASE WHEN starts_with(op, '>') THEN max_censoring ELSE min_censoring END;

-- One item of an at-risk row's evidence: the value used, when it was taken, and the rule applied.
CREATE OR REPLACE TEMP MACRO evidence_item(v, taken_at, unit, op, threshold) AS
    json_object('value', v, 'unit', unit, 'taken_at', taken_at, 'op', op, 'threshold', threshold,
                'met', meets(v, op, threshold));

-- Points of a banded score item (HScore): the highest band whose boundary the value meets, 0 when
-- it meets none, NULL when the value is missing.
CREATE OR REPLACE TEMP MACRO band_points(v, ops, thresholds, points) AS
    CASE WHEN v IS NOT NULL THEN coalesce(list_max(list_transform(range(1, len(ops) + 1),
        i -> CASE WHEN meets(v, ops[i], thresholds[i]) THEN points[i] ELSE 0 END)), 0) END;

-- Count of true / of NULL (unknown) entries in a list of item results.
CREATE OR REPLACE TEMP MACRO count_true(items) AS len(list_filter(items, x -> x));
CREATE OR REPLACE TEMP MACRO count_unknown(items) AS len(list_filter(items, x -> x IS NULL));

-- A published lookup (score anchors -> percent text): the percent at an anchor, or the pair of
-- anchors a score falls between ('40 to 54'); open-ended below the first and above the last anchor.
CREATE OR REPLACE TEMP MACRO lookup_between(score, anchors, labels) AS
    CASE
        WHEN score IS NULL THEN NULL
        WHEN score <= anchors[1] THEN labels[1]
        WHEN score >= anchors[len(anchors)] THEN labels[len(anchors)]
        WHEN list_contains(anchors, score) THEN labels[list_position(anchors, score)]
        ELSE labels[len(list_filter(anchors, a -> a < score))] || ' to '
             || labels[len(list_filter(anchors, a -> a < score)) + 1]
    END;

-- A source timestamp moved by whole years (research extracts shift dates into the future), kept
-- as text; text that is not a timestamp passes through unchanged for staging to quarantine.
CREATE OR REPLACE TEMP MACRO shift_time(t, years) AS
    coalesce(strftime(TRY_CAST(nullif(trim(t), '') AS TIMESTAMP) + to_years(CAST(years AS INTEGER)),
                      '%Y-%m-%dT%H:%M:%S'), nullif(trim(t), ''));

-- Pick keys (sql/features/patient_day.sql): the order a windowed aggregate picks its value by, as
-- one HUGEINT, so combining partial picks needs only fixed-size aggregate states. Parts, each
-- order-preserving and of fixed width:
--   time: epoch microseconds of taken_at + 2^54 (55 bits: taken times within about 570 years of 1970);
--   value: the 64-bit order-preserving image of value_num (DuckDB's sort key of the DOUBLE without
--          its NULL marker; value_num is never NULL in staging);
--   censoring: censoring_rank + 2 (3 bits: 0 for '<' up to 4 for '>').
-- last: (time, value, censoring), the latest, then the higher value, then the higher rank;
-- min:  (value, censoring, reversed time), the lowest, then '<' first, then the latest (arg_min);
-- max:  (value, censoring, time), the highest, then '>' first, then the latest.
CREATE OR REPLACE TEMP MACRO pick_time_order(taken_at) AS
    CAST(epoch_us(taken_at) + (CAST(1 AS BIGINT) << 54) AS HUGEINT);
CREATE OR REPLACE TEMP MACRO pick_value_order(value_num) AS
    CAST(('0x' || substr(hex(create_sort_key(CAST(value_num AS DOUBLE), 'ASC NULLS LAST')), 3)) AS UBIGINT);
-- The keys from the parts (time_order = pick_time_order(taken_at), value_order =
-- pick_value_order(value_num), computed once per value).
CREATE OR REPLACE TEMP MACRO pick_key_last(time_order, value_order, censoring) AS
    (time_order << 67) + (CAST(value_order AS HUGEINT) << 3) + (censoring_rank(censoring) + 2);
CREATE OR REPLACE TEMP MACRO pick_key_min(time_order, value_order, censoring) AS
    (CAST(value_order AS HUGEINT) << 58) + (CAST(censoring_rank(censoring) + 2 AS HUGEINT) << 55)
    + ((CAST(1 AS HUGEINT) << 55) - 1 - time_order);
CREATE OR REPLACE TEMP MACRO pick_key_max(time_order, value_order, censoring) AS
    (CAST(value_order AS HUGEINT) << 58) + (CAST(censoring_rank(censoring) + 2 AS HUGEINT) << 55) + time_order;
-- Reading a pick's time and censoring back from its key (NULL key: NULL).
CREATE OR REPLACE TEMP MACRO pick_time_from_order(time_order) AS
    to_timestamp(0) + to_microseconds(CAST(time_order AS BIGINT) - (CAST(1 AS BIGINT) << 54));
CREATE OR REPLACE TEMP MACRO pick_key_last_at(key) AS pick_time_from_order(key >> 67);
CREATE OR REPLACE TEMP MACRO pick_key_min_at(key) AS
    pick_time_from_order((CAST(1 AS HUGEINT) << 55) - 1 - (key & ((CAST(1 AS HUGEINT) << 55) - 1)));
CREATE OR REPLACE TEMP MACRO pick_key_max_at(key) AS pick_time_from_order(key & ((CAST(1 AS HUGEINT) << 55) - 1));
CREATE OR REPLACE TEMP MACRO pick_censoring_from_rank(rank_order) AS
    CASE CAST(rank_order AS INTEGER) WHEN 0 THEN '<' WHEN 1 THEN '<=' WHEN 3 THEN '>=' WHEN 4 THEN '>' END;
CREATE OR REPLACE TEMP MACRO pick_key_last_censoring(key) AS pick_censoring_from_rank(key & 7);
CREATE OR REPLACE TEMP MACRO pick_key_min_censoring(key) AS pick_censoring_from_rank((key >> 55) & 7);
CREATE OR REPLACE TEMP MACRO pick_key_max_censoring(key) AS pick_censoring_from_rank((key >> 55) & 7);
