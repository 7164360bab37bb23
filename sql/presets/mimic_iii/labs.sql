-- inputs: LABEVENTS.csv.gz, D_LABITEMS.csv.gz
-- MIMIC-III lab events as canonical labs. Every LABEVENTS row is an extract row: codes mapped by
-- ITEMID ($lab_items) carry the analyte name, the rest keep the item's LOINC (or 'mimic3-lab:'
-- ITEMID) and are quarantined as unmapped by staging. CHARTTIME is the collection time; MIMIC-III
-- has no result time, so results count as known when collected.
WITH events AS (
    SELECT *, row_number() OVER () AS _source_row
    FROM read_csv($dir || '/LABEVENTS.csv.gz', header = true, all_varchar = true)
),
items AS (SELECT * FROM read_csv($dir || '/D_LABITEMS.csv.gz', header = true, all_varchar = true)),
mapped AS (SELECT unnest($lab_items, recursive := true))
SELECT e.SUBJECT_ID AS patient_id,
       e.HADM_ID AS encounter_id,
       e.ROW_ID AS result_id,
       coalesce(m.analyte, nullif(i.LOINC_CODE, ''), 'mimic3-lab:' || e.ITEMID) AS code,
       i.LABEL AS name,
       e.VALUE AS value,
       e.VALUEUOM AS unit,
       NULL AS ref_low,
       NULL AS ref_high,
       shift_time(e.CHARTTIME, $shift_years) AS collected_at,
       NULL AS resulted_at,
       'F' AS status,
       to_json({itemid: e.ITEMID, loinc: i.LOINC_CODE, fluid: i.FLUID, flag: e.FLAG, charttime: e.CHARTTIME}) AS _extra,
       'LABEVENTS.csv.gz' AS _source_file,
       e._source_row
FROM events AS e
LEFT JOIN items AS i USING (ITEMID)
LEFT JOIN mapped AS m ON m.itemid = e.ITEMID
