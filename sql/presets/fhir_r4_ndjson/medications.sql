-- inputs: MedicationRequest.ndjson
-- FHIR R4 bulk export: MedicationRequests (orders) as canonical medications. An export without
-- MedicationRequest files (e.g. one with MedicationAdministration only) has no medications (a
-- source_files_missing warning says so). code: the medicationCodeableConcept's RxNorm coding (RXNORM),
-- else its NDC coding (NDC), else none: the order still counts by name, and its codings are kept in
-- _extra. name: the concept's text, else the coding's display, else medicationReference.display
-- (a referenced Medication resource is not read: an order naming its drug only there is quarantined
-- as missing_required). started_at: authoredOn, else dosageInstruction[0]'s boundsPeriod.start;
-- ended_at: that boundsPeriod's end. Dose, unit and route from dosageInstruction[0]. Orders with
-- status cancelled, entered-in-error or draft are not part of the extract: no dose was given
-- under them (a later export that cancels one does not retract it from an earlier load).
-- Times keep their UTC offset; $shift_years moves the date part only (see labs.sql).
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.medications (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH requests AS (
    SELECT r, _source_file, _source_row,
           json_extract(r, '$.medicationCodeableConcept.coding[*]') AS codings,
           list_filter(codings, lambda c: c->>'system' = 'http://www.nlm.nih.gov/research/umls/rxnorm')[1] AS rxnorm,
           list_filter(codings, lambda c: c->>'system' = 'http://hl7.org/fhir/sid/ndc')[1] AS ndc,
           json_extract(r, '$.dosageInstruction[0]') AS dosage,
           coalesce(r->>'$.authoredOn', dosage->>'$.timing.repeat.boundsPeriod.start') AS started,
           dosage->>'$.timing.repeat.boundsPeriod.end' AS ended
    FROM fhir_resources($dir, $inputs['MedicationRequest.ndjson'])
)
SELECT fhir_reference_id(r->>'$.subject.reference', 'Patient') AS patient_id,
       fhir_reference_id(r->>'$.encounter.reference', 'Encounter') AS encounter_id,
       CASE WHEN rxnorm IS NOT NULL THEN 'RXNORM' WHEN ndc IS NOT NULL THEN 'NDC' END AS code_system,
       coalesce(rxnorm, ndc)->>'code' AS code,
       coalesce(r->>'$.medicationCodeableConcept.text', coalesce(rxnorm, ndc, codings[1])->>'display',
                r->>'$.medicationReference.display') AS name,
       dosage->>'$.doseAndRate[0].doseQuantity.value' AS dose,
       coalesce(dosage->>'$.doseAndRate[0].doseQuantity.unit', dosage->>'$.doseAndRate[0].doseQuantity.code') AS dose_unit,
       coalesce(dosage->>'$.route.text', dosage->>'$.route.coding[0].display', dosage->>'$.route.coding[0].code') AS route,
       fhir_shift(started, $shift_years) AS started_at,
       fhir_shift(ended, $shift_years) AS ended_at,
       to_json({id: r->>'$.id', status: r->>'$.status', intent: r->>'$.intent',
                codes: list_transform(codings, lambda c: concat_ws('|', c->>'system', c->>'code')),
                medication_reference: r->>'$.medicationReference.reference',
                authored_on: r->>'$.authoredOn', bounds_start: dosage->>'$.timing.repeat.boundsPeriod.start',
                dosage_text: dosage->>'$.text'}) AS _extra,
       _source_file,
       _source_row
FROM requests
WHERE coalesce(r->>'$.status', '') NOT IN ('cancelled', 'entered-in-error', 'draft')
