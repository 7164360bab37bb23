-- inputs: CONDITION_OCCURRENCE.csv, CONCEPT.csv
-- OMOP CDM v5.4 conditions. The code is the source value in its source concept's vocabulary
-- (SNOMED for Synthea, ICD10CM or ICD9CM for many hospital ETLs). A source value without a source
-- concept (condition_source_concept_id 0 or not in CONCEPT) falls back to the standard concept's
-- code and vocabulary; with neither, the code system stays empty and staging quarantines the row.
-- Recorded at the condition's start (OMOP has no time the diagnosis was coded).
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.diagnoses (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH concept AS (SELECT * FROM omop_concept($inputs['CONCEPT.csv']))
SELECT co.person_id AS patient_id,
       co.visit_occurrence_id AS encounter_id,
       CASE WHEN src.concept_id IS NOT NULL THEN src.vocabulary_id ELSE std.vocabulary_id END AS code_system,
       CASE WHEN src.concept_id IS NOT NULL THEN coalesce(nullif(trim(co.condition_source_value), ''), src.concept_code)
            ELSE coalesce(std.concept_code, nullif(trim(co.condition_source_value), '')) END AS code,
       shift_time(coalesce(nullif(trim(co.condition_start_datetime), ''), co.condition_start_date), $shift_years)
           AS recorded_at,
       to_json({condition_occurrence_id: co.condition_occurrence_id, name: coalesce(src.concept_name, std.concept_name),
                condition_concept_id: co.condition_concept_id,
                condition_source_concept_id: co.condition_source_concept_id,
                condition_source_value: co.condition_source_value,
                condition_end: shift_time(coalesce(nullif(trim(co.condition_end_datetime), ''), co.condition_end_date),
                                          $shift_years),
                condition_type_concept_id: co.condition_type_concept_id,
                condition_status_concept_id: co.condition_status_concept_id}) AS _extra,
       _source_file,
       co._source_row
FROM omop_table($dir, $inputs['CONDITION_OCCURRENCE.csv']) AS co
LEFT JOIN concept AS src ON src.concept_id = co.condition_source_concept_id AND co.condition_source_concept_id <> '0'
LEFT JOIN concept AS std ON std.concept_id = co.condition_concept_id AND co.condition_concept_id <> '0'
