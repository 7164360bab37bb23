-- Macros every preset shares (run by pipelines/ingest/presets.py before each kind, before the preset's own
-- _shared.sql). Reads and writes no table.
-- Reads: no table (the macros read a source's files). Writes: no table (temporary macros only).

-- preset_rows(dir, files): CSV inputs of a kind (the list $inputs gives for one declared name: plain
-- or gzip, one file or several parts read together, columns matched by name), as text, with each
-- row's file relative to the source folder (_source_file) and its row in that file (_source_row).
CREATE OR REPLACE TEMP MACRO preset_rows(dir, files) AS TABLE
WITH numbered AS (
    SELECT *, row_number() OVER () AS _scan_row
    FROM read_csv(files, header = true, all_varchar = true, union_by_name = true, filename = true)
)
SELECT * EXCLUDE (filename, _scan_row),
       substr(filename, length(dir) + 2) AS _source_file,
       _scan_row - min(_scan_row) OVER (PARTITION BY filename) + 1 AS _source_row
FROM numbered;

-- is_placeholder(text): a value de-identification blanked out ('___' in MIMIC-IV: underscores only).
CREATE OR REPLACE TEMP MACRO is_placeholder(text) AS coalesce(regexp_full_match(trim(text), '_+'), false);

-- source_value(text, number): the value as sent, where a source has both a text and a numeric
-- field (MIMIC value/valuenum, OMOP value_source_value/value_as_number): the text (it keeps
-- censoring: '<5'), unless it is empty or a de-identification placeholder and there is a number,
-- then the number. A placeholder without a number stays as sent (staging quarantines it).
CREATE OR REPLACE TEMP MACRO source_value(text, number) AS
    CASE WHEN (nullif(trim(text), '') IS NULL OR is_placeholder(text)) AND nullif(trim(number), '') IS NOT NULL
         THEN trim(number) ELSE nullif(trim(text), '') END;

-- value_from_number(text, number): whether source_value took the number (kept in _extra).
CREATE OR REPLACE TEMP MACRO value_from_number(text, number) AS
    (nullif(trim(text), '') IS NULL OR is_placeholder(text)) AND nullif(trim(number), '') IS NOT NULL;

-- source_unit(unit, declared): the unit a row is read in, given the unit the preset's mapping
-- declares for its item (NULL when none): the declared unit when the row's is empty or 'UNK'
-- (unknown), or is the declared unit without its UCUM annotation (an item the source's dictionary
-- documents as FEU, sent as 'ng/mL', is read as 'ng/mL{FEU}'); else the row's unit as sent.
CREATE OR REPLACE TEMP MACRO source_unit(unit, declared) AS
    CASE WHEN declared IS NULL THEN nullif(trim(unit), '')
         WHEN nullif(trim(unit), '') IS NULL OR upper(trim(unit)) = 'UNK' THEN declared
         WHEN normalize_unit(unit) = normalize_unit(regexp_replace(declared, '\{[^}]*\}', '', 'g')) THEN declared
         ELSE nullif(trim(unit), '') END;

-- unit_from_mapping(unit, declared): whether source_unit took the declared unit (kept in _extra).
CREATE OR REPLACE TEMP MACRO unit_from_mapping(unit, declared) AS
    coalesce(source_unit(unit, declared) IS DISTINCT FROM nullif(trim(unit), ''), false);

-- mapping_entries(entries): the entries of one list of the preset's mapping (a list parameter such
-- as $lab_items), one JSON object a row (entry), so that a field no entry gives reads as NULL.
CREATE OR REPLACE TEMP MACRO mapping_entries(entries) AS TABLE
SELECT unnest(json_extract(to_json(entries), '$[*]')) AS entry;
