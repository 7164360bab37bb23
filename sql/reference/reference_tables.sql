-- Reference tables the staging SQL joins: refreshed from their files on every run, so the files
-- stay their one home and the warehouse shows which version a run used.
-- Every analyte is also addressed by its own name (code_system ANALYTE), the code preset
-- mappings use for local codes.
-- Reads: no table: the reference files $analytes_csv, $units_csv, $plausibility_csv.
-- Writes: meta.analyte_codes, meta.unit_conversions, meta.plausibility (replaced).
CREATE OR REPLACE TABLE meta.analyte_codes AS
WITH listed AS (
    SELECT analyte, kind, code, code_system, canonical_unit, source
    FROM read_csv($analytes_csv, header = true, all_varchar = true, delim = ',', quote = '"')
)
SELECT * FROM listed WHERE code IS NOT NULL
UNION ALL
SELECT DISTINCT analyte, kind, analyte, 'ANALYTE', canonical_unit, 'the analyte name' FROM listed;

CREATE OR REPLACE TABLE meta.unit_conversions AS
SELECT analyte, unit_spelling,
       CAST(offset_before AS DOUBLE) AS offset_before,
       CAST(numerator AS DOUBLE) AS numerator,
       CAST(denominator AS DOUBLE) AS denominator,
       note
FROM read_csv($units_csv, header = true, all_varchar = true, delim = ',', quote = '"');

CREATE OR REPLACE TABLE meta.plausibility AS
SELECT analyte, unit, CAST(low AS DOUBLE) AS low, CAST(high AS DOUBLE) AS high, severity, source, notes
FROM read_csv($plausibility_csv, header = true, all_varchar = true, delim = ',', quote = '"');
