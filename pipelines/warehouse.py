"""Opening the DuckDB warehouse and running the SQL files that hold the data logic.

Every connection gets the site's time zone (so offset-less timestamps are site-local and a DATE
casts to local midnight) and the shared parsing macros of sql/macros.sql.
"""

import os
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

import duckdb

from pipelines.settings import SQL_DIR

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# Statements in our SQL files end with ';' at the end of a line.
_STATEMENT_END = re.compile(r";[ \t]*(?:--[^\n]*)?\n")


def sql_text(relative_path: str) -> str:
    return (SQL_DIR / relative_path).read_text()


def statements(script: str) -> list[str]:
    parts = _STATEMENT_END.split(script + "\n")
    return [p.strip() for p in parts if _strip_comments(p).strip()]


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, object] | None = None):
    """Execute one statement, binding only the $named parameters it uses."""
    used = {name: (params or {})[name] for name in set(_PARAM.findall(sql))}
    return con.execute(sql, used) if used else con.execute(sql)


def run_script(con: duckdb.DuckDBPyConnection, relative_path: str, params: Mapping[str, object] | None = None) -> None:
    for statement in statements(sql_text(relative_path)):
        execute(con, statement, params)


def _open(path: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting with backoff while another process holds DuckDB's single-writer lock
    (two runs started together then run one after the other instead of failing)."""
    deadline, delay = time.monotonic() + wait_seconds, 0.2
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 10.0)


@contextmanager
def connect(path: Path | str, timezone: str, read_only: bool = False,
            wait_seconds: float = float(os.environ.get("MASSCREEN_LOCK_WAIT_SECONDS", "600"))
            ) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse (owner-only permissions on a new file) with site time zone and macros."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    old_umask = os.umask(0o077)
    try:
        con = _open(path, read_only, wait_seconds)
    finally:
        os.umask(old_umask)
    try:
        con.execute("SET TimeZone = $tz", {"tz": timezone})
        # Leave room for Dagster and Python on the machine; DuckDB spills to disk beyond it.
        con.execute("SET memory_limit = $limit", {"limit": os.environ.get("MASSCREEN_DUCKDB_MEMORY", "12GB")})
        run_script(con, "macros.sql")
        if not read_only:
            run_script(con, "warehouse.sql")
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: a failure (or a killed process) leaves the previous state."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
