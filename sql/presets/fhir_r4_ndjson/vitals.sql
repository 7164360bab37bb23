-- inputs: Observation.ndjson
-- FHIR R4 bulk export: body temperature Observations (a LOINC 8310-5 coding, which US Core's body
-- temperature profile requires, whatever other codings they carry) as canonical vitals, code
-- 8310-5. labs.sql takes none of them, so every Observation lands at most once. The vitals
-- contract has no status: cancelled and entered-in-error temperatures are left out (a later export
-- that withdraws a temperature does not retract one loaded before), preliminary and amended ones are
-- taken as measured. Other vital signs are not part of the extract; a temperature coded only with a
-- site LOINC (oral 8331-1...) and no vital-signs category lands in labs as unmapped_code.
-- value/unit as in labs.sql (valueQuantity with comparator; unit, else its UCUM code such as
-- [degF]); measured_at: effectiveDateTime (or effectivePeriod.start or effectiveInstant);
-- recorded_at: issued. Times keep their UTC offset; $shift_years moves the date part only.
WITH resources AS (
    SELECT json AS r, row_number() OVER () AS _source_row
    FROM read_json_objects($dir || '/Observation.ndjson', format = 'newline_delimited',
                           ignore_errors = true, maximum_object_size = 134217728)
),
observations AS (
    SELECT r, _source_row,
           list_filter(json_extract(r, '$.code.coding[*]'), lambda c: c->>'system' = 'http://loinc.org') AS loinc_codings,
           coalesce(list_contains(list_transform(loinc_codings, lambda c: c->>'code'), '8310-5'), false)
               AS is_temperature,
           coalesce(r->>'$.effectiveDateTime', r->>'$.effectivePeriod.start', r->>'$.effectiveInstant') AS effective,
           r->>'$.issued' AS issued
    FROM resources
)
SELECT nullif(regexp_extract(r->>'$.subject.reference', '(^|/)Patient/([^/]+)', 2), '') AS patient_id,
       nullif(regexp_extract(r->>'$.encounter.reference', '(^|/)Encounter/([^/]+)', 2), '') AS encounter_id,
       CASE WHEN r->>'$.resourceType' = 'Observation' THEN r->>'$.id' END AS measurement_id,
       '8310-5' AS code,
       coalesce(coalesce(r->>'$.valueQuantity.comparator', '') || (r->>'$.valueQuantity.value'),
                r->>'$.valueString') AS value,
       coalesce(r->>'$.valueQuantity.unit', r->>'$.valueQuantity.code') AS unit,
       coalesce(strftime(TRY_CAST(left(effective, 10) AS DATE) + to_years(CAST($shift_years AS INTEGER)), '%Y-%m-%d')
                || substr(effective, 11), effective) AS measured_at,
       coalesce(strftime(TRY_CAST(left(issued, 10) AS DATE) + to_years(CAST($shift_years AS INTEGER)), '%Y-%m-%d')
                || substr(issued, 11), issued) AS recorded_at,
       to_json({status: r->>'$.status', codes: list_transform(json_extract(r, '$.code.coding[*]'), lambda c: c->>'code'),
                body_site: r->>'$.bodySite.coding[0].display', unit_code: r->>'$.valueQuantity.code',
                subject: r->>'$.subject.reference', effective: effective,
                last_updated: r->>'$.meta.lastUpdated'}) AS _extra,
       'Observation.ndjson' AS _source_file,
       _source_row
FROM observations
WHERE is_temperature AND coalesce(r->>'$.status', '') NOT IN ('cancelled', 'entered-in-error')
