-- Rows per stage of the warehouse, for the run summary (pipelines/summary.py).
-- Reads: raw.labs, raw.vitals, raw.diagnoses, raw.medications, raw.patients, raw.encounters,
-- raw.malformed_lines, staging.lab_results, staging.vital_signs, staging.diagnoses, staging.medications,
-- staging.patients, staging.encounters, staging.superseded_rows, quarantine.rejected_rows,
-- features.patient_day, screen.at_risk_daily. Writes nothing.
SELECT 'raw' AS stage, 'labs' AS table_name, count(*) AS rows FROM raw.labs
UNION ALL SELECT 'raw', 'vitals', count(*) FROM raw.vitals
UNION ALL SELECT 'raw', 'diagnoses', count(*) FROM raw.diagnoses
UNION ALL SELECT 'raw', 'medications', count(*) FROM raw.medications
UNION ALL SELECT 'raw', 'patients', count(*) FROM raw.patients
UNION ALL SELECT 'raw', 'encounters', count(*) FROM raw.encounters
UNION ALL SELECT 'raw', 'malformed_lines', count(*) FROM raw.malformed_lines
UNION ALL SELECT 'staging', 'lab_results', count(*) FROM staging.lab_results
UNION ALL SELECT 'staging', 'vital_signs', count(*) FROM staging.vital_signs
UNION ALL SELECT 'staging', 'diagnoses', count(*) FROM staging.diagnoses
UNION ALL SELECT 'staging', 'medications', count(*) FROM staging.medications
UNION ALL SELECT 'staging', 'patients', count(*) FROM staging.patients
UNION ALL SELECT 'staging', 'encounters', count(*) FROM staging.encounters
UNION ALL SELECT 'staging', 'superseded_rows', count(*) FROM staging.superseded_rows
UNION ALL SELECT 'quarantine', 'rejected_rows', count(*) FROM quarantine.rejected_rows
UNION ALL SELECT 'features', 'patient_day', count(*) FROM features.patient_day
UNION ALL SELECT 'screen', 'at_risk_daily', count(*) FROM screen.at_risk_daily
