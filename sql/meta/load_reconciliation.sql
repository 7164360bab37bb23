-- Every landed row is accounted for: rows in = staged + quarantined + superseded, per load.
-- Counts come from independent tables, so a row lost anywhere shows as unbalanced.
-- Reads: meta.loads, staging.lab_results, staging.vital_signs, staging.diagnoses, staging.medications,
-- staging.patients, staging.encounters, quarantine.rejected_rows, staging.superseded_rows.
-- Writes: meta.load_reconciliation (a view).
CREATE OR REPLACE VIEW meta.load_reconciliation AS
WITH staged AS (
    SELECT _load_id FROM staging.lab_results
    UNION ALL SELECT _load_id FROM staging.vital_signs
    UNION ALL SELECT _load_id FROM staging.diagnoses
    UNION ALL SELECT _load_id FROM staging.medications
    UNION ALL SELECT _load_id FROM staging.patients
    UNION ALL SELECT _load_id FROM staging.encounters
),
staged_count AS (SELECT _load_id, count(*) AS n FROM staged GROUP BY ALL),
quarantined AS (SELECT _load_id, count(*) AS n FROM quarantine.rejected_rows GROUP BY ALL),
superseded AS (SELECT _load_id, count(*) AS n FROM staging.superseded_rows GROUP BY ALL)
SELECT l.load_id, l.kind, l.source_file, l.rows_in,
       coalesce(s.n, 0) AS staged,
       coalesce(q.n, 0) AS quarantined,
       coalesce(x.n, 0) AS superseded,
       l.rows_in = coalesce(s.n, 0) + coalesce(q.n, 0) + coalesce(x.n, 0) AS balanced
FROM meta.loads AS l
LEFT JOIN staged_count AS s ON s._load_id = l.load_id
LEFT JOIN quarantined AS q ON q._load_id = l.load_id
LEFT JOIN superseded AS x ON x._load_id = l.load_id;
