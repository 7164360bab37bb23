-- features.patient_day for research: keyed pseudonym; the day, its cutoff and every `_at` time are
-- shifted. The values keep their order; the shifted `_at` columns follow them.
-- Reads: features.patient_day, temp.research_patients (sql/research/keys.sql). Writes: deidentified.features.patient_day.
CREATE TABLE deidentified.features.patient_day AS
WITH keyed AS (
    SELECT f.*, k.pseudonym AS research_pseudonym, k.shift_days AS research_shift_days
    FROM features.patient_day AS f
    LEFT JOIN research_patients AS k ON k.patient_id = f.patient_id
)
SELECT research_pseudonym AS patient_id,
       as_of_date + research_shift_days AS as_of_date,
       as_of_cutoff + to_hours(24 * research_shift_days) AS as_of_cutoff,
       COLUMNS(lambda c: c NOT IN ('patient_id', 'as_of_date', 'as_of_cutoff', 'research_pseudonym',
                                   'research_shift_days') AND NOT suffix(c, '_at')),
       COLUMNS(lambda c: suffix(c, '_at')) + to_hours(24 * research_shift_days)
FROM keyed;
