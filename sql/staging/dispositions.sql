-- Where every parsed row of one staging table goes: quarantine (it has a reason), superseded (it
-- lost to another version of the same record), or current (temp table `current`, which the table's
-- own projection turns into staging.<table>). Reads the temp table `parsed` built by the table's
-- parse file (the rows of the loads in temp table stage_scope, with every version of the records
-- they carry) and replaces exactly those rows' quarantine and superseded entries; $full replaces
-- all of this table's.
--
-- Versions of one record: the latest version_time wins; on a tie the higher status_rank (for labs:
-- cancelled > corrected > final > preliminary), then the later load and row. A cancelling winner
-- removes the record: it and every version it cancels are superseded as 'cancelled'. A loser
-- identical to the winner (same fingerprint) is a 'duplicate', any other an 'older_version'.

-- Only the loads being staged, and every version of the records they carry, are decided again.
-- (The measurement source views already read no more than that; the small tables parse all of
-- raw and are narrowed here.)
DELETE FROM parsed
WHERE NOT $full
  AND _load_id NOT IN (SELECT load_id FROM stage_scope)
  AND coalesce(record_id NOT IN (SELECT record_id FROM parsed WHERE _load_id IN (SELECT load_id FROM stage_scope)
                                 AND record_id IS NOT NULL), true);

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
-- straight to current.
CREATE OR REPLACE TEMP TABLE repeated AS
SELECT record_id FROM parsed WHERE reason IS NULL GROUP BY record_id HAVING count(*) > 1 OR bool_or(is_cancel);

CREATE OR REPLACE TEMP TABLE versions AS
SELECT *,
       row_number() OVER record_versions AS version_rank,
       first_value(is_cancel) OVER record_versions AS kept_is_cancel,
       first_value(_load_id) OVER record_versions AS kept_load_id,
       first_value(_source_row) OVER record_versions AS kept_source_row,
       first_value(fingerprint) OVER record_versions AS kept_fingerprint
FROM parsed
WHERE reason IS NULL AND record_id IN (SELECT record_id FROM repeated)
WINDOW record_versions AS (
    PARTITION BY record_id
    ORDER BY version_time DESC NULLS LAST, status_rank DESC, _load_id DESC, _source_row DESC
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
