-- audit.adjudications for research: the verdict per episode, the episode id made again from the
-- pseudonym and the shifted first day, the review time shifted. The reviewer (a member of staff)
-- and the note (free text) are dropped, and so is the lineage.
-- Reads: audit.adjudications, temp.research_patients, screen.episodes (sql/research/keys.sql). Writes: deidentified.audit.adjudications.
CREATE TABLE deidentified.audit.adjudications AS
SELECT k.pseudonym || '/' || strftime(e.first_flag_date + k.shift_days, '%Y-%m-%d') AS episode_id,
       k.pseudonym AS patient_id,
       a.verdict,
       a.reviewed_at + to_hours(24 * k.shift_days) AS reviewed_at,
       a.verdicts
FROM audit.adjudications AS a
JOIN screen.episodes AS e USING (episode_id)
LEFT JOIN research_patients AS k ON k.patient_id = a.patient_id;
