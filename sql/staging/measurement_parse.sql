-- Parse and validate one kind of measurement from the temp view measurement_source
-- (sql/staging/lab_source.sql or vital_source.sql) into the temp table `parsed`, in the shape
-- sql/staging/dispositions.sql expects: typed columns plus record_id, reason, detail, raw_record,
-- version_time, status_rank, is_cancel, fingerprint (a hash of the fields as sent) and the raw
-- lineage columns.
--
-- Reason codes, first match wins:
--   missing_required   patient, record id, code, value or taken time empty (value optional when cancelled)
--   invalid_timestamp  a taken/available time that is not a timestamp
--   collected_in_future        taken (collected/measured) after now(), the start of this staging
--                      transaction: a clock or time zone error. Only the time of the run counts, so
--                      a backfill of old data is never caught; rows are judged once, when staged.
--   collected_before_1900  taken before 1900-01-01: not a time of a hospital record but a typo or a
--                      source's default date (0001-01-01); the features' pick keys also need taken
--                      times within about 570 years of 1970 (sql/macros.sql, pick_time_order)
--   resulted_in_future available time (a lab's resulted, a vital's recorded time) after now(), the
--                      taken time not: the same clock error, and a value known only after every
--                      cutoff would never reach the features. A date-only time is checked as its
--                      day: only a later day than the run's is in the future.
--   resulted_before_collected  a lab resulted strictly earlier than collected; tolerance 0, equal
--                      times are valid, no resulted time compares nothing; a date-only resulted
--                      time is compared at day precision (the collection day or later is valid).
--                      Labs only: a vital's recorded time is often minutes before its charted
--                      measured time, which is rounded or scheduled (MIMIC-III demo: 807 of 4,696
--                      temperatures, all within 59 minutes), and is not a sign of a wrong clock.
--   unknown_status     status not one of F, C, P, X
--   unmapped_code      code not in meta.analyte_codes
--   ambiguous_value    value with one comma group and no point ('1,234', '0,425'): 1.234 or 1234
--                      depends on the decimal separator, so it is never guessed (macros.sql,
--                      value_is_ambiguous). The separator is resolved at landing, where the source's
--                      mapping file declares it (pipelines/core/source_mapping.py): with ",", '.' and ','
--                      are swapped, so '0,425' arrives here as '0.425' and '5.000' (5 or 5000?) as
--                      '5,000', ambiguous again; with ".", thousands commas are dropped ('1,234' ->
--                      '1234'). The value as sent is in raw._extra.as_sent.
--   unparseable_value  value is not a number (e.g. 'hemolyzed')
--   unknown_unit       no conversion for this analyte and unit spelling in meta.unit_conversions
--   implausible_value  canonical value outside meta.plausibility (quarantined, never clipped)
-- A reference limit (ref_low, ref_high) that is not a number or is ambiguous is NULL; its row stays.
-- A date-only available time ('2024-03-05', no time part) means some moment of that day, not its
-- midnight: on the taken day it is staged as the taken time (available_ts; the earliest moment of
-- that day the value can have been known; the features compare known times with day cutoffs, so
-- any moment of that day gives the same features); on a later day, as that day's midnight. The
-- time zone of a date-only time is the session's (the site's).
-- Reads: temp.measurement_source, meta.analyte_codes, meta.unit_conversions, meta.plausibility.
-- Writes: temp.parsed.

