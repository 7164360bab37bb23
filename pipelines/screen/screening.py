"""The screen: every rule for every patient-day (screen.rule_evaluations) and the flagged days
(screen.at_risk_daily), from sql/screen/.
"""

from datetime import date

import duckdb

from pipelines.core.daily_tables import SCREEN_BYTES_PER_PATIENT_DAY, block_budget, memory_blocks, replace_daily_slice
from pipelines.core.warehouse import execute, run_script, transaction
from pipelines.features.dialects import compiled_query
from pipelines.features.rule_set import RuleSet


def build_screen(con: duckdb.DuckDBPyConnection, start: date, end: date, rule_set: RuleSet,
                 keep_rule_tables: bool = False, memory: int | None = None) -> int:
    """Evaluate every rule for the days (screen.rule_evaluations), then write the flagged rows.

    The queries are sql/compiled/duckdb/ (pipelines/features/dialects.py: the templates below filled from
    the rule file, its numbers written in; only $start and $end are bound).
    sql/screen/screen_day.sql gathers each patient-day's values, contexts and population facts
    into the temporary table screen_day; each rule's file (sql/screen/rules/) then writes the
    temporary table rule_<rule id> (its results and item-by-item evidence); screen.rule_evaluations
    joins the results, and screen.at_risk_daily tiers them and takes the evidence of the flagged
    rows. The days go in blocks sized so each block's work fits `memory` bytes (default:
    MASSCREEN_DUCKDB_MEMORY; SCREEN_BYTES_PER_PATIENT_DAY per row of features.patient_day), all in
    one transaction. keep_rule_tables leaves the temporary tables of the last block on the
    connection (every rule's evidence for every patient-day of it, for an audit of a near miss).
    Returns the at-risk rows of [start, end]."""
    run_script(con, "screen/macros.sql")
    blocks = memory_blocks(
        con, "SELECT as_of_date AS day, count(*) AS weight FROM features.patient_day "
             "WHERE as_of_date BETWEEN $start AND $end GROUP BY ALL",
        {}, start, end, block_budget(memory, 100, SCREEN_BYTES_PER_PATIENT_DAY))
    temporary = ["screen_day"]
    try:
        with transaction(con):
            for first, last in blocks:
                params = {"start": first, "end": last}
                execute(con, "CREATE OR REPLACE TEMP TABLE screen_day AS "
                        + compiled_query("temp.screen_day", rule_set), params)
                for rule_id, _ in rule_set.rule_sql_files():  # one statement per rule, not per row
                    execute(con, f"CREATE OR REPLACE TEMP TABLE rule_{rule_id} AS "
                            + compiled_query(f"temp.rule_{rule_id}", rule_set), params)
                    temporary.append(f"rule_{rule_id}")
                replace_daily_slice(con, "screen.rule_evaluations",
                                    compiled_query("screen.rule_evaluations", rule_set), params, first, last)
                replace_daily_slice(con, "screen.at_risk_daily",
                                    compiled_query("screen.at_risk_daily", rule_set), params, first, last)
        return con.execute("SELECT count(*) FROM screen.at_risk_daily WHERE as_of_date BETWEEN ? AND ?",
                           [start, end]).fetchone()[0]
    finally:
        if not keep_rule_tables:
            for table in dict.fromkeys(temporary):
                con.execute(f"DROP TABLE IF EXISTS {table}")
