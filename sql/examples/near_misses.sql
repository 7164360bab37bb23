-- Question: For the MAS/HLH cases clinicians recognised but the screen never flagged, which rule
--   items came closest to their thresholds, and how close?
-- Reads: audit.missed_cases (category 'recognised_never_flagged', its near_misses).
-- Runs on: snapshot, release
-- Columns: rule, item, analyte, operator, threshold, unit (canonical), cases (recognised
--   never-flagged cases with a value for the item), cases_item_met (the item was met: the rule
--   failed on other items, its context or its population), median_relative_distance and
--   closest_relative_distance (distance to the threshold as a share of it, over the cases whose
--   item was not met; 0.1 = 10% short), median_distance (canonical unit, same cases).
-- Caveats: a near miss is the pairing-window value closest to the item's threshold over the 14 days
--   before to 1 day after the recognition (rule file audit.near_miss_days_before/after;
--   docs/AUDIT.md); a case with no value for an item has no row for it, and rules_not_fired says
--   why each rule did not fire (no_values, outside_context, ...). The recognised cases are those
--   with a diagnosis code or a counted directed therapy: cases nobody coded or treated are not in
--   it. De-identification keeps values and shifts only the days: the release gives the same
--   numbers as its snapshot.
-- Writes: nothing (a read-only query).
WITH misses AS (
    SELECT case_id, unnest(near_misses) AS miss
    FROM audit.missed_cases
    WHERE category = 'recognised_never_flagged'
)
SELECT miss.rule AS rule, miss.item AS item, miss.analyte AS analyte, miss.operator AS operator,
       miss.threshold AS threshold, miss.unit AS unit,
       count(DISTINCT case_id) AS cases,
       count(DISTINCT case_id) FILTER (WHERE miss.met) AS cases_item_met,
       round(median(miss.relative_distance) FILTER (WHERE NOT miss.met), 4) AS median_relative_distance,
       round(min(miss.relative_distance) FILTER (WHERE NOT miss.met), 4) AS closest_relative_distance,
       round(median(miss.distance) FILTER (WHERE NOT miss.met), 4) AS median_distance
FROM misses
GROUP BY ALL
ORDER BY cases_item_met DESC, closest_relative_distance NULLS LAST, rule, item;
