-- One id, one record: a lab result or vital-sign id is unique only within its source, an
-- encounter id within the site, and one record is one patient's (and, for a measurement, one
-- test's). Reads the temp table `parsed` of a measurement table (shape:
-- sql/staging/measurement_parse.sql, ids already trimmed) or of encounters
-- (sql/staging/encounter_parse.sql) and the temp table record_scopes (the scope of each load: its
-- source for measurements, one scope for encounters; built by pipelines/staging/staged_tables.py). Rendered by
-- pipelines/staging/staged_tables.py from staged_tables.CONFLICT_CHECKED_TABLES:
--   {{record_identity}}       a struct of the columns every row of one record must agree on, over
--                             `p`: the patient, and for measurements the parsed analyte (two local
--                             codes of one analyte are one test, so a re-sent result recoded is
--                             still a version of it)
--   {{record_identity_text}}  the same columns as text for the detail ('patient 2, analyte ferritin'),
--                             over the struct `identity`
--   {{raw_record_fields}}     the table's fields a quarantined row keeps
-- Marks in `parsed` every valid row of a (scope, id) whose rows name more than one patient or
-- analyte with reason conflicting_record_id, its detail naming a row of another identity
-- (patient and analyte, file, row, load). None of these rows can be trusted to be the version of
-- the others, so none supersedes another and none is staged. A correction of the same test by the
-- same patient is not a conflict (sql/staging/dispositions.sql ranks it).
-- Also writes the temp table record_conflicts: one row per marked row, with the row it names.
-- Reads: temp.parsed, temp.record_scopes (built by pipelines/staging/staged_tables.py).
-- Writes: temp.record_conflicts; the reason and detail of the conflicting rows of temp.parsed.
CREATE OR REPLACE TEMP TABLE record_conflicts AS
WITH keyed AS (
    SELECT s.record_source, p.record_id, {{record_identity}} AS identity, p._load_id, p._source_file, p._source_row
    FROM parsed AS p
    JOIN record_scopes AS s ON s.load_id = p._load_id
    WHERE p.reason IS NULL
),
-- most ids are sent once and cannot conflict: only the rows of ids sent more than once are compared
sent_again AS (
    SELECT * FROM keyed
    SEMI JOIN (SELECT record_source, record_id FROM keyed GROUP BY ALL HAVING count(*) > 1)
        USING (record_source, record_id)
),
conflicting AS (
    SELECT record_source, record_id
    FROM sent_again
    GROUP BY ALL
    HAVING min(identity) <> max(identity)
),
involved AS (
    SELECT *, {{record_identity_text}} AS identity_text
    FROM sent_again SEMI JOIN conflicting USING (record_source, record_id)
)
-- each row names the first row (by load and row) of another identity with the same id
SELECT a.record_source, a.record_id, a._load_id, a._source_row,
       arg_min(b.identity_text || ' (' || b._source_file || ' row ' || b._source_row
               || ', load ' || b._load_id || ')', (b._load_id, b._source_row)) AS other_row
FROM involved AS a
JOIN involved AS b
  ON b.record_source = a.record_source AND b.record_id = a.record_id AND b.identity <> a.identity
GROUP BY ALL;

UPDATE parsed
SET reason = 'conflicting_record_id',
    detail = 'id ' || c.record_id || CASE WHEN c.record_source <> '' THEN ' of source ' || c.record_source ELSE '' END
             || ' is also used for ' || c.other_row,
    raw_record = to_json({ {{raw_record_fields}} })
FROM record_conflicts AS c
WHERE parsed._load_id = c._load_id AND parsed._source_row = c._source_row;
