-- staging.vital_signs: one current version of every vital-sign measurement, in canonical units
-- (body temperature in Cel). recorded_at is when it became known; absent, the measured time.
SELECT patient_id, nullif(trim(encounter_id), '') AS encounter_id, record_id AS measurement_id,
       trim(code) AS code, analyte,
       value AS value_text, value_num, censoring,
       canonical_unit AS unit, unit AS unit_as_sent,
       taken_ts AS measured_at, available_ts AS recorded_at,
       _load_id, _source_file, _source_row
FROM current
