"""The as-of days a run's loads changed (meta.changed_days, sql/meta/changed_days.sql), which the
feature and screen stages recompute and then mark recomputed.
"""

from datetime import date

import duckdb

from pipelines.core.warehouse import execute, sql_text, statements, transaction
from pipelines.features.feature_columns import longest_window_hours
from pipelines.features.rule_set import RuleSet, active_rule_set


# The tables whose rows mark the computed days of their patient (sql/meta/changed_days.sql).
CHANGED_RECORD_TABLES = ("staging.diagnoses", "staging.medications", "staging.patients", "staging.encounters",
                         "features.patient_day")


def record_changed_days(con: duckdb.DuckDBPyConnection, run_id: str, rule_set: RuleSet | None = None) -> int:
    """Note in meta.changed_days the as-of days this run's loads changed (sql/meta/changed_days.sql):
    the look-back days (the rule set's longest window; default the active rule set) of their lab
    and vital rows and of the earlier versions of those records,
    and the computed days of the patients whose diagnoses, medications, encounters or patient row changed (only
    once features.patient_day and those staging tables exist). Run after staging; features and
    screen mark the days recomputed. Returns the number of days recorded for run_id.

    Nothing is recorded while no day has been computed (no features.patient_day table and no
    features.patient_day step in meta.runs): every day is then computed from the current rows when
    first reached, so there is nothing to recompute, and the first backfill does not read and
    parse every landed row a second time (6.7 s at 1 million lab rows, docs/BENCHMARKS.md)."""
    existing = {row[0] for row in con.execute(
        "SELECT schema_name || '.' || table_name FROM duckdb_tables()").fetchall()}
    computed = "features.patient_day" in existing or con.execute(
        "SELECT count(*) FROM meta.runs WHERE step = 'features.patient_day'").fetchone()[0] > 0
    if not computed:
        return 0
    first, *record_days = statements(sql_text("meta/changed_days.sql"))
    params = {"run_id": run_id, "longest_window_hours": longest_window_hours(rule_set or active_rule_set())}
    with transaction(con):
        execute(con, first, params)
        if set(CHANGED_RECORD_TABLES) <= existing:
            for statement in record_days:
                execute(con, statement, params)
    return con.execute("SELECT count(*) FROM meta.changed_days WHERE run_id = ?", [run_id]).fetchone()[0]


def pending_changed_days(con: duckdb.DuckDBPyConnection) -> list[tuple[date, date]]:
    """Changed days computed before and not recomputed since, as contiguous (first, last) ranges.
    Days no run has computed yet are left to the run that first reaches them."""
    return con.execute("""
        WITH pending AS (
            SELECT DISTINCT c.as_of_date
            FROM meta.changed_days AS c
            JOIN meta.runs AS r
              ON r.step = 'features.patient_day' AND c.as_of_date BETWEEN r.partition_start AND r.partition_end
            WHERE c.recomputed_by IS NULL
        ),
        islands AS (SELECT as_of_date, as_of_date - CAST(row_number() OVER (ORDER BY as_of_date) AS INTEGER) AS island
                    FROM pending)
        SELECT min(as_of_date), max(as_of_date) FROM islands GROUP BY island ORDER BY 1
    """).fetchall()


def mark_recomputed(con: duckdb.DuckDBPyConnection, start: date, end: date, run_id: str) -> None:
    con.execute("UPDATE meta.changed_days SET recomputed_by = ? WHERE recomputed_by IS NULL "
                "AND as_of_date BETWEEN ? AND ?", [run_id, start, end])
