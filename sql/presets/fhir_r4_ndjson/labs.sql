-- inputs: Observation.ndjson
-- FHIR R4 bulk export: Observations as canonical labs, from every NDJSON file of Observations
-- whatever its name (1.Observation.ndjson, Observation.2.ndjson...: pipelines/ingest/presets.py). subject
-- and encounter references are read in every form FHIR allows (fhir_reference_id, _shared.sql).
-- Each line is read as one JSON value (read_json_objects, by the macros of _shared.sql) and its
-- fields taken by path, so a field no resource carries cannot break a schema, and a line that is
-- not JSON lands as an empty row (quarantined missing_required) instead of refusing the file; a
-- line over 128 MB refuses the kind.
-- Which Observations: body temperatures (a LOINC 8310-5 coding) go to vitals (vitals.sql); the
-- other vital signs (category vital-signs: pulse, blood pressure, weight...) are not part of the
-- extract; every other Observation is a lab row, whatever its category or none, and staging
-- quarantines those that are not an analyte (social history, surveys...) as unmapped_code. Panel
-- Observations without a value of their own are quarantined as missing_required.
-- code: the LOINC coding, else the first coding. value: valueQuantity with its comparator prefixed
-- ('>' 1000 -> '>1000'), else valueString, valueInteger or the valueCodeableConcept's text. unit:
-- the UCUM code of a UCUM valueQuantity, else its unit as displayed (fhir_observations). Status: final F, amended/corrected C, preliminary P,
-- cancelled/entered-in-error X; any other (registered, unknown) upper-cased as sent, which staging
-- quarantines as unknown_status (as missing_required if it has no value, as registered ones
-- mostly do: staging checks required fields first). collected_at: effectiveDateTime (or effectivePeriod.start or
-- effectiveInstant); resulted_at: issued.
-- Times keep the UTC offset FHIR sends (staging reads it). shift_time would drop it, so
-- $shift_years moves the date part only (fhir_shift): '2150-03-01T08:00:00-05:00' by -150 years is
-- '2000-03-01T08:00:00-05:00'; a partial date ('2024-03') is left as sent for staging to refuse.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.labs (the rows this returns, inserted by pipelines/ingest/presets.py).
SELECT fhir_reference_id(r->>'$.subject.reference', 'Patient') AS patient_id,
       fhir_reference_id(r->>'$.encounter.reference', 'Encounter') AS encounter_id,
       CASE WHEN r->>'$.resourceType' = 'Observation' THEN r->>'$.id' END AS result_id,
       coalesce(loinc_codings[1], codings[1])->>'code' AS code,
       coalesce(r->>'$.code.text', coalesce(loinc_codings[1], codings[1])->>'display') AS name,
       coalesce(quantity, r->>'$.valueString', r->>'$.valueInteger', r->>'$.valueCodeableConcept.text',
                r->>'$.valueCodeableConcept.coding[0].display') AS value,
       unit,
       r->>'$.referenceRange[0].low.value' AS ref_low,
       r->>'$.referenceRange[0].high.value' AS ref_high,
       fhir_shift(effective, $shift_years) AS collected_at,
       fhir_shift(issued, $shift_years) AS resulted_at,
       CASE r->>'$.status'
           WHEN 'final' THEN 'F'
           WHEN 'amended' THEN 'C'
           WHEN 'corrected' THEN 'C'
           WHEN 'preliminary' THEN 'P'
           WHEN 'cancelled' THEN 'X'
           WHEN 'entered-in-error' THEN 'X'
           ELSE upper(r->>'$.status')
       END AS status,
       to_json({status: r->>'$.status', code_system: coalesce(loinc_codings[1], codings[1])->>'system',
                category: json_extract_string(r, '$.category[*].coding[*].code'),
                unit_code: r->>'$.valueQuantity.code', unit_system: r->>'$.valueQuantity.system',
                interpretation: r->>'$.interpretation[0].coding[0].code',
                data_absent_reason: r->>'$.dataAbsentReason.coding[0].code',
                subject: r->>'$.subject.reference', effective: effective,
                last_updated: r->>'$.meta.lastUpdated'}) AS _extra,
       _source_file,
       _source_row
FROM fhir_observations($dir, $inputs['Observation.ndjson'])
WHERE NOT is_temperature AND NOT is_vital_sign
