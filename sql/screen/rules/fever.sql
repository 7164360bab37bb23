-- rule_fever (temporary table): fever on each patient-day, shared by the rules that need it.
-- Reads: temp.screen_day. Parameters: $fever__temperature__* (rule file `fever`).
-- Key: (patient_id, as_of_date). fever__met is true, false, or NULL when the pairing window holds no
-- temperature: fever unknown is never fever absent.
-- Writes: temp.rule_fever (the rows this returns, by pipelines/screen/screening.py).
WITH items AS (
    SELECT patient_id, as_of_date,
           window_item(temperature, $fever__temperature__op, $fever__temperature__threshold,
                       $fever__temperature__unit) AS temperature
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
