-- inputs: CHARTEVENTS.csv.gz
-- MIMIC-III body temperature from CHARTEVENTS: the rows of the mapped items ($chart_items) only
-- (the extract is "temperature charting", not every chart event). Rows flagged ERROR = 1 are kept
-- and quarantined by staging only if their value fails. A row without a unit takes the unit its
-- item's label states (recorded in _extra.unit_from_item).
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.vitals (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH events AS (SELECT * FROM preset_rows($dir, $inputs['CHARTEVENTS.csv.gz'])),
mapped AS (SELECT entry->>'itemid' AS itemid, entry->>'unit' AS unit FROM mapping_entries($chart_items))
SELECT e.SUBJECT_ID AS patient_id,
       e.HADM_ID AS encounter_id,
       e.ROW_ID AS measurement_id,
       '8310-5' AS code,
       source_value(e.VALUE, e.VALUENUM) AS value,
       source_unit(e.VALUEUOM, m.unit) AS unit,
       shift_time(e.CHARTTIME, $shift_years) AS measured_at,
       shift_time(e.STORETIME, $shift_years) AS recorded_at,
       to_json({itemid: e.ITEMID, error: e.ERROR, unit_from_item: unit_from_mapping(e.VALUEUOM, m.unit), value: e.VALUE, valuenum: e.VALUENUM,
                charttime: e.CHARTTIME}) AS _extra,
       e._source_file,
       e._source_row
FROM events AS e
JOIN mapped AS m ON m.itemid = e.ITEMID
