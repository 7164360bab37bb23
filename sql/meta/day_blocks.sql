-- The blocks of as-of days a backfill over [$start, $end] must compute (runner.run_backfill): every
-- day outside them provably gets no row in features.patient_day, screen.rule_evaluations or
-- screen.at_risk_daily, and holds none, so computing it would change nothing.
--
-- Reads: staging.lab_results, staging.vital_signs, meta.changed_days, and (the statements after the
-- first, run only when the table exists) features.patient_day, screen.rule_evaluations,
-- screen.at_risk_daily. Writes: temp.day_blocks_days (first_day, last_day: a span of
-- days that may hold rows); the last statement returns the blocks (first_day, last_day), in order.
--
-- A day D can hold a features row only when a staged value was taken in D's longest look-back
-- window, (cutoff - $longest_window_hours, cutoff) with the cutoff the start of D+1 local time
-- (sql/features/patient_day.sql); such a value was taken on a local day from D - ceil(W / 24) - 1
-- to D (a DST day is 23 or 25 hours long), so the days of a value taken on day T are at most
-- T .. T + ceil(W / 24) + 1: a superset, as in sql/meta/changed_days.sql (known-before-cutoff can
-- only remove days). The screen's rows are on days with a features row (sql/screen/screen_day.sql).
-- Also computed: days that already hold rows in a daily table (they are replaced, or cleared when
-- their values went away), and changed days not recomputed yet (meta.changed_days).
-- Spans closer than $merge_gap_days empty days are merged into one block: a short run of empty
-- days costs less than a run of its own.
CREATE OR REPLACE TEMP TABLE day_blocks_days AS
WITH taken_days AS (
    SELECT DISTINCT CAST(collected_at AS DATE) AS taken_on FROM staging.lab_results
    UNION
    SELECT DISTINCT CAST(measured_at AS DATE) FROM staging.vital_signs
)
SELECT taken_on AS first_day,
       taken_on + CAST(ceil($longest_window_hours / 24) AS INTEGER) + 1 AS last_day
FROM taken_days
WHERE taken_on IS NOT NULL
UNION ALL
SELECT DISTINCT as_of_date, as_of_date
FROM meta.changed_days
WHERE recomputed_by IS NULL AND as_of_date BETWEEN $start AND $end;

INSERT INTO day_blocks_days
SELECT DISTINCT as_of_date, as_of_date FROM features.patient_day WHERE as_of_date BETWEEN $start AND $end;

INSERT INTO day_blocks_days
SELECT DISTINCT as_of_date, as_of_date FROM screen.rule_evaluations WHERE as_of_date BETWEEN $start AND $end;

INSERT INTO day_blocks_days
SELECT DISTINCT as_of_date, as_of_date FROM screen.at_risk_daily WHERE as_of_date BETWEEN $start AND $end;

WITH clipped AS (
    SELECT greatest(first_day, CAST($start AS DATE)) AS first_day, least(last_day, CAST($end AS DATE)) AS last_day
    FROM day_blocks_days
    WHERE last_day >= $start AND first_day <= $end
),
reached AS (
    -- the last day covered by the spans that start earlier
    SELECT first_day, last_day,
           max(last_day) OVER (ORDER BY first_day, last_day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM clipped
),
islands AS (
    SELECT first_day, last_day,
           sum(CASE WHEN reach IS NULL OR first_day > reach + CAST($merge_gap_days AS INTEGER) + 1 THEN 1 ELSE 0 END)
               OVER (ORDER BY first_day, last_day ROWS UNBOUNDED PRECEDING) AS island
    FROM reached
)
SELECT min(first_day) AS first_day, max(last_day) AS last_day
FROM islands
GROUP BY island
ORDER BY first_day;
