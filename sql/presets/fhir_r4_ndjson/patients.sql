-- inputs: Patient.ndjson
-- FHIR R4 bulk export: Patients. gender female F, male M, other/unknown U; any other value is
-- passed as sent for staging to quarantine as unknown_sex. birthDate as sent (a partial date such
-- as '1990' or '1990-05' is quarantined by staging as invalid_date), moved by $shift_years.
-- Names, identifiers and addresses are not read.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.patients (the rows this returns, inserted by pipelines/ingest/presets.py).
SELECT CASE WHEN r->>'$.resourceType' = 'Patient' THEN r->>'$.id' END AS patient_id,
       coalesce(strftime(TRY_CAST(r->>'$.birthDate' AS DATE) + to_years(CAST($shift_years AS INTEGER)), '%Y-%m-%d'),
                r->>'$.birthDate') AS birth_date,
       CASE r->>'$.gender'
           WHEN 'female' THEN 'F'
           WHEN 'male' THEN 'M'
           WHEN 'other' THEN 'U'
           WHEN 'unknown' THEN 'U'
           ELSE r->>'$.gender'
       END AS sex,
       to_json({gender: r->>'$.gender', deceased: coalesce(r->>'$.deceasedDateTime', r->>'$.deceasedBoolean'),
                last_updated: r->>'$.meta.lastUpdated'}) AS _extra,
       _source_file,
       _source_row
FROM fhir_resources($dir, $inputs['Patient.ndjson'])
