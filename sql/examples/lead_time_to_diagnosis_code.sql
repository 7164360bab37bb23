-- Question: For each patient with a MAS/HLH diagnosis code, how long before (or after) the first
--   code did the screen first flag the patient, in any tier and in an alert tier?
-- Reads: audit.recognition (the first MAS/HLH diagnosis code: ICD-10-CM D76.1-D76.3, ICD-9-CM
--   288.4, as the rule file's audit.recognition lists them), screen.episodes (first flags),
--   screen.at_risk_daily and features.patient_day (the cutoff of the first alert day).
-- Runs on: snapshot, release
-- Columns: patient_id, first_code_at (recorded time of the first code), first_flag_at (cutoff of
--   the patient's first flagged day: the start of the next local day, the first moment the flag
--   could be seen), first_flag_tier (the most severe tier of that first episode), lead_time_hours
--   (first_code_at - first_flag_at; positive: flagged first), first_alert_at (cutoff of the first
--   day in an alert tier), alert_lead_time_hours, flagged_before_code.
-- Caveats: the flag compared is the patient's first, over the whole period: a patient flagged weeks
--   before for another illness (a sepsis, a flare) shows a long lead. audit.missed_cases ties a
--   recognition to one episode by the audit's windows (docs/AUDIT.md) and counts directed therapy
--   too; use it for the audit's own lead times. Patients never flagged have NULL leads. A code
--   recorded at admission (transferred in with the diagnosis) gives a negative lead. Codes are the
--   diagnosis's recorded time, which may lag the clinical decision. Intervals within a patient are
--   kept exactly by de-identification: the release gives the same leads as its snapshot (times
--   shifted, differences equal).
-- Writes: nothing (a read-only query).
WITH codes AS (
    SELECT patient_id, first_at AS first_code_at
    FROM audit.recognition
    WHERE recognised_by = 'diagnosis_code'
),
first_episode AS (
    SELECT patient_id, min(first_flag_at) AS first_flag_at,
           arg_min(highest_tier, first_flag_at) AS first_flag_tier
    FROM screen.episodes
    GROUP BY patient_id
),
first_alert AS (
    SELECT a.patient_id, min(f.as_of_cutoff) AS first_alert_at
    FROM screen.at_risk_daily AS a
    JOIN features.patient_day AS f USING (patient_id, as_of_date)
    WHERE a.alert
    GROUP BY a.patient_id
)
SELECT c.patient_id, c.first_code_at, e.first_flag_at, e.first_flag_tier,
       round((epoch(c.first_code_at) - epoch(e.first_flag_at)) / 3600, 2) AS lead_time_hours,
       a.first_alert_at,
       round((epoch(c.first_code_at) - epoch(a.first_alert_at)) / 3600, 2) AS alert_lead_time_hours,
       coalesce(e.first_flag_at < c.first_code_at, false) AS flagged_before_code
FROM codes AS c
LEFT JOIN first_episode AS e USING (patient_id)
LEFT JOIN first_alert AS a USING (patient_id)
ORDER BY lead_time_hours DESC NULLS LAST, c.patient_id;
