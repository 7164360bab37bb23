-- staging.lab_results: one current version of every lab result, typed, in canonical units.
-- value_text is the value exactly as sent; censoring ('<', '<=', '>', '>=') marks values such as
-- '<5' or 'GREATER THAN 2000', whose value_num is the bound.
SELECT patient_id, nullif(trim(encounter_id), '') AS encounter_id, record_id AS result_id,
       trim(code) AS code, name, analyte,
       value AS value_text, value_num, censoring,
       canonical_unit AS unit, unit AS unit_as_sent, ref_low_num AS ref_low, ref_high_num AS ref_high,
       taken_ts AS collected_at, available_ts AS resulted_at, status,
       _load_id, _source_file, _source_row
FROM current
