-- features.patient_day: one row per patient and as-of day D in [$start, $end], for every patient
-- with at least one value in D's longest look-back window.
--
-- As of D means: the cutoff is the start of D+1 in the site's time zone; a value counts when it
-- was taken inside the window, (cutoff - W, cutoff), and known (resulted or recorded) before the
-- cutoff. So D's row is what could have been known at the end of D, and it does not change when
-- later results arrive (no look-ahead). W is in hours of elapsed time, so on the days next to a
-- daylight-saving change a 72 h window starts an hour before or after a local midnight.
--
-- Reads staging.lab_results and staging.vital_signs (patient_id, analyte, value_num, censoring,
-- taken and known times); pipelines/features/feature_table.py (build_patient_day) writes the rows into
-- features.patient_day block by block, [$start, $end] being one block of the run's days, so a
-- run's memory follows the size of a block, not of the whole range (blocks are sized from the
-- memory limit: daily_tables.memory_blocks). Keys: (patient_id, as_of_date).
--
-- The double-brace placeholders are rendered from the rule set by pipelines/features/feature_columns.py:
-- windows from the rule file's look_back_windows (last_as_of_dates, last_as_of_date_columns,
-- latest_last_as_of_date, window_picks, window_summary, analyte_summaries, longest_window_hours);
-- windowed_aggregates, for every analyte, window and aggregate (last, last_at, last_censoring,
-- min, min_at, min_censoring, max, max_at, max_censoring, open_above, open_below, n), a column
-- <analyte>__<window>__<agg> in the analyte's canonical unit; trend_columns from trend_windows.
--
-- How it is computed, at a cost that follows the number of values (not values x days x windows):
-- a value counts for the as-of days from its first_as_of_date (the later of the local days it was
-- taken and known on) to its last_as_of_date__<window> (the last day whose window still holds it,
-- computed from its time, so daylight-saving days are exact). Values of one patient and analyte
-- that share those days are reduced to one partial row (partials); each partial row is
-- spread over its days (at most the longest window's days) and the partial rows of a day are
-- combined per window, keeping only those whose last day for that window has not passed. Every
-- pick (last, min, max) is made by a key that determines the value, its time and its censoring
-- (macros pick_key_*, sql/macros.sql), so combining the partial picks gives the same pick as
-- taking it over all values at once (tests/test_feature_equivalence.py compares the two on a
-- generated hospital).
--
-- Censored values ('>10000', '<500': staging's censoring with value_num the stated bound) keep
-- their censoring next to the value reported: <agg>_censoring is that row's censoring ('<', '<=',
-- '>', '>=', NULL when exact). Ties: `max` is the largest stated number and, among rows sharing
-- it, the one whose censoring makes it largest ('>' before '>=' before exact before '<=' before
-- '<', macro censoring_rank); max_at is that row's time (the latest if several). `min` likewise,
-- '<' first. `last` is the latest taken value (the higher, then the higher-ranked censoring, if
-- two share a time) with its own censoring.
-- open_above / open_below: some value in the window was sent as '>x' / '<x', so no value of
-- the window is bounded above by max / below by min (the screen's bounds widen accordingly); NULL
-- when every value of the window is exact.
-- Known limit: the extremes order rows by stated number first, so a window holding '>300' and
-- '<500' reports max 500 with '<' (open_above says the '>300' value may be larger).
-- Reads: staging.lab_results, staging.vital_signs.
-- Writes: features.patient_day (the rows this returns for [$start, $end], by
-- pipelines/features/feature_table.py through pipelines/core/daily_tables.py).
WITH observations AS (
    -- the values that count for some day of [$start, $end]
    SELECT patient_id, analyte, value_num, censoring, taken_at, known_at
    FROM (
        SELECT patient_id, analyte, value_num, censoring, collected_at AS taken_at, resulted_at AS known_at
        FROM staging.lab_results
        UNION ALL
        SELECT patient_id, analyte, value_num, censoring, measured_at, recorded_at
        FROM staging.vital_signs
    )
    WHERE taken_at > CAST(CAST($start AS DATE) + 1 AS TIMESTAMPTZ) - INTERVAL {{longest_window_hours}} HOUR
      AND taken_at < CAST(CAST($end AS DATE) + 1 AS TIMESTAMPTZ)
      AND known_at < CAST(CAST($end AS DATE) + 1 AS TIMESTAMPTZ)
),
observation_days AS (
    -- the as-of days a value counts for: from the local day it was both taken and known, to the
    -- last day whose window W still holds it: the last D with cutoff(D) < taken_at + W, that is
    -- the local day of (taken_at + W - 1 microsecond), minus one
    SELECT *,
           greatest(CAST(taken_at AS DATE), CAST(known_at AS DATE)) AS first_as_of_date,
           {{last_as_of_dates}},
           -- each pick's order as one fixed-width integer (macros pick_key_*, sql/macros.sql), so
           -- combining picks uses small fixed-size aggregate states, which spill to disk
           pick_key_last(time_order, value_order, censoring) AS last_key,
           pick_key_min(time_order, value_order, censoring) AS min_key,
           pick_key_max(time_order, value_order, censoring) AS max_key
    FROM (SELECT *, pick_time_order(taken_at) AS time_order, pick_value_order(value_num) AS value_order
          FROM observations)
),
partials AS (
    -- one row per patient, analyte and span of as-of days: each pick's key among its values (the
    -- key holds the pick's time and censoring; its value is carried beside it)
    SELECT patient_id, analyte, first_as_of_date, {{last_as_of_date_columns}},
           max(last_key) AS last_key,
           arg_max(value_num, last_key) AS last_value,
           min(min_key) AS min_key,
           min(value_num) AS min_value,
           max(max_key) AS max_key,
           max(value_num) AS max_value,
           bool_or(censoring IN ('>', '>=')) AS open_above,
           bool_or(censoring IN ('<', '<=')) AS open_below,
           count(*) AS n
    FROM observation_days
    WHERE first_as_of_date <= {{latest_last_as_of_date}}
    GROUP BY ALL
),
spread AS (
    -- each partial row on every as-of day of [$start, $end] its longest window holds it
    SELECT spans.*, first_day + CAST(day_offset AS INTEGER) AS as_of_date
    FROM (
        SELECT *,
               greatest(first_as_of_date, CAST($start AS DATE)) AS first_day,
               least({{latest_last_as_of_date}}, CAST($end AS DATE)) AS last_day
        FROM partials
    ) AS spans,
    unnest(range(0, datediff('day', first_day, last_day) + 1)) AS offsets(day_offset)
),
per_analyte AS (
    -- one row per patient, day and analyte: the partial picks combined by the same keys, per window
    -- (a partial row counts for a window while the day is within its last day for that window)
    SELECT patient_id, as_of_date, analyte,
           {{window_picks}}
    FROM spread
    GROUP BY ALL
),
by_patient_day AS (
    -- one map per patient and day: analyte -> its summary (per window, the window's aggregates)
    SELECT patient_id, as_of_date,
           map_from_entries(list((analyte, {{window_summary}}))) AS by_analyte
    FROM per_analyte
    GROUP BY ALL
),
summaries AS (
    SELECT patient_id, as_of_date,
           {{analyte_summaries}}
    FROM by_patient_day
),
aggregated AS (
    SELECT
        patient_id,
        as_of_date,
        CAST(as_of_date + 1 AS TIMESTAMPTZ) AS as_of_cutoff,
        {{windowed_aggregates}}
    FROM summaries
)
SELECT
    *,
    -- Trends relative to the patient's own recent values: rendered from
    -- pipelines/features/feature_columns.py TRENDS (placeholder trend_columns)
    {{trend_columns}}
FROM aggregated
