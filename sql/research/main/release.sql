-- release (research.release to a reader who opens research.duckdb): what this release is, without
-- identifiers: when it was made, with which rule set and shift bound, and the rows of each table.
-- Reads: meta.runs. Writes: deidentified.main.release.
CREATE TABLE deidentified.main.release AS
SELECT $released_at::TIMESTAMPTZ AS released_at,
       (SELECT arg_max(rule_set_version, finished_at) FROM meta.runs
        WHERE rule_set_version IS NOT NULL) AS rule_set_version,
       $max_shift_days::INTEGER AS max_shift_days,
       unnest($table_names::VARCHAR[]) AS table_name,
       unnest($row_counts::BIGINT[]) AS row_count;
