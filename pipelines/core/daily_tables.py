"""Daily tables (one row per patient and as-of day) written block by block: the days of a range
are split into blocks whose work fits the memory limit, and each block's days replaced in one
transaction, the stored layout following the new columns. Used by the feature and screen stages.
"""

from datetime import date, timedelta

import duckdb

from pipelines.core.settings import memory_bytes
from pipelines.core.warehouse import BYTES_PER_COLUMN_WRITTEN, execute, transaction


def replace_daily_slice(con: duckdb.DuckDBPyConnection, table: str, query: str,
                        params: dict[str, object], start: date, end: date,
                        blocks: list[tuple[date, date]] | None = None) -> int:
    """Delete then insert the days [start, end] of a daily table, block by block (default: one
    block), in one transaction (the caller's, when one is open). The query's
    $start and $end are each block's first and last day. Rows are stored in day order, so a scan
    for some days (the next run's delete, publishing, a reader's date filter) skips the row groups
    of the other days. Returns the rows the table holds for [start, end]."""
    with transaction(con):
        for first, last in blocks or [(start, end)]:
            block_params = {**params, "start": first, "end": last}
            # the slice's layout only (LIMIT 0 is not executed): a wide temporary table would hold
            # a block of memory per column; the rows go straight from the query to the table. The
            # table is created from the query, not from the empty temporary table: DuckDB 1.5 loses
            # the rows of a large insert (over a row group) into a table created in the same
            # transaction from an empty temporary table (tests/test_daily_slices.py)
            execute(con, f"CREATE OR REPLACE TEMP TABLE daily_slice AS SELECT * FROM ({query}) LIMIT 0", block_params)
            execute(con, f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM ({query}) LIMIT 0", block_params)
            _align_columns(con, table)
            execute(con, f"DELETE FROM {table} WHERE as_of_date BETWEEN $start AND $end", block_params)
            execute(con, f"INSERT INTO {table} BY NAME SELECT * FROM ({query}) ORDER BY as_of_date, patient_id",
                    block_params)
        con.execute("DROP TABLE IF EXISTS daily_slice")
    return con.execute(f"SELECT count(*) FROM {table} WHERE as_of_date BETWEEN ? AND ?", [start, end]).fetchone()[0]


# Memory a block of days may take, per unit of its weight (daily_tables.memory_blocks), measured with
# `make bench` and tests/test_memory_limit.py: a partial row of features.patient_day spread over one
# day (sql/features/patient_day.sql), and a patient-day screened (sql/screen/*.sql). A block's weight
# is kept under MASSCREEN_DUCKDB_MEMORY / these, so a run's memory follows its block, not its range.
FEATURE_BYTES_PER_SPREAD_ROW = 2_000
SCREEN_BYTES_PER_PATIENT_DAY = 40_000
def block_budget(memory: int | None, columns: int, bytes_per_weight: int) -> float:
    """The weight a block of days may have (memory_blocks) for `memory` bytes (default
    MASSCREEN_DUCKDB_MEMORY) when writing a table of `columns` columns."""
    usable = (memory or memory_bytes()) - columns * BYTES_PER_COLUMN_WRITTEN  # the table's write buffers
    return max(usable, (memory or memory_bytes()) / 10) / bytes_per_weight


def memory_blocks(con: duckdb.DuckDBPyConnection, weights_query: str, params: dict[str, object],
               start: date, end: date, budget: float) -> list[tuple[date, date]]:
    """Split [start, end] into consecutive blocks of days by summed weight: a block closes at the
    first day that takes it to the budget or over, so a block weighs less than the budget plus its
    last day's weight. weights_query returns (day DATE, weight) for the days with data only, so
    empty days cost nothing: they join the block before them. Returns [(first day, last day)],
    covering [start, end] without gap or overlap."""
    if start >= end:
        return [(start, end)]
    starts = [row[0] for row in execute(con, f"""
        WITH weights AS ({weights_query}),
        running AS (
            SELECT day, sum(weight) OVER (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                        - weight AS weight_before
            FROM weights WHERE day BETWEEN $start AND $end AND weight > 0
        )
        SELECT min(day) FROM running GROUP BY floor(weight_before / $budget) ORDER BY 1""",
        {**params, "start": start, "end": end, "budget": max(budget, 1.0)}).fetchall()]
    starts = [start] + [day for day in starts if day > start]
    ends = [day - timedelta(days=1) for day in starts[1:]] + [end]
    return list(zip(starts, ends))


class TableLayoutChanged(ValueError):
    """A daily table's stored rows cannot take the new layout (named column, types, and the fix)."""


def _align_columns(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Bring a daily table to the layout of the slice about to be written (temporary daily_slice):
    a column the rule file or the feature windows added is added (NULL on the days written
    before); an ENUM (the tiers) takes the new rule file's values in its order, keeping below them
    every value it held before (a tier since renamed, or text stored by an older release: DuckDB
    converts rows deleted but not yet vacuumed too, so values are never dropped); another column
    whose type changed is converted; a column no longer written stays, NULL on new days. Raises
    TableLayoutChanged when stored values cannot be converted."""
    existing = {name: kind for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall()}
    for name, kind, *_ in con.execute("DESCRIBE daily_slice").fetchall():
        if name not in existing:
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {kind}')
        elif kind.startswith("ENUM(") and (existing[name].startswith("ENUM(") or existing[name] == "VARCHAR"):
            # tiers: the new rule file's, in its order, below them every value held before
            held = {row[0] for row in con.execute(
                f'SELECT DISTINCT CAST("{name}" AS VARCHAR) FROM {table} WHERE "{name}" IS NOT NULL').fetchall()}
            stored = _enum_values(con, existing[name]) if existing[name].startswith("ENUM(") else sorted(held)
            new = _enum_values(con, kind)
            merged = [value for value in stored if value not in new] + new
            if merged != stored or existing[name] == "VARCHAR":
                values = ", ".join("'" + value.replace("'", "''") + "'" for value in merged)
                con.execute(f'ALTER TABLE {table} ALTER COLUMN "{name}" SET DATA TYPE ENUM({values})')
        elif existing[name] != kind:
            try:
                con.execute(f'ALTER TABLE {table} ALTER COLUMN "{name}" SET DATA TYPE {kind}')
            except duckdb.Error as error:
                raise TableLayoutChanged(
                    f"{table}.{name}: the rows already stored do not fit the new type {kind} "
                    f"({str(error).splitlines()[0]}); re-run the whole period so every day is rewritten, "
                    f"or drop the table to start it afresh") from None


def _enum_values(con: duckdb.DuckDBPyConnection, enum_type: str) -> list[str]:
    return con.execute(f"SELECT enum_range(NULL::{enum_type})").fetchone()[0]
