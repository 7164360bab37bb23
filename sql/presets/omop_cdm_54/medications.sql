-- inputs: DRUG_EXPOSURE.csv, CONCEPT.csv
-- OMOP CDM v5.4 drug exposures. The code is the source value when its source concept is RxNorm or
-- NDC (Synthea: RxNorm), else the standard concept's code when that is RxNorm; otherwise the code
-- system stays empty and the drug is known by name. The name is the concept's. DRUG_EXPOSURE has
-- no per-dose amount (quantity is the amount dispensed), so dose is empty; quantity and
-- days_supply are kept in _extra.
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.medications (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH concept AS (SELECT * FROM omop_concept($inputs['CONCEPT.csv'])),
resolved AS (
    SELECT de.*,
           src.concept_name AS source_name, std.concept_name AS standard_name, route.concept_name AS route_name,
           CASE WHEN upper(src.vocabulary_id) IN ('RXNORM', 'NDC') THEN upper(src.vocabulary_id)
                WHEN upper(std.vocabulary_id) = 'RXNORM' THEN 'RXNORM' END AS code_system,
           CASE WHEN upper(src.vocabulary_id) IN ('RXNORM', 'NDC')
                    THEN coalesce(nullif(trim(de.drug_source_value), ''), src.concept_code)
                WHEN upper(std.vocabulary_id) = 'RXNORM' THEN std.concept_code END AS code
    FROM omop_table($dir, $inputs['DRUG_EXPOSURE.csv']) AS de
    LEFT JOIN concept AS src ON src.concept_id = de.drug_source_concept_id AND de.drug_source_concept_id <> '0'
    LEFT JOIN concept AS std ON std.concept_id = de.drug_concept_id AND de.drug_concept_id <> '0'
    LEFT JOIN concept AS route ON route.concept_id = de.route_concept_id AND de.route_concept_id <> '0'
)
SELECT person_id AS patient_id,
       visit_occurrence_id AS encounter_id,
       code_system,
       code,
       coalesce(source_name, standard_name, nullif(trim(drug_source_value), '')) AS name,
       NULL AS dose,
       nullif(trim(dose_unit_source_value), '') AS dose_unit,
       coalesce(nullif(trim(route_source_value), ''), route_name) AS route,
       shift_time(coalesce(nullif(trim(drug_exposure_start_datetime), ''), drug_exposure_start_date), $shift_years)
           AS started_at,
       shift_time(coalesce(nullif(trim(drug_exposure_end_datetime), ''), drug_exposure_end_date), $shift_years)
           AS ended_at,
       to_json({drug_exposure_id: drug_exposure_id, drug_concept_id: drug_concept_id,
                drug_source_concept_id: drug_source_concept_id, drug_source_value: drug_source_value,
                drug_type_concept_id: drug_type_concept_id, quantity: quantity, days_supply: days_supply,
                refills: refills, sig: sig, stop_reason: stop_reason, verbatim_end_date: verbatim_end_date})
           AS _extra,
       _source_file,
       _source_row
FROM resolved
