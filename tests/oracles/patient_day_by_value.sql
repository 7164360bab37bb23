-- Test oracle (tests/test_feature_equivalence.py), not run by the pipeline: features.patient_day
-- by its direct definition, every value joined to every (day, window) that holds it. This was the
-- stage's SQL before sql/features/patient_day.sql computed the same table from partial
-- aggregates; its cost grows with values x days per window x windows, its answer is the
-- reference the stage is compared with. Placeholders rendered by the test (oracle_query).
--
-- features.patient_day: one row per patient and as-of day D in [$start, $end], for every patient
-- with at least one value in D's longest look-back window.
--
-- As of D means: the cutoff is the start of D+1 in the site's time zone; a value counts when it
-- was taken inside the window, (cutoff - W, cutoff), and known (resulted or recorded) before the
-- cutoff. So D's row is what could have been known at the end of D, and it does not change when
-- later results arrive (no look-ahead).
--
-- Reads staging.lab_results and staging.vital_signs; the stage writes the rows into
-- features.patient_day (pipelines/features/feature_table.py, build_patient_day).
--
-- The double-brace placeholders are rendered from the rule set by pipelines/features/feature_columns.py
-- and feature_table.patient_day_query: windows and longest_window_hours from the rule file's
-- look_back_windows; windowed_aggregates, for every analyte, window and aggregate (last, last_at,
-- last_censoring, min, min_at, min_censoring, max, max_at, max_censoring, n), a column
-- <analyte>__<window>__<agg> in the analyte's canonical unit; current and baseline from
-- trend_windows.
--
-- Censored values ('>10000', '<500': staging's censoring with value_num the stated bound) keep
-- their censoring next to the value reported: <agg>_censoring is that row's censoring ('<', '<=',
-- '>', '>=', NULL when exact). Ties: `max` is the largest stated number and, among rows sharing
-- it, the one whose censoring makes it largest ('>' before '>=' before exact before '<=' before
-- '<', macro censoring_rank); max_at is that row's time (the latest if several). `min` likewise,
-- '<' first. `last` is the latest taken value (the higher, then the higher-ranked censoring, if
-- two share a time) with its own censoring.
-- open_above / open_below: some value in the window was sent as '>x' / '<x', so no value of
-- the window is bounded above by max / below by min (the screen's bounds widen accordingly).
-- Known limit: the extremes order rows by stated number first, so a window holding '>300' and
-- '<500' reports max 500 with '<' (open_above says the '>300' value may be larger).
WITH days AS (
    SELECT CAST(day AS DATE) AS as_of_date,
           CAST(CAST(day AS DATE) + 1 AS TIMESTAMPTZ) AS cutoff
    FROM range(CAST($start AS DATE), CAST($end AS DATE) + 1, INTERVAL 1 DAY) AS t(day)
),
windows AS (
    SELECT * FROM (VALUES {{windows}}) AS t(window_name, hours)
),
observations AS (
    SELECT patient_id, analyte, value_num, censoring, collected_at AS taken_at, resulted_at AS known_at
    FROM staging.lab_results
    UNION ALL
    SELECT patient_id, analyte, value_num, censoring, measured_at, recorded_at
    FROM staging.vital_signs
),
windowed AS (
    -- each value, once for every (day, window) whose window holds it
    SELECT d.as_of_date, d.cutoff, w.window_name, o.*
    FROM days AS d
    JOIN observations AS o
      ON o.taken_at > d.cutoff - INTERVAL {{longest_window_hours}} HOUR
     AND o.taken_at < d.cutoff
     AND o.known_at < d.cutoff
    JOIN windows AS w
      ON o.taken_at > d.cutoff - to_hours(w.hours)
),
per_window AS (
    -- each aggregate picks one row (value, time, censoring together); ties as in the header
    SELECT patient_id, as_of_date, cutoff, analyte, window_name,
           arg_max({'value': value_num, 'at': taken_at, 'censoring': censoring},
                   (taken_at, value_num, censoring_rank(censoring))) AS last,
           arg_min({'value': value_num, 'at': taken_at, 'censoring': censoring},
                   (value_num, censoring_rank(censoring), -epoch_us(taken_at))) AS min,
           arg_max({'value': value_num, 'at': taken_at, 'censoring': censoring},
                   (value_num, censoring_rank(censoring), taken_at)) AS max,
           bool_or(censoring IN ('>', '>=')) AS open_above,
           bool_or(censoring IN ('<', '<=')) AS open_below,
           count(*) AS n
    FROM windowed
    GROUP BY ALL
),
by_patient_day AS (
    -- one map per patient and day: '<analyte>__<window>' -> the window's aggregates
    SELECT patient_id, as_of_date, cutoff,
           map_from_entries(list((analyte || '__' || window_name,
               {'last': last.value, 'last_at': last.at, 'last_censoring': last.censoring,
                'min': min.value, 'min_at': min.at, 'min_censoring': min.censoring,
                'max': max.value, 'max_at': max.at, 'max_censoring': max.censoring,
                'open_above': open_above, 'open_below': open_below, 'n': n}))) AS by_window
    FROM per_window
    GROUP BY ALL
),
aggregated AS (
    SELECT
        patient_id,
        as_of_date,
        cutoff AS as_of_cutoff,
        {{windowed_aggregates}}
    FROM by_patient_day
)
SELECT
    *,
    -- Trends relative to the patient's own recent values: rendered from
    -- pipelines/features/feature_columns.py TRENDS (placeholder trend_columns)
    {{trend_columns}}
FROM aggregated
