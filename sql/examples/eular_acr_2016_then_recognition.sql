-- Question: Which patients met the 2016 EULAR/ACR/PRINTO classification criteria for MAS in the
--   population and context they were made for, and did a MAS/HLH diagnosis code or a directed
--   therapy follow?
-- Reads: screen.rule_evaluations (eular_acr_2016__met, __context, __population),
--   features.patient_day (as_of_cutoff: when a day's result could be known),
--   audit.recognition (every MAS/HLH diagnosis code and directed-therapy start, with its strength).
-- Runs on: snapshot, release
-- Columns: patient_id, first_met_date (the first as_of_date with the criteria met, in a known or
--   suspected sJIA/AOSD context, febrile), met_days, code_after_hours (hours from the end of
--   first_met_date to the first MAS/HLH diagnosis code recorded after it; NULL: none),
--   therapy_after_hours (the same for the first directed therapy of a counted strength: anakinra,
--   emapalumab, etoposide outside an oncology regimen, started in an encounter), recognised_before
--   (a code or counted therapy at or before that moment: already recognised), followed (a code or
--   counted therapy after it).
-- Caveats: "met" is the rule's own test on the pairing window (72 h), with the items the labs
--   allow (docs/RULES.md); the criteria are classification criteria for sJIA, used here as a screen,
--   and a fever is required (a day with no temperature is the tier criteria_met_if_febrile, not
--   counted here). "Followed" means at any time later in the data, with no window: a code for a
--   later, separate illness counts too. Weak therapies (intravenous methylprednisolone, ciclosporin,
--   ruxolitinib) are not counted: they are given for many other reasons. Intervals within a patient
--   are kept exactly by de-identification: the release gives the same hours as its snapshot, only
--   first_met_date is shifted.
-- Writes: nothing (a read-only query).
WITH met AS (
    SELECT r.patient_id, min(r.as_of_date) AS first_met_date, count(*) AS met_days
    FROM screen.rule_evaluations AS r
    WHERE r.eular_acr_2016__met
      AND r.eular_acr_2016__context IN ('known', 'suspected')
      AND r.eular_acr_2016__population = 'in'
    GROUP BY r.patient_id
),
met_at AS (
    SELECT m.*, f.as_of_cutoff AS met_known_at
    FROM met AS m
    JOIN features.patient_day AS f ON f.patient_id = m.patient_id AND f.as_of_date = m.first_met_date
),
events AS (
    SELECT patient_id, recognised_by, unnest(event_times) AS event_at
    FROM audit.recognition
    WHERE counts_as_recognition
),
recognition AS (
    SELECT m.patient_id,
           min(e.event_at) FILTER (WHERE e.recognised_by = 'diagnosis_code' AND e.event_at > m.met_known_at)
               AS first_code_after,
           min(e.event_at) FILTER (WHERE e.recognised_by = 'directed_therapy' AND e.event_at > m.met_known_at)
               AS first_therapy_after,
           coalesce(bool_or(e.event_at <= m.met_known_at), false) AS recognised_before
    FROM met_at AS m
    LEFT JOIN events AS e USING (patient_id)
    GROUP BY m.patient_id
)
SELECT m.patient_id, m.first_met_date, m.met_days,
       round((epoch(r.first_code_after) - epoch(m.met_known_at)) / 3600, 2) AS code_after_hours,
       round((epoch(r.first_therapy_after) - epoch(m.met_known_at)) / 3600, 2) AS therapy_after_hours,
       r.recognised_before,
       r.first_code_after IS NOT NULL OR r.first_therapy_after IS NOT NULL AS followed
FROM met_at AS m
JOIN recognition AS r USING (patient_id)
ORDER BY m.first_met_date, m.patient_id;
