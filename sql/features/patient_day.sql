-- features.patient_day: one row per patient and as-of day D in [$start, $end], for every patient
-- with at least one value in D's longest look-back window.
--
-- As of D means: the cutoff is the start of D+1 in the site's time zone; a value counts when it
-- was taken inside the window, (cutoff - W, cutoff), and known (resulted or recorded) before the
-- cutoff. So D's row is what could have been known at the end of D, and it does not change when
-- later results arrive (no look-ahead).
--
-- The windowed_aggregates placeholder is rendered from pipelines/feature_columns.py: for every analyte, window
-- (24h, 72h, 7d) and aggregate (last, last_at, min, min_at, max, max_at, n) a column
-- <analyte>__<window>__<agg>, in the analyte's canonical unit.
WITH days AS (
    SELECT CAST(day AS DATE) AS as_of_date,
           CAST(CAST(day AS DATE) + 1 AS TIMESTAMPTZ) AS cutoff
    FROM range(CAST($start AS DATE), CAST($end AS DATE) + 1, INTERVAL 1 DAY) AS t(day)
),
observations AS (
    SELECT patient_id, analyte, value_num, collected_at AS taken_at, resulted_at AS known_at
    FROM staging.lab_results
    UNION ALL
    SELECT patient_id, analyte, value_num, measured_at, recorded_at
    FROM staging.vital_signs
),
windowed AS (
    SELECT d.as_of_date, d.cutoff, o.*
    FROM days AS d
    JOIN observations AS o
      ON o.taken_at > d.cutoff - INTERVAL {{longest_window_hours}} HOUR
     AND o.taken_at < d.cutoff
     AND o.known_at < d.cutoff
),
aggregated AS (
    SELECT
        patient_id,
        as_of_date,
        cutoff AS as_of_cutoff,
        {{windowed_aggregates}}
    FROM windowed
    GROUP BY patient_id, as_of_date, cutoff
)
SELECT
    *,
    -- Dynamics relative to the patient's own week (engineering features; no published cut-off).
    ferritin__72h__last / nullif(ferritin__7d__min, 0) AS ferritin__7d__fold_rise,
    100 * (platelets__7d__max - platelets__72h__last) / nullif(platelets__7d__max, 0) AS platelets__7d__pct_drop,
    100 * (fibrinogen__7d__max - fibrinogen__72h__last) / nullif(fibrinogen__7d__max, 0) AS fibrinogen__7d__pct_drop
FROM aggregated
