-- FHIR R4 bulk export: macros the kinds share (run before each kind).
-- fhir_resources(dir, file): an NDJSON file's lines, each read as one JSON value (r; a line that is
-- not JSON is an empty row, a line over 128 MB refuses the kind: see labs.sql), numbered (_source_row).
CREATE OR REPLACE TEMP MACRO fhir_resources(dir, file) AS TABLE
SELECT json AS r, row_number() OVER () AS _source_row
FROM read_json_objects(dir || '/' || file, format = 'newline_delimited',
                       ignore_errors = true, maximum_object_size = 134217728);

-- fhir_shift(t, years): a FHIR date or time moved by whole years in its date part only, keeping the
-- time and UTC offset as sent (see labs.sql); text without a full date first is left as sent.
CREATE OR REPLACE TEMP MACRO fhir_shift(t, years) AS
    coalesce(strftime(TRY_CAST(left(t, 10) AS DATE) + to_years(CAST(years AS INTEGER)), '%Y-%m-%d')
             || substr(t, 11), t);

-- fhir_observations(dir): the Observations as labs.sql and vitals.sql both read them: their codings
-- (all, and the LOINC ones), whether they are a body temperature (a LOINC 8310-5 coding) or in the
-- vital-signs category, effective and issued times as sent, valueQuantity with its comparator in
-- front (quantity) and its unit, else its UCUM code (unit).
CREATE OR REPLACE TEMP MACRO fhir_observations(dir) AS TABLE
SELECT r, _source_row,
       json_extract(r, '$.code.coding[*]') AS codings,
       list_filter(codings, lambda c: c->>'system' = 'http://loinc.org') AS loinc_codings,
       coalesce(list_contains(list_transform(loinc_codings, lambda c: c->>'code'), '8310-5'), false)
           AS is_temperature,
       coalesce(list_contains(json_extract_string(r, '$.category[*].coding[*].code'), 'vital-signs'), false)
           AS is_vital_sign,
       coalesce(r->>'$.effectiveDateTime', r->>'$.effectivePeriod.start', r->>'$.effectiveInstant') AS effective,
       r->>'$.issued' AS issued,
       coalesce(r->>'$.valueQuantity.comparator', '') || (r->>'$.valueQuantity.value') AS quantity,
       coalesce(r->>'$.valueQuantity.unit', r->>'$.valueQuantity.code') AS unit
FROM fhir_resources(dir, 'Observation.ndjson');
