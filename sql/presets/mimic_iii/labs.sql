-- inputs: LABEVENTS.csv.gz, D_LABITEMS.csv.gz
-- MIMIC-III lab events as canonical labs. Every LABEVENTS row is an extract row: codes mapped by
-- ITEMID ($lab_items) carry the analyte name, the rest keep the item's LOINC (or 'mimic3-lab:'
-- ITEMID) and are quarantined as unmapped by staging. Value: VALUE, else VALUENUM when VALUE is
-- empty or a de-identification placeholder (source_value, sql/presets/_common.sql). Unit: VALUEUOM,
-- or the mapping's unit for the item when it is empty, UNK, or that unit without its annotation
-- (source_unit: D-Dimer 51196, LOINC 48065-7 in D_LABITEMS, is FEU and sent as 'ng/mL'). CHARTTIME is the collection time; MIMIC-III
-- has no result time, so results count as known when collected.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.labs (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH events AS (SELECT * FROM preset_rows($dir, $inputs['LABEVENTS.csv.gz'])),
items AS (SELECT * EXCLUDE (_source_file, _source_row) FROM preset_rows($dir, $inputs['D_LABITEMS.csv.gz'])),
mapped AS (SELECT entry->>'itemid' AS itemid, entry->>'analyte' AS analyte, entry->>'unit' AS unit
           FROM mapping_entries($lab_items))
SELECT e.SUBJECT_ID AS patient_id,
       e.HADM_ID AS encounter_id,
       e.ROW_ID AS result_id,
       coalesce(m.analyte, nullif(i.LOINC_CODE, ''), 'mimic3-lab:' || e.ITEMID) AS code,
       i.LABEL AS name,
       source_value(e.VALUE, e.VALUENUM) AS value,
       source_unit(e.VALUEUOM, m.unit) AS unit,
       NULL AS ref_low,
       NULL AS ref_high,
       shift_time(e.CHARTTIME, $shift_years) AS collected_at,
       NULL AS resulted_at,
       'F' AS status,
       to_json({itemid: e.ITEMID, loinc: i.LOINC_CODE, fluid: i.FLUID, flag: e.FLAG, charttime: e.CHARTTIME,
                value: e.VALUE, valuenum: e.VALUENUM, value_from_number: value_from_number(e.VALUE, e.VALUENUM),
                valueuom: e.VALUEUOM, unit_from_mapping: unit_from_mapping(e.VALUEUOM, m.unit)}) AS _extra,
       e._source_file,
       e._source_row
FROM events AS e
LEFT JOIN items AS i USING (ITEMID)
LEFT JOIN mapped AS m ON m.itemid = e.ITEMID
