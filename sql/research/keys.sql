-- The research tier's keys, as temporary tables of this connection (never written to a file):
-- one row per patient and per encounter of the snapshot. The inner and outer pads are the secret
-- key's HMAC blocks (RFC 2104), computed once in Python; every hash here is HMAC-SHA256 in hex.
-- Reads: staging.patients, staging.lab_results, staging.vital_signs, staging.diagnoses,
-- staging.medications, staging.encounters, features.patient_day.
-- Writes: temp.research_patients, temp.research_encounters.
CREATE OR REPLACE TEMP MACRO hmac_sha256_hex(inner_pad, outer_pad, message) AS
    sha256(outer_pad || unhex(sha256(inner_pad || encode(message))));

-- pseudonym: HMAC(key, patient_id), the published patient_id.
-- shift_days: a whole number of days in [-S, S] from HMAC(key, 'shift|' || patient_id), a hash that is
--   never published (a shift derived from the pseudonym could be recomputed by any reader).
-- age_over_89: the patient is 90 or older at their last recorded event (at the release, with no
--   event); NULL when the birth date is unknown.
CREATE OR REPLACE TEMP TABLE research_patients AS
WITH last_events AS (
    SELECT patient_id, max(greatest(collected_at, resulted_at))::DATE AS day FROM staging.lab_results GROUP BY ALL
    UNION ALL SELECT patient_id, max(greatest(measured_at, recorded_at))::DATE FROM staging.vital_signs GROUP BY ALL
    UNION ALL SELECT patient_id, max(recorded_at)::DATE FROM staging.diagnoses GROUP BY ALL
    UNION ALL SELECT patient_id, max(greatest(started_at, ended_at))::DATE FROM staging.medications GROUP BY ALL
    UNION ALL SELECT patient_id, max(greatest(admit_at, discharge_at))::DATE FROM staging.encounters GROUP BY ALL
    UNION ALL SELECT patient_id, max(as_of_date) FROM features.patient_day GROUP BY ALL
    UNION ALL SELECT patient_id, NULL FROM staging.patients
), patients AS (
    SELECT e.patient_id, max(e.day) AS last_event_day, any_value(p.birth_date) AS birth_date
    FROM last_events AS e LEFT JOIN staging.patients AS p USING (patient_id)
    WHERE e.patient_id IS NOT NULL
    GROUP BY e.patient_id
)
SELECT patient_id,
       hmac_sha256_hex($inner_pad, $outer_pad, patient_id) AS pseudonym,
       CAST(('0x' || left(hmac_sha256_hex($inner_pad, $outer_pad, 'shift|' || patient_id), 15))::BIGINT
            % (2 * $max_shift_days + 1) - $max_shift_days AS INTEGER) AS shift_days,
       birth_date + INTERVAL 90 YEAR <= coalesce(last_event_day, current_date) AS age_over_89
FROM patients;

CREATE OR REPLACE TEMP TABLE research_encounters AS
SELECT encounter_id, hmac_sha256_hex($inner_pad, $outer_pad, 'encounter|' || encounter_id) AS pseudonym
FROM (SELECT encounter_id FROM staging.encounters
      UNION SELECT encounter_id FROM staging.lab_results
      UNION SELECT encounter_id FROM staging.vital_signs
      UNION SELECT encounter_id FROM staging.diagnoses
      UNION SELECT encounter_id FROM staging.medications)
WHERE encounter_id IS NOT NULL;
