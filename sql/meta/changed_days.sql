-- Record in meta.changed_days the as-of days whose features or screen this run's loads (meta.loads
-- with run_id = $run_id) may have changed. Reads: meta.loads, raw.labs, raw.vitals, staging.diagnoses,
-- staging.medications, staging.patients, staging.encounters, staging.superseded_rows and
-- features.patient_day; runs
-- after every staging table is staged. Writes: meta.changed_days, one row (run_id, as_of_date, recomputed_by NULL)
-- per day, in two statements (measurement days, then the other record days not yet written);
-- recomputing a day that did not change costs little, missing one leaves a wrong flag.
--
-- Measurements (features.patient_day reads them): the days whose longest look-back window holds a
-- row of this run's lab or vital loads, or any earlier version of a record they carry (same
-- trimmed result_id / measurement_id, any load, as sql/staging/lab_source.sql and vital_source.sql
-- find them): a later load can supersede, cancel, correct (with another collected time) or
-- quarantine (conflicting_record_id) an earlier row, which then leaves the days it was counted in.
-- Staged, superseded or quarantined alike, by the same bounds as sql/features/patient_day.sql:
-- taken in (cutoff - longest window, cutoff), known before the cutoff. Days not computed yet are
-- marked too (changed_days.pending_changed_days skips them); while no day at all has been computed,
-- changed_days.record_changed_days runs neither statement (nothing to recompute).
--
-- Diagnoses, medications, patients, encounters (sql/screen/screen_day.sql reads them: contexts,
-- immunosuppression, age, intensive care stays): for every row of this run's loads that staging made the current
-- version of its record, the days of that patient already in features.patient_day (a day not
-- computed yet is computed with the row when first reached) from the time the row matters: a
-- diagnosis from its recorded_at (context counts codes recorded before the cutoff), an order from
-- its started_at (immunosuppression needs the order running at the cutoff for some days, and a
-- corrected end time changes days after the start only), a patient on every day (age), an encounter
-- from the day before its admission (a day counts an intensive care stay open during it). An earlier
-- version of the record has the same patient and time (they are part of the record id), so its
-- days are these. A row identical to the version current before this run (that version is now
-- superseded as 'duplicate') changes nothing and marks nothing: a re-sent extract costs no
-- recompute. A row of this run that staging quarantined, or superseded by another row of this
-- run, marks nothing itself: the current version is the one from before, or that other row.
INSERT INTO meta.changed_days
WITH this_run AS (
    SELECT load_id FROM meta.loads WHERE run_id = $run_id
),
touched_rows AS MATERIALIZED (
    -- selected before any time is parsed (a filter on the parsed time would parse all of raw)
    SELECT collected_at AS taken_at, resulted_at AS known_at
    FROM raw.labs
    WHERE _load_id IN (SELECT load_id FROM this_run)
       OR trim_id(result_id) IN (SELECT trim_id(result_id) FROM raw.labs WHERE _load_id IN (SELECT load_id FROM this_run))
    UNION ALL
    SELECT measured_at, recorded_at
    FROM raw.vitals
    WHERE _load_id IN (SELECT load_id FROM this_run)
       OR trim_id(measurement_id) IN (SELECT trim_id(measurement_id) FROM raw.vitals
                                   WHERE _load_id IN (SELECT load_id FROM this_run))
),
touched AS (
    SELECT DISTINCT parse_timestamp(taken_at) AS taken_at,
           coalesce(parse_timestamp(known_at), parse_timestamp(taken_at)) AS known_at
    FROM touched_rows
),
candidates AS (
    SELECT DISTINCT CAST(taken_at AS DATE) + CAST(shift AS INTEGER) AS as_of_date, taken_at, known_at
    FROM touched, range(0, CAST(ceil($longest_window_hours / 24) AS INTEGER) + 2) AS t(shift)
    WHERE taken_at IS NOT NULL
),
measurement_days AS (
    SELECT as_of_date
    FROM candidates
    WHERE taken_at > CAST(as_of_date + 1 AS TIMESTAMPTZ) - to_hours(CAST($longest_window_hours AS BIGINT))
      AND taken_at < CAST(as_of_date + 1 AS TIMESTAMPTZ)
      AND known_at < CAST(as_of_date + 1 AS TIMESTAMPTZ)
)
SELECT DISTINCT $run_id, as_of_date, NULL
FROM measurement_days;

-- The days of changed diagnoses, medications, patients and encounters (changed_days.record_changed_days runs this
-- only once features.patient_day and those staging tables exist: before, no day has been computed).
INSERT INTO meta.changed_days
WITH this_run AS (
    SELECT load_id FROM meta.loads WHERE run_id = $run_id
),
current_rows AS (
    -- this run's rows that are now the current version of their record, and when each matters from
    SELECT 'diagnoses' AS table_name, _load_id, _source_row, patient_id, recorded_at AS matters_from
    FROM staging.diagnoses WHERE _load_id IN (SELECT load_id FROM this_run)
    UNION ALL
    SELECT 'medications', _load_id, _source_row, patient_id, started_at
    FROM staging.medications WHERE _load_id IN (SELECT load_id FROM this_run)
    UNION ALL
    SELECT 'patients', _load_id, _source_row, patient_id, CAST('-infinity' AS TIMESTAMPTZ)
    FROM staging.patients WHERE _load_id IN (SELECT load_id FROM this_run)
    UNION ALL
    SELECT 'encounters', _load_id, _source_row, patient_id, admit_at - INTERVAL 1 DAY
    FROM staging.encounters WHERE _load_id IN (SELECT load_id FROM this_run)
),
resent AS (
    -- current rows whose version current before this run (the latest earlier load's) was identical
    SELECT table_name, kept_load_id AS _load_id, kept_source_row AS _source_row
    FROM staging.superseded_rows
    WHERE table_name IN ('diagnoses', 'medications', 'patients', 'encounters')
      AND kept_load_id IN (SELECT load_id FROM this_run)
      AND _load_id NOT IN (SELECT load_id FROM this_run)
    GROUP BY ALL
    HAVING arg_max(reason, (_load_id, _source_row)) = 'duplicate'
),
changed_records AS (
    SELECT patient_id, min(matters_from) AS matters_from
    FROM (SELECT * FROM current_rows ANTI JOIN resent USING (table_name, _load_id, _source_row))
    GROUP BY patient_id
),
record_days AS (
    SELECT f.as_of_date
    FROM features.patient_day AS f
    JOIN changed_records AS c ON c.patient_id = f.patient_id AND f.as_of_cutoff >= c.matters_from
)
SELECT DISTINCT $run_id, as_of_date, NULL
FROM record_days
WHERE as_of_date NOT IN (SELECT as_of_date FROM meta.changed_days WHERE run_id = $run_id);
