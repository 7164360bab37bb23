-- inputs: PERSON.csv, CONCEPT.csv
-- OMOP CDM v5.4 persons. Birth date from birth_datetime, else year/month/day_of_birth (a missing
-- month or day taken as the 1st: OMOP requires only the year). Sex as the source wrote it, else the
-- gender concept's name (MALE, FEMALE).
-- Reads: no table: the source's files named on the inputs line (preset_rows, sql/presets/_common.sql).
-- Writes: raw.patients (the rows this returns, inserted by pipelines/ingest/presets.py).
WITH p AS (
    SELECT *,
           coalesce(nullif(trim(birth_datetime), ''),
                    nullif(trim(year_of_birth), '') || '-' || lpad(coalesce(nullif(trim(month_of_birth), ''), '1'), 2, '0')
                    || '-' || lpad(coalesce(nullif(trim(day_of_birth), ''), '1'), 2, '0')) AS born
    FROM omop_table($dir, $inputs['PERSON.csv'])
)
SELECT p.person_id AS patient_id,
       coalesce(strftime(TRY_CAST(shift_time(p.born, $shift_years) AS TIMESTAMP), '%Y-%m-%d'), p.born) AS birth_date,
       coalesce(nullif(trim(p.gender_source_value), ''), g.concept_name) AS sex,
       to_json({gender_concept_id: p.gender_concept_id, person_source_value: p.person_source_value,
                race_source_value: p.race_source_value, ethnicity_source_value: p.ethnicity_source_value,
                year_of_birth: p.year_of_birth}) AS _extra,
       _source_file,
       p._source_row
FROM p
LEFT JOIN omop_concept($inputs['CONCEPT.csv']) AS g ON g.concept_id = p.gender_concept_id AND p.gender_concept_id <> '0'
