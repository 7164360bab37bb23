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
), by_patient_day AS (
  SELECT
    patient_id,
    as_of_date,
    MAP_FROM_ENTRIES(
      COLLECT_LIST(
        STRUCT(
          analyte,
          STRUCT(
            STRUCT(
              last_value__24h AS last,
              TIMESTAMP_MICROS(last_key__24h['time']) AS last_at,
              CASE CAST(last_key__24h['censoring'] AS INT)
                WHEN 0
                THEN '<'
                WHEN 1
                THEN '<='
                WHEN 3
                THEN '>='
                WHEN 4
                THEN '>'
              END AS last_censoring,
              min_value__24h AS min,
              TIMESTAMP_MICROS(-min_key__24h['time']) AS min_at,
              CASE CAST(min_key__24h['censoring'] AS INT)
                WHEN 0
                THEN '<'
                WHEN 1
                THEN '<='
                WHEN 3
                THEN '>='
                WHEN 4
                THEN '>'
              END AS min_censoring,
              max_value__24h AS max,
              TIMESTAMP_MICROS(max_key__24h['time']) AS max_at,
              CASE CAST(max_key__24h['censoring'] AS INT)
                WHEN 0
                THEN '<'
                WHEN 1
                THEN '<='
                WHEN 3
                THEN '>='
                WHEN 4
                THEN '>'
              END AS max_censoring,
              open_above__24h AS open_above,
              open_below__24h AS open_below,
              n__24h AS n
            ) AS `24h`,
            STRUCT(
              last_value__72h AS last,
              TIMESTAMP_MICROS(last_key__72h['time']) AS last_at,
              CASE CAST(last_key__72h['censoring'] AS INT)
                WHEN 0
                THEN '<'
                WHEN 1
                THEN '<='
                WHEN 3
                THEN '>='
                WHEN 4
                THEN '>'
              END AS last_censoring,
              min_value__72h AS min,
              TIMESTAMP_MICROS(-min_key__72h['time']) AS min_at,
              CASE CAST(min_key__72h['censoring'] AS INT)
                WHEN 0
                THEN '<'
                WHEN 1
                THEN '<='
                WHEN 3
                THEN '>='
                WHEN 4
                THEN '>'
              END AS min_censoring,
              max_value__72h AS max,
              TIMESTAMP_MICROS(max_key__72h['time']) AS max_at,
              CASE CAST(max_key__72h['censoring'] AS INT)
                WHEN 0
                THEN '<'
                WHEN 1
                THEN '<='
                WHEN 3
                THEN '>='
                WHEN 4
                THEN '>'
              END AS max_censoring,
              open_above__72h AS open_above,
              open_below__72h AS open_below,
              n__72h AS n
            ) AS `72h`,
            STRUCT(
              last_value__7d AS last,
              TIMESTAMP_MICROS(last_key__7d['time']) AS last_at,
              CASE CAST(last_key__7d['censoring'] AS INT)
                WHEN 0
                THEN '<'
                WHEN 1
                THEN '<='
                WHEN 3
                THEN '>='
                WHEN 4
                THEN '>'
              END AS last_censoring,
              min_value__7d AS min,
              TIMESTAMP_MICROS(-min_key__7d['time']) AS min_at,
              CASE CAST(min_key__7d['censoring'] AS INT)
                WHEN 0
                THEN '<'
                WHEN 1
                THEN '<='
                WHEN 3
                THEN '>='
                WHEN 4
                THEN '>'
              END AS min_censoring,
              max_value__7d AS max,
              TIMESTAMP_MICROS(max_key__7d['time']) AS max_at,
              CASE CAST(max_key__7d['censoring'] AS INT)
                WHEN 0
                THEN '<'
                WHEN 1
                THEN '<='
                WHEN 3
                THEN '>='
                WHEN 4
                THEN '>'
              END AS max_censoring,
              open_above__7d AS open_above,
              open_below__7d AS open_below,
              n__7d AS n
            ) AS `7d`
          )
        )
      )
    ) AS by_analyte
  FROM per_analyte
  GROUP BY ALL
), summaries AS (
  SELECT
    patient_id,
    as_of_date,
    by_analyte['ferritin'] AS ferritin__summary,
    by_analyte['platelets'] AS platelets__summary,
    by_analyte['wbc'] AS wbc__summary,
    by_analyte['anc'] AS anc__summary,
    by_analyte['hemoglobin'] AS hemoglobin__summary,
    by_analyte['ast'] AS ast__summary,
    by_analyte['alt'] AS alt__summary,
    by_analyte['ldh'] AS ldh__summary,
    by_analyte['triglycerides'] AS triglycerides__summary,
    by_analyte['fibrinogen'] AS fibrinogen__summary,
    by_analyte['ddimer'] AS ddimer__summary,
    by_analyte['crp'] AS crp__summary,
    by_analyte['esr'] AS esr__summary,
    by_analyte['scd25_u'] AS scd25_u__summary,
    by_analyte['scd25_pg'] AS scd25_pg__summary,
    by_analyte['temperature'] AS temperature__summary
  FROM by_patient_day
), aggregated AS (
  SELECT
    patient_id,
    as_of_date,
    CAST(as_of_date + 1 AS TIMESTAMP) AS as_of_cutoff,
    ferritin__summary.`24h`.last AS ferritin__24h__last,
    ferritin__summary.`24h`.last_at AS ferritin__24h__last_at,
    ferritin__summary.`24h`.last_censoring AS ferritin__24h__last_censoring,
    ferritin__summary.`24h`.min AS ferritin__24h__min,
    ferritin__summary.`24h`.min_at AS ferritin__24h__min_at,
    ferritin__summary.`24h`.min_censoring AS ferritin__24h__min_censoring,
    ferritin__summary.`24h`.max AS ferritin__24h__max,
    ferritin__summary.`24h`.max_at AS ferritin__24h__max_at,
    ferritin__summary.`24h`.max_censoring AS ferritin__24h__max_censoring,
    ferritin__summary.`24h`.open_above AS ferritin__24h__open_above,
    ferritin__summary.`24h`.open_below AS ferritin__24h__open_below,
    COALESCE(ferritin__summary.`24h`.n, 0) AS ferritin__24h__n,
    ferritin__summary.`72h`.last AS ferritin__72h__last,
    ferritin__summary.`72h`.last_at AS ferritin__72h__last_at,
    ferritin__summary.`72h`.last_censoring AS ferritin__72h__last_censoring,
    ferritin__summary.`72h`.min AS ferritin__72h__min,
    ferritin__summary.`72h`.min_at AS ferritin__72h__min_at,
    ferritin__summary.`72h`.min_censoring AS ferritin__72h__min_censoring,
    ferritin__summary.`72h`.max AS ferritin__72h__max,
    ferritin__summary.`72h`.max_at AS ferritin__72h__max_at,
    ferritin__summary.`72h`.max_censoring AS ferritin__72h__max_censoring,
    ferritin__summary.`72h`.open_above AS ferritin__72h__open_above,
    ferritin__summary.`72h`.open_below AS ferritin__72h__open_below,
    COALESCE(ferritin__summary.`72h`.n, 0) AS ferritin__72h__n,
    ferritin__summary.`7d`.last AS ferritin__7d__last,
    ferritin__summary.`7d`.last_at AS ferritin__7d__last_at,
    ferritin__summary.`7d`.last_censoring AS ferritin__7d__last_censoring,
    ferritin__summary.`7d`.min AS ferritin__7d__min,
    ferritin__summary.`7d`.min_at AS ferritin__7d__min_at,
    ferritin__summary.`7d`.min_censoring AS ferritin__7d__min_censoring,
    ferritin__summary.`7d`.max AS ferritin__7d__max,
    ferritin__summary.`7d`.max_at AS ferritin__7d__max_at,
    ferritin__summary.`7d`.max_censoring AS ferritin__7d__max_censoring,
    ferritin__summary.`7d`.open_above AS ferritin__7d__open_above,
    ferritin__summary.`7d`.open_below AS ferritin__7d__open_below,
    COALESCE(ferritin__summary.`7d`.n, 0) AS ferritin__7d__n,
    platelets__summary.`24h`.last AS platelets__24h__last,
    platelets__summary.`24h`.last_at AS platelets__24h__last_at,
    platelets__summary.`24h`.last_censoring AS platelets__24h__last_censoring,
    platelets__summary.`24h`.min AS platelets__24h__min,
    platelets__summary.`24h`.min_at AS platelets__24h__min_at,
    platelets__summary.`24h`.min_censoring AS platelets__24h__min_censoring,
    platelets__summary.`24h`.max AS platelets__24h__max,
    platelets__summary.`24h`.max_at AS platelets__24h__max_at,
    platelets__summary.`24h`.max_censoring AS platelets__24h__max_censoring,
    platelets__summary.`24h`.open_above AS platelets__24h__open_above,
    platelets__summary.`24h`.open_below AS platelets__24h__open_below,
    COALESCE(platelets__summary.`24h`.n, 0) AS platelets__24h__n,
    platelets__summary.`72h`.last AS platelets__72h__last,
    platelets__summary.`72h`.last_at AS platelets__72h__last_at,
    platelets__summary.`72h`.last_censoring AS platelets__72h__last_censoring,
    platelets__summary.`72h`.min AS platelets__72h__min,
    platelets__summary.`72h`.min_at AS platelets__72h__min_at,
    platelets__summary.`72h`.min_censoring AS platelets__72h__min_censoring,
    platelets__summary.`72h`.max AS platelets__72h__max,
    platelets__summary.`72h`.max_at AS platelets__72h__max_at,
    platelets__summary.`72h`.max_censoring AS platelets__72h__max_censoring,
    platelets__summary.`72h`.open_above AS platelets__72h__open_above,
    platelets__summary.`72h`.open_below AS platelets__72h__open_below,
    COALESCE(platelets__summary.`72h`.n, 0) AS platelets__72h__n,
    platelets__summary.`7d`.last AS platelets__7d__last,
    platelets__summary.`7d`.last_at AS platelets__7d__last_at,
    platelets__summary.`7d`.last_censoring AS platelets__7d__last_censoring,
    platelets__summary.`7d`.min AS platelets__7d__min,
    platelets__summary.`7d`.min_at AS platelets__7d__min_at,
    platelets__summary.`7d`.min_censoring AS platelets__7d__min_censoring,
    platelets__summary.`7d`.max AS platelets__7d__max,
    platelets__summary.`7d`.max_at AS platelets__7d__max_at,
    platelets__summary.`7d`.max_censoring AS platelets__7d__max_censoring,
    platelets__summary.`7d`.open_above AS platelets__7d__open_above,
    platelets__summary.`7d`.open_below AS platelets__7d__open_below,
    COALESCE(platelets__summary.`7d`.n, 0) AS platelets__7d__n,
    wbc__summary.`24h`.last AS wbc__24h__last,
    wbc__summary.`24h`.last_at AS wbc__24h__last_at,
    wbc__summary.`24h`.last_censoring AS wbc__24h__last_censoring,
    wbc__summary.`24h`.min AS wbc__24h__min,
    wbc__summary.`24h`.min_at AS wbc__24h__min_at,
    wbc__summary.`24h`.min_censoring AS wbc__24h__min_censoring,
    wbc__summary.`24h`.max AS wbc__24h__max,
    wbc__summary.`24h`.max_at AS wbc__24h__max_at,
    wbc__summary.`24h`.max_censoring AS wbc__24h__max_censoring,
    wbc__summary.`24h`.open_above AS wbc__24h__open_above,
    wbc__summary.`24h`.open_below AS wbc__24h__open_below,
    COALESCE(wbc__summary.`24h`.n, 0) AS wbc__24h__n,
    wbc__summary.`72h`.last AS wbc__72h__last,
    wbc__summary.`72h`.last_at AS wbc__72h__last_at,
    wbc__summary.`72h`.last_censoring AS wbc__72h__last_censoring,
    wbc__summary.`72h`.min AS wbc__72h__min,
    wbc__summary.`72h`.min_at AS wbc__72h__min_at,
    wbc__summary.`72h`.min_censoring AS wbc__72h__min_censoring,
    wbc__summary.`72h`.max AS wbc__72h__max,
    wbc__summary.`72h`.max_at AS wbc__72h__max_at,
    wbc__summary.`72h`.max_censoring AS wbc__72h__max_censoring,
    wbc__summary.`72h`.open_above AS wbc__72h__open_above,
    wbc__summary.`72h`.open_below AS wbc__72h__open_below,
    COALESCE(wbc__summary.`72h`.n, 0) AS wbc__72h__n,
    wbc__summary.`7d`.last AS wbc__7d__last,
    wbc__summary.`7d`.last_at AS wbc__7d__last_at,
    wbc__summary.`7d`.last_censoring AS wbc__7d__last_censoring,
    wbc__summary.`7d`.min AS wbc__7d__min,
    wbc__summary.`7d`.min_at AS wbc__7d__min_at,
    wbc__summary.`7d`.min_censoring AS wbc__7d__min_censoring,
    wbc__summary.`7d`.max AS wbc__7d__max,
    wbc__summary.`7d`.max_at AS wbc__7d__max_at,
    wbc__summary.`7d`.max_censoring AS wbc__7d__max_censoring,
    wbc__summary.`7d`.open_above AS wbc__7d__open_above,
    wbc__summary.`7d`.open_below AS wbc__7d__open_below,
    COALESCE(wbc__summary.`7d`.n, 0) AS wbc__7d__n,
    anc__summary.`24h`.last AS anc__24h__last,
    anc__summary.`24h`.last_at AS anc__24h__last_at,
    anc__summary.`24h`.last_censoring AS anc__24h__last_censoring,
    anc__summary.`24h`.min AS anc__24h__min,
    anc__summary.`24h`.min_at AS anc__24h__min_at,
    anc__summary.`24h`.min_censoring AS anc__24h__min_censoring,
    anc__summary.`24h`.max AS anc__24h__max,
    anc__summary.`24h`.max_at AS anc__24h__max_at,
    anc__summary.`24h`.max_censoring AS anc__24h__max_censoring,
    anc__summary.`24h`.open_above AS anc__24h__open_above,
    anc__summary.`24h`.open_below AS anc__24h__open_below,
    COALESCE(anc__summary.`24h`.n, 0) AS anc__24h__n,
    anc__summary.`72h`.last AS anc__72h__last,
    anc__summary.`72h`.last_at AS anc__72h__last_at,
    anc__summary.`72h`.last_censoring AS anc__72h__last_censoring,
    anc__summary.`72h`.min AS anc__72h__min,
    anc__summary.`72h`.min_at AS anc__72h__min_at,
    anc__summary.`72h`.min_censoring AS anc__72h__min_censoring,
    anc__summary.`72h`.max AS anc__72h__max,
    anc__summary.`72h`.max_at AS anc__72h__max_at,
    anc__summary.`72h`.max_censoring AS anc__72h__max_censoring,
    anc__summary.`72h`.open_above AS anc__72h__open_above,
    anc__summary.`72h`.open_below AS anc__72h__open_below,
    COALESCE(anc__summary.`72h`.n, 0) AS anc__72h__n,
    anc__summary.`7d`.last AS anc__7d__last,
    anc__summary.`7d`.last_at AS anc__7d__last_at,
    anc__summary.`7d`.last_censoring AS anc__7d__last_censoring,
    anc__summary.`7d`.min AS anc__7d__min,
    anc__summary.`7d`.min_at AS anc__7d__min_at,
    anc__summary.`7d`.min_censoring AS anc__7d__min_censoring,
    anc__summary.`7d`.max AS anc__7d__max,
    anc__summary.`7d`.max_at AS anc__7d__max_at,
    anc__summary.`7d`.max_censoring AS anc__7d__max_censoring,
    anc__summary.`7d`.open_above AS anc__7d__open_above,
    anc__summary.`7d`.open_below AS anc__7d__open_below,
    COALESCE(anc__summary.`7d`.n, 0) AS anc__7d__n,
    hemoglobin__summary.`24h`.last AS hemoglobin__24h__last,
    hemoglobin__summary.`24h`.last_at AS hemoglobin__24h__last_at,
    hemoglobin__summary.`24h`.last_censoring AS hemoglobin__24h__last_censoring,
    hemoglobin__summary.`24h`.min AS hemoglobin__24h__min,
    hemoglobin__summary.`24h`.min_at AS hemoglobin__24h__min_at,
    hemoglobin__summary.`24h`.min_censoring AS hemoglobin__24h__min_censoring,
    hemoglobin__summary.`24h`.max AS hemoglobin__24h__max,
    hemoglobin__summary.`24h`.max_at AS hemoglobin__24h__max_at,
    hemoglobin__summary.`24h`.max_censoring AS hemoglobin__24h__max_censoring,
    hemoglobin__summary.`24h`.open_above AS hemoglobin__24h__open_above,
    hemoglobin__summary.`24h`.open_below AS hemoglobin__24h__open_below,
    COALESCE(hemoglobin__summary.`24h`.n, 0) AS hemoglobin__24h__n,
    hemoglobin__summary.`72h`.last AS hemoglobin__72h__last,
    hemoglobin__summary.`72h`.last_at AS hemoglobin__72h__last_at,
    hemoglobin__summary.`72h`.last_censoring AS hemoglobin__72h__last_censoring,
    hemoglobin__summary.`72h`.min AS hemoglobin__72h__min,
    hemoglobin__summary.`72h`.min_at AS hemoglobin__72h__min_at,
    hemoglobin__summary.`72h`.min_censoring AS hemoglobin__72h__min_censoring,
    hemoglobin__summary.`72h`.max AS hemoglobin__72h__max,
    hemoglobin__summary.`72h`.max_at AS hemoglobin__72h__max_at,
    hemoglobin__summary.`72h`.max_censoring AS hemoglobin__72h__max_censoring,
    hemoglobin__summary.`72h`.open_above AS hemoglobin__72h__open_above,
    hemoglobin__summary.`72h`.open_below AS hemoglobin__72h__open_below,
    COALESCE(hemoglobin__summary.`72h`.n, 0) AS hemoglobin__72h__n,
    hemoglobin__summary.`7d`.last AS hemoglobin__7d__last,
    hemoglobin__summary.`7d`.last_at AS hemoglobin__7d__last_at,
    hemoglobin__summary.`7d`.last_censoring AS hemoglobin__7d__last_censoring,
    hemoglobin__summary.`7d`.min AS hemoglobin__7d__min,
    hemoglobin__summary.`7d`.min_at AS hemoglobin__7d__min_at,
    hemoglobin__summary.`7d`.min_censoring AS hemoglobin__7d__min_censoring,
    hemoglobin__summary.`7d`.max AS hemoglobin__7d__max,
    hemoglobin__summary.`7d`.max_at AS hemoglobin__7d__max_at,
    hemoglobin__summary.`7d`.max_censoring AS hemoglobin__7d__max_censoring,
    hemoglobin__summary.`7d`.open_above AS hemoglobin__7d__open_above,
    hemoglobin__summary.`7d`.open_below AS hemoglobin__7d__open_below,
    COALESCE(hemoglobin__summary.`7d`.n, 0) AS hemoglobin__7d__n,
    ast__summary.`24h`.last AS ast__24h__last,
    ast__summary.`24h`.last_at AS ast__24h__last_at,
    ast__summary.`24h`.last_censoring AS ast__24h__last_censoring,
    ast__summary.`24h`.min AS ast__24h__min,
    ast__summary.`24h`.min_at AS ast__24h__min_at,
    ast__summary.`24h`.min_censoring AS ast__24h__min_censoring,
    ast__summary.`24h`.max AS ast__24h__max,
    ast__summary.`24h`.max_at AS ast__24h__max_at,
    ast__summary.`24h`.max_censoring AS ast__24h__max_censoring,
    ast__summary.`24h`.open_above AS ast__24h__open_above,
    ast__summary.`24h`.open_below AS ast__24h__open_below,
    COALESCE(ast__summary.`24h`.n, 0) AS ast__24h__n,
    ast__summary.`72h`.last AS ast__72h__last,
    ast__summary.`72h`.last_at AS ast__72h__last_at,
    ast__summary.`72h`.last_censoring AS ast__72h__last_censoring,
    ast__summary.`72h`.min AS ast__72h__min,
    ast__summary.`72h`.min_at AS ast__72h__min_at,
    ast__summary.`72h`.min_censoring AS ast__72h__min_censoring,
    ast__summary.`72h`.max AS ast__72h__max,
    ast__summary.`72h`.max_at AS ast__72h__max_at,
    ast__summary.`72h`.max_censoring AS ast__72h__max_censoring,
    ast__summary.`72h`.open_above AS ast__72h__open_above,
    ast__summary.`72h`.open_below AS ast__72h__open_below,
    COALESCE(ast__summary.`72h`.n, 0) AS ast__72h__n,
    ast__summary.`7d`.last AS ast__7d__last,
    ast__summary.`7d`.last_at AS ast__7d__last_at,
    ast__summary.`7d`.last_censoring AS ast__7d__last_censoring,
    ast__summary.`7d`.min AS ast__7d__min,
    ast__summary.`7d`.min_at AS ast__7d__min_at,
    ast__summary.`7d`.min_censoring AS ast__7d__min_censoring,
    ast__summary.`7d`.max AS ast__7d__max,
    ast__summary.`7d`.max_at AS ast__7d__max_at,
    ast__summary.`7d`.max_censoring AS ast__7d__max_censoring,
    ast__summary.`7d`.open_above AS ast__7d__open_above,
    ast__summary.`7d`.open_below AS ast__7d__open_below,
    COALESCE(ast__summary.`7d`.n, 0) AS ast__7d__n,
    alt__summary.`24h`.last AS alt__24h__last,
    alt__summary.`24h`.last_at AS alt__24h__last_at,
    alt__summary.`24h`.last_censoring AS alt__24h__last_censoring,
    alt__summary.`24h`.min AS alt__24h__min,
    alt__summary.`24h`.min_at AS alt__24h__min_at,
    alt__summary.`24h`.min_censoring AS alt__24h__min_censoring,
    alt__summary.`24h`.max AS alt__24h__max,
    alt__summary.`24h`.max_at AS alt__24h__max_at,
    alt__summary.`24h`.max_censoring AS alt__24h__max_censoring,
    alt__summary.`24h`.open_above AS alt__24h__open_above,
    alt__summary.`24h`.open_below AS alt__24h__open_below,
    COALESCE(alt__summary.`24h`.n, 0) AS alt__24h__n,
    alt__summary.`72h`.last AS alt__72h__last,
    alt__summary.`72h`.last_at AS alt__72h__last_at,
    alt__summary.`72h`.last_censoring AS alt__72h__last_censoring,
    alt__summary.`72h`.min AS alt__72h__min,
    alt__summary.`72h`.min_at AS alt__72h__min_at,
    alt__summary.`72h`.min_censoring AS alt__72h__min_censoring,
    alt__summary.`72h`.max AS alt__72h__max,
    alt__summary.`72h`.max_at AS alt__72h__max_at,
    alt__summary.`72h`.max_censoring AS alt__72h__max_censoring,
    alt__summary.`72h`.open_above AS alt__72h__open_above,
    alt__summary.`72h`.open_below AS alt__72h__open_below,
    COALESCE(alt__summary.`72h`.n, 0) AS alt__72h__n,
    alt__summary.`7d`.last AS alt__7d__last,
    alt__summary.`7d`.last_at AS alt__7d__last_at,
    alt__summary.`7d`.last_censoring AS alt__7d__last_censoring,
    alt__summary.`7d`.min AS alt__7d__min,
    alt__summary.`7d`.min_at AS alt__7d__min_at,
    alt__summary.`7d`.min_censoring AS alt__7d__min_censoring,
    alt__summary.`7d`.max AS alt__7d__max,
    alt__summary.`7d`.max_at AS alt__7d__max_at,
    alt__summary.`7d`.max_censoring AS alt__7d__max_censoring,
    alt__summary.`7d`.open_above AS alt__7d__open_above,
    alt__summary.`7d`.open_below AS alt__7d__open_below,
    COALESCE(alt__summary.`7d`.n, 0) AS alt__7d__n,
    ldh__summary.`24h`.last AS ldh__24h__last,
    ldh__summary.`24h`.last_at AS ldh__24h__last_at,
    ldh__summary.`24h`.last_censoring AS ldh__24h__last_censoring,
    ldh__summary.`24h`.min AS ldh__24h__min,
    ldh__summary.`24h`.min_at AS ldh__24h__min_at,
    ldh__summary.`24h`.min_censoring AS ldh__24h__min_censoring,
    ldh__summary.`24h`.max AS ldh__24h__max,
    ldh__summary.`24h`.max_at AS ldh__24h__max_at,
    ldh__summary.`24h`.max_censoring AS ldh__24h__max_censoring,
    ldh__summary.`24h`.open_above AS ldh__24h__open_above,
    ldh__summary.`24h`.open_below AS ldh__24h__open_below,
    COALESCE(ldh__summary.`24h`.n, 0) AS ldh__24h__n,
    ldh__summary.`72h`.last AS ldh__72h__last,
    ldh__summary.`72h`.last_at AS ldh__72h__last_at,
    ldh__summary.`72h`.last_censoring AS ldh__72h__last_censoring,
    ldh__summary.`72h`.min AS ldh__72h__min,
    ldh__summary.`72h`.min_at AS ldh__72h__min_at,
    ldh__summary.`72h`.min_censoring AS ldh__72h__min_censoring,
    ldh__summary.`72h`.max AS ldh__72h__max,
    ldh__summary.`72h`.max_at AS ldh__72h__max_at,
    ldh__summary.`72h`.max_censoring AS ldh__72h__max_censoring,
    ldh__summary.`72h`.open_above AS ldh__72h__open_above,
    ldh__summary.`72h`.open_below AS ldh__72h__open_below,
    COALESCE(ldh__summary.`72h`.n, 0) AS ldh__72h__n,
    ldh__summary.`7d`.last AS ldh__7d__last,
    ldh__summary.`7d`.last_at AS ldh__7d__last_at,
    ldh__summary.`7d`.last_censoring AS ldh__7d__last_censoring,
    ldh__summary.`7d`.min AS ldh__7d__min,
    ldh__summary.`7d`.min_at AS ldh__7d__min_at,
    ldh__summary.`7d`.min_censoring AS ldh__7d__min_censoring,
    ldh__summary.`7d`.max AS ldh__7d__max,
    ldh__summary.`7d`.max_at AS ldh__7d__max_at,
    ldh__summary.`7d`.max_censoring AS ldh__7d__max_censoring,
    ldh__summary.`7d`.open_above AS ldh__7d__open_above,
    ldh__summary.`7d`.open_below AS ldh__7d__open_below,
    COALESCE(ldh__summary.`7d`.n, 0) AS ldh__7d__n,
    triglycerides__summary.`24h`.last AS triglycerides__24h__last,
    triglycerides__summary.`24h`.last_at AS triglycerides__24h__last_at,
    triglycerides__summary.`24h`.last_censoring AS triglycerides__24h__last_censoring,
    triglycerides__summary.`24h`.min AS triglycerides__24h__min,
    triglycerides__summary.`24h`.min_at AS triglycerides__24h__min_at,
    triglycerides__summary.`24h`.min_censoring AS triglycerides__24h__min_censoring,
    triglycerides__summary.`24h`.max AS triglycerides__24h__max,
    triglycerides__summary.`24h`.max_at AS triglycerides__24h__max_at,
    triglycerides__summary.`24h`.max_censoring AS triglycerides__24h__max_censoring,
    triglycerides__summary.`24h`.open_above AS triglycerides__24h__open_above,
    triglycerides__summary.`24h`.open_below AS triglycerides__24h__open_below,
    COALESCE(triglycerides__summary.`24h`.n, 0) AS triglycerides__24h__n,
    triglycerides__summary.`72h`.last AS triglycerides__72h__last,
    triglycerides__summary.`72h`.last_at AS triglycerides__72h__last_at,
    triglycerides__summary.`72h`.last_censoring AS triglycerides__72h__last_censoring,
    triglycerides__summary.`72h`.min AS triglycerides__72h__min,
    triglycerides__summary.`72h`.min_at AS triglycerides__72h__min_at,
    triglycerides__summary.`72h`.min_censoring AS triglycerides__72h__min_censoring,
    triglycerides__summary.`72h`.max AS triglycerides__72h__max,
    triglycerides__summary.`72h`.max_at AS triglycerides__72h__max_at,
    triglycerides__summary.`72h`.max_censoring AS triglycerides__72h__max_censoring,
    triglycerides__summary.`72h`.open_above AS triglycerides__72h__open_above,
    triglycerides__summary.`72h`.open_below AS triglycerides__72h__open_below,
    COALESCE(triglycerides__summary.`72h`.n, 0) AS triglycerides__72h__n,
    triglycerides__summary.`7d`.last AS triglycerides__7d__last,
    triglycerides__summary.`7d`.last_at AS triglycerides__7d__last_at,
    triglycerides__summary.`7d`.last_censoring AS triglycerides__7d__last_censoring,
    triglycerides__summary.`7d`.min AS triglycerides__7d__min,
    triglycerides__summary.`7d`.min_at AS triglycerides__7d__min_at,
    triglycerides__summary.`7d`.min_censoring AS triglycerides__7d__min_censoring,
    triglycerides__summary.`7d`.max AS triglycerides__7d__max,
    triglycerides__summary.`7d`.max_at AS triglycerides__7d__max_at,
    triglycerides__summary.`7d`.max_censoring AS triglycerides__7d__max_censoring,
    triglycerides__summary.`7d`.open_above AS triglycerides__7d__open_above,
    triglycerides__summary.`7d`.open_below AS triglycerides__7d__open_below,
    COALESCE(triglycerides__summary.`7d`.n, 0) AS triglycerides__7d__n,
    fibrinogen__summary.`24h`.last AS fibrinogen__24h__last,
    fibrinogen__summary.`24h`.last_at AS fibrinogen__24h__last_at,
    fibrinogen__summary.`24h`.last_censoring AS fibrinogen__24h__last_censoring,
    fibrinogen__summary.`24h`.min AS fibrinogen__24h__min,
    fibrinogen__summary.`24h`.min_at AS fibrinogen__24h__min_at,
    fibrinogen__summary.`24h`.min_censoring AS fibrinogen__24h__min_censoring,
    fibrinogen__summary.`24h`.max AS fibrinogen__24h__max,
    fibrinogen__summary.`24h`.max_at AS fibrinogen__24h__max_at,
    fibrinogen__summary.`24h`.max_censoring AS fibrinogen__24h__max_censoring,
    fibrinogen__summary.`24h`.open_above AS fibrinogen__24h__open_above,
    fibrinogen__summary.`24h`.open_below AS fibrinogen__24h__open_below,
    COALESCE(fibrinogen__summary.`24h`.n, 0) AS fibrinogen__24h__n,
    fibrinogen__summary.`72h`.last AS fibrinogen__72h__last,
    fibrinogen__summary.`72h`.last_at AS fibrinogen__72h__last_at,
    fibrinogen__summary.`72h`.last_censoring AS fibrinogen__72h__last_censoring,
    fibrinogen__summary.`72h`.min AS fibrinogen__72h__min,
    fibrinogen__summary.`72h`.min_at AS fibrinogen__72h__min_at,
    fibrinogen__summary.`72h`.min_censoring AS fibrinogen__72h__min_censoring,
    fibrinogen__summary.`72h`.max AS fibrinogen__72h__max,
    fibrinogen__summary.`72h`.max_at AS fibrinogen__72h__max_at,
    fibrinogen__summary.`72h`.max_censoring AS fibrinogen__72h__max_censoring,
    fibrinogen__summary.`72h`.open_above AS fibrinogen__72h__open_above,
    fibrinogen__summary.`72h`.open_below AS fibrinogen__72h__open_below,
    COALESCE(fibrinogen__summary.`72h`.n, 0) AS fibrinogen__72h__n,
    fibrinogen__summary.`7d`.last AS fibrinogen__7d__last,
    fibrinogen__summary.`7d`.last_at AS fibrinogen__7d__last_at,
    fibrinogen__summary.`7d`.last_censoring AS fibrinogen__7d__last_censoring,
    fibrinogen__summary.`7d`.min AS fibrinogen__7d__min,
    fibrinogen__summary.`7d`.min_at AS fibrinogen__7d__min_at,
    fibrinogen__summary.`7d`.min_censoring AS fibrinogen__7d__min_censoring,
    fibrinogen__summary.`7d`.max AS fibrinogen__7d__max,
    fibrinogen__summary.`7d`.max_at AS fibrinogen__7d__max_at,
    fibrinogen__summary.`7d`.max_censoring AS fibrinogen__7d__max_censoring,
    fibrinogen__summary.`7d`.open_above AS fibrinogen__7d__open_above,
    fibrinogen__summary.`7d`.open_below AS fibrinogen__7d__open_below,
    COALESCE(fibrinogen__summary.`7d`.n, 0) AS fibrinogen__7d__n,
    ddimer__summary.`24h`.last AS ddimer__24h__last,
    ddimer__summary.`24h`.last_at AS ddimer__24h__last_at,
    ddimer__summary.`24h`.last_censoring AS ddimer__24h__last_censoring,
    ddimer__summary.`24h`.min AS ddimer__24h__min,
    ddimer__summary.`24h`.min_at AS ddimer__24h__min_at,
    ddimer__summary.`24h`.min_censoring AS ddimer__24h__min_censoring,
    ddimer__summary.`24h`.max AS ddimer__24h__max,
    ddimer__summary.`24h`.max_at AS ddimer__24h__max_at,
    ddimer__summary.`24h`.max_censoring AS ddimer__24h__max_censoring,
    ddimer__summary.`24h`.open_above AS ddimer__24h__open_above,
    ddimer__summary.`24h`.open_below AS ddimer__24h__open_below,
    COALESCE(ddimer__summary.`24h`.n, 0) AS ddimer__24h__n,
    ddimer__summary.`72h`.last AS ddimer__72h__last,
    ddimer__summary.`72h`.last_at AS ddimer__72h__last_at,
    ddimer__summary.`72h`.last_censoring AS ddimer__72h__last_censoring,
    ddimer__summary.`72h`.min AS ddimer__72h__min,
    ddimer__summary.`72h`.min_at AS ddimer__72h__min_at,
    ddimer__summary.`72h`.min_censoring AS ddimer__72h__min_censoring,
    ddimer__summary.`72h`.max AS ddimer__72h__max,
    ddimer__summary.`72h`.max_at AS ddimer__72h__max_at,
    ddimer__summary.`72h`.max_censoring AS ddimer__72h__max_censoring,
    ddimer__summary.`72h`.open_above AS ddimer__72h__open_above,
    ddimer__summary.`72h`.open_below AS ddimer__72h__open_below,
    COALESCE(ddimer__summary.`72h`.n, 0) AS ddimer__72h__n,
    ddimer__summary.`7d`.last AS ddimer__7d__last,
    ddimer__summary.`7d`.last_at AS ddimer__7d__last_at,
    ddimer__summary.`7d`.last_censoring AS ddimer__7d__last_censoring,
    ddimer__summary.`7d`.min AS ddimer__7d__min,
    ddimer__summary.`7d`.min_at AS ddimer__7d__min_at,
    ddimer__summary.`7d`.min_censoring AS ddimer__7d__min_censoring,
    ddimer__summary.`7d`.max AS ddimer__7d__max,
    ddimer__summary.`7d`.max_at AS ddimer__7d__max_at,
    ddimer__summary.`7d`.max_censoring AS ddimer__7d__max_censoring,
    ddimer__summary.`7d`.open_above AS ddimer__7d__open_above,
    ddimer__summary.`7d`.open_below AS ddimer__7d__open_below,
    COALESCE(ddimer__summary.`7d`.n, 0) AS ddimer__7d__n,
    crp__summary.`24h`.last AS crp__24h__last,
    crp__summary.`24h`.last_at AS crp__24h__last_at,
    crp__summary.`24h`.last_censoring AS crp__24h__last_censoring,
    crp__summary.`24h`.min AS crp__24h__min,
    crp__summary.`24h`.min_at AS crp__24h__min_at,
    crp__summary.`24h`.min_censoring AS crp__24h__min_censoring,
    crp__summary.`24h`.max AS crp__24h__max,
    crp__summary.`24h`.max_at AS crp__24h__max_at,
    crp__summary.`24h`.max_censoring AS crp__24h__max_censoring,
    crp__summary.`24h`.open_above AS crp__24h__open_above,
    crp__summary.`24h`.open_below AS crp__24h__open_below,
    COALESCE(crp__summary.`24h`.n, 0) AS crp__24h__n,
    crp__summary.`72h`.last AS crp__72h__last,
    crp__summary.`72h`.last_at AS crp__72h__last_at,
    crp__summary.`72h`.last_censoring AS crp__72h__last_censoring,
    crp__summary.`72h`.min AS crp__72h__min,
    crp__summary.`72h`.min_at AS crp__72h__min_at,
    crp__summary.`72h`.min_censoring AS crp__72h__min_censoring,
    crp__summary.`72h`.max AS crp__72h__max,
    crp__summary.`72h`.max_at AS crp__72h__max_at,
    crp__summary.`72h`.max_censoring AS crp__72h__max_censoring,
    crp__summary.`72h`.open_above AS crp__72h__open_above,
    crp__summary.`72h`.open_below AS crp__72h__open_below,
    COALESCE(crp__summary.`72h`.n, 0) AS crp__72h__n,
    crp__summary.`7d`.last AS crp__7d__last,
    crp__summary.`7d`.last_at AS crp__7d__last_at,
    crp__summary.`7d`.last_censoring AS crp__7d__last_censoring,
    crp__summary.`7d`.min AS crp__7d__min,
    crp__summary.`7d`.min_at AS crp__7d__min_at,
    crp__summary.`7d`.min_censoring AS crp__7d__min_censoring,
    crp__summary.`7d`.max AS crp__7d__max,
    crp__summary.`7d`.max_at AS crp__7d__max_at,
    crp__summary.`7d`.max_censoring AS crp__7d__max_censoring,
    crp__summary.`7d`.open_above AS crp__7d__open_above,
    crp__summary.`7d`.open_below AS crp__7d__open_below,
    COALESCE(crp__summary.`7d`.n, 0) AS crp__7d__n,
    esr__summary.`24h`.last AS esr__24h__last,
    esr__summary.`24h`.last_at AS esr__24h__last_at,
    esr__summary.`24h`.last_censoring AS esr__24h__last_censoring,
    esr__summary.`24h`.min AS esr__24h__min,
    esr__summary.`24h`.min_at AS esr__24h__min_at,
    esr__summary.`24h`.min_censoring AS esr__24h__min_censoring,
    esr__summary.`24h`.max AS esr__24h__max,
    esr__summary.`24h`.max_at AS esr__24h__max_at,
    esr__summary.`24h`.max_censoring AS esr__24h__max_censoring,
    esr__summary.`24h`.open_above AS esr__24h__open_above,
    esr__summary.`24h`.open_below AS esr__24h__open_below,
    COALESCE(esr__summary.`24h`.n, 0) AS esr__24h__n,
    esr__summary.`72h`.last AS esr__72h__last,
    esr__summary.`72h`.last_at AS esr__72h__last_at,
    esr__summary.`72h`.last_censoring AS esr__72h__last_censoring,
    esr__summary.`72h`.min AS esr__72h__min,
    esr__summary.`72h`.min_at AS esr__72h__min_at,
    esr__summary.`72h`.min_censoring AS esr__72h__min_censoring,
    esr__summary.`72h`.max AS esr__72h__max,
    esr__summary.`72h`.max_at AS esr__72h__max_at,
    esr__summary.`72h`.max_censoring AS esr__72h__max_censoring,
    esr__summary.`72h`.open_above AS esr__72h__open_above,
    esr__summary.`72h`.open_below AS esr__72h__open_below,
    COALESCE(esr__summary.`72h`.n, 0) AS esr__72h__n,
    esr__summary.`7d`.last AS esr__7d__last,
    esr__summary.`7d`.last_at AS esr__7d__last_at,
    esr__summary.`7d`.last_censoring AS esr__7d__last_censoring,
    esr__summary.`7d`.min AS esr__7d__min,
    esr__summary.`7d`.min_at AS esr__7d__min_at,
    esr__summary.`7d`.min_censoring AS esr__7d__min_censoring,
    esr__summary.`7d`.max AS esr__7d__max,
    esr__summary.`7d`.max_at AS esr__7d__max_at,
    esr__summary.`7d`.max_censoring AS esr__7d__max_censoring,
    esr__summary.`7d`.open_above AS esr__7d__open_above,
    esr__summary.`7d`.open_below AS esr__7d__open_below,
    COALESCE(esr__summary.`7d`.n, 0) AS esr__7d__n,
    scd25_u__summary.`24h`.last AS scd25_u__24h__last,
    scd25_u__summary.`24h`.last_at AS scd25_u__24h__last_at,
    scd25_u__summary.`24h`.last_censoring AS scd25_u__24h__last_censoring,
    scd25_u__summary.`24h`.min AS scd25_u__24h__min,
    scd25_u__summary.`24h`.min_at AS scd25_u__24h__min_at,
    scd25_u__summary.`24h`.min_censoring AS scd25_u__24h__min_censoring,
    scd25_u__summary.`24h`.max AS scd25_u__24h__max,
    scd25_u__summary.`24h`.max_at AS scd25_u__24h__max_at,
    scd25_u__summary.`24h`.max_censoring AS scd25_u__24h__max_censoring,
    scd25_u__summary.`24h`.open_above AS scd25_u__24h__open_above,
    scd25_u__summary.`24h`.open_below AS scd25_u__24h__open_below,
    COALESCE(scd25_u__summary.`24h`.n, 0) AS scd25_u__24h__n,
    scd25_u__summary.`72h`.last AS scd25_u__72h__last,
    scd25_u__summary.`72h`.last_at AS scd25_u__72h__last_at,
    scd25_u__summary.`72h`.last_censoring AS scd25_u__72h__last_censoring,
    scd25_u__summary.`72h`.min AS scd25_u__72h__min,
    scd25_u__summary.`72h`.min_at AS scd25_u__72h__min_at,
    scd25_u__summary.`72h`.min_censoring AS scd25_u__72h__min_censoring,
    scd25_u__summary.`72h`.max AS scd25_u__72h__max,
    scd25_u__summary.`72h`.max_at AS scd25_u__72h__max_at,
    scd25_u__summary.`72h`.max_censoring AS scd25_u__72h__max_censoring,
    scd25_u__summary.`72h`.open_above AS scd25_u__72h__open_above,
    scd25_u__summary.`72h`.open_below AS scd25_u__72h__open_below,
    COALESCE(scd25_u__summary.`72h`.n, 0) AS scd25_u__72h__n,
    scd25_u__summary.`7d`.last AS scd25_u__7d__last,
    scd25_u__summary.`7d`.last_at AS scd25_u__7d__last_at,
    scd25_u__summary.`7d`.last_censoring AS scd25_u__7d__last_censoring,
    scd25_u__summary.`7d`.min AS scd25_u__7d__min,
    scd25_u__summary.`7d`.min_at AS scd25_u__7d__min_at,
    scd25_u__summary.`7d`.min_censoring AS scd25_u__7d__min_censoring,
    scd25_u__summary.`7d`.max AS scd25_u__7d__max,
    scd25_u__summary.`7d`.max_at AS scd25_u__7d__max_at,
    scd25_u__summary.`7d`.max_censoring AS scd25_u__7d__max_censoring,
    scd25_u__summary.`7d`.open_above AS scd25_u__7d__open_above,
    scd25_u__summary.`7d`.open_below AS scd25_u__7d__open_below,
    COALESCE(scd25_u__summary.`7d`.n, 0) AS scd25_u__7d__n,
    scd25_pg__summary.`24h`.last AS scd25_pg__24h__last,
    scd25_pg__summary.`24h`.last_at AS scd25_pg__24h__last_at,
    scd25_pg__summary.`24h`.last_censoring AS scd25_pg__24h__last_censoring,
    scd25_pg__summary.`24h`.min AS scd25_pg__24h__min,
    scd25_pg__summary.`24h`.min_at AS scd25_pg__24h__min_at,
    scd25_pg__summary.`24h`.min_censoring AS scd25_pg__24h__min_censoring,
    scd25_pg__summary.`24h`.max AS scd25_pg__24h__max,
    scd25_pg__summary.`24h`.max_at AS scd25_pg__24h__max_at,
    scd25_pg__summary.`24h`.max_censoring AS scd25_pg__24h__max_censoring,
    scd25_pg__summary.`24h`.open_above AS scd25_pg__24h__open_above,
    scd25_pg__summary.`24h`.open_below AS scd25_pg__24h__open_below,
    COALESCE(scd25_pg__summary.`24h`.n, 0) AS scd25_pg__24h__n,
    scd25_pg__summary.`72h`.last AS scd25_pg__72h__last,
    scd25_pg__summary.`72h`.last_at AS scd25_pg__72h__last_at,
    scd25_pg__summary.`72h`.last_censoring AS scd25_pg__72h__last_censoring,
    scd25_pg__summary.`72h`.min AS scd25_pg__72h__min,
    scd25_pg__summary.`72h`.min_at AS scd25_pg__72h__min_at,
    scd25_pg__summary.`72h`.min_censoring AS scd25_pg__72h__min_censoring,
    scd25_pg__summary.`72h`.max AS scd25_pg__72h__max,
    scd25_pg__summary.`72h`.max_at AS scd25_pg__72h__max_at,
    scd25_pg__summary.`72h`.max_censoring AS scd25_pg__72h__max_censoring,
    scd25_pg__summary.`72h`.open_above AS scd25_pg__72h__open_above,
    scd25_pg__summary.`72h`.open_below AS scd25_pg__72h__open_below,
    COALESCE(scd25_pg__summary.`72h`.n, 0) AS scd25_pg__72h__n,
    scd25_pg__summary.`7d`.last AS scd25_pg__7d__last,
    scd25_pg__summary.`7d`.last_at AS scd25_pg__7d__last_at,
    scd25_pg__summary.`7d`.last_censoring AS scd25_pg__7d__last_censoring,
    scd25_pg__summary.`7d`.min AS scd25_pg__7d__min,
    scd25_pg__summary.`7d`.min_at AS scd25_pg__7d__min_at,
    scd25_pg__summary.`7d`.min_censoring AS scd25_pg__7d__min_censoring,
    scd25_pg__summary.`7d`.max AS scd25_pg__7d__max,
    scd25_pg__summary.`7d`.max_at AS scd25_pg__7d__max_at,
    scd25_pg__summary.`7d`.max_censoring AS scd25_pg__7d__max_censoring,
    scd25_pg__summary.`7d`.open_above AS scd25_pg__7d__open_above,
    scd25_pg__summary.`7d`.open_below AS scd25_pg__7d__open_below,
    COALESCE(scd25_pg__summary.`7d`.n, 0) AS scd25_pg__7d__n,
    temperature__summary.`24h`.last AS temperature__24h__last,
    temperature__summary.`24h`.last_at AS temperature__24h__last_at,
    temperature__summary.`24h`.last_censoring AS temperature__24h__last_censoring,
    temperature__summary.`24h`.min AS temperature__24h__min,
    temperature__summary.`24h`.min_at AS temperature__24h__min_at,
    temperature__summary.`24h`.min_censoring AS temperature__24h__min_censoring,
    temperature__summary.`24h`.max AS temperature__24h__max,
    temperature__summary.`24h`.max_at AS temperature__24h__max_at,
    temperature__summary.`24h`.max_censoring AS temperature__24h__max_censoring,
    temperature__summary.`24h`.open_above AS temperature__24h__open_above,
    temperature__summary.`24h`.open_below AS temperature__24h__open_below,
    COALESCE(temperature__summary.`24h`.n, 0) AS temperature__24h__n,
    temperature__summary.`72h`.last AS temperature__72h__last,
    temperature__summary.`72h`.last_at AS temperature__72h__last_at,
    temperature__summary.`72h`.last_censoring AS temperature__72h__last_censoring,
    temperature__summary.`72h`.min AS temperature__72h__min,
    temperature__summary.`72h`.min_at AS temperature__72h__min_at,
    temperature__summary.`72h`.min_censoring AS temperature__72h__min_censoring,
    temperature__summary.`72h`.max AS temperature__72h__max,
    temperature__summary.`72h`.max_at AS temperature__72h__max_at,
    temperature__summary.`72h`.max_censoring AS temperature__72h__max_censoring,
    temperature__summary.`72h`.open_above AS temperature__72h__open_above,
    temperature__summary.`72h`.open_below AS temperature__72h__open_below,
    COALESCE(temperature__summary.`72h`.n, 0) AS temperature__72h__n,
    temperature__summary.`7d`.last AS temperature__7d__last,
    temperature__summary.`7d`.last_at AS temperature__7d__last_at,
    temperature__summary.`7d`.last_censoring AS temperature__7d__last_censoring,
    temperature__summary.`7d`.min AS temperature__7d__min,
    temperature__summary.`7d`.min_at AS temperature__7d__min_at,
    temperature__summary.`7d`.min_censoring AS temperature__7d__min_censoring,
    temperature__summary.`7d`.max AS temperature__7d__max,
    temperature__summary.`7d`.max_at AS temperature__7d__max_at,
    temperature__summary.`7d`.max_censoring AS temperature__7d__max_censoring,
    temperature__summary.`7d`.open_above AS temperature__7d__open_above,
    temperature__summary.`7d`.open_below AS temperature__7d__open_below,
    COALESCE(temperature__summary.`7d`.n, 0) AS temperature__7d__n
  FROM summaries
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
