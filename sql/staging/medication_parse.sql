-- Parse and validate raw.medications into the temp table `parsed` (shape: sql/staging/dispositions.sql).
-- An order has no id in the contract: the record is (patient, encounter, code or name, dose, unit,
-- route, start), so a re-sent order with its end time filled in replaces the earlier version
-- (latest load wins) while two orders of one drug on one day at different doses both stay.
-- Reasons: missing_required, invalid_timestamp, ended_before_started (an end time before the start:
-- no interval can be drawn, and reading it as running would count a dose never given), and
-- unknown_code_system (not RXNORM, NDC or empty). The route is kept as sent (eye drops, topical and
-- inhaled forms are told from systemic ones by it).
-- Reads: raw.medications. Writes: temp.parsed.
CREATE OR REPLACE TEMP TABLE parsed AS
WITH typed AS (
    SELECT *,
           upper(trim(coalesce(code_system, ''))) AS system_key,
           parse_timestamp(started_at) AS started_ts,
           parse_timestamp(ended_at) AS ended_ts
    FROM raw.medications
),
validated AS (
    SELECT *,
           CASE
               WHEN nullif(trim_id(patient_id), '') IS NULL OR nullif(trim(name), '') IS NULL
                    OR nullif(trim(started_at), '') IS NULL
                   THEN 'missing_required'
               WHEN started_ts IS NULL OR (nullif(trim(ended_at), '') IS NOT NULL AND ended_ts IS NULL)
                   THEN 'invalid_timestamp'
               WHEN ended_ts < started_ts THEN 'ended_before_started'
               WHEN system_key NOT IN ('RXNORM', 'NDC', '') THEN 'unknown_code_system'
           END AS reason
    FROM typed
)
SELECT *,
       CASE reason
           WHEN 'missing_required' THEN 'a required field is empty'
           WHEN 'invalid_timestamp' THEN 'not a timestamp: ' || started_at || ' / ' || coalesce(ended_at, '')
           WHEN 'ended_before_started' THEN 'ended ' || ended_at || ' before it started ' || started_at
           WHEN 'unknown_code_system' THEN 'code system ' || code_system || ' is not RXNORM or NDC'
       END AS detail,
       CASE WHEN reason IS NOT NULL THEN to_json({patient_id: patient_id, encounter_id: encounter_id, code_system: code_system, code: code,
                name: name, dose: dose, dose_unit: dose_unit, route: route, started_at: started_at,
                ended_at: ended_at}) END AS raw_record,
       concat_ws('|', trim_id(patient_id), coalesce(trim_id(encounter_id), ''),
                 coalesce(nullif(trim(code), ''), lower(trim(name))), coalesce(trim(dose), ''),
                 coalesce(lower(trim(dose_unit)), ''), coalesce(lower(trim(route)), ''),
                 CAST(started_ts AS VARCHAR)) AS record_id,
       NULL::TIMESTAMPTZ AS version_time,
       0 AS status_rank,
       false AS is_cancel,
       hash(patient_id, encounter_id, code_system, code, name, dose, dose_unit, route,
                     started_at, ended_at) AS fingerprint
FROM validated;
