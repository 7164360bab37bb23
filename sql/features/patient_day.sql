-- features.patient_day: one row per patient and as-of day D in [$start, $end], for every patient
-- with at least one value in D's longest look-back window.
--
-- As of D means: the cutoff is the start of D+1 in the site's time zone; a value counts when it
-- was taken inside the window, (cutoff - W, cutoff), and known (resulted or recorded) before the
-- cutoff. So D's row is what could have been known at the end of D, and it does not change when
-- later results arrive (no look-ahead).
--
-- The windows and windowed_aggregates placeholders are rendered from pipelines/feature_columns.py:
-- for every analyte, window (24h, 72h, 7d) and aggregate (last, last_at, min, min_at, max, max_at,
-- n) a column <analyte>__<window>__<agg>, in the analyte's canonical unit.
WITH days AS (
    SELECT CAST(day AS DATE) AS as_of_date,
           CAST(CAST(day AS DATE) + 1 AS TIMESTAMPTZ) AS cutoff
    FROM range(CAST($start AS DATE), CAST($end AS DATE) + 1, INTERVAL 1 DAY) AS t(day)
),
windows AS (
    SELECT * FROM (VALUES {{windows}}) AS t(window_name, hours)
),
observations AS (
    SELECT patient_id, analyte, value_num, collected_at AS taken_at, resulted_at AS known_at
    FROM staging.lab_results
    UNION ALL
    SELECT patient_id, analyte, value_num, measured_at, recorded_at
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
    -- Ties: 'last' is the latest taken value (the higher if two share a time); min_at/max_at are
    -- the latest time at which the extreme was seen.
    SELECT patient_id, as_of_date, cutoff, analyte, window_name,
           arg_max(value_num, (taken_at, value_num)) AS last,
           max(taken_at) AS last_at,
           min(value_num) AS min,
           arg_min(taken_at, (value_num, -epoch(taken_at))) AS min_at,
           max(value_num) AS max,
           arg_max(taken_at, (value_num, taken_at)) AS max_at,
           count(*) AS n
    FROM windowed
    GROUP BY ALL
),
by_patient_day AS (
    -- one map per patient and day: '<analyte>__<window>' -> the window's aggregates
    SELECT patient_id, as_of_date, cutoff,
           map_from_entries(list((analyte || '__' || window_name,
               {'last': last, 'last_at': last_at, 'min': min, 'min_at': min_at,
                'max': max, 'max_at': max_at, 'n': n}))) AS by_window
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
    -- Dynamics relative to the patient's own week (engineering features; no published cut-off).
    ferritin__72h__last / nullif(ferritin__7d__min, 0) AS ferritin__7d__fold_rise,
    100 * (platelets__7d__max - platelets__72h__last) / nullif(platelets__7d__max, 0) AS platelets__7d__pct_drop,
    100 * (fibrinogen__7d__max - fibrinogen__72h__last) / nullif(fibrinogen__7d__max, 0) AS fibrinogen__7d__pct_drop,
    ast__72h__last / nullif(ast__7d__min, 0) AS ast__7d__fold_rise,
    ldh__72h__last / nullif(ldh__7d__min, 0) AS ldh__7d__fold_rise,
    100 * (esr__7d__max - esr__72h__last) / nullif(esr__7d__max, 0) AS esr__7d__pct_drop
FROM aggregated
