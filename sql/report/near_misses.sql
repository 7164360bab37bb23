-- The report's monthly audit: near misses of the month's recognised cases the screen never
-- flagged: the values that came closest to each threshold, one row per case and value.
--
-- Reads: audit.missed_cases (near_misses, kept in its order: items not met first, closest first).
-- Writes nothing. Parameters: $month (DATE, the first day of the month).
-- Columns: the case, then the near miss's rule, item, analyte, value and threshold (canonical
-- unit), operator, distance (absolute, <= 0 when the item was met, and relative to the
-- threshold), met, and its as-of day.
WITH misses AS (
    SELECT case_id, patient_id, near_misses[i] AS n, i AS closeness
    FROM audit.missed_cases, generate_series(1, len(near_misses)) AS s(i)
    WHERE month = $month AND len(near_misses) > 0
)
SELECT case_id, patient_id, n.rule AS rule, n.item AS item, n.analyte AS analyte, n.value AS value,
       n.unit AS unit, n.operator AS operator, n.threshold AS threshold, n.distance AS distance,
       n.relative_distance AS relative_distance, n.met AS met, n.as_of_date AS as_of_date
FROM misses
ORDER BY case_id, closeness;
