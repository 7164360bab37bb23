-- inputs: hosp/labevents.csv.gz, hosp/d_labitems.csv.gz
-- MIMIC-IV lab events as canonical labs. Every labevents row is an extract row: items mapped by
-- itemid ($lab_items) carry the analyte name, the rest keep 'mimic4-lab:' itemid (d_labitems has
-- no LOINC since v2) and are quarantined as unmapped by staging. The value is the text as sent
-- ('<5' stays censored), else valuenum. charttime is the collection time, storetime the result
-- time.
WITH events AS (
    SELECT *, row_number() OVER () AS _source_row
    FROM read_csv($dir || '/hosp/labevents.csv.gz', header = true, all_varchar = true)
),
items AS (SELECT * FROM read_csv($dir || '/hosp/d_labitems.csv.gz', header = true, all_varchar = true)),
mapped AS (SELECT unnest($lab_items, recursive := true))
SELECT e.subject_id AS patient_id,
       e.hadm_id AS encounter_id,
       e.labevent_id AS result_id,
       coalesce(m.analyte, 'mimic4-lab:' || e.itemid) AS code,
       i.label AS name,
       coalesce(nullif(trim(e.value), ''), e.valuenum) AS value,
       e.valueuom AS unit,
       e.ref_range_lower AS ref_low,
       e.ref_range_upper AS ref_high,
       shift_time(e.charttime, $shift_years) AS collected_at,
       shift_time(e.storetime, $shift_years) AS resulted_at,
       'F' AS status,
       to_json({itemid: e.itemid, specimen_id: e.specimen_id, fluid: i.fluid, category: i.category,
                valuenum: e.valuenum, flag: e.flag, priority: e.priority, comments: e.comments,
                charttime: e.charttime}) AS _extra,
       'hosp/labevents.csv.gz' AS _source_file,
       e._source_row
FROM events AS e
LEFT JOIN items AS i USING (itemid)
LEFT JOIN mapped AS m ON m.itemid = e.itemid
