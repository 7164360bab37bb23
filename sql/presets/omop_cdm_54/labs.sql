-- inputs: MEASUREMENT.csv, CONCEPT.csv
-- OMOP CDM v5.4 MEASUREMENT rows as canonical labs: every row except the vital signs ($vital_codes,
-- taken by vitals.sql), so each MEASUREMENT row lands exactly once. The code is the source value
-- (LOINC in Synthea), else the LOINC concept_code of the source or standard concept; codes outside
-- analytes.csv are quarantined as unmapped by staging. The value is the source's text, else
-- value_as_number, with the operator concept's symbol ('<', '<=', '>', '>=', resolved through
-- CONCEPT) in front so staging reads it as censored. OMOP has no result time: a result counts as
-- known when measured.
WITH m AS (
    SELECT *, row_number() OVER () AS _source_row
    FROM read_csv($dir || '/MEASUREMENT.csv', header = true, all_varchar = true)
),
concept AS (SELECT * FROM read_csv($dir || '/CONCEPT.csv', header = true, all_varchar = true)),
vital AS (SELECT unnest($vital_codes, recursive := true)),
coded AS (
    SELECT m.*,
           coalesce(nullif(trim(m.measurement_source_value), ''), src.concept_code,
                    CASE WHEN std.vocabulary_id = 'LOINC' THEN std.concept_code END) AS code,
           std.concept_name AS concept_name,
           coalesce(nullif(trim(m.value_source_value), ''), nullif(trim(m.value_as_number), '')) AS value_as_sent,
           CASE WHEN op.concept_name IN ('<', '<=', '>', '>=') THEN op.concept_name END AS operator,
           coalesce(nullif(trim(m.unit_source_value), ''), unit.concept_code) AS unit
    FROM m
    LEFT JOIN concept AS src ON src.concept_id = m.measurement_source_concept_id AND src.vocabulary_id = 'LOINC'
    LEFT JOIN concept AS std ON std.concept_id = m.measurement_concept_id
    LEFT JOIN concept AS op ON op.concept_id = m.operator_concept_id AND m.operator_concept_id <> '0'
    LEFT JOIN concept AS unit ON unit.concept_id = m.unit_concept_id AND m.unit_concept_id <> '0'
)
SELECT c.person_id AS patient_id,
       c.visit_occurrence_id AS encounter_id,
       c.measurement_id AS result_id,
       c.code,
       c.concept_name AS name,
       CASE WHEN c.operator IS NOT NULL AND NOT regexp_matches(c.value_as_sent, '^\s*[<>=]')
            THEN c.operator || c.value_as_sent ELSE c.value_as_sent END AS value,
       c.unit,
       c.range_low AS ref_low,
       c.range_high AS ref_high,
       shift_time(coalesce(nullif(trim(c.measurement_datetime), ''), c.measurement_date), $shift_years) AS collected_at,
       NULL AS resulted_at,
       'F' AS status,
       to_json({measurement_concept_id: c.measurement_concept_id,
                measurement_source_concept_id: c.measurement_source_concept_id,
                measurement_type_concept_id: c.measurement_type_concept_id,
                operator_concept_id: c.operator_concept_id, value_as_number: c.value_as_number,
                value_as_concept_id: c.value_as_concept_id, unit_concept_id: c.unit_concept_id,
                visit_detail_id: c.visit_detail_id, provider_id: c.provider_id,
                measurement_datetime: c.measurement_datetime}) AS _extra,
       'MEASUREMENT.csv' AS _source_file,
       c._source_row
FROM coded AS c
WHERE NOT EXISTS (SELECT 1 FROM vital AS v WHERE v.source_code = c.code)
