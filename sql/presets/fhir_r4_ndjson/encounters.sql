-- inputs: Encounter.ndjson
-- FHIR R4 bulk export: Encounters. admit/discharge: period.start/end; encounter_type: class.code
-- (IMP, AMB, EMER...); care_unit is not derived (Encounter.location lists every location of the
-- stay). Encounters with status entered-in-error or cancelled (ended before it began) are not part
-- of the extract. Times keep their UTC offset; $shift_years moves the date part only (see labs.sql).
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.encounters (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH encounters AS (
    SELECT r, _source_file, _source_row, r->>'$.period.start' AS admitted, r->>'$.period.end' AS discharged
    FROM fhir_resources($dir, $inputs['Encounter.ndjson'])
)
SELECT fhir_reference_id(r->>'$.subject.reference', 'Patient') AS patient_id,
       CASE WHEN r->>'$.resourceType' = 'Encounter' THEN r->>'$.id' END AS encounter_id,
       fhir_shift(admitted, $shift_years) AS admit_at,
       fhir_shift(discharged, $shift_years) AS discharge_at,
       r->>'$.class.code' AS encounter_type,
       NULL AS care_unit,
       to_json({status: r->>'$.status', type: r->>'$.type[0].text', service_type: r->>'$.serviceType.text',
                location: r->>'$.location[0].location.display',
                discharge_disposition: r->>'$.hospitalization.dischargeDisposition.coding[0].code'}) AS _extra,
       _source_file,
       _source_row
FROM encounters
WHERE coalesce(r->>'$.status', '') NOT IN ('entered-in-error', 'cancelled')
