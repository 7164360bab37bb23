-- inputs: data/**/*.parquet, metadata/dataset.json?
-- MEDS (Medical Event Data Standard): events as canonical labs. The events are the parquet shards
-- under data/ (every data/**/*.parquet file, read together by the macros of _shared.sql); a new or
-- rewritten shard reloads the kind. metadata/dataset.json is expected but not read: a dataset
-- without it loads, with a source_files_missing warning.
-- An event's kind comes from its code by the preset mapping ($code_prefixes, longest prefix wins).
-- Labs are the events of a labs prefix (LAB//<code>//<unit>) that measurement_codes does not route to
-- vitals, and every event no prefix claims, under its whole code, so that nothing is dropped
-- unseen: staging quarantines those as unmapped_code (missing_required when they have no time or
-- value). code: the part after the prefix (a LOINC or analyte name staging maps), or the analyte
-- $measurement_codes maps it to. value: numeric_value, or text_value when there is no number or the
-- text carries a censoring sign ('>1000'). unit: the code's unit part, else the dataset's `unit`
-- column; the mapping's unit when that is empty or UNK (MIMIC-IV MEDS writes UNK for a chart item
-- without a unit). Times are naive (site-local), shifted by shift_time; static
-- events (no time) are quarantined as missing_required. MEDS has no result time (results count as
-- known when taken) and no status (F).
-- MEDS has no result id: it is subject|time|code|n, n numbering identical (subject, time, code)
-- events in shard and row order. It stays stable across reloads, so a reloaded dataset supersedes
-- its earlier load, but two identical events (a duplicate, within or across shards) are two results.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.labs (the rows this returns, inserted by pipelines/ingest/presets.py).
SELECT CAST(subject_id AS VARCHAR) AS patient_id,
       NULL AS encounter_id,
       measurement_id AS result_id,
       CASE WHEN kind IS NULL THEN meds_code ELSE coalesce(analyte, parts[1]) END AS code,
       meds_code AS name,
       measured_value AS value,
       measured_unit AS unit,
       NULL AS ref_low,
       NULL AS ref_high,
       shift_time(CAST(CAST(time AS TIMESTAMP) AS VARCHAR), $shift_years) AS collected_at,
       NULL AS resulted_at,
       'F' AS status,
       measurement_extra AS _extra,
       _source_file,
       _source_row
FROM meds_measurements($dir, $inputs['data/**/*.parquet'], $code_prefixes, $measurement_codes)
WHERE measurement_kind = 'labs'
