-- inputs: Encounter.ndjson
-- FHIR R4 bulk export: Encounters. admit/discharge: period.start/end; encounter_type: class.code
-- (IMP, AMB, EMER...); care_unit is not derived (Encounter.location lists every location of the
-- stay). Encounters with status entered-in-error or cancelled (ended before it began) are not part
-- of the extract. Times keep their UTC offset; $shift_years moves the date part only (see labs.sql).
WITH resources AS (
    SELECT json AS r, row_number() OVER () AS _source_row
    FROM read_json_objects($dir || '/Encounter.ndjson', format = 'newline_delimited',
                           ignore_errors = true, maximum_object_size = 134217728)
),
encounters AS (
    SELECT r, _source_row, r->>'$.period.start' AS admitted, r->>'$.period.end' AS discharged
    FROM resources
)
SELECT nullif(regexp_extract(r->>'$.subject.reference', '(^|/)Patient/([^/]+)', 2), '') AS patient_id,
       CASE WHEN r->>'$.resourceType' = 'Encounter' THEN r->>'$.id' END AS encounter_id,
       coalesce(strftime(TRY_CAST(left(admitted, 10) AS DATE) + to_years(CAST($shift_years AS INTEGER)), '%Y-%m-%d')
                || substr(admitted, 11), admitted) AS admit_at,
       coalesce(strftime(TRY_CAST(left(discharged, 10) AS DATE) + to_years(CAST($shift_years AS INTEGER)), '%Y-%m-%d')
                || substr(discharged, 11), discharged) AS discharge_at,
       r->>'$.class.code' AS encounter_type,
       NULL AS care_unit,
       to_json({status: r->>'$.status', type: r->>'$.type[0].text', service_type: r->>'$.serviceType.text',
                location: r->>'$.location[0].location.display',
                discharge_disposition: r->>'$.hospitalization.dischargeDisposition.coding[0].code'}) AS _extra,
       'Encounter.ndjson' AS _source_file,
       _source_row
FROM encounters
WHERE coalesce(r->>'$.status', '') NOT IN ('entered-in-error', 'cancelled')
