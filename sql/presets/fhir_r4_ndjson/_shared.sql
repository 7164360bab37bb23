-- FHIR R4 bulk export: macros the kinds share (run before each kind).
-- fhir_resources(dir, files): the lines of a resource type's NDJSON files ($inputs gives every
-- .ndjson or .ndjson.gz file whose first line is that type, whatever its name: pipelines/ingest/presets.py),
-- each read as one JSON value (r; a line that is not JSON is an empty row, a line over 128 MB refuses
-- the kind: see labs.sql), with its file relative to the export folder (_source_file) and its line
-- in that file (_source_row).
-- Reads: no table. Writes: no table (temporary macros only).
CREATE OR REPLACE TEMP MACRO fhir_resources(dir, files) AS TABLE
WITH numbered AS (
    SELECT json AS r, filename, row_number() OVER () AS _scan_row
    FROM read_json_objects(files, format = 'newline_delimited', filename = true,
                           ignore_errors = true, maximum_object_size = 134217728)
)
SELECT r, substr(filename, length(dir) + 2) AS _source_file,
       _scan_row - min(_scan_row) OVER (PARTITION BY filename) + 1 AS _source_row
FROM numbered;

-- fhir_reference_id(reference, type): the id a reference points at, in every form the standard
-- allows for a resource of that type: relative ('Patient/123'), absolute
-- ('https://server/fhir/Patient/123', also with '/_history/2'), or 'urn:uuid:<id>' (bundles and bulk
-- exports whose resources are identified by UUID: the id is the UUID). Anything else is NULL.
CREATE OR REPLACE TEMP MACRO fhir_reference_id(reference, type) AS
    coalesce(nullif(regexp_extract(reference, '(^|/)' || type || '/([^/?#]+)', 2), ''),
             nullif(regexp_extract(reference, '^urn:uuid:([0-9A-Za-z-]+)$', 1), ''));

-- fhir_shift(t, years): a FHIR date or time moved by whole years in its date part only, keeping the
-- time and UTC offset as sent (see labs.sql); text without a full date first is left as sent.
CREATE OR REPLACE TEMP MACRO fhir_shift(t, years) AS
    coalesce(strftime(TRY_CAST(left(t, 10) AS DATE) + to_years(CAST(years AS INTEGER)), '%Y-%m-%d')
             || substr(t, 11), t);

-- fhir_observations(dir, files): the Observations as labs.sql and vitals.sql both read them: their codings
-- (all, and the LOINC ones), whether they are a body temperature (a LOINC 8310-5 coding) or in the
-- vital-signs category, effective and issued times as sent, valueQuantity with its comparator in
-- front (quantity) and its unit: the UCUM code when the quantity's system is UCUM (a coded unit is
-- preferred over its display string), else the unit as displayed, else the code.
CREATE OR REPLACE TEMP MACRO fhir_observations(dir, files) AS TABLE
SELECT r, _source_file, _source_row,
       json_extract(r, '$.code.coding[*]') AS codings,
       list_filter(codings, lambda c: c->>'system' = 'http://loinc.org') AS loinc_codings,
       coalesce(list_contains(list_transform(loinc_codings, lambda c: c->>'code'), '8310-5'), false)
           AS is_temperature,
       coalesce(list_contains(json_extract_string(r, '$.category[*].coding[*].code'), 'vital-signs'), false)
           AS is_vital_sign,
       coalesce(r->>'$.effectiveDateTime', r->>'$.effectivePeriod.start', r->>'$.effectiveInstant') AS effective,
       r->>'$.issued' AS issued,
       coalesce(r->>'$.valueQuantity.comparator', '') || (r->>'$.valueQuantity.value') AS quantity,
       coalesce(CASE WHEN r->>'$.valueQuantity.system' = 'http://unitsofmeasure.org' THEN r->>'$.valueQuantity.code' END,
                r->>'$.valueQuantity.unit', r->>'$.valueQuantity.code') AS unit
FROM fhir_resources(dir, files);
