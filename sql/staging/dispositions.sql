-- Where every parsed row of one staging table goes: quarantine (it has a reason), superseded (it
-- lost to another version of the same record), or current (temp table `current`, which the table's
-- own projection turns into staging.<table>). Reads the temp table `parsed` built by the table's
-- parse file (the rows of the loads in temp table stage_scope, with every version of the records
-- they carry) and replaces exactly those rows' quarantine and superseded entries; $full replaces
-- all of this table's.
--
-- A record is (scope, record_id): the scope is the source of the row's load for the tables whose
-- ids a source issues (lab results, vital signs: a result id is unique only within its source),
-- one scope for the others (temp table record_scopes, built by pipelines/staging/staged_tables.py).
--
-- Versions of one record: an amendment (status_rank 3 and up: for labs corrected C and cancelled
-- X) always beats what it amends (final F, rank 2), and a final a preliminary (P, rank 1),
-- whatever their times: a correction sent with an earlier or no resulted time still wins. Within
-- one tier the latest version_time wins, then the higher status_rank (X over C), then the later
-- load and row. A cancelling winner removes the record: it and every version it cancels are
-- superseded as 'cancelled'. A loser identical to the winner (same fingerprint) is a 'duplicate',
-- any other an 'older_version'.
-- Reads: temp.parsed, temp.stage_scope, temp.record_scopes (built by pipelines/staging/staged_tables.py),
-- raw.malformed_lines. Writes: quarantine.rejected_rows and staging.superseded_rows (this table's rows
-- of the loads staged), temp.staged_records, temp.repeated, temp.versions, temp.current (a view);
-- deletes from temp.parsed the earlier versions that only served as comparison.

-- Only the loads being staged, and every version of the records they carry, are decided again.
-- (The measurement source views already read no more than that; the small tables parse all of
-- raw and are narrowed here.)
CREATE OR REPLACE TEMP TABLE staged_records AS
SELECT DISTINCT s.record_source, p.record_id
FROM parsed AS p JOIN record_scopes AS s ON s.load_id = p._load_id
WHERE NOT $full AND p._load_id IN (SELECT load_id FROM stage_scope) AND p.record_id IS NOT NULL;

DELETE FROM parsed
WHERE NOT $full
  AND _load_id NOT IN (SELECT load_id FROM stage_scope)
  AND NOT EXISTS (SELECT 1 FROM staged_records AS r JOIN record_scopes AS s ON s.record_source = r.record_source
                  WHERE s.load_id = parsed._load_id AND r.record_id = parsed.record_id);

DELETE FROM quarantine.rejected_rows
WHERE table_name = $table_name
  AND ($full OR (_load_id, _source_row) IN (SELECT _load_id, _source_row FROM parsed)
       OR (_source_row IS NULL AND _load_id IN (SELECT load_id FROM stage_scope)));

INSERT INTO quarantine.rejected_rows
SELECT $table_name, _load_id, _source_file, _source_row, NULL, reason, detail, raw_record
FROM parsed
WHERE reason IS NOT NULL;

-- Lines the CSV reader could not split: quarantined against the table their file feeds.
INSERT INTO quarantine.rejected_rows
SELECT $table_name, _load_id, _source_file, NULL, line, 'malformed_row',
       error_type || ': ' || error_message, to_json({csv_line: csv_line})
FROM raw.malformed_lines
WHERE kind = $raw_kind AND _load_id IN (SELECT load_id FROM stage_scope);

-- Only records sent more than once, or cancelled, need ranking: most are sent once and go
-- straight to current. (An id repeated in one scope sends its rows of every scope to the
-- ranking, where a row alone in its scope simply wins: cheaper than carrying the scope along.)
CREATE OR REPLACE TEMP TABLE repeated AS
SELECT DISTINCT p.record_id
FROM parsed AS p JOIN record_scopes AS s ON s.load_id = p._load_id
WHERE p.reason IS NULL
GROUP BY s.record_source, p.record_id HAVING count(*) > 1 OR bool_or(p.is_cancel);

CREATE OR REPLACE TEMP TABLE versions AS
SELECT p.*,
       row_number() OVER record_versions AS version_rank,
       first_value(p.is_cancel) OVER record_versions AS kept_is_cancel,
       first_value(p._load_id) OVER record_versions AS kept_load_id,
       first_value(p._source_row) OVER record_versions AS kept_source_row,
       first_value(p.fingerprint) OVER record_versions AS kept_fingerprint
FROM parsed AS p
JOIN record_scopes AS s ON s.load_id = p._load_id
WHERE p.reason IS NULL AND p.record_id IN (SELECT record_id FROM repeated)
WINDOW record_versions AS (
    PARTITION BY s.record_source, p.record_id
    ORDER BY least(p.status_rank, 3) DESC, p.version_time DESC NULLS LAST, p.status_rank DESC,
             p._load_id DESC, p._source_row DESC
);

DELETE FROM staging.superseded_rows
WHERE table_name = $table_name
  AND ($full OR (_load_id, _source_row) IN (SELECT _load_id, _source_row FROM parsed));

INSERT INTO staging.superseded_rows
SELECT $table_name, record_id,
       CASE
           WHEN kept_is_cancel THEN 'cancelled'
           WHEN fingerprint = kept_fingerprint THEN 'duplicate'
           ELSE 'older_version'
       END,
       _load_id, _source_file, _source_row, kept_load_id, kept_source_row
FROM versions
WHERE version_rank > 1 OR kept_is_cancel;

-- A view, so the table's projection reads the parsed rows once instead of copying them again.
CREATE OR REPLACE TEMP VIEW current AS
SELECT * FROM parsed
WHERE reason IS NULL AND record_id NOT IN (SELECT record_id FROM repeated)
UNION ALL BY NAME
SELECT * EXCLUDE (version_rank, kept_is_cancel, kept_load_id, kept_source_row, kept_fingerprint)
FROM versions
WHERE version_rank = 1 AND NOT is_cancel;
