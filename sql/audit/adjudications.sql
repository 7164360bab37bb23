-- audit.adjudications: the quality team's verdict per episode, from the current version of the
-- adjudications file. One row per adjudicated episode; key episode_id. Run whole by
-- pipelines/audit/quality_audit.py build_adjudications after the file's new content, if any, was loaded.
--
-- Reads: audit.adjudication_files, audit.adjudication_history (every version, as sent),
-- screen.episodes. Writes: audit.adjudications (replaced), the outcome, reason and
-- resolved_episode_id of every audit.adjudication_history row, and the rows of
-- quarantine.rejected_rows with table_name 'adjudications' (replaced: the current version's
-- invalid rows).
--
-- A row names its episode by episode_id, or by patient_id and as_of_date (a day from the episode's
-- first to its last flagged day). verdict: confirmed, not_mas or uncertain (case, spaces and
-- hyphens ignored: 'Not MAS' is not_mas). reviewed_at: ISO 8601, site time without an offset.
-- Quarantine reasons, first that holds: missing_reference (neither an episode id nor a patient and
-- a date), invalid_timestamp (as_of_date not a date, reviewed_at missing or not a timestamp),
-- invalid_verdict, missing_reviewer, unknown_episode (no such episode id, or no episode of the
-- patient holds the date), conflicting_reference (the id and the patient or date name different
-- episodes). Of the valid rows of one episode the latest verdict wins: greatest reviewed_at, then
-- the later row of the file.
CREATE OR REPLACE TEMP TABLE adjudication_checks AS
WITH current_load AS (
    SELECT arg_max(_load_id, last_seen_at) AS _load_id FROM audit.adjudication_files
),
parsed AS (
    SELECT h._load_id, h._source_file, h._source_row,
           nullif(trim(h.episode_id), '') AS episode_ref,
           nullif(trim(h.patient_id), '') AS patient_ref,
           nullif(trim(h.as_of_date), '') AS day_text,
           try_cast(trim(h.as_of_date) AS DATE) AS day,
           regexp_replace(lower(trim(h.verdict)), '[\s\-]+', '_', 'g') AS verdict,
           nullif(trim(h.reviewer), '') AS reviewer,
           nullif(trim(h.reviewed_at), '') AS reviewed_text,
           try_cast(trim(h.reviewed_at) AS TIMESTAMPTZ) AS reviewed_at,
           h.note,
           to_json({episode_id: h.episode_id, patient_id: h.patient_id, as_of_date: h.as_of_date,
                    verdict: h.verdict, reviewer: h.reviewer, reviewed_at: h.reviewed_at, note: h.note}) AS raw_record
    FROM audit.adjudication_history AS h
    WHERE h._load_id = (SELECT _load_id FROM current_load)
),
referenced AS (
    SELECT p.*, by_id.episode_id AS id_episode, by_id.patient_id AS id_patient,
           by_day.episode_id AS day_episode
    FROM parsed AS p
    LEFT JOIN screen.episodes AS by_id ON by_id.episode_id = p.episode_ref
    LEFT JOIN screen.episodes AS by_day
      ON by_day.patient_id = p.patient_ref AND p.day BETWEEN by_day.first_flag_date AND by_day.last_flag_date
)
SELECT *,
       CASE WHEN episode_ref IS NULL AND (patient_ref IS NULL OR day_text IS NULL) THEN 'missing_reference'
            WHEN day_text IS NOT NULL AND day IS NULL THEN 'invalid_timestamp'
            WHEN reviewed_at IS NULL THEN 'invalid_timestamp'
            WHEN verdict IS NULL OR verdict NOT IN ('confirmed', 'not_mas', 'uncertain') THEN 'invalid_verdict'
            WHEN reviewer IS NULL THEN 'missing_reviewer'
            WHEN episode_ref IS NOT NULL AND id_episode IS NULL THEN 'unknown_episode'
            WHEN episode_ref IS NULL AND day_episode IS NULL THEN 'unknown_episode'
            WHEN episode_ref IS NOT NULL AND ((patient_ref IS NOT NULL AND patient_ref <> id_patient)
                                              OR (day_text IS NOT NULL AND day_episode IS DISTINCT FROM id_episode))
                 THEN 'conflicting_reference'
       END AS reason,
       CASE WHEN episode_ref IS NOT NULL AND id_episode IS NULL THEN 'no episode ' || episode_ref
            WHEN episode_ref IS NULL AND patient_ref IS NOT NULL AND day IS NOT NULL
                 THEN 'no episode of patient ' || patient_ref || ' holds ' || day_text
            WHEN day_text IS NOT NULL AND day IS NULL THEN 'as_of_date ' || day_text || ' is not a date'
            WHEN reviewed_text IS NOT NULL AND reviewed_at IS NULL THEN 'reviewed_at ' || reviewed_text || ' is not a timestamp'
            WHEN reviewed_text IS NULL THEN 'reviewed_at is empty'
            ELSE 'verdict ' || coalesce(verdict, '(empty)') || '; episode ' || coalesce(episode_ref, '?')
                 || ', patient ' || coalesce(patient_ref, '?') || ', day ' || coalesce(day_text, '?')
       END AS detail,
       coalesce(id_episode, day_episode) AS resolved_episode_id
FROM referenced;

CREATE OR REPLACE TEMP TABLE adjudication_outcomes AS
SELECT *,
       CASE WHEN reason IS NOT NULL THEN 'quarantined'
            WHEN row_number() OVER (PARTITION BY resolved_episode_id, reason IS NULL
                                    ORDER BY reviewed_at DESC, _source_row DESC) = 1 THEN 'applied'
            ELSE 'later_verdict_wins' END AS outcome,
       count(*) FILTER (WHERE reason IS NULL) OVER (PARTITION BY resolved_episode_id) AS verdicts
FROM adjudication_checks;

UPDATE audit.adjudication_history AS h
SET outcome = coalesce(o.outcome, 'older_file_version'), reason = o.reason,
    resolved_episode_id = CASE WHEN o.reason IS NULL THEN o.resolved_episode_id END
FROM (SELECT h2._load_id, h2._source_row, o2.outcome, o2.reason, o2.resolved_episode_id
      FROM audit.adjudication_history AS h2
      LEFT JOIN adjudication_outcomes AS o2 USING (_load_id, _source_row)) AS o
WHERE h._load_id = o._load_id AND h._source_row = o._source_row;

CREATE OR REPLACE TABLE audit.adjudications AS
SELECT resolved_episode_id AS episode_id, e.patient_id, o.verdict, o.reviewer, o.reviewed_at, o.note,
       CAST(o.verdicts AS INTEGER) AS verdicts, o._load_id, o._source_file, o._source_row
FROM adjudication_outcomes AS o
JOIN screen.episodes AS e ON e.episode_id = o.resolved_episode_id
WHERE o.outcome = 'applied'
ORDER BY episode_id;

DELETE FROM quarantine.rejected_rows WHERE table_name = 'adjudications';

INSERT INTO quarantine.rejected_rows (table_name, _load_id, _source_file, _source_row, source_line, reason, detail, raw_record)
SELECT 'adjudications', _load_id, _source_file, _source_row, NULL, reason, detail, raw_record
FROM adjudication_checks
WHERE reason IS NOT NULL;
