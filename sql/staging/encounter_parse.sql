-- Parse and validate raw.encounters into the temp table `parsed` (shape: sql/staging/dispositions.sql).
-- One record per encounter_id: the row from the latest load wins (a discharge time filled in later);
-- an encounter id carried by two patients is quarantined (sql/staging/record_conflicts.sql).
-- Reasons: missing_required, invalid_timestamp, discharge_before_admit.
-- Reads: raw.encounters. Writes: temp.parsed.
CREATE OR REPLACE TEMP TABLE parsed AS
WITH typed AS (
    SELECT * REPLACE (trim_id(patient_id) AS patient_id),
           parse_timestamp(admit_at) AS admit_ts, parse_timestamp(discharge_at) AS discharge_ts
    FROM raw.encounters
),
validated AS (
    SELECT *,
           CASE
               WHEN nullif(trim_id(patient_id), '') IS NULL OR nullif(trim_id(encounter_id), '') IS NULL
                    OR nullif(trim(admit_at), '') IS NULL
                   THEN 'missing_required'
               WHEN admit_ts IS NULL OR (nullif(trim(discharge_at), '') IS NOT NULL AND discharge_ts IS NULL)
                   THEN 'invalid_timestamp'
               WHEN discharge_ts < admit_ts THEN 'discharge_before_admit'
           END AS reason
    FROM typed
)
SELECT *,
       CASE reason
           WHEN 'missing_required' THEN 'a required field is empty'
           WHEN 'invalid_timestamp' THEN 'not a timestamp: ' || admit_at || ' / ' || coalesce(discharge_at, '')
           WHEN 'discharge_before_admit' THEN 'discharged ' || discharge_at || ' before admitted ' || admit_at
       END AS detail,
       CASE WHEN reason IS NOT NULL THEN to_json({patient_id: patient_id, encounter_id: encounter_id, admit_at: admit_at,
                discharge_at: discharge_at, encounter_type: encounter_type, care_unit: care_unit}) END AS raw_record,
       trim_id(encounter_id) AS record_id,
       NULL::TIMESTAMPTZ AS version_time,
       0 AS status_rank,
       false AS is_cancel,
       hash(patient_id, encounter_id, admit_at, discharge_at, encounter_type, care_unit) AS fingerprint
FROM validated;
