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
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.vitals (the rows this returns, inserted by pipelines/ingest/presets.py).
SELECT fhir_reference_id(r->>'$.subject.reference', 'Patient') AS patient_id,
       fhir_reference_id(r->>'$.encounter.reference', 'Encounter') AS encounter_id,
       CASE WHEN r->>'$.resourceType' = 'Observation' THEN r->>'$.id' END AS measurement_id,
       '8310-5' AS code,
       coalesce(quantity, r->>'$.valueString') AS value,
       unit,
       fhir_shift(effective, $shift_years) AS measured_at,
       fhir_shift(issued, $shift_years) AS recorded_at,
       to_json({status: r->>'$.status', codes: list_transform(codings, lambda c: c->>'code'),
                body_site: r->>'$.bodySite.coding[0].display', unit_code: r->>'$.valueQuantity.code',
                subject: r->>'$.subject.reference', effective: effective,
                last_updated: r->>'$.meta.lastUpdated'}) AS _extra,
       _source_file,
       _source_row
FROM fhir_observations($dir, $inputs['Observation.ndjson'])
WHERE is_temperature AND coalesce(r->>'$.status', '') NOT IN ('cancelled', 'entered-in-error')
