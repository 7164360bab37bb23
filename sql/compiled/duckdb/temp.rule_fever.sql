-- temp.rule_fever (duckdb), compiled by pipelines/features/dialects.py from sql/screen/rules/fever.sql and the rule file mas-screen-rules mas-screen-rules@509270c46b6a.
-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: 402265ea873d4145
-- Parameters bound at run time: $start and $end (DATE, the first and last as-of day of the block).
-- rule_fever (temporary table): fever on each patient-day, shared by the rules that need it.
-- Reads: temp.screen_day. Parameters: $fever__temperature__* (rule file `fever`).
-- Key: (patient_id, as_of_date). fever__met is true, false, or NULL when the pairing window holds no
-- temperature: fever unknown is never fever absent.
-- Writes: temp.rule_fever (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
    SELECT patient_id, as_of_date,
           window_item(temperature, '>=', 38.5::DOUBLE,
                       'Cel') AS temperature
    FROM screen_day
)
SELECT
    patient_id,
    as_of_date,
    temperature.value AS fever__value,
    temperature.met AS fever__met,
    coalesce(temperature.met, true) AS fever__possible,
    'unknown' AS fever__context,
    'in' AS fever__population,
    {'temperature': temperature} AS fever__evidence
FROM items
