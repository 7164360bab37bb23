-- Patients with staged records but no row in staging.patients (absent from the patients extract,
-- or quarantined there). Their records are staged and screened all the same; an absent patient
-- usually means a feed is incomplete. $run_id NULL: every staged record; else only the records of
-- that run's loads. Reads every staging table; writes nothing.
-- One row per table with such patients (patients, records, up to 5 ids), and a total row whose
-- table_name is NULL.
-- Reads: staging.lab_results, staging.vital_signs, staging.diagnoses, staging.medications,
-- staging.encounters, staging.patients, meta.loads. Writes nothing (returns the counts).
WITH records AS (
    SELECT 'lab_results' AS table_name, patient_id, _load_id FROM staging.lab_results
    UNION ALL SELECT 'vital_signs', patient_id, _load_id FROM staging.vital_signs
    UNION ALL SELECT 'diagnoses', patient_id, _load_id FROM staging.diagnoses
    UNION ALL SELECT 'medications', patient_id, _load_id FROM staging.medications
    UNION ALL SELECT 'encounters', patient_id, _load_id FROM staging.encounters
),
unknown AS (
    SELECT table_name, patient_id
    FROM records
    WHERE ($run_id IS NULL OR _load_id IN (SELECT load_id FROM meta.loads WHERE run_id = $run_id))
      AND patient_id NOT IN (SELECT patient_id FROM staging.patients)
)
SELECT table_name, count(DISTINCT patient_id) AS patients, count(*) AS records,
       list(DISTINCT patient_id ORDER BY patient_id)[:5] AS examples
FROM unknown
GROUP BY GROUPING SETS ((table_name), ())
ORDER BY table_name NULLS FIRST
