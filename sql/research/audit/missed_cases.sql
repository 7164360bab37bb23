-- audit.missed_cases for research: keyed pseudonym, shifted days and times, case and episode ids
-- made again from the pseudonym and shifted days (as sql/research/screen/episodes.sql). An order's
-- name is dropped (free text; recognition_therapy names the therapy). `month` is left out: it is the
-- true calendar month; a researcher takes the month of the shifted first_flag_at or recognised_at.
-- Reads: audit.missed_cases, temp.research_patients (sql/research/keys.sql). Writes: deidentified.audit.missed_cases.
CREATE TABLE deidentified.audit.missed_cases AS
SELECT CASE WHEN c.episode_id IS NOT NULL
            THEN k.pseudonym || '/' || strftime(CAST(c.first_flag_at AS DATE) - 1 + k.shift_days, '%Y-%m-%d')
            ELSE k.pseudonym || '/recognised/' || strftime(CAST(c.recognised_at AS DATE) + k.shift_days, '%Y-%m-%d')
       END AS case_id,
       c.category,
       k.pseudonym AS patient_id,
       CASE WHEN c.episode_id IS NOT NULL
            THEN k.pseudonym || '/' || strftime(CAST(c.first_flag_at AS DATE) - 1 + k.shift_days, '%Y-%m-%d')
       END AS episode_id,
       c.first_flag_at + to_hours(24 * k.shift_days) AS first_flag_at,
       c.last_flag_date + k.shift_days AS last_flag_date,
       c.highest_tier,
       c.alert,
       c.recognised_at + to_hours(24 * k.shift_days) AS recognised_at,
       c.recognised_by,
       CASE WHEN c.recognised_by = 'diagnosis_code' THEN c.recognition_code_or_name END AS recognition_code_or_name,
       c.recognition_therapy,
       c.lead_time_hours,
       c.weak_therapy_at + to_hours(24 * k.shift_days) AS weak_therapy_at,
       list_transform(c.near_misses, m -> {'rule': m.rule, 'item': m.item, 'analyte': m.analyte, 'value': m.value,
                                           'unit': m.unit, 'operator': m.operator, 'threshold': m.threshold,
                                           'distance': m.distance, 'relative_distance': m.relative_distance,
                                           'met': m.met, 'as_of_date': m.as_of_date + k.shift_days}) AS near_misses,
       c.rules_not_fired
FROM audit.missed_cases AS c
LEFT JOIN research_patients AS k ON k.patient_id = c.patient_id;
