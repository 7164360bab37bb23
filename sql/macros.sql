-- Parsing helpers shared by every staging table. Loaded on each warehouse connection (temp macros).

-- Unit as sent -> lookup spelling: lower case, micro signs as 'u', no spaces ("Deg. F" -> "deg.f").
CREATE OR REPLACE TEMP MACRO normalize_unit(u) AS
    nullif(replace(replace(replace(lower(trim(u)), 'µ', 'u'), 'μ', 'u'), ' ', ''), '');

-- Censoring flag of a value as sent: '<', '<=', '>', '>=' or NULL.
CREATE OR REPLACE TEMP MACRO value_censoring(v) AS
    CASE
        WHEN regexp_matches(upper(trim(v)), '^(<=|=<|LESS THAN OR EQUAL( TO)?\b)') THEN '<='
        WHEN regexp_matches(upper(trim(v)), '^(>=|=>|GREATER THAN OR EQUAL( TO)?\b)') THEN '>='
        WHEN regexp_matches(upper(trim(v)), '^(<|LESS THAN\b)') THEN '<'
        WHEN regexp_matches(upper(trim(v)), '^(>|GREATER THAN\b)') THEN '>'
    END;

-- The numeric part of a value as sent, without its censoring prefix.
CREATE OR REPLACE TEMP MACRO value_number_text(v) AS
    trim(regexp_replace(upper(trim(v)),
        '^(<=|=<|>=|=>|<|>|LESS THAN( OR EQUAL( TO)?)?|GREATER THAN( OR EQUAL( TO)?)?)', ''));

-- Value as sent -> DOUBLE, or NULL when it is not a plain number. Accepts '.3', '1,234', '<5',
-- 'GREATER THAN 2000'; refuses '12,34', 'hemolyzed', '___', '1e5'.
CREATE OR REPLACE TEMP MACRO value_number(v) AS
    CASE WHEN regexp_full_match(value_number_text(v), '[+-]?(\d{1,3}(,\d{3})+|\d*)(\.\d+)?')
              AND regexp_matches(value_number_text(v), '\d')
         THEN TRY_CAST(replace(value_number_text(v), ',', '') AS DOUBLE) END;

-- Timestamp as sent -> TIMESTAMPTZ. Text without an offset is read in the session time zone,
-- which the warehouse connection sets to the site's zone.
CREATE OR REPLACE TEMP MACRO parse_timestamp(t) AS TRY_CAST(trim(t) AS TIMESTAMPTZ);

-- Compare a value with a threshold using the boundary written in the rule file.
-- A NULL value gives NULL: a missing item is neither normal nor abnormal.
CREATE OR REPLACE TEMP MACRO meets(v, op, threshold) AS
    CASE op
        WHEN '>' THEN v > threshold
        WHEN '>=' THEN v >= threshold
        WHEN '<' THEN v < threshold
        WHEN '<=' THEN v <= threshold
        ELSE error('unknown comparison operator in rule file: ' || op)
    END;

-- The value a threshold should be tested on within a window: the maximum for an upper cut-off
-- ('>', '>='), the minimum for a lower one ('<', '<=').
CREATE OR REPLACE TEMP MACRO most_abnormal(op, window_min, window_max) AS
    CASE WHEN starts_with(op, '>') THEN window_max ELSE window_min END;

-- One item of an at-risk row's evidence: the value used, when it was taken, and the rule applied.
CREATE OR REPLACE TEMP MACRO evidence_item(v, taken_at, unit, op, threshold) AS
    json_object('value', v, 'unit', unit, 'taken_at', taken_at, 'op', op, 'threshold', threshold,
                'met', meets(v, op, threshold));
