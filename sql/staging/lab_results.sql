-- staging.lab_results: one current version of every lab result, typed, in canonical units.
-- value_text is the value exactly as sent; censoring ('<', '<=', '>', '>=') marks values such as
-- '<5' or 'GREATER THAN 2000', whose value_num is the bound. source is the feed the row came from
-- (meta.loads.source): (source, result_id) is the record's key. Ids are trimmed.
-- Reads: temp.current (sql/staging/dispositions.sql), meta.loads (source).
-- Writes: staging.lab_results (the rows this returns, by pipelines/staging/staged_tables.py stage).
SELECT l.source, c.patient_id, nullif(trim_id(c.encounter_id), '') AS encounter_id, c.record_id AS result_id,
       trim(c.code) AS code, c.name, c.analyte,
       c.value AS value_text, c.value_num, c.censoring,
       c.canonical_unit AS unit, c.unit AS unit_as_sent, c.ref_low_num AS ref_low, c.ref_high_num AS ref_high,
       c.taken_ts AS collected_at, c.available_ts AS resulted_at, c.status,
       c._load_id, c._source_file, c._source_row
FROM current AS c
JOIN meta.loads AS l ON l.load_id = c._load_id
