-- OMOP CDM v5.4: table macros the kinds share (run before each kind).
-- omop_table(dir, file): a CDM table of the source, as text, with its row in the file (_source_row).
CREATE OR REPLACE TEMP MACRO omop_table(dir, file) AS TABLE
SELECT *, row_number() OVER () AS _source_row
FROM read_csv(dir || '/' || file, header = true, all_varchar = true);

-- omop_concept(dir): CONCEPT.csv, through which the kinds resolve their concept ids.
CREATE OR REPLACE TEMP MACRO omop_concept(dir) AS TABLE
SELECT * FROM read_csv(dir || '/CONCEPT.csv', header = true, all_varchar = true);

-- omop_measurements(dir): MEASUREMENT rows as labs.sql and vitals.sql both read them (see labs.sql):
-- source_code (the source value, else the LOINC code of the source or standard concept), the
-- standard concept's name, value (as sent, with the operator's symbol in front) and unit.
CREATE OR REPLACE TEMP MACRO omop_measurements(dir) AS TABLE
WITH concept AS (SELECT * FROM omop_concept(dir)),
coded AS (
    SELECT m.*,
           coalesce(nullif(trim(m.measurement_source_value), ''), src.concept_code,
                    CASE WHEN std.vocabulary_id = 'LOINC' THEN std.concept_code END) AS source_code,
           std.concept_name AS concept_name,
           coalesce(nullif(trim(m.value_source_value), ''), nullif(trim(m.value_as_number), '')) AS value_as_sent,
           CASE WHEN op.concept_name IN ('<', '<=', '>', '>=') THEN op.concept_name END AS operator,
           coalesce(nullif(trim(m.unit_source_value), ''), unit.concept_code) AS unit
    FROM omop_table(dir, 'MEASUREMENT.csv') AS m
    LEFT JOIN concept AS src ON src.concept_id = m.measurement_source_concept_id AND src.vocabulary_id = 'LOINC'
    LEFT JOIN concept AS std ON std.concept_id = m.measurement_concept_id
    LEFT JOIN concept AS op ON op.concept_id = m.operator_concept_id AND m.operator_concept_id <> '0'
    LEFT JOIN concept AS unit ON unit.concept_id = m.unit_concept_id AND m.unit_concept_id <> '0'
)
SELECT *,
       CASE WHEN operator IS NOT NULL AND NOT regexp_matches(value_as_sent, '^\s*[<>=]')
            THEN operator || value_as_sent ELSE value_as_sent END AS value
FROM coded;
