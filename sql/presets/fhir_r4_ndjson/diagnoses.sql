-- inputs: Condition.ndjson
-- FHIR R4 bulk export: Conditions as canonical diagnoses, one row per Condition. Of its codings the
-- ICD-10-CM one is taken (the system the rules match), else ICD-9-CM, else SNOMED CT, else the first,
-- whose system is passed as sent and quarantined by staging as unknown_code_system (WHO ICD-10
-- http://hl7.org/fhir/sid/icd-10 included). recorded_at: recordedDate, else onsetDateTime (or
-- onsetPeriod.start). Conditions whose verificationStatus is entered-in-error or refuted are not
-- part of the extract: they are not diagnoses of the patient (a later export that marks one so does
-- not retract it from an earlier load). Lines that are not JSON land empty (missing_required).
-- Times keep their UTC offset; $shift_years moves the date part only (see labs.sql).
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.diagnoses (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH conditions AS (
    SELECT r, _source_file, _source_row,
           json_extract(r, '$.code.coding[*]') AS codings,
           coalesce(list_filter(codings, lambda c: c->>'system' = 'http://hl7.org/fhir/sid/icd-10-cm')[1],
                    list_filter(codings, lambda c: c->>'system' = 'http://hl7.org/fhir/sid/icd-9-cm')[1],
                    list_filter(codings, lambda c: c->>'system' = 'http://snomed.info/sct')[1],
                    codings[1]) AS coding,
           coalesce(r->>'$.recordedDate', r->>'$.onsetDateTime', r->>'$.onsetPeriod.start') AS recorded
    FROM fhir_resources($dir, $inputs['Condition.ndjson'])
)
SELECT fhir_reference_id(r->>'$.subject.reference', 'Patient') AS patient_id,
       fhir_reference_id(r->>'$.encounter.reference', 'Encounter') AS encounter_id,
       CASE coding->>'system'
           WHEN 'http://hl7.org/fhir/sid/icd-10-cm' THEN 'ICD10CM'
           WHEN 'http://hl7.org/fhir/sid/icd-9-cm' THEN 'ICD9CM'
           WHEN 'http://snomed.info/sct' THEN 'SNOMED'
           ELSE coding->>'system'
       END AS code_system,
       coding->>'code' AS code,
       fhir_shift(recorded, $shift_years) AS recorded_at,
       to_json({id: r->>'$.id', display: coalesce(r->>'$.code.text', coding->>'display'),
                codes: list_transform(codings, lambda c: concat_ws('|', c->>'system', c->>'code')),
                category: json_extract_string(r, '$.category[*].coding[*].code'),
                clinical_status: r->>'$.clinicalStatus.coding[0].code',
                verification_status: r->>'$.verificationStatus.coding[0].code',
                onset: r->>'$.onsetDateTime', abatement: r->>'$.abatementDateTime'}) AS _extra,
       _source_file,
       _source_row
FROM conditions
WHERE NOT coalesce(list_has_any(json_extract_string(r, '$.verificationStatus.coding[*].code'),
                                ['entered-in-error', 'refuted']), false)
