-- Record the as-of days whose features this run's loads changed: the days whose longest look-back
-- window holds a measurement row of those loads (staged, superseded or quarantined alike: a
-- recompute of a day costs little and this misses nothing), by the same bounds as
-- sql/features/patient_day.sql: taken in (cutoff - longest window, cutoff), known before cutoff.
INSERT INTO meta.changed_days
WITH this_run AS (
    SELECT load_id FROM meta.loads WHERE run_id = $run_id
),
touched AS (
    SELECT parse_timestamp(collected_at) AS taken_at,
           coalesce(parse_timestamp(resulted_at), parse_timestamp(collected_at)) AS known_at
    FROM raw.labs WHERE _load_id IN (SELECT load_id FROM this_run)
    UNION
    SELECT parse_timestamp(measured_at), coalesce(parse_timestamp(recorded_at), parse_timestamp(measured_at))
    FROM raw.vitals WHERE _load_id IN (SELECT load_id FROM this_run)
),
candidates AS (
    SELECT DISTINCT CAST(taken_at AS DATE) + CAST(shift AS INTEGER) AS as_of_date, taken_at, known_at
    FROM touched, range(0, CAST(ceil($longest_window_hours / 24) AS INTEGER) + 2) AS t(shift)
    WHERE taken_at IS NOT NULL
)
SELECT DISTINCT $run_id, as_of_date, NULL
FROM candidates
WHERE taken_at > CAST(as_of_date + 1 AS TIMESTAMPTZ) - to_hours(CAST($longest_window_hours AS BIGINT))
  AND taken_at < CAST(as_of_date + 1 AS TIMESTAMPTZ)
  AND known_at < CAST(as_of_date + 1 AS TIMESTAMPTZ)