CREATE OR REPLACE TEMP TABLE parsed AS
WITH typed AS (
    SELECT s.*,
           c.analyte,
           c.canonical_unit,
           parse_timestamp(s.taken_at) AS taken_ts,
           parse_timestamp(s.available_at) AS available_sent_ts,
           -- (the pattern only on text short enough to be a date: most times are longer)
           CASE WHEN length(trim(s.available_at)) <= 10
                THEN regexp_full_match(trim(s.available_at), '\d{4}-\d{1,2}-\d{1,2}') END AS available_is_date,
           value_number(s.value) AS number,
           value_censoring(s.value) AS censoring,
           normalize_unit(s.unit) AS unit_key
    FROM measurement_source AS s
    LEFT JOIN meta.analyte_codes AS c
        ON c.code = trim(s.code) AND c.kind = s.analyte_kind
),
converted AS (
    SELECT t.*,
           -- a date-only available time on the taken day is that day: known from the taken time on
           CASE WHEN t.available_is_date AND t.available_sent_ts = date_trunc('day', t.taken_ts) THEN t.taken_ts
                ELSE coalesce(t.available_sent_ts, t.taken_ts) END AS available_ts,
           -- Rounded to 6 decimals so binary floating point cannot move a converted value across a
           -- cut-off (a fibrinogen sent in g/L and multiplied by 100 can land a hair above an exact
           -- mg/dL boundary when unrounded).
           round((t.number - u.offset_before) * u.numerator / u.denominator, 6) AS value_num,
           round((value_number(t.ref_low) - u.offset_before) * u.numerator / u.denominator, 6) AS ref_low_num,
           round((value_number(t.ref_high) - u.offset_before) * u.numerator / u.denominator, 6) AS ref_high_num,
           p.low AS plausible_low,
           p.high AS plausible_high
    FROM typed AS t
    LEFT JOIN meta.unit_conversions AS u ON u.analyte = t.analyte AND u.unit_spelling = t.unit_key
    LEFT JOIN meta.plausibility AS p ON p.analyte = t.analyte
),
validated AS (
    SELECT *,
       CASE
           -- (patient_id and record_id come trimmed from the source view)
           WHEN nullif(patient_id, '') IS NULL OR nullif(record_id, '') IS NULL
                OR nullif(trim(code), '') IS NULL OR nullif(trim(taken_at), '') IS NULL
                OR (status <> 'X' AND nullif(trim(value), '') IS NULL)
               THEN 'missing_required'
           WHEN taken_ts IS NULL
                OR (nullif(trim(available_at), '') IS NOT NULL AND available_sent_ts IS NULL)
               THEN 'invalid_timestamp'
           WHEN taken_ts > now() THEN 'collected_in_future'
           WHEN taken_ts < TIMESTAMPTZ '1900-01-01 00:00:00+00' THEN 'collected_before_1900'
           WHEN available_sent_ts > now() THEN 'resulted_in_future'
           WHEN analyte_kind = 'lab'
                AND available_sent_ts < CASE WHEN available_is_date THEN date_trunc('day', taken_ts) ELSE taken_ts END
               THEN 'resulted_before_collected'
           WHEN status NOT IN ('F', 'C', 'P', 'X') THEN 'unknown_status'
           WHEN analyte IS NULL THEN 'unmapped_code'
           WHEN status = 'X' THEN NULL
           WHEN number IS NULL AND value_is_ambiguous(value) THEN 'ambiguous_value'
           WHEN number IS NULL THEN 'unparseable_value'
           WHEN value_num IS NULL THEN 'unknown_unit'
           WHEN value_num < plausible_low OR value_num > plausible_high THEN 'implausible_value'
       END AS reason
FROM converted
)
-- only what the dispositions and the table projections read: a narrower temp table is faster
SELECT patient_id, encounter_id, record_id, code, name, value, unit, analyte, canonical_unit,
       value_num, censoring, ref_low_num, ref_high_num, taken_ts, available_ts, status, reason,
       _load_id, _source_file, _source_row,
       CASE reason
           WHEN 'missing_required' THEN 'a required field is empty'
           WHEN 'invalid_timestamp' THEN 'not a timestamp: ' || coalesce(taken_at, '') || ' / ' || coalesce(available_at, '')
           WHEN 'collected_in_future' THEN 'taken at ' || taken_ts || ', after this run started (' || now()
                || '): check the source clock and time zone'
           WHEN 'collected_before_1900' THEN 'taken at ' || taken_ts || ', before 1900: check the source''s '
                || 'time column for a typo or a default date'
           WHEN 'resulted_in_future' THEN CASE analyte_kind WHEN 'lab' THEN 'resulted' ELSE 'recorded' END
                || ' at ' || available_sent_ts || ', after this run started (' || now()
                || '): check the source clock and time zone'
           WHEN 'resulted_before_collected' THEN 'resulted at ' || available_sent_ts || ', before collected at '
                || taken_ts || ': check the time columns of the source'
           WHEN 'unknown_status' THEN 'status ' || status || ' is not F, C, P or X'
           WHEN 'unmapped_code' THEN 'code ' || code || ' is not in meta.analyte_codes'
           WHEN 'ambiguous_value' THEN 'value ' || value || ' reads as '
                || TRY_CAST(replace(value_number_text(value), ',', '.') AS DOUBLE)
                || CASE WHEN regexp_matches(value_number_text(value), ',\d{3}(E|$)')
                        THEN ' or ' || TRY_CAST(replace(value_number_text(value), ',', '') AS DOUBLE)
                             || ' depending on the decimal separator'
                        ELSE ' only with the other decimal separator' END
                || ': declare decimal_separator in the source''s mapping file'
           WHEN 'unparseable_value' THEN 'value ' || value || ' is not a number'
           WHEN 'unknown_unit' THEN 'no conversion for ' || analyte || ' in unit ' || coalesce(unit, '(none)')
           WHEN 'implausible_value' THEN analyte || ' ' || value_num || ' ' || canonical_unit
                || ' outside ' || plausible_low || '..' || plausible_high
       END AS detail,
       CASE WHEN reason IS NOT NULL THEN to_json({patient_id: patient_id, encounter_id: encounter_id, record_id: record_id, code: code,
                name: name, value: value, unit: unit, taken_at: taken_at, available_at: available_at,
                status: status}) END AS raw_record,
       available_ts AS version_time,
       CASE status WHEN 'X' THEN 4 WHEN 'C' THEN 3 WHEN 'F' THEN 2 ELSE 1 END AS status_rank,
       status = 'X' AS is_cancel,
       hash(patient_id, code, value, unit, taken_at, available_at, status) AS fingerprint
FROM validated;

