-- inputs: hosp/labevents.csv.gz, hosp/d_labitems.csv.gz
-- MIMIC-IV lab events as canonical labs. Every labevents row is an extract row: items mapped by
-- itemid ($lab_items) carry the analyte name, the rest keep 'mimic4-lab:' itemid (d_labitems has
-- no LOINC since v2) and are quarantined as unmapped by staging. The value is the text as sent
-- ('<5' stays censored), unless the text is empty or de-identification's placeholder '___', then
-- valuenum (source_value, sql/presets/_common.sql; _extra.value_from_number). The de-identified text
-- hides the most abnormal results (platelets 5 to 9, fibrinogen 46, AST above 13,000), so reading it
-- alone would drop exactly those. The unit is valueuom, or the mapping's unit for the item when
-- valueuom is empty or UNK (source_unit). charttime is the collection time, storetime the result
-- time. Inputs: labevents.csv or .csv.gz, one file or numbered parts (pipelines/ingest/presets.py).
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.labs (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH events AS (SELECT * FROM preset_rows($dir, $inputs['hosp/labevents.csv.gz'])),
items AS (SELECT * EXCLUDE (_source_file, _source_row) FROM preset_rows($dir, $inputs['hosp/d_labitems.csv.gz'])),
mapped AS (SELECT entry->>'itemid' AS itemid, entry->>'analyte' AS analyte, entry->>'unit' AS unit
           FROM mapping_entries($lab_items))
SELECT e.subject_id AS patient_id,
       e.hadm_id AS encounter_id,
       e.labevent_id AS result_id,
       coalesce(m.analyte, 'mimic4-lab:' || e.itemid) AS code,
       i.label AS name,
       source_value(e.value, e.valuenum) AS value,
       source_unit(e.valueuom, m.unit) AS unit,
       e.ref_range_lower AS ref_low,
       e.ref_range_upper AS ref_high,
       shift_time(e.charttime, $shift_years) AS collected_at,
       shift_time(e.storetime, $shift_years) AS resulted_at,
       'F' AS status,
       to_json({itemid: e.itemid, specimen_id: e.specimen_id, fluid: i.fluid, category: i.category,
                value: e.value, valuenum: e.valuenum, value_from_number: value_from_number(e.value, e.valuenum),
                valueuom: e.valueuom, unit_from_mapping: unit_from_mapping(e.valueuom, m.unit),
                flag: e.flag, priority: e.priority, comments: e.comments, charttime: e.charttime}) AS _extra,
       e._source_file,
       e._source_row
FROM events AS e
LEFT JOIN items AS i USING (itemid)
LEFT JOIN mapped AS m ON m.itemid = e.itemid
