-- inputs: icu/chartevents.csv.gz
-- MIMIC-IV body temperature from icu/chartevents: the rows of the mapped items ($chart_items)
-- only (the extract is temperature charting, not every chart event). Rows with a warning are kept
-- and quarantined by staging only if their value fails. A row without a unit takes the unit its
-- item's label states (recorded in _extra.unit_from_item). storetime is when it was recorded.
-- chartevents has no row id: a measurement is (subject, stay, item, charttime), so a re-charted
-- value replaces the earlier one (the later storetime wins). caregiver_id (v2.2 and later) is
-- not read, so v2.0 files load too.
WITH events AS (
    SELECT *, row_number() OVER () AS _source_row
    FROM read_csv($dir || '/icu/chartevents.csv.gz', header = true, all_varchar = true)
),
mapped AS (SELECT unnest($chart_items, recursive := true))
SELECT e.subject_id AS patient_id,
       e.hadm_id AS encounter_id,
       concat_ws('|', e.subject_id, coalesce(e.stay_id, ''), e.itemid, e.charttime) AS measurement_id,
       '8310-5' AS code,
       coalesce(nullif(trim(e.value), ''), e.valuenum) AS value,
       coalesce(nullif(trim(e.valueuom), ''), m.unit) AS unit,
       shift_time(e.charttime, $shift_years) AS measured_at,
       shift_time(e.storetime, $shift_years) AS recorded_at,
       to_json({itemid: e.itemid, stay_id: e.stay_id, warning: e.warning, valuenum: e.valuenum,
                unit_from_item: nullif(trim(e.valueuom), '') IS NULL, charttime: e.charttime}) AS _extra,
       'icu/chartevents.csv.gz' AS _source_file,
       e._source_row
FROM events AS e
JOIN mapped AS m ON m.itemid = e.itemid
