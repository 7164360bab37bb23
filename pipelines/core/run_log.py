"""meta.runs: one row per pipeline step, with the code and rule set versions that produced it."""

import json
import logging
import subprocess
from contextlib import contextmanager
from datetime import date, datetime, timezone
from functools import cache
from typing import Iterator

import duckdb

from pipelines import __version__
from pipelines.core.settings import PROJECT_DIR

# Progress lines of finished steps, for a console that asks for them (`make bench` does); silent by
# default (no handler, so Python's last-resort handler shows warnings only).
progress_log = logging.getLogger("pipelines.progress")


@contextmanager
def progress_printed_by(handler: logging.Handler) -> Iterator[None]:
    """Within the block, every finished step's progress line (log_step) also goes to `handler`; on
    leaving it (normally or by an exception) the handler is taken off and the logger's level is
    restored, so a later caller in the same process (a notebook, a test) gets no lines it did not
    ask for. The command line and `make bench` print their console lines this way."""
    level = progress_log.level
    progress_log.addHandler(handler)
    progress_log.setLevel(logging.INFO)
    try:
        yield
    finally:
        progress_log.removeHandler(handler)
        progress_log.setLevel(level)


@cache
def code_version() -> str:
    """Package version, plus the git commit when running from a checkout."""
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR,
                             capture_output=True, text=True, timeout=5, check=True).stdout.strip()
        return f"{__version__}+g{sha}"
    except (OSError, subprocess.SubprocessError):
        return __version__


def record_step(con: duckdb.DuckDBPyConnection, run_id: str, step: str, started_at: datetime,
                rows_written: int, rule_set_version: str | None = None,
                partition_start: date | None = None, partition_end: date | None = None,
                detail: dict | None = None) -> None:
    con.execute(
        "INSERT INTO meta.runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, step, started_at, datetime.now(timezone.utc), code_version(), rule_set_version,
         partition_start, partition_end, rows_written, json.dumps(detail or {}, default=str)],
    )


def log_step(context, step: str, started_at: datetime, rows: int, unit: str = "rows") -> None:
    """One progress line for a finished step, 'staging.lab_results: 1,234,567 rows in 8.3 s' (the
    count given to record_step, in `unit`; seconds since started_at, a UTC datetime): in the run's
    Dagster log (`context.log`, info) and on the `pipelines.progress` Python logger."""
    seconds = (datetime.now(timezone.utc) - started_at).total_seconds()
    line = f"{step}: {rows:,} {unit} in {seconds:.1f} s"
    context.log.info(line)
    progress_log.info(line)


def record_failure(con: duckdb.DuckDBPyConnection, run_id: str, failures: list[str]) -> None:
    """A failed run's own row in meta.runs (step 'run failed'), naming each failed step or check."""
    now = datetime.now(timezone.utc)
    record_step(con, run_id, "run failed", now, 0, detail={"failures": failures})


def record_warning(con: duckdb.DuckDBPyConnection, run_id: str, check_name: str, subject: str | None,
                   count: int | None = None, detail: str | None = None) -> None:
    """One row of meta.run_warnings (sql/warehouse.sql lists the check names): something a run
    found wrong with its inputs that did not stop it. Replaces the same run's row for the same check
    and subject, so a retried step does not count twice."""
    con.execute("DELETE FROM meta.run_warnings WHERE run_id = ? AND check_name = ? AND subject IS NOT DISTINCT FROM ?",
                [run_id, check_name, subject])
    con.execute("INSERT INTO meta.run_warnings (run_id, check_name, subject, count, detail) VALUES (?, ?, ?, ?, ?)",
                [run_id, check_name, subject, count, detail])
