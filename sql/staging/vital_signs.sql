-- staging.vital_signs: one current version of every vital-sign measurement, in canonical units
-- (body temperature in Cel). recorded_at is when it became known; absent, the measured time.
-- source is the feed the row came from (meta.loads.source): (source, measurement_id) is the
-- record's key. Ids are trimmed.
-- Reads: temp.current (sql/staging/dispositions.sql), meta.loads (source).
-- Writes: staging.vital_signs (the rows this returns, by pipelines/staging/staged_tables.py stage).
SELECT l.source, c.patient_id, nullif(trim_id(c.encounter_id), '') AS encounter_id, c.record_id AS measurement_id,
       trim(c.code) AS code, c.analyte,
       c.value AS value_text, c.value_num, c.censoring,
       c.canonical_unit AS unit, c.unit AS unit_as_sent,
       c.taken_ts AS measured_at, c.available_ts AS recorded_at,
       c._load_id, c._source_file, c._source_row
FROM current AS c
JOIN meta.loads AS l ON l.load_id = c._load_id
