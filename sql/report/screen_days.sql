-- Whether the screen was computed for $date: the rows of screen.rule_evaluations that day (every
-- patient with a value in the look-back windows gets one, flagged or not), and the first and last
-- days computed, for the message when it was not.
--
-- Reads: screen.rule_evaluations. Writes nothing. Parameters: $date (DATE).
SELECT count(*) FILTER (WHERE as_of_date = $date) AS rows_on_date, min(as_of_date) AS first_day,
       max(as_of_date) AS last_day
FROM screen.rule_evaluations;
