-- Parse, validate and de-duplicate one kind of measurement from the temp view measurement_source
-- (sql/staging/lab_source.sql or vital_source.sql). Replaces that table's rows in
-- quarantine.rejected_rows and staging.superseded_rows, and leaves the current version of every
-- record in the temp table measurement_current for the table's own projection.
--
-- Reason codes, first match wins:
--   malformed_row      the CSV line could not be split into the file's columns
--   missing_required   patient, record id, code, value or taken time empty (value optional when cancelled)
--   invalid_timestamp  a taken/available time that is not a timestamp
--   unknown_status     status not one of F, C, P, X
--   unmapped_code      code not in meta.analyte_codes
--   unparseable_value  value is not a number (e.g. 'hemolyzed')
--   unknown_unit       no conversion for this analyte and unit spelling in meta.unit_conversions
--   implausible_value  canonical value outside meta.plausibility (quarantined, never clipped)

CREATE OR REPLACE TEMP TABLE measurement_parsed AS
WITH typed AS (
    SELECT s.*,
           c.analyte,
           c.canonical_unit,
           parse_timestamp(s.taken_at) AS taken_ts,
           coalesce(parse_timestamp(s.available_at), parse_timestamp(s.taken_at)) AS available_ts,
           value_number(s.value) AS number,
           value_censoring(s.value) AS censoring,
           normalize_unit(s.unit) AS unit_key
    FROM measurement_source AS s
    LEFT JOIN meta.analyte_codes AS c
        ON c.code = trim(s.code) AND c.kind = s.analyte_kind
),
converted AS (
    SELECT t.*,
           -- Rounded to 6 decimals so binary floating point cannot move a converted value across a
           -- cut-off (3.6 g/L * 100 is 360.00000000000006 unrounded; the rule is <= 360 mg/dL).
           round((t.number - u.offset_before) * u.numerator / u.denominator, 6) AS value_num,
           round((value_number(t.ref_low) - u.offset_before) * u.numerator / u.denominator, 6) AS ref_low_num,
           round((value_number(t.ref_high) - u.offset_before) * u.numerator / u.denominator, 6) AS ref_high_num,
           p.low AS plausible_low,
           p.high AS plausible_high
    FROM typed AS t
    LEFT JOIN meta.unit_conversions AS u ON u.analyte = t.analyte AND u.unit_spelling = t.unit_key
    LEFT JOIN meta.plausibility AS p ON p.analyte = t.analyte
)
SELECT *,
       CASE
           WHEN nullif(trim(patient_id), '') IS NULL OR nullif(trim(record_id), '') IS NULL
                OR nullif(trim(code), '') IS NULL OR nullif(trim(taken_at), '') IS NULL
                OR (status <> 'X' AND nullif(trim(value), '') IS NULL)
               THEN 'missing_required'
           WHEN taken_ts IS NULL
                OR (nullif(trim(available_at), '') IS NOT NULL AND parse_timestamp(available_at) IS NULL)
               THEN 'invalid_timestamp'
           WHEN status NOT IN ('F', 'C', 'P', 'X') THEN 'unknown_status'
           WHEN analyte IS NULL THEN 'unmapped_code'
           WHEN status = 'X' THEN NULL
           WHEN number IS NULL THEN 'unparseable_value'
           WHEN value_num IS NULL THEN 'unknown_unit'
           WHEN value_num < plausible_low OR value_num > plausible_high THEN 'implausible_value'
       END AS reason
FROM converted;

DELETE FROM quarantine.rejected_rows WHERE table_name = $table_name;

INSERT INTO quarantine.rejected_rows
SELECT table_name, _load_id, _source_file, _source_row, NULL, reason,
       CASE reason
           WHEN 'missing_required' THEN 'a required field is empty'
           WHEN 'invalid_timestamp' THEN 'not a timestamp: ' || coalesce(taken_at, '') || ' / ' || coalesce(available_at, '')
           WHEN 'unknown_status' THEN 'status ' || status || ' is not F, C, P or X'
           WHEN 'unmapped_code' THEN 'code ' || code || ' is not in meta.analyte_codes'
           WHEN 'unparseable_value' THEN 'value ' || value || ' is not a number'
           WHEN 'unknown_unit' THEN 'no conversion for ' || analyte || ' in unit ' || coalesce(unit, '(none)')
           WHEN 'implausible_value' THEN analyte || ' ' || value_num || ' ' || canonical_unit
                || ' outside ' || plausible_low || '..' || plausible_high
       END,
       to_json({patient_id: patient_id, encounter_id: encounter_id, record_id: record_id, code: code,
                name: name, value: value, unit: unit, taken_at: taken_at, available_at: available_at,
                status: status})
FROM measurement_parsed
WHERE reason IS NOT NULL;

INSERT INTO quarantine.rejected_rows
SELECT $table_name, _load_id, _source_file, NULL, line, 'malformed_row',
       error_type || ': ' || error_message, to_json({csv_line: csv_line})
FROM raw.malformed_lines
WHERE kind = (SELECT any_value(raw_kind) FROM measurement_source);

-- Versions of one record: the latest available wins; on a tie, cancelled > corrected > final >
-- preliminary, then the later load and row. A cancelled winner removes the record.
CREATE OR REPLACE TEMP TABLE measurement_versions AS
SELECT *,
       row_number() OVER record_versions AS version_rank,
       first_value(status) OVER record_versions AS kept_status,
       first_value(_load_id) OVER record_versions AS kept_load_id,
       first_value(_source_row) OVER record_versions AS kept_source_row,
       first_value(md5(concat_ws('|', patient_id, code, value, unit, taken_at, available_at, status)))
           OVER record_versions AS kept_fingerprint
FROM measurement_parsed
WHERE reason IS NULL
WINDOW record_versions AS (
    PARTITION BY record_id
    ORDER BY available_ts DESC,
             CASE status WHEN 'X' THEN 4 WHEN 'C' THEN 3 WHEN 'F' THEN 2 ELSE 1 END DESC,
             _load_id DESC, _source_row DESC
);

DELETE FROM staging.superseded_rows WHERE table_name = $table_name;

INSERT INTO staging.superseded_rows
SELECT table_name, record_id,
       CASE
           WHEN kept_status = 'X' THEN 'cancelled'
           WHEN md5(concat_ws('|', patient_id, code, value, unit, taken_at, available_at, status))
                = kept_fingerprint THEN 'duplicate'
           ELSE 'older_version'
       END,
       _load_id, _source_file, _source_row, kept_load_id, kept_source_row
FROM measurement_versions
WHERE version_rank > 1 OR kept_status = 'X';

CREATE OR REPLACE TEMP TABLE measurement_current AS
SELECT * FROM measurement_versions
WHERE version_rank = 1 AND status <> 'X';
