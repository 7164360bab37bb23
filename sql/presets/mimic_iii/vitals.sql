-- inputs: CHARTEVENTS.csv.gz
-- MIMIC-III body temperature from CHARTEVENTS: the rows of the mapped items ($chart_items) only
-- (the extract is "temperature charting", not every chart event). Rows flagged ERROR = 1 are kept
-- and quarantined by staging only if their value fails. A row without a unit takes the unit its
-- item's label states (recorded in _extra.unit_from_item).
WITH events AS (
    SELECT *, row_number() OVER () AS _source_row
    FROM read_csv($dir || '/CHARTEVENTS.csv.gz', header = true, all_varchar = true)
),
mapped AS (SELECT unnest($chart_items, recursive := true))
SELECT e.SUBJECT_ID AS patient_id,
       e.HADM_ID AS encounter_id,
       e.ROW_ID AS measurement_id,
       '8310-5' AS code,
       e.VALUE AS value,
       coalesce(nullif(trim(e.VALUEUOM), ''), m.unit) AS unit,
       shift_time(e.CHARTTIME, $shift_years) AS measured_at,
       shift_time(e.STORETIME, $shift_years) AS recorded_at,
       to_json({itemid: e.ITEMID, error: e.ERROR, unit_from_item: nullif(trim(e.VALUEUOM), '') IS NULL,
                charttime: e.CHARTTIME}) AS _extra,
       'CHARTEVENTS.csv.gz' AS _source_file,
       e._source_row
FROM events AS e
JOIN mapped AS m ON m.itemid = e.ITEMID
