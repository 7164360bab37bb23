-- One id, two patients: a lab result or vital-sign id is unique only within its source, and one
-- record belongs to one patient. Reads the temp table `parsed` of a measurement table (shape:
-- sql/staging/measurement_parse.sql, ids already trimmed) and the temp table record_scopes (the
-- source of each load, built by pipelines/stages.py); marks in `parsed` every valid row of a
-- (source, id) that names more than one patient with reason conflicting_record_id, its detail
-- naming another patient's row (patient, file, row, load). None of these rows can be trusted to
-- be the patient's, so none supersedes another and none is staged.
-- Also writes the temp table record_conflicts: one row per marked row, with the row it names.
CREATE OR REPLACE TEMP TABLE record_conflicts AS
WITH keyed AS (
    SELECT s.record_source, p.record_id, p.patient_id, p._load_id, p._source_file, p._source_row
    FROM parsed AS p
    JOIN record_scopes AS s ON s.load_id = p._load_id
    WHERE p.reason IS NULL
),
conflicting AS (
    SELECT record_source, record_id
    FROM keyed
    GROUP BY ALL
    HAVING min(patient_id) <> max(patient_id)
),
involved AS (
    SELECT * FROM keyed SEMI JOIN conflicting USING (record_source, record_id)
)
-- each row names the first row (by load and row) of another patient with the same id
SELECT a.record_source, a.record_id, a.patient_id, a._load_id, a._source_row,
       arg_min('patient ' || b.patient_id || ' (' || b._source_file || ' row ' || b._source_row
               || ', load ' || b._load_id || ')', (b._load_id, b._source_row)) AS other_row
FROM involved AS a
JOIN involved AS b
  ON b.record_source = a.record_source AND b.record_id = a.record_id AND b.patient_id <> a.patient_id
GROUP BY ALL;

UPDATE parsed
SET reason = 'conflicting_record_id',
    detail = 'id ' || c.record_id || ' of source ' || c.record_source || ' is also used for ' || c.other_row,
    raw_record = to_json({patient_id: parsed.patient_id, encounter_id: parsed.encounter_id,
                          record_id: parsed.record_id, code: parsed.code, value: parsed.value,
                          unit: parsed.unit, taken_at: parsed.taken_ts, status: parsed.status})
FROM record_conflicts AS c
WHERE parsed._load_id = c._load_id AND parsed._source_row = c._source_row;
