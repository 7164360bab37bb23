-- recognition_events (temporary table, the input of audit.recognition and audit.missed_cases):
-- every staged event that tells clinicians recognised MAS/HLH, one row per event.
--
-- Reads: staging.diagnoses, staging.medications, staging.encounters.
-- Parameters (rule file `audit`, pipelines/features/rule_set.py RuleSet.audit_parameters):
--   $recognition_codes       [{code_system, code, exact}]: a diagnosis matches on code_compact
--                            (upper case, no dot), by prefix or exactly as context_code_match says
--   $recognition_therapies   [{therapy, ingredient, strength, routes, outside_oncology_regimen}]:
--                            an order matches when a word of its name (lower case, split on anything
--                            not a letter) is the ingredient, and, when routes are listed, a word of
--                            its route is one of them
--   $oncology_ingredients, $oncology_regimen_window_hours: an order of a therapy marked
--                            outside_oncology_regimen does not count when another order of the patient
--                            names an oncology ingredient and starts within that many hours of it
--   $counted_strengths       the strengths that count as recognition
-- A therapy counts only when started inside one of the patient's encounters (admit_at <=
-- started_at, before discharge_at or still open): a long-term drug started in clinic treats the
-- underlying disease. A diagnosis counts whenever recorded.
--
-- Columns: patient_id, recognised_by ('diagnosis_code' | 'directed_therapy'), strength ('strong' |
-- 'weak'; every diagnosis code is strong), therapy (the rule file's name of the therapy, e.g.
-- 'anakinra'; NULL for a diagnosis), counts_as_recognition, event_at (recorded_at or started_at),
-- code_system, code_or_name (the code as sent, or the order's name as sent), encounter_id,
-- _load_id, _source_file, _source_row (the staged row it comes from).
-- Writes: temp.recognition_events.
CREATE OR REPLACE TEMP TABLE recognition_events AS
WITH codes AS (
    SELECT unnest($recognition_codes, recursive := true)
),
therapies AS (
    SELECT unnest($recognition_therapies, recursive := true)
),
diagnosis_events AS (
    SELECT d.patient_id, 'diagnosis_code' AS recognised_by, 'strong' AS strength, NULL AS therapy, d.recorded_at AS event_at,
           d.code_system, d.code AS code_or_name, d.encounter_id, d._load_id, d._source_file, d._source_row
    FROM staging.diagnoses AS d
    WHERE EXISTS (SELECT 1 FROM codes AS c
                  WHERE c.code_system = d.code_system
                    AND CASE WHEN c.exact THEN d.code_compact = c.code ELSE starts_with(d.code_compact, c.code) END)
),
orders AS (
    SELECT m.*, regexp_split_to_array(lower(m.name), '[^a-z]+') AS name_words,
           regexp_split_to_array(lower(coalesce(m.route, '')), '[^a-z]+') AS route_words
    FROM staging.medications AS m
),
oncology_orders AS (
    SELECT patient_id, started_at FROM orders
    WHERE list_has_any(name_words, $oncology_ingredients)
),
therapy_events AS (
    SELECT DISTINCT ON (o._load_id, o._source_row)
           o.patient_id, 'directed_therapy' AS recognised_by, t.strength, t.therapy, o.started_at AS event_at,
           o.code_system, o.name AS code_or_name, o.encounter_id, o._load_id, o._source_file, o._source_row
    FROM orders AS o
    JOIN therapies AS t
      ON list_contains(o.name_words, t.ingredient)
     AND (len(t.routes) = 0 OR list_has_any(o.route_words, t.routes))
    WHERE EXISTS (SELECT 1 FROM staging.encounters AS e
                  WHERE e.patient_id = o.patient_id AND e.admit_at <= o.started_at
                    AND (e.discharge_at IS NULL OR o.started_at < e.discharge_at))
      AND NOT (t.outside_oncology_regimen AND EXISTS (
              SELECT 1 FROM oncology_orders AS x
              WHERE x.patient_id = o.patient_id
                AND x.started_at BETWEEN o.started_at - to_hours($oncology_regimen_window_hours)
                                     AND o.started_at + to_hours($oncology_regimen_window_hours)))
    ORDER BY o._load_id, o._source_row, t.strength  -- an order naming two therapies: the strong one
)
SELECT *, list_contains($counted_strengths, strength) AS counts_as_recognition
FROM (SELECT * FROM diagnosis_events UNION ALL BY NAME SELECT * FROM therapy_events)
WHERE event_at IS NOT NULL;
