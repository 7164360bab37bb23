-- Question: Why were rows quarantined, source by source and table by table: how many rows, from
--   how many files?
-- Reads: quarantine.rejected_rows, meta.loads (the source of each load).
-- Runs on: snapshot (quarantine.* and meta.* are not in the research release: they hold the
--   records as sent, file names and lineage back to identified files; docs/RESEARCH.md)
-- Columns: source (the site configuration's source name, `landing` without one; `adjudications`
--   for the quality team's verdicts file), table_name, reason (docs/DATA_DICTIONARY.md, quarantine),
--   rows_quarantined, files (distinct source files), first_file and last_file (by name).
-- Caveats: every row that did not reach staging for a reason other than superseding is here, with
--   one reason (the first that matches); superseded rows (duplicates, older versions, cancelled
--   results) are in staging.superseded_rows instead. Adjudication rows are the current file
--   version's invalid rows only.
-- Writes: nothing (a read-only query).
SELECT coalesce(l.source, CASE WHEN starts_with(q._load_id, 'adjudications-') THEN 'adjudications' END)
           AS source,
       q.table_name, q.reason,
       count(*) AS rows_quarantined,
       count(DISTINCT q._source_file) AS files,
       min(q._source_file) AS first_file,
       max(q._source_file) AS last_file
FROM quarantine.rejected_rows AS q
LEFT JOIN meta.loads AS l ON l.load_id = q._load_id
GROUP BY ALL
ORDER BY source, table_name, rows_quarantined DESC, reason;
