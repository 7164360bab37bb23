-- OMOP CDM v5.4: table macros the kinds share (run before each kind).
-- omop_table(dir, files): a CDM table of the source ($inputs: its .csv or .csv.gz file, or numbered
-- parts, any case), as text, with its file and row (_source_file, _source_row: preset_rows of
-- sql/presets/_common.sql).
-- Reads: no table. Writes: no table (temporary macros only).
CREATE OR REPLACE TEMP MACRO omop_table(dir, files) AS TABLE
SELECT * FROM preset_rows(dir, files);

-- omop_concept(files): CONCEPT, through which the kinds resolve their concept ids.
CREATE OR REPLACE TEMP MACRO omop_concept(files) AS TABLE
SELECT * FROM read_csv(files, header = true, all_varchar = true, union_by_name = true);

-- omop_measurements(dir, measurements, concepts): MEASUREMENT rows as labs.sql and vitals.sql both
-- read them (see labs.sql): source_code (the source value when it is a LOINC code; when it is a local
-- label, the LOINC code of the source concept, else of the standard concept the row is mapped to,
-- else the label as sent, for staging to quarantine as unmapped), the standard concept's name, value
-- (value_source_value, else value_as_number when that text is empty or a de-identification
-- placeholder: source_value; with the operator's symbol in front) and unit (the unit concept's UCUM
-- code, a coded unit being preferred over unit_source_value's display string, else that string).
CREATE OR REPLACE TEMP MACRO omop_measurements(dir, measurements, concepts) AS TABLE
WITH concept AS (SELECT * FROM omop_concept(concepts)),
coded AS (
    SELECT m.*,
           CASE WHEN regexp_full_match(trim(m.measurement_source_value), '[0-9]{1,7}-[0-9]')
                    THEN trim(m.measurement_source_value)
                ELSE coalesce(src.concept_code, CASE WHEN std.vocabulary_id = 'LOINC' THEN std.concept_code END,
                              nullif(trim(m.measurement_source_value), '')) END AS source_code,
           NOT regexp_full_match(coalesce(trim(m.measurement_source_value), ''), '[0-9]{1,7}-[0-9]')
               AND coalesce(src.concept_code, CASE WHEN std.vocabulary_id = 'LOINC' THEN std.concept_code END)
                   IS NOT NULL AS code_from_concept,
           std.concept_name AS concept_name,
           source_value(m.value_source_value, m.value_as_number) AS value_as_sent,
           value_from_number(m.value_source_value, m.value_as_number) AS value_from_number,
           CASE WHEN op.concept_name IN ('<', '<=', '>', '>=') THEN op.concept_name END AS operator,
           coalesce(CASE WHEN unit.vocabulary_id = 'UCUM' THEN unit.concept_code END,
                    nullif(trim(m.unit_source_value), ''), unit.concept_code) AS unit
    FROM omop_table(dir, measurements) AS m
    LEFT JOIN concept AS src ON src.concept_id = m.measurement_source_concept_id AND src.vocabulary_id = 'LOINC'
    LEFT JOIN concept AS std ON std.concept_id = m.measurement_concept_id
    LEFT JOIN concept AS op ON op.concept_id = m.operator_concept_id AND m.operator_concept_id <> '0'
    LEFT JOIN concept AS unit ON unit.concept_id = m.unit_concept_id AND m.unit_concept_id <> '0'
)
SELECT *,
       CASE WHEN operator IS NOT NULL AND NOT regexp_matches(value_as_sent, '^\s*[<>=]')
            THEN operator || value_as_sent ELSE value_as_sent END AS value
FROM coded;
