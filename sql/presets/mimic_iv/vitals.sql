-- inputs: icu/chartevents.csv.gz
-- MIMIC-IV body temperature from icu/chartevents: the rows of the mapped items ($chart_items)
-- only (the extract is temperature charting, not every chart event). Rows with a warning are kept
-- and quarantined by staging only if their value fails. The value is the text, else valuenum when
-- the text is empty or a de-identification placeholder (source_value, sql/presets/_common.sql); a
-- row whose unit is empty or UNK takes the unit its item's label states (source_unit; recorded in
-- _extra.unit_from_item). storetime is when it was recorded.
-- chartevents has no row id: a measurement is (subject, stay, item, charttime), so a re-charted
-- value replaces the earlier one (the later storetime wins). caregiver_id (v2.2 and later) is
-- not read, so v2.0 files load too. A source without icu/ has no vitals (a source_files_missing
-- warning says so).
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.vitals (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH events AS (SELECT * FROM preset_rows($dir, $inputs['icu/chartevents.csv.gz'])),
mapped AS (SELECT entry->>'itemid' AS itemid, entry->>'unit' AS unit FROM mapping_entries($chart_items))
SELECT e.subject_id AS patient_id,
       e.hadm_id AS encounter_id,
       concat_ws('|', e.subject_id, coalesce(e.stay_id, ''), e.itemid, e.charttime) AS measurement_id,
       '8310-5' AS code,
       source_value(e.value, e.valuenum) AS value,
       source_unit(e.valueuom, m.unit) AS unit,
       shift_time(e.charttime, $shift_years) AS measured_at,
       shift_time(e.storetime, $shift_years) AS recorded_at,
       to_json({itemid: e.itemid, stay_id: e.stay_id, warning: e.warning, value: e.value, valuenum: e.valuenum,
                value_from_number: value_from_number(e.value, e.valuenum), valueuom: e.valueuom,
                unit_from_item: unit_from_mapping(e.valueuom, m.unit), charttime: e.charttime}) AS _extra,
       e._source_file,
       e._source_row
FROM events AS e
JOIN mapped AS m ON m.itemid = e.itemid
