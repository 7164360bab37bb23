-- Patients whose demographics disagree: the same patient id sent by more than one source, or twice
-- in one file, with different birth dates or sexes (a later file correcting a birth date is not a
-- disagreement). Patient ids are the site's (one namespace across
-- sources), so this usually means a source numbers its patients its own way and two people are
-- being merged under one id (docs/OPERATIONS.md, "Landing extracts"). Reads raw.patients (as
-- sent: ids and values trimmed, empty values ignored) and meta.loads; writes nothing.
-- $run_id: only patients sent by that run's loads (every patient when NULL).
-- One row: patients (count) and up to 5 examples ('id: source birth_date sex | source ...').
-- Reads: raw.patients, meta.loads. Writes nothing (returns the disagreements).
WITH sent AS (
    SELECT trim_id(r.patient_id) AS patient_id, l.source, r._load_id,
           nullif(trim(r.birth_date), '') AS birth_date, nullif(upper(left(trim(r.sex), 1)), '') AS sex
    FROM raw.patients AS r
    JOIN meta.loads AS l ON l.load_id = r._load_id
    WHERE nullif(trim_id(r.patient_id), '') IS NOT NULL
),
touched AS (
    SELECT DISTINCT trim_id(r.patient_id) AS patient_id
    FROM raw.patients AS r
    WHERE $run_id IS NULL OR r._load_id IN (SELECT load_id FROM meta.loads WHERE run_id = $run_id)
),
disagreeing AS (
    SELECT patient_id,
           string_agg(DISTINCT source || ' ' || coalesce(birth_date, '?') || ' ' || coalesce(sex, '?'), ' | '
                      ORDER BY source || ' ' || coalesce(birth_date, '?') || ' ' || coalesce(sex, '?')) AS versions
    FROM sent SEMI JOIN touched USING (patient_id)
    GROUP BY patient_id
    HAVING (count(DISTINCT source) > 1 AND (count(DISTINCT birth_date) > 1 OR count(DISTINCT sex) > 1))
        OR patient_id IN (SELECT patient_id FROM sent GROUP BY patient_id, _load_id
                          HAVING count(DISTINCT birth_date) > 1 OR count(DISTINCT sex) > 1)
)
SELECT count(*) AS patients,
       list(patient_id || ': ' || versions ORDER BY patient_id)[1:5] AS examples
FROM disagreeing;
