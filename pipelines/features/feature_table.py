"""features.patient_day: sql/features/patient_day.sql rendered with the rule set's windows and
written for a range of days in blocks sized to the memory limit.
"""

from datetime import date

import duckdb

from pipelines.core.daily_tables import FEATURE_BYTES_PER_SPREAD_ROW, block_budget, memory_blocks, replace_daily_slice
from pipelines.core.warehouse import execute, transaction
from pipelines.features.dialects import compiled_query
from pipelines.features.feature_columns import longest_window_hours
from pipelines.features.rule_set import RuleSet, active_rule_set


def patient_day_query(rule_set: RuleSet) -> str:
    """The query of features.patient_day for the rule set's look-back and trend windows: the checked-in
    sql/compiled/duckdb/features.patient_day.sql for the shipped rule file (pipelines/features/dialects.py).
    Parameters: $start, $end."""
    return compiled_query("features.patient_day", rule_set)


# The weight of a day for the feature stage's blocks: the values that count for it, each being one
# row of the spread (sql/features/patient_day.sql): the values taken on it and on the days before
# it within the longest window.
FEATURE_DAY_WEIGHTS = """
SELECT day, sum(values_taken) OVER (ORDER BY day RANGE BETWEEN $window_days - 1 PRECEDING AND CURRENT ROW) AS weight
FROM (SELECT CAST(taken_at AS DATE) AS day, count(*) AS values_taken
      FROM (SELECT collected_at AS taken_at FROM staging.lab_results
            UNION ALL SELECT measured_at FROM staging.vital_signs)
      WHERE taken_at >= CAST(CAST($start AS DATE) AS TIMESTAMPTZ) - INTERVAL ($window_days) DAY
        AND taken_at < CAST(CAST($end AS DATE) + 1 AS TIMESTAMPTZ)
      GROUP BY ALL)
"""


def build_patient_day(con: duckdb.DuckDBPyConnection, start: date, end: date, rule_set: RuleSet | None = None,
                      memory: int | None = None) -> int:
    """Rebuild features.patient_day for the days [start, end] with the rule set's windows (default:
    the active rule set), in one transaction. Returns the rows written for those days.

    The days are written in blocks (memory_blocks) sized so that each block's work fits `memory`
    bytes (default: MASSCREEN_DUCKDB_MEMORY; FEATURE_BYTES_PER_SPREAD_ROW per value and day it
    counts for), so a backfill of any length runs in the configured memory; days without values
    cost next to nothing.

    When the stored table has other columns (the rule file's look-back windows changed, or a new
    version adds columns), every stored day is rebuilt with the new columns in the same pass, so the
    table never mixes two layouts and no stored day is lost."""
    rule_set = rule_set or active_rule_set()
    query = patient_day_query(rule_set)
    asked_start, asked_end = start, end
    with transaction(con):
        start, end = days_to_rebuild(con, rule_set, start, end)
        window_days = -(-longest_window_hours(rule_set) // 24) + 1
        columns = len(execute(con, f"SELECT * FROM ({query}) LIMIT 0", {"start": start, "end": start}).description)
        blocks = memory_blocks(con, FEATURE_DAY_WEIGHTS, {"window_days": window_days}, start, end,
                            block_budget(memory, columns, FEATURE_BYTES_PER_SPREAD_ROW))
        replace_daily_slice(con, "features.patient_day", query, {}, start, end, blocks)
    return con.execute("SELECT count(*) FROM features.patient_day WHERE as_of_date BETWEEN ? AND ?",
                       [asked_start, asked_end]).fetchone()[0]


def days_to_rebuild(con: duckdb.DuckDBPyConnection, rule_set: RuleSet, start: date, end: date) -> tuple[date, date]:
    """The days a rebuild of [start, end] must write: [start, end] itself, or, when the stored
    features.patient_day has other columns than the rule set's query writes (its look-back windows
    changed, or a new version adds columns), every stored day as well, the stored table then being
    dropped (call it inside the transaction that writes the days). Returns (first day, last day)."""
    stored = [row[0] for row in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'features' "
        "AND table_name = 'patient_day' ORDER BY ordinal_position").fetchall()]
    if stored and stored != [column[0] for column in execute(
            con, f"SELECT * FROM ({patient_day_query(rule_set)}) LIMIT 0", {"start": start, "end": start}).description]:
        first, last = con.execute("SELECT min(as_of_date), max(as_of_date) FROM features.patient_day").fetchone()
        start, end = min(start, first or start), max(end, last or end)
        con.execute("DROP TABLE features.patient_day")
    return start, end
