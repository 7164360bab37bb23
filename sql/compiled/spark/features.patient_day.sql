-- features.patient_day (spark), compiled by pipelines/features/dialects.py from sql/compiled/duckdb/features.patient_day.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: :start and :end (DATE, the first and last as-of day of the block).
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
-- latest_last_as_of_date, window_picks, longest_window_hours); analyte_joins (one join of
-- per_analyte per analyte) and windowed_aggregates, for every analyte, window and aggregate (last,
-- last_at, last_censoring, min, min_at, min_censoring, max, max_at, max_censoring, open_above,
-- open_below, n), a column <analyte>__<window>__<agg> in the analyte's canonical unit;
-- trend_columns from trend_windows.
--
-- How it is computed, at a cost that follows the number of values (not values x days x windows):
-- a value counts for the as-of days from its first_as_of_date (the later of the local days it was
-- taken and known on) to its last_as_of_date__<window> (the last day whose window still holds it,
-- computed from its time, so daylight-saving days are exact). Values of one patient and analyte
-- that share those days are reduced to one partial row (partials); each partial row is
-- spread over its days (at most the longest window's days) and the partial rows of a day are
-- combined per window, keeping only those whose last day for that window has not passed; each
-- analyte's combined row then becomes its columns of the patient's day by a join. Every
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
  SELECT
    patient_id,
    analyte,
    value_num,
    censoring,
    taken_at,
    known_at
  FROM (
    SELECT
      patient_id,
      analyte,
      value_num,
      censoring,
      collected_at AS taken_at,
      resulted_at AS known_at
    FROM staging.lab_results
    UNION ALL
    SELECT
      patient_id,
      analyte,
      value_num,
      censoring,
      measured_at,
      recorded_at
    FROM staging.vital_signs
  )
  WHERE
    taken_at > TIMESTAMP_MICROS(
      UNIX_MICROS(CAST(CAST(:start AS DATE) + 1 AS TIMESTAMP)) - CAST(168 AS BIGINT) * 3600000000
    )
    AND taken_at < CAST(CAST(:end AS DATE) + 1 AS TIMESTAMP)
    AND known_at < CAST(CAST(:end AS DATE) + 1 AS TIMESTAMP)
), observation_days AS (
  SELECT
    *,
    GREATEST(CAST(taken_at AS DATE), CAST(known_at AS DATE)) AS first_as_of_date,
    CAST(TIMESTAMP_MICROS(
      UNIX_MICROS(TIMESTAMP_MICROS(UNIX_MICROS(taken_at) + CAST(24 AS BIGINT) * 3600000000)) - CAST(1 AS BIGINT) * 1
    ) AS DATE) - 1 AS last_as_of_date__24h,
    CAST(TIMESTAMP_MICROS(
      UNIX_MICROS(TIMESTAMP_MICROS(UNIX_MICROS(taken_at) + CAST(72 AS BIGINT) * 3600000000)) - CAST(1 AS BIGINT) * 1
    ) AS DATE) - 1 AS last_as_of_date__72h,
    CAST(TIMESTAMP_MICROS(
      UNIX_MICROS(TIMESTAMP_MICROS(UNIX_MICROS(taken_at) + CAST(168 AS BIGINT) * 3600000000)) - CAST(1 AS BIGINT) * 1
    ) AS DATE) - 1 AS last_as_of_date__7d,
    STRUCT(
      time_order AS time,
      value_order AS value,
      CASE censoring
        WHEN '<'
        THEN -2
        WHEN '<='
        THEN -1
        WHEN '>='
        THEN 1
        WHEN '>'
        THEN 2
        ELSE 0
      END + 2 AS censoring
    ) AS last_key,
    STRUCT(
      value_order AS value,
      CASE censoring
        WHEN '<'
        THEN -2
        WHEN '<='
        THEN -1
        WHEN '>='
        THEN 1
        WHEN '>'
        THEN 2
        ELSE 0
      END + 2 AS censoring,
      -time_order AS time
    ) AS min_key,
    STRUCT(
      value_order AS value,
      CASE censoring
        WHEN '<'
        THEN -2
        WHEN '<='
        THEN -1
        WHEN '>='
        THEN 1
        WHEN '>'
        THEN 2
        ELSE 0
      END + 2 AS censoring,
      time_order AS time
    ) AS max_key
  FROM (
    SELECT
      *,
      UNIX_MICROS(taken_at) AS time_order,
      CAST(value_num AS DOUBLE) AS value_order
    FROM observations
  )
), partials AS (
  SELECT
    patient_id,
    analyte,
    first_as_of_date,
    last_as_of_date__24h,
    last_as_of_date__72h,
    last_as_of_date__7d,
    MAX(last_key) AS last_key,
    MAX_BY(value_num, last_key) AS last_value,
    MIN(min_key) AS min_key,
    MIN(value_num) AS min_value,
    MAX(max_key) AS max_key,
    MAX(value_num) AS max_value,
    BOOL_OR(censoring IN ('>', '>=')) AS open_above,
    BOOL_OR(censoring IN ('<', '<=')) AS open_below,
    COUNT(*) AS n
  FROM observation_days
  WHERE
    first_as_of_date <= last_as_of_date__7d
  GROUP BY ALL
), spread AS (
  SELECT
    spans.*,
    first_day + CAST(day_offset AS INT) AS as_of_date
  FROM (
    SELECT
      *,
      GREATEST(first_as_of_date, CAST(:start AS DATE)) AS first_day,
      LEAST(last_as_of_date__7d, CAST(:end AS DATE)) AS last_day
    FROM partials
  ) AS spans
  LATERAL VIEW
  EXPLODE(
    IF(
      (
        DATEDIFF(CAST(last_day AS DATE), CAST(first_day AS DATE)) + 1 - 1
      ) < 0,
      ARRAY(),
      SEQUENCE(0, (
        DATEDIFF(CAST(last_day AS DATE), CAST(first_day AS DATE)) + 1 - 1
      ))
    )
  ) offsets AS day_offset
), per_analyte AS (
  SELECT
    patient_id,
    as_of_date,
    analyte,
    MAX(last_key) FILTER(WHERE
      as_of_date <= last_as_of_date__24h) AS last_key__24h,
    MAX_BY(last_value, last_key) FILTER(WHERE
      as_of_date <= last_as_of_date__24h) AS last_value__24h,
    MIN(min_key) FILTER(WHERE
      as_of_date <= last_as_of_date__24h) AS min_key__24h,
    MIN(min_value) FILTER(WHERE
      as_of_date <= last_as_of_date__24h) AS min_value__24h,
    MAX(max_key) FILTER(WHERE
      as_of_date <= last_as_of_date__24h) AS max_key__24h,
    MAX(max_value) FILTER(WHERE
      as_of_date <= last_as_of_date__24h) AS max_value__24h,
    BOOL_OR(open_above) FILTER(WHERE
      as_of_date <= last_as_of_date__24h) AS open_above__24h,
    BOOL_OR(open_below) FILTER(WHERE
      as_of_date <= last_as_of_date__24h) AS open_below__24h,
    CAST(SUM(n) FILTER(WHERE
      as_of_date <= last_as_of_date__24h) AS BIGINT) AS n__24h,
    MAX(last_key) FILTER(WHERE
      as_of_date <= last_as_of_date__72h) AS last_key__72h,
    MAX_BY(last_value, last_key) FILTER(WHERE
      as_of_date <= last_as_of_date__72h) AS last_value__72h,
    MIN(min_key) FILTER(WHERE
      as_of_date <= last_as_of_date__72h) AS min_key__72h,
    MIN(min_value) FILTER(WHERE
      as_of_date <= last_as_of_date__72h) AS min_value__72h,
    MAX(max_key) FILTER(WHERE
      as_of_date <= last_as_of_date__72h) AS max_key__72h,
    MAX(max_value) FILTER(WHERE
      as_of_date <= last_as_of_date__72h) AS max_value__72h,
    BOOL_OR(open_above) FILTER(WHERE
      as_of_date <= last_as_of_date__72h) AS open_above__72h,
    BOOL_OR(open_below) FILTER(WHERE
      as_of_date <= last_as_of_date__72h) AS open_below__72h,
    CAST(SUM(n) FILTER(WHERE
      as_of_date <= last_as_of_date__72h) AS BIGINT) AS n__72h,
    MAX(last_key) FILTER(WHERE
      as_of_date <= last_as_of_date__7d) AS last_key__7d,
    MAX_BY(last_value, last_key) FILTER(WHERE
      as_of_date <= last_as_of_date__7d) AS last_value__7d,
    MIN(min_key) FILTER(WHERE
      as_of_date <= last_as_of_date__7d) AS min_key__7d,
    MIN(min_value) FILTER(WHERE
      as_of_date <= last_as_of_date__7d) AS min_value__7d,
    MAX(max_key) FILTER(WHERE
      as_of_date <= last_as_of_date__7d) AS max_key__7d,
    MAX(max_value) FILTER(WHERE
      as_of_date <= last_as_of_date__7d) AS max_value__7d,
    BOOL_OR(open_above) FILTER(WHERE
      as_of_date <= last_as_of_date__7d) AS open_above__7d,
    BOOL_OR(open_below) FILTER(WHERE
      as_of_date <= last_as_of_date__7d) AS open_below__7d,
    CAST(SUM(n) FILTER(WHERE
      as_of_date <= last_as_of_date__7d) AS BIGINT) AS n__7d
  FROM spread
  GROUP BY ALL
), patient_days AS (
  SELECT DISTINCT
    patient_id,
    as_of_date
  FROM per_analyte
), aggregated AS (
  SELECT
    patient_id,
    as_of_date,
    CAST(as_of_date + 1 AS TIMESTAMP) AS as_of_cutoff,
    `ferritin`.last_value__24h AS ferritin__24h__last,
    TIMESTAMP_MICROS(`ferritin`.last_key__24h['time']) AS ferritin__24h__last_at,
    CASE CAST(`ferritin`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ferritin__24h__last_censoring,
    `ferritin`.min_value__24h AS ferritin__24h__min,
    TIMESTAMP_MICROS(-`ferritin`.min_key__24h['time']) AS ferritin__24h__min_at,
    CASE CAST(`ferritin`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ferritin__24h__min_censoring,
    `ferritin`.max_value__24h AS ferritin__24h__max,
    TIMESTAMP_MICROS(`ferritin`.max_key__24h['time']) AS ferritin__24h__max_at,
    CASE CAST(`ferritin`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ferritin__24h__max_censoring,
    `ferritin`.open_above__24h AS ferritin__24h__open_above,
    `ferritin`.open_below__24h AS ferritin__24h__open_below,
    COALESCE(`ferritin`.n__24h, 0) AS ferritin__24h__n,
    `ferritin`.last_value__72h AS ferritin__72h__last,
    TIMESTAMP_MICROS(`ferritin`.last_key__72h['time']) AS ferritin__72h__last_at,
    CASE CAST(`ferritin`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ferritin__72h__last_censoring,
    `ferritin`.min_value__72h AS ferritin__72h__min,
    TIMESTAMP_MICROS(-`ferritin`.min_key__72h['time']) AS ferritin__72h__min_at,
    CASE CAST(`ferritin`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ferritin__72h__min_censoring,
    `ferritin`.max_value__72h AS ferritin__72h__max,
    TIMESTAMP_MICROS(`ferritin`.max_key__72h['time']) AS ferritin__72h__max_at,
    CASE CAST(`ferritin`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ferritin__72h__max_censoring,
    `ferritin`.open_above__72h AS ferritin__72h__open_above,
    `ferritin`.open_below__72h AS ferritin__72h__open_below,
    COALESCE(`ferritin`.n__72h, 0) AS ferritin__72h__n,
    `ferritin`.last_value__7d AS ferritin__7d__last,
    TIMESTAMP_MICROS(`ferritin`.last_key__7d['time']) AS ferritin__7d__last_at,
    CASE CAST(`ferritin`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ferritin__7d__last_censoring,
    `ferritin`.min_value__7d AS ferritin__7d__min,
    TIMESTAMP_MICROS(-`ferritin`.min_key__7d['time']) AS ferritin__7d__min_at,
    CASE CAST(`ferritin`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ferritin__7d__min_censoring,
    `ferritin`.max_value__7d AS ferritin__7d__max,
    TIMESTAMP_MICROS(`ferritin`.max_key__7d['time']) AS ferritin__7d__max_at,
    CASE CAST(`ferritin`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ferritin__7d__max_censoring,
    `ferritin`.open_above__7d AS ferritin__7d__open_above,
    `ferritin`.open_below__7d AS ferritin__7d__open_below,
    COALESCE(`ferritin`.n__7d, 0) AS ferritin__7d__n,
    `platelets`.last_value__24h AS platelets__24h__last,
    TIMESTAMP_MICROS(`platelets`.last_key__24h['time']) AS platelets__24h__last_at,
    CASE CAST(`platelets`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS platelets__24h__last_censoring,
    `platelets`.min_value__24h AS platelets__24h__min,
    TIMESTAMP_MICROS(-`platelets`.min_key__24h['time']) AS platelets__24h__min_at,
    CASE CAST(`platelets`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS platelets__24h__min_censoring,
    `platelets`.max_value__24h AS platelets__24h__max,
    TIMESTAMP_MICROS(`platelets`.max_key__24h['time']) AS platelets__24h__max_at,
    CASE CAST(`platelets`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS platelets__24h__max_censoring,
    `platelets`.open_above__24h AS platelets__24h__open_above,
    `platelets`.open_below__24h AS platelets__24h__open_below,
    COALESCE(`platelets`.n__24h, 0) AS platelets__24h__n,
    `platelets`.last_value__72h AS platelets__72h__last,
    TIMESTAMP_MICROS(`platelets`.last_key__72h['time']) AS platelets__72h__last_at,
    CASE CAST(`platelets`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS platelets__72h__last_censoring,
    `platelets`.min_value__72h AS platelets__72h__min,
    TIMESTAMP_MICROS(-`platelets`.min_key__72h['time']) AS platelets__72h__min_at,
    CASE CAST(`platelets`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS platelets__72h__min_censoring,
    `platelets`.max_value__72h AS platelets__72h__max,
    TIMESTAMP_MICROS(`platelets`.max_key__72h['time']) AS platelets__72h__max_at,
    CASE CAST(`platelets`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS platelets__72h__max_censoring,
    `platelets`.open_above__72h AS platelets__72h__open_above,
    `platelets`.open_below__72h AS platelets__72h__open_below,
    COALESCE(`platelets`.n__72h, 0) AS platelets__72h__n,
    `platelets`.last_value__7d AS platelets__7d__last,
    TIMESTAMP_MICROS(`platelets`.last_key__7d['time']) AS platelets__7d__last_at,
    CASE CAST(`platelets`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS platelets__7d__last_censoring,
    `platelets`.min_value__7d AS platelets__7d__min,
    TIMESTAMP_MICROS(-`platelets`.min_key__7d['time']) AS platelets__7d__min_at,
    CASE CAST(`platelets`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS platelets__7d__min_censoring,
    `platelets`.max_value__7d AS platelets__7d__max,
    TIMESTAMP_MICROS(`platelets`.max_key__7d['time']) AS platelets__7d__max_at,
    CASE CAST(`platelets`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS platelets__7d__max_censoring,
    `platelets`.open_above__7d AS platelets__7d__open_above,
    `platelets`.open_below__7d AS platelets__7d__open_below,
    COALESCE(`platelets`.n__7d, 0) AS platelets__7d__n,
    `wbc`.last_value__24h AS wbc__24h__last,
    TIMESTAMP_MICROS(`wbc`.last_key__24h['time']) AS wbc__24h__last_at,
    CASE CAST(`wbc`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS wbc__24h__last_censoring,
    `wbc`.min_value__24h AS wbc__24h__min,
    TIMESTAMP_MICROS(-`wbc`.min_key__24h['time']) AS wbc__24h__min_at,
    CASE CAST(`wbc`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS wbc__24h__min_censoring,
    `wbc`.max_value__24h AS wbc__24h__max,
    TIMESTAMP_MICROS(`wbc`.max_key__24h['time']) AS wbc__24h__max_at,
    CASE CAST(`wbc`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS wbc__24h__max_censoring,
    `wbc`.open_above__24h AS wbc__24h__open_above,
    `wbc`.open_below__24h AS wbc__24h__open_below,
    COALESCE(`wbc`.n__24h, 0) AS wbc__24h__n,
    `wbc`.last_value__72h AS wbc__72h__last,
    TIMESTAMP_MICROS(`wbc`.last_key__72h['time']) AS wbc__72h__last_at,
    CASE CAST(`wbc`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS wbc__72h__last_censoring,
    `wbc`.min_value__72h AS wbc__72h__min,
    TIMESTAMP_MICROS(-`wbc`.min_key__72h['time']) AS wbc__72h__min_at,
    CASE CAST(`wbc`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS wbc__72h__min_censoring,
    `wbc`.max_value__72h AS wbc__72h__max,
    TIMESTAMP_MICROS(`wbc`.max_key__72h['time']) AS wbc__72h__max_at,
    CASE CAST(`wbc`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS wbc__72h__max_censoring,
    `wbc`.open_above__72h AS wbc__72h__open_above,
    `wbc`.open_below__72h AS wbc__72h__open_below,
    COALESCE(`wbc`.n__72h, 0) AS wbc__72h__n,
    `wbc`.last_value__7d AS wbc__7d__last,
    TIMESTAMP_MICROS(`wbc`.last_key__7d['time']) AS wbc__7d__last_at,
    CASE CAST(`wbc`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS wbc__7d__last_censoring,
    `wbc`.min_value__7d AS wbc__7d__min,
    TIMESTAMP_MICROS(-`wbc`.min_key__7d['time']) AS wbc__7d__min_at,
    CASE CAST(`wbc`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS wbc__7d__min_censoring,
    `wbc`.max_value__7d AS wbc__7d__max,
    TIMESTAMP_MICROS(`wbc`.max_key__7d['time']) AS wbc__7d__max_at,
    CASE CAST(`wbc`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS wbc__7d__max_censoring,
    `wbc`.open_above__7d AS wbc__7d__open_above,
    `wbc`.open_below__7d AS wbc__7d__open_below,
    COALESCE(`wbc`.n__7d, 0) AS wbc__7d__n,
    `anc`.last_value__24h AS anc__24h__last,
    TIMESTAMP_MICROS(`anc`.last_key__24h['time']) AS anc__24h__last_at,
    CASE CAST(`anc`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS anc__24h__last_censoring,
    `anc`.min_value__24h AS anc__24h__min,
    TIMESTAMP_MICROS(-`anc`.min_key__24h['time']) AS anc__24h__min_at,
    CASE CAST(`anc`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS anc__24h__min_censoring,
    `anc`.max_value__24h AS anc__24h__max,
    TIMESTAMP_MICROS(`anc`.max_key__24h['time']) AS anc__24h__max_at,
    CASE CAST(`anc`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS anc__24h__max_censoring,
    `anc`.open_above__24h AS anc__24h__open_above,
    `anc`.open_below__24h AS anc__24h__open_below,
    COALESCE(`anc`.n__24h, 0) AS anc__24h__n,
    `anc`.last_value__72h AS anc__72h__last,
    TIMESTAMP_MICROS(`anc`.last_key__72h['time']) AS anc__72h__last_at,
    CASE CAST(`anc`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS anc__72h__last_censoring,
    `anc`.min_value__72h AS anc__72h__min,
    TIMESTAMP_MICROS(-`anc`.min_key__72h['time']) AS anc__72h__min_at,
    CASE CAST(`anc`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS anc__72h__min_censoring,
    `anc`.max_value__72h AS anc__72h__max,
    TIMESTAMP_MICROS(`anc`.max_key__72h['time']) AS anc__72h__max_at,
    CASE CAST(`anc`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS anc__72h__max_censoring,
    `anc`.open_above__72h AS anc__72h__open_above,
    `anc`.open_below__72h AS anc__72h__open_below,
    COALESCE(`anc`.n__72h, 0) AS anc__72h__n,
    `anc`.last_value__7d AS anc__7d__last,
    TIMESTAMP_MICROS(`anc`.last_key__7d['time']) AS anc__7d__last_at,
    CASE CAST(`anc`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS anc__7d__last_censoring,
    `anc`.min_value__7d AS anc__7d__min,
    TIMESTAMP_MICROS(-`anc`.min_key__7d['time']) AS anc__7d__min_at,
    CASE CAST(`anc`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS anc__7d__min_censoring,
    `anc`.max_value__7d AS anc__7d__max,
    TIMESTAMP_MICROS(`anc`.max_key__7d['time']) AS anc__7d__max_at,
    CASE CAST(`anc`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS anc__7d__max_censoring,
    `anc`.open_above__7d AS anc__7d__open_above,
    `anc`.open_below__7d AS anc__7d__open_below,
    COALESCE(`anc`.n__7d, 0) AS anc__7d__n,
    `hemoglobin`.last_value__24h AS hemoglobin__24h__last,
    TIMESTAMP_MICROS(`hemoglobin`.last_key__24h['time']) AS hemoglobin__24h__last_at,
    CASE CAST(`hemoglobin`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS hemoglobin__24h__last_censoring,
    `hemoglobin`.min_value__24h AS hemoglobin__24h__min,
    TIMESTAMP_MICROS(-`hemoglobin`.min_key__24h['time']) AS hemoglobin__24h__min_at,
    CASE CAST(`hemoglobin`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS hemoglobin__24h__min_censoring,
    `hemoglobin`.max_value__24h AS hemoglobin__24h__max,
    TIMESTAMP_MICROS(`hemoglobin`.max_key__24h['time']) AS hemoglobin__24h__max_at,
    CASE CAST(`hemoglobin`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS hemoglobin__24h__max_censoring,
    `hemoglobin`.open_above__24h AS hemoglobin__24h__open_above,
    `hemoglobin`.open_below__24h AS hemoglobin__24h__open_below,
    COALESCE(`hemoglobin`.n__24h, 0) AS hemoglobin__24h__n,
    `hemoglobin`.last_value__72h AS hemoglobin__72h__last,
    TIMESTAMP_MICROS(`hemoglobin`.last_key__72h['time']) AS hemoglobin__72h__last_at,
    CASE CAST(`hemoglobin`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS hemoglobin__72h__last_censoring,
    `hemoglobin`.min_value__72h AS hemoglobin__72h__min,
    TIMESTAMP_MICROS(-`hemoglobin`.min_key__72h['time']) AS hemoglobin__72h__min_at,
    CASE CAST(`hemoglobin`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS hemoglobin__72h__min_censoring,
    `hemoglobin`.max_value__72h AS hemoglobin__72h__max,
    TIMESTAMP_MICROS(`hemoglobin`.max_key__72h['time']) AS hemoglobin__72h__max_at,
    CASE CAST(`hemoglobin`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS hemoglobin__72h__max_censoring,
    `hemoglobin`.open_above__72h AS hemoglobin__72h__open_above,
    `hemoglobin`.open_below__72h AS hemoglobin__72h__open_below,
    COALESCE(`hemoglobin`.n__72h, 0) AS hemoglobin__72h__n,
    `hemoglobin`.last_value__7d AS hemoglobin__7d__last,
    TIMESTAMP_MICROS(`hemoglobin`.last_key__7d['time']) AS hemoglobin__7d__last_at,
    CASE CAST(`hemoglobin`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS hemoglobin__7d__last_censoring,
    `hemoglobin`.min_value__7d AS hemoglobin__7d__min,
    TIMESTAMP_MICROS(-`hemoglobin`.min_key__7d['time']) AS hemoglobin__7d__min_at,
    CASE CAST(`hemoglobin`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS hemoglobin__7d__min_censoring,
    `hemoglobin`.max_value__7d AS hemoglobin__7d__max,
    TIMESTAMP_MICROS(`hemoglobin`.max_key__7d['time']) AS hemoglobin__7d__max_at,
    CASE CAST(`hemoglobin`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS hemoglobin__7d__max_censoring,
    `hemoglobin`.open_above__7d AS hemoglobin__7d__open_above,
    `hemoglobin`.open_below__7d AS hemoglobin__7d__open_below,
    COALESCE(`hemoglobin`.n__7d, 0) AS hemoglobin__7d__n,
    `ast`.last_value__24h AS ast__24h__last,
    TIMESTAMP_MICROS(`ast`.last_key__24h['time']) AS ast__24h__last_at,
    CASE CAST(`ast`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ast__24h__last_censoring,
    `ast`.min_value__24h AS ast__24h__min,
    TIMESTAMP_MICROS(-`ast`.min_key__24h['time']) AS ast__24h__min_at,
    CASE CAST(`ast`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ast__24h__min_censoring,
    `ast`.max_value__24h AS ast__24h__max,
    TIMESTAMP_MICROS(`ast`.max_key__24h['time']) AS ast__24h__max_at,
    CASE CAST(`ast`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ast__24h__max_censoring,
    `ast`.open_above__24h AS ast__24h__open_above,
    `ast`.open_below__24h AS ast__24h__open_below,
    COALESCE(`ast`.n__24h, 0) AS ast__24h__n,
    `ast`.last_value__72h AS ast__72h__last,
    TIMESTAMP_MICROS(`ast`.last_key__72h['time']) AS ast__72h__last_at,
    CASE CAST(`ast`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ast__72h__last_censoring,
    `ast`.min_value__72h AS ast__72h__min,
    TIMESTAMP_MICROS(-`ast`.min_key__72h['time']) AS ast__72h__min_at,
    CASE CAST(`ast`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ast__72h__min_censoring,
    `ast`.max_value__72h AS ast__72h__max,
    TIMESTAMP_MICROS(`ast`.max_key__72h['time']) AS ast__72h__max_at,
    CASE CAST(`ast`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ast__72h__max_censoring,
    `ast`.open_above__72h AS ast__72h__open_above,
    `ast`.open_below__72h AS ast__72h__open_below,
    COALESCE(`ast`.n__72h, 0) AS ast__72h__n,
    `ast`.last_value__7d AS ast__7d__last,
    TIMESTAMP_MICROS(`ast`.last_key__7d['time']) AS ast__7d__last_at,
    CASE CAST(`ast`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ast__7d__last_censoring,
    `ast`.min_value__7d AS ast__7d__min,
    TIMESTAMP_MICROS(-`ast`.min_key__7d['time']) AS ast__7d__min_at,
    CASE CAST(`ast`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ast__7d__min_censoring,
    `ast`.max_value__7d AS ast__7d__max,
    TIMESTAMP_MICROS(`ast`.max_key__7d['time']) AS ast__7d__max_at,
    CASE CAST(`ast`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ast__7d__max_censoring,
    `ast`.open_above__7d AS ast__7d__open_above,
    `ast`.open_below__7d AS ast__7d__open_below,
    COALESCE(`ast`.n__7d, 0) AS ast__7d__n,
    `alt`.last_value__24h AS alt__24h__last,
    TIMESTAMP_MICROS(`alt`.last_key__24h['time']) AS alt__24h__last_at,
    CASE CAST(`alt`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS alt__24h__last_censoring,
    `alt`.min_value__24h AS alt__24h__min,
    TIMESTAMP_MICROS(-`alt`.min_key__24h['time']) AS alt__24h__min_at,
    CASE CAST(`alt`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS alt__24h__min_censoring,
    `alt`.max_value__24h AS alt__24h__max,
    TIMESTAMP_MICROS(`alt`.max_key__24h['time']) AS alt__24h__max_at,
    CASE CAST(`alt`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS alt__24h__max_censoring,
    `alt`.open_above__24h AS alt__24h__open_above,
    `alt`.open_below__24h AS alt__24h__open_below,
    COALESCE(`alt`.n__24h, 0) AS alt__24h__n,
    `alt`.last_value__72h AS alt__72h__last,
    TIMESTAMP_MICROS(`alt`.last_key__72h['time']) AS alt__72h__last_at,
    CASE CAST(`alt`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS alt__72h__last_censoring,
    `alt`.min_value__72h AS alt__72h__min,
    TIMESTAMP_MICROS(-`alt`.min_key__72h['time']) AS alt__72h__min_at,
    CASE CAST(`alt`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS alt__72h__min_censoring,
    `alt`.max_value__72h AS alt__72h__max,
    TIMESTAMP_MICROS(`alt`.max_key__72h['time']) AS alt__72h__max_at,
    CASE CAST(`alt`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS alt__72h__max_censoring,
    `alt`.open_above__72h AS alt__72h__open_above,
    `alt`.open_below__72h AS alt__72h__open_below,
    COALESCE(`alt`.n__72h, 0) AS alt__72h__n,
    `alt`.last_value__7d AS alt__7d__last,
    TIMESTAMP_MICROS(`alt`.last_key__7d['time']) AS alt__7d__last_at,
    CASE CAST(`alt`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS alt__7d__last_censoring,
    `alt`.min_value__7d AS alt__7d__min,
    TIMESTAMP_MICROS(-`alt`.min_key__7d['time']) AS alt__7d__min_at,
    CASE CAST(`alt`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS alt__7d__min_censoring,
    `alt`.max_value__7d AS alt__7d__max,
    TIMESTAMP_MICROS(`alt`.max_key__7d['time']) AS alt__7d__max_at,
    CASE CAST(`alt`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS alt__7d__max_censoring,
    `alt`.open_above__7d AS alt__7d__open_above,
    `alt`.open_below__7d AS alt__7d__open_below,
    COALESCE(`alt`.n__7d, 0) AS alt__7d__n,
    `ldh`.last_value__24h AS ldh__24h__last,
    TIMESTAMP_MICROS(`ldh`.last_key__24h['time']) AS ldh__24h__last_at,
    CASE CAST(`ldh`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ldh__24h__last_censoring,
    `ldh`.min_value__24h AS ldh__24h__min,
    TIMESTAMP_MICROS(-`ldh`.min_key__24h['time']) AS ldh__24h__min_at,
    CASE CAST(`ldh`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ldh__24h__min_censoring,
    `ldh`.max_value__24h AS ldh__24h__max,
    TIMESTAMP_MICROS(`ldh`.max_key__24h['time']) AS ldh__24h__max_at,
    CASE CAST(`ldh`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ldh__24h__max_censoring,
    `ldh`.open_above__24h AS ldh__24h__open_above,
    `ldh`.open_below__24h AS ldh__24h__open_below,
    COALESCE(`ldh`.n__24h, 0) AS ldh__24h__n,
    `ldh`.last_value__72h AS ldh__72h__last,
    TIMESTAMP_MICROS(`ldh`.last_key__72h['time']) AS ldh__72h__last_at,
    CASE CAST(`ldh`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ldh__72h__last_censoring,
    `ldh`.min_value__72h AS ldh__72h__min,
    TIMESTAMP_MICROS(-`ldh`.min_key__72h['time']) AS ldh__72h__min_at,
    CASE CAST(`ldh`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ldh__72h__min_censoring,
    `ldh`.max_value__72h AS ldh__72h__max,
    TIMESTAMP_MICROS(`ldh`.max_key__72h['time']) AS ldh__72h__max_at,
    CASE CAST(`ldh`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ldh__72h__max_censoring,
    `ldh`.open_above__72h AS ldh__72h__open_above,
    `ldh`.open_below__72h AS ldh__72h__open_below,
    COALESCE(`ldh`.n__72h, 0) AS ldh__72h__n,
    `ldh`.last_value__7d AS ldh__7d__last,
    TIMESTAMP_MICROS(`ldh`.last_key__7d['time']) AS ldh__7d__last_at,
    CASE CAST(`ldh`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ldh__7d__last_censoring,
    `ldh`.min_value__7d AS ldh__7d__min,
    TIMESTAMP_MICROS(-`ldh`.min_key__7d['time']) AS ldh__7d__min_at,
    CASE CAST(`ldh`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ldh__7d__min_censoring,
    `ldh`.max_value__7d AS ldh__7d__max,
    TIMESTAMP_MICROS(`ldh`.max_key__7d['time']) AS ldh__7d__max_at,
    CASE CAST(`ldh`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ldh__7d__max_censoring,
    `ldh`.open_above__7d AS ldh__7d__open_above,
    `ldh`.open_below__7d AS ldh__7d__open_below,
    COALESCE(`ldh`.n__7d, 0) AS ldh__7d__n,
    `triglycerides`.last_value__24h AS triglycerides__24h__last,
    TIMESTAMP_MICROS(`triglycerides`.last_key__24h['time']) AS triglycerides__24h__last_at,
    CASE CAST(`triglycerides`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS triglycerides__24h__last_censoring,
    `triglycerides`.min_value__24h AS triglycerides__24h__min,
    TIMESTAMP_MICROS(-`triglycerides`.min_key__24h['time']) AS triglycerides__24h__min_at,
    CASE CAST(`triglycerides`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS triglycerides__24h__min_censoring,
    `triglycerides`.max_value__24h AS triglycerides__24h__max,
    TIMESTAMP_MICROS(`triglycerides`.max_key__24h['time']) AS triglycerides__24h__max_at,
    CASE CAST(`triglycerides`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS triglycerides__24h__max_censoring,
    `triglycerides`.open_above__24h AS triglycerides__24h__open_above,
    `triglycerides`.open_below__24h AS triglycerides__24h__open_below,
    COALESCE(`triglycerides`.n__24h, 0) AS triglycerides__24h__n,
    `triglycerides`.last_value__72h AS triglycerides__72h__last,
    TIMESTAMP_MICROS(`triglycerides`.last_key__72h['time']) AS triglycerides__72h__last_at,
    CASE CAST(`triglycerides`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS triglycerides__72h__last_censoring,
    `triglycerides`.min_value__72h AS triglycerides__72h__min,
    TIMESTAMP_MICROS(-`triglycerides`.min_key__72h['time']) AS triglycerides__72h__min_at,
    CASE CAST(`triglycerides`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS triglycerides__72h__min_censoring,
    `triglycerides`.max_value__72h AS triglycerides__72h__max,
    TIMESTAMP_MICROS(`triglycerides`.max_key__72h['time']) AS triglycerides__72h__max_at,
    CASE CAST(`triglycerides`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS triglycerides__72h__max_censoring,
    `triglycerides`.open_above__72h AS triglycerides__72h__open_above,
    `triglycerides`.open_below__72h AS triglycerides__72h__open_below,
    COALESCE(`triglycerides`.n__72h, 0) AS triglycerides__72h__n,
    `triglycerides`.last_value__7d AS triglycerides__7d__last,
    TIMESTAMP_MICROS(`triglycerides`.last_key__7d['time']) AS triglycerides__7d__last_at,
    CASE CAST(`triglycerides`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS triglycerides__7d__last_censoring,
    `triglycerides`.min_value__7d AS triglycerides__7d__min,
    TIMESTAMP_MICROS(-`triglycerides`.min_key__7d['time']) AS triglycerides__7d__min_at,
    CASE CAST(`triglycerides`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS triglycerides__7d__min_censoring,
    `triglycerides`.max_value__7d AS triglycerides__7d__max,
    TIMESTAMP_MICROS(`triglycerides`.max_key__7d['time']) AS triglycerides__7d__max_at,
    CASE CAST(`triglycerides`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS triglycerides__7d__max_censoring,
    `triglycerides`.open_above__7d AS triglycerides__7d__open_above,
    `triglycerides`.open_below__7d AS triglycerides__7d__open_below,
    COALESCE(`triglycerides`.n__7d, 0) AS triglycerides__7d__n,
    `fibrinogen`.last_value__24h AS fibrinogen__24h__last,
    TIMESTAMP_MICROS(`fibrinogen`.last_key__24h['time']) AS fibrinogen__24h__last_at,
    CASE CAST(`fibrinogen`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS fibrinogen__24h__last_censoring,
    `fibrinogen`.min_value__24h AS fibrinogen__24h__min,
    TIMESTAMP_MICROS(-`fibrinogen`.min_key__24h['time']) AS fibrinogen__24h__min_at,
    CASE CAST(`fibrinogen`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS fibrinogen__24h__min_censoring,
    `fibrinogen`.max_value__24h AS fibrinogen__24h__max,
    TIMESTAMP_MICROS(`fibrinogen`.max_key__24h['time']) AS fibrinogen__24h__max_at,
    CASE CAST(`fibrinogen`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS fibrinogen__24h__max_censoring,
    `fibrinogen`.open_above__24h AS fibrinogen__24h__open_above,
    `fibrinogen`.open_below__24h AS fibrinogen__24h__open_below,
    COALESCE(`fibrinogen`.n__24h, 0) AS fibrinogen__24h__n,
    `fibrinogen`.last_value__72h AS fibrinogen__72h__last,
    TIMESTAMP_MICROS(`fibrinogen`.last_key__72h['time']) AS fibrinogen__72h__last_at,
    CASE CAST(`fibrinogen`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS fibrinogen__72h__last_censoring,
    `fibrinogen`.min_value__72h AS fibrinogen__72h__min,
    TIMESTAMP_MICROS(-`fibrinogen`.min_key__72h['time']) AS fibrinogen__72h__min_at,
    CASE CAST(`fibrinogen`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS fibrinogen__72h__min_censoring,
    `fibrinogen`.max_value__72h AS fibrinogen__72h__max,
    TIMESTAMP_MICROS(`fibrinogen`.max_key__72h['time']) AS fibrinogen__72h__max_at,
    CASE CAST(`fibrinogen`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS fibrinogen__72h__max_censoring,
    `fibrinogen`.open_above__72h AS fibrinogen__72h__open_above,
    `fibrinogen`.open_below__72h AS fibrinogen__72h__open_below,
    COALESCE(`fibrinogen`.n__72h, 0) AS fibrinogen__72h__n,
    `fibrinogen`.last_value__7d AS fibrinogen__7d__last,
    TIMESTAMP_MICROS(`fibrinogen`.last_key__7d['time']) AS fibrinogen__7d__last_at,
    CASE CAST(`fibrinogen`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS fibrinogen__7d__last_censoring,
    `fibrinogen`.min_value__7d AS fibrinogen__7d__min,
    TIMESTAMP_MICROS(-`fibrinogen`.min_key__7d['time']) AS fibrinogen__7d__min_at,
    CASE CAST(`fibrinogen`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS fibrinogen__7d__min_censoring,
    `fibrinogen`.max_value__7d AS fibrinogen__7d__max,
    TIMESTAMP_MICROS(`fibrinogen`.max_key__7d['time']) AS fibrinogen__7d__max_at,
    CASE CAST(`fibrinogen`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS fibrinogen__7d__max_censoring,
    `fibrinogen`.open_above__7d AS fibrinogen__7d__open_above,
    `fibrinogen`.open_below__7d AS fibrinogen__7d__open_below,
    COALESCE(`fibrinogen`.n__7d, 0) AS fibrinogen__7d__n,
    `ddimer`.last_value__24h AS ddimer__24h__last,
    TIMESTAMP_MICROS(`ddimer`.last_key__24h['time']) AS ddimer__24h__last_at,
    CASE CAST(`ddimer`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ddimer__24h__last_censoring,
    `ddimer`.min_value__24h AS ddimer__24h__min,
    TIMESTAMP_MICROS(-`ddimer`.min_key__24h['time']) AS ddimer__24h__min_at,
    CASE CAST(`ddimer`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ddimer__24h__min_censoring,
    `ddimer`.max_value__24h AS ddimer__24h__max,
    TIMESTAMP_MICROS(`ddimer`.max_key__24h['time']) AS ddimer__24h__max_at,
    CASE CAST(`ddimer`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ddimer__24h__max_censoring,
    `ddimer`.open_above__24h AS ddimer__24h__open_above,
    `ddimer`.open_below__24h AS ddimer__24h__open_below,
    COALESCE(`ddimer`.n__24h, 0) AS ddimer__24h__n,
    `ddimer`.last_value__72h AS ddimer__72h__last,
    TIMESTAMP_MICROS(`ddimer`.last_key__72h['time']) AS ddimer__72h__last_at,
    CASE CAST(`ddimer`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ddimer__72h__last_censoring,
    `ddimer`.min_value__72h AS ddimer__72h__min,
    TIMESTAMP_MICROS(-`ddimer`.min_key__72h['time']) AS ddimer__72h__min_at,
    CASE CAST(`ddimer`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ddimer__72h__min_censoring,
    `ddimer`.max_value__72h AS ddimer__72h__max,
    TIMESTAMP_MICROS(`ddimer`.max_key__72h['time']) AS ddimer__72h__max_at,
    CASE CAST(`ddimer`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ddimer__72h__max_censoring,
    `ddimer`.open_above__72h AS ddimer__72h__open_above,
    `ddimer`.open_below__72h AS ddimer__72h__open_below,
    COALESCE(`ddimer`.n__72h, 0) AS ddimer__72h__n,
    `ddimer`.last_value__7d AS ddimer__7d__last,
    TIMESTAMP_MICROS(`ddimer`.last_key__7d['time']) AS ddimer__7d__last_at,
    CASE CAST(`ddimer`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ddimer__7d__last_censoring,
    `ddimer`.min_value__7d AS ddimer__7d__min,
    TIMESTAMP_MICROS(-`ddimer`.min_key__7d['time']) AS ddimer__7d__min_at,
    CASE CAST(`ddimer`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ddimer__7d__min_censoring,
    `ddimer`.max_value__7d AS ddimer__7d__max,
    TIMESTAMP_MICROS(`ddimer`.max_key__7d['time']) AS ddimer__7d__max_at,
    CASE CAST(`ddimer`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS ddimer__7d__max_censoring,
    `ddimer`.open_above__7d AS ddimer__7d__open_above,
    `ddimer`.open_below__7d AS ddimer__7d__open_below,
    COALESCE(`ddimer`.n__7d, 0) AS ddimer__7d__n,
    `crp`.last_value__24h AS crp__24h__last,
    TIMESTAMP_MICROS(`crp`.last_key__24h['time']) AS crp__24h__last_at,
    CASE CAST(`crp`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS crp__24h__last_censoring,
    `crp`.min_value__24h AS crp__24h__min,
    TIMESTAMP_MICROS(-`crp`.min_key__24h['time']) AS crp__24h__min_at,
    CASE CAST(`crp`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS crp__24h__min_censoring,
    `crp`.max_value__24h AS crp__24h__max,
    TIMESTAMP_MICROS(`crp`.max_key__24h['time']) AS crp__24h__max_at,
    CASE CAST(`crp`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS crp__24h__max_censoring,
    `crp`.open_above__24h AS crp__24h__open_above,
    `crp`.open_below__24h AS crp__24h__open_below,
    COALESCE(`crp`.n__24h, 0) AS crp__24h__n,
    `crp`.last_value__72h AS crp__72h__last,
    TIMESTAMP_MICROS(`crp`.last_key__72h['time']) AS crp__72h__last_at,
    CASE CAST(`crp`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS crp__72h__last_censoring,
    `crp`.min_value__72h AS crp__72h__min,
    TIMESTAMP_MICROS(-`crp`.min_key__72h['time']) AS crp__72h__min_at,
    CASE CAST(`crp`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS crp__72h__min_censoring,
    `crp`.max_value__72h AS crp__72h__max,
    TIMESTAMP_MICROS(`crp`.max_key__72h['time']) AS crp__72h__max_at,
    CASE CAST(`crp`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS crp__72h__max_censoring,
    `crp`.open_above__72h AS crp__72h__open_above,
    `crp`.open_below__72h AS crp__72h__open_below,
    COALESCE(`crp`.n__72h, 0) AS crp__72h__n,
    `crp`.last_value__7d AS crp__7d__last,
    TIMESTAMP_MICROS(`crp`.last_key__7d['time']) AS crp__7d__last_at,
    CASE CAST(`crp`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS crp__7d__last_censoring,
    `crp`.min_value__7d AS crp__7d__min,
    TIMESTAMP_MICROS(-`crp`.min_key__7d['time']) AS crp__7d__min_at,
    CASE CAST(`crp`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS crp__7d__min_censoring,
    `crp`.max_value__7d AS crp__7d__max,
    TIMESTAMP_MICROS(`crp`.max_key__7d['time']) AS crp__7d__max_at,
    CASE CAST(`crp`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS crp__7d__max_censoring,
    `crp`.open_above__7d AS crp__7d__open_above,
    `crp`.open_below__7d AS crp__7d__open_below,
    COALESCE(`crp`.n__7d, 0) AS crp__7d__n,
    `esr`.last_value__24h AS esr__24h__last,
    TIMESTAMP_MICROS(`esr`.last_key__24h['time']) AS esr__24h__last_at,
    CASE CAST(`esr`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS esr__24h__last_censoring,
    `esr`.min_value__24h AS esr__24h__min,
    TIMESTAMP_MICROS(-`esr`.min_key__24h['time']) AS esr__24h__min_at,
    CASE CAST(`esr`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS esr__24h__min_censoring,
    `esr`.max_value__24h AS esr__24h__max,
    TIMESTAMP_MICROS(`esr`.max_key__24h['time']) AS esr__24h__max_at,
    CASE CAST(`esr`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS esr__24h__max_censoring,
    `esr`.open_above__24h AS esr__24h__open_above,
    `esr`.open_below__24h AS esr__24h__open_below,
    COALESCE(`esr`.n__24h, 0) AS esr__24h__n,
    `esr`.last_value__72h AS esr__72h__last,
    TIMESTAMP_MICROS(`esr`.last_key__72h['time']) AS esr__72h__last_at,
    CASE CAST(`esr`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS esr__72h__last_censoring,
    `esr`.min_value__72h AS esr__72h__min,
    TIMESTAMP_MICROS(-`esr`.min_key__72h['time']) AS esr__72h__min_at,
    CASE CAST(`esr`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS esr__72h__min_censoring,
    `esr`.max_value__72h AS esr__72h__max,
    TIMESTAMP_MICROS(`esr`.max_key__72h['time']) AS esr__72h__max_at,
    CASE CAST(`esr`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS esr__72h__max_censoring,
    `esr`.open_above__72h AS esr__72h__open_above,
    `esr`.open_below__72h AS esr__72h__open_below,
    COALESCE(`esr`.n__72h, 0) AS esr__72h__n,
    `esr`.last_value__7d AS esr__7d__last,
    TIMESTAMP_MICROS(`esr`.last_key__7d['time']) AS esr__7d__last_at,
    CASE CAST(`esr`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS esr__7d__last_censoring,
    `esr`.min_value__7d AS esr__7d__min,
    TIMESTAMP_MICROS(-`esr`.min_key__7d['time']) AS esr__7d__min_at,
    CASE CAST(`esr`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS esr__7d__min_censoring,
    `esr`.max_value__7d AS esr__7d__max,
    TIMESTAMP_MICROS(`esr`.max_key__7d['time']) AS esr__7d__max_at,
    CASE CAST(`esr`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS esr__7d__max_censoring,
    `esr`.open_above__7d AS esr__7d__open_above,
    `esr`.open_below__7d AS esr__7d__open_below,
    COALESCE(`esr`.n__7d, 0) AS esr__7d__n,
    `scd25_u`.last_value__24h AS scd25_u__24h__last,
    TIMESTAMP_MICROS(`scd25_u`.last_key__24h['time']) AS scd25_u__24h__last_at,
    CASE CAST(`scd25_u`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_u__24h__last_censoring,
    `scd25_u`.min_value__24h AS scd25_u__24h__min,
    TIMESTAMP_MICROS(-`scd25_u`.min_key__24h['time']) AS scd25_u__24h__min_at,
    CASE CAST(`scd25_u`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_u__24h__min_censoring,
    `scd25_u`.max_value__24h AS scd25_u__24h__max,
    TIMESTAMP_MICROS(`scd25_u`.max_key__24h['time']) AS scd25_u__24h__max_at,
    CASE CAST(`scd25_u`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_u__24h__max_censoring,
    `scd25_u`.open_above__24h AS scd25_u__24h__open_above,
    `scd25_u`.open_below__24h AS scd25_u__24h__open_below,
    COALESCE(`scd25_u`.n__24h, 0) AS scd25_u__24h__n,
    `scd25_u`.last_value__72h AS scd25_u__72h__last,
    TIMESTAMP_MICROS(`scd25_u`.last_key__72h['time']) AS scd25_u__72h__last_at,
    CASE CAST(`scd25_u`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_u__72h__last_censoring,
    `scd25_u`.min_value__72h AS scd25_u__72h__min,
    TIMESTAMP_MICROS(-`scd25_u`.min_key__72h['time']) AS scd25_u__72h__min_at,
    CASE CAST(`scd25_u`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_u__72h__min_censoring,
    `scd25_u`.max_value__72h AS scd25_u__72h__max,
    TIMESTAMP_MICROS(`scd25_u`.max_key__72h['time']) AS scd25_u__72h__max_at,
    CASE CAST(`scd25_u`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_u__72h__max_censoring,
    `scd25_u`.open_above__72h AS scd25_u__72h__open_above,
    `scd25_u`.open_below__72h AS scd25_u__72h__open_below,
    COALESCE(`scd25_u`.n__72h, 0) AS scd25_u__72h__n,
    `scd25_u`.last_value__7d AS scd25_u__7d__last,
    TIMESTAMP_MICROS(`scd25_u`.last_key__7d['time']) AS scd25_u__7d__last_at,
    CASE CAST(`scd25_u`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_u__7d__last_censoring,
    `scd25_u`.min_value__7d AS scd25_u__7d__min,
    TIMESTAMP_MICROS(-`scd25_u`.min_key__7d['time']) AS scd25_u__7d__min_at,
    CASE CAST(`scd25_u`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_u__7d__min_censoring,
    `scd25_u`.max_value__7d AS scd25_u__7d__max,
    TIMESTAMP_MICROS(`scd25_u`.max_key__7d['time']) AS scd25_u__7d__max_at,
    CASE CAST(`scd25_u`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_u__7d__max_censoring,
    `scd25_u`.open_above__7d AS scd25_u__7d__open_above,
    `scd25_u`.open_below__7d AS scd25_u__7d__open_below,
    COALESCE(`scd25_u`.n__7d, 0) AS scd25_u__7d__n,
    `scd25_pg`.last_value__24h AS scd25_pg__24h__last,
    TIMESTAMP_MICROS(`scd25_pg`.last_key__24h['time']) AS scd25_pg__24h__last_at,
    CASE CAST(`scd25_pg`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_pg__24h__last_censoring,
    `scd25_pg`.min_value__24h AS scd25_pg__24h__min,
    TIMESTAMP_MICROS(-`scd25_pg`.min_key__24h['time']) AS scd25_pg__24h__min_at,
    CASE CAST(`scd25_pg`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_pg__24h__min_censoring,
    `scd25_pg`.max_value__24h AS scd25_pg__24h__max,
    TIMESTAMP_MICROS(`scd25_pg`.max_key__24h['time']) AS scd25_pg__24h__max_at,
    CASE CAST(`scd25_pg`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_pg__24h__max_censoring,
    `scd25_pg`.open_above__24h AS scd25_pg__24h__open_above,
    `scd25_pg`.open_below__24h AS scd25_pg__24h__open_below,
    COALESCE(`scd25_pg`.n__24h, 0) AS scd25_pg__24h__n,
    `scd25_pg`.last_value__72h AS scd25_pg__72h__last,
    TIMESTAMP_MICROS(`scd25_pg`.last_key__72h['time']) AS scd25_pg__72h__last_at,
    CASE CAST(`scd25_pg`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_pg__72h__last_censoring,
    `scd25_pg`.min_value__72h AS scd25_pg__72h__min,
    TIMESTAMP_MICROS(-`scd25_pg`.min_key__72h['time']) AS scd25_pg__72h__min_at,
    CASE CAST(`scd25_pg`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_pg__72h__min_censoring,
    `scd25_pg`.max_value__72h AS scd25_pg__72h__max,
    TIMESTAMP_MICROS(`scd25_pg`.max_key__72h['time']) AS scd25_pg__72h__max_at,
    CASE CAST(`scd25_pg`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_pg__72h__max_censoring,
    `scd25_pg`.open_above__72h AS scd25_pg__72h__open_above,
    `scd25_pg`.open_below__72h AS scd25_pg__72h__open_below,
    COALESCE(`scd25_pg`.n__72h, 0) AS scd25_pg__72h__n,
    `scd25_pg`.last_value__7d AS scd25_pg__7d__last,
    TIMESTAMP_MICROS(`scd25_pg`.last_key__7d['time']) AS scd25_pg__7d__last_at,
    CASE CAST(`scd25_pg`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_pg__7d__last_censoring,
    `scd25_pg`.min_value__7d AS scd25_pg__7d__min,
    TIMESTAMP_MICROS(-`scd25_pg`.min_key__7d['time']) AS scd25_pg__7d__min_at,
    CASE CAST(`scd25_pg`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_pg__7d__min_censoring,
    `scd25_pg`.max_value__7d AS scd25_pg__7d__max,
    TIMESTAMP_MICROS(`scd25_pg`.max_key__7d['time']) AS scd25_pg__7d__max_at,
    CASE CAST(`scd25_pg`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS scd25_pg__7d__max_censoring,
    `scd25_pg`.open_above__7d AS scd25_pg__7d__open_above,
    `scd25_pg`.open_below__7d AS scd25_pg__7d__open_below,
    COALESCE(`scd25_pg`.n__7d, 0) AS scd25_pg__7d__n,
    `temperature`.last_value__24h AS temperature__24h__last,
    TIMESTAMP_MICROS(`temperature`.last_key__24h['time']) AS temperature__24h__last_at,
    CASE CAST(`temperature`.last_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS temperature__24h__last_censoring,
    `temperature`.min_value__24h AS temperature__24h__min,
    TIMESTAMP_MICROS(-`temperature`.min_key__24h['time']) AS temperature__24h__min_at,
    CASE CAST(`temperature`.min_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS temperature__24h__min_censoring,
    `temperature`.max_value__24h AS temperature__24h__max,
    TIMESTAMP_MICROS(`temperature`.max_key__24h['time']) AS temperature__24h__max_at,
    CASE CAST(`temperature`.max_key__24h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS temperature__24h__max_censoring,
    `temperature`.open_above__24h AS temperature__24h__open_above,
    `temperature`.open_below__24h AS temperature__24h__open_below,
    COALESCE(`temperature`.n__24h, 0) AS temperature__24h__n,
    `temperature`.last_value__72h AS temperature__72h__last,
    TIMESTAMP_MICROS(`temperature`.last_key__72h['time']) AS temperature__72h__last_at,
    CASE CAST(`temperature`.last_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS temperature__72h__last_censoring,
    `temperature`.min_value__72h AS temperature__72h__min,
    TIMESTAMP_MICROS(-`temperature`.min_key__72h['time']) AS temperature__72h__min_at,
    CASE CAST(`temperature`.min_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS temperature__72h__min_censoring,
    `temperature`.max_value__72h AS temperature__72h__max,
    TIMESTAMP_MICROS(`temperature`.max_key__72h['time']) AS temperature__72h__max_at,
    CASE CAST(`temperature`.max_key__72h['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS temperature__72h__max_censoring,
    `temperature`.open_above__72h AS temperature__72h__open_above,
    `temperature`.open_below__72h AS temperature__72h__open_below,
    COALESCE(`temperature`.n__72h, 0) AS temperature__72h__n,
    `temperature`.last_value__7d AS temperature__7d__last,
    TIMESTAMP_MICROS(`temperature`.last_key__7d['time']) AS temperature__7d__last_at,
    CASE CAST(`temperature`.last_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS temperature__7d__last_censoring,
    `temperature`.min_value__7d AS temperature__7d__min,
    TIMESTAMP_MICROS(-`temperature`.min_key__7d['time']) AS temperature__7d__min_at,
    CASE CAST(`temperature`.min_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS temperature__7d__min_censoring,
    `temperature`.max_value__7d AS temperature__7d__max,
    TIMESTAMP_MICROS(`temperature`.max_key__7d['time']) AS temperature__7d__max_at,
    CASE CAST(`temperature`.max_key__7d['censoring'] AS INT)
      WHEN 0
      THEN '<'
      WHEN 1
      THEN '<='
      WHEN 3
      THEN '>='
      WHEN 4
      THEN '>'
    END AS temperature__7d__max_censoring,
    `temperature`.open_above__7d AS temperature__7d__open_above,
    `temperature`.open_below__7d AS temperature__7d__open_below,
    COALESCE(`temperature`.n__7d, 0) AS temperature__7d__n
  FROM patient_days
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'ferritin'
  ) AS `ferritin`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'platelets'
  ) AS `platelets`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'wbc'
  ) AS `wbc`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'anc'
  ) AS `anc`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'hemoglobin'
  ) AS `hemoglobin`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'ast'
  ) AS `ast`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'alt'
  ) AS `alt`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'ldh'
  ) AS `ldh`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'triglycerides'
  ) AS `triglycerides`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'fibrinogen'
  ) AS `fibrinogen`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'ddimer'
  ) AS `ddimer`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'crp'
  ) AS `crp`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'esr'
  ) AS `esr`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'scd25_u'
  ) AS `scd25_u`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'scd25_pg'
  ) AS `scd25_pg`
    USING (patient_id, as_of_date)
  LEFT JOIN (
    SELECT
      *
    FROM per_analyte
    WHERE
      analyte = 'temperature'
  ) AS `temperature`
    USING (patient_id, as_of_date)
)
SELECT
  *,
  ferritin__72h__last / NULLIF(ferritin__7d__min, 0) AS ferritin__trend__fold_rise,
  100 * (
    platelets__7d__max - platelets__72h__last
  ) / NULLIF(platelets__7d__max, 0) AS platelets__trend__pct_drop,
  100 * (
    fibrinogen__7d__max - fibrinogen__72h__last
  ) / NULLIF(fibrinogen__7d__max, 0) AS fibrinogen__trend__pct_drop,
  ast__72h__last / NULLIF(ast__7d__min, 0) AS ast__trend__fold_rise,
  ldh__72h__last / NULLIF(ldh__7d__min, 0) AS ldh__trend__fold_rise,
  100 * (
    esr__7d__max - esr__72h__last
  ) / NULLIF(esr__7d__max, 0) AS esr__trend__pct_drop
FROM aggregated
