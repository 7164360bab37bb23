-- inputs: VISIT_OCCURRENCE.csv, CONCEPT.csv
-- OMOP CDM v5.4 visits. The encounter type is the visit concept's name (Inpatient Visit,
-- Outpatient Visit, Emergency Room Visit); OMOP has no care unit on the visit (care_site_id is
-- kept in _extra).
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.encounters (the rows this returns, inserted by pipelines/ingest/presets.py).
SELECT v.person_id AS patient_id,
       v.visit_occurrence_id AS encounter_id,
       shift_time(coalesce(nullif(trim(v.visit_start_datetime), ''), v.visit_start_date), $shift_years) AS admit_at,
       shift_time(coalesce(nullif(trim(v.visit_end_datetime), ''), v.visit_end_date), $shift_years) AS discharge_at,
       coalesce(k.concept_name, nullif(v.visit_concept_id, '0')) AS encounter_type,
       NULL AS care_unit,
       to_json({visit_concept_id: v.visit_concept_id, visit_source_value: v.visit_source_value,
                visit_type_concept_id: v.visit_type_concept_id, care_site_id: v.care_site_id,
                admitted_from_source_value: v.admitted_from_source_value,
                discharged_to_source_value: v.discharged_to_source_value,
                preceding_visit_occurrence_id: v.preceding_visit_occurrence_id}) AS _extra,
       _source_file,
       v._source_row
FROM omop_table($dir, $inputs['VISIT_OCCURRENCE.csv']) AS v
LEFT JOIN omop_concept($inputs['CONCEPT.csv']) AS k ON k.concept_id = v.visit_concept_id AND v.visit_concept_id <> '0'
