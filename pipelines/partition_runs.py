"""What the command line (pipelines/runner.py) and the daemon's sensors (pipelines/defs/sensors.py)
share about runs over day partitions, in one place: Dagster's partition range tags, the days that
exist as partitions, the changed days waiting to be recomputed (one run per contiguous block), and
what a failed run leaves in meta.runs.

Days are local calendar days of the site (`date`); a range is (first, last), both included.
"""

import hashlib
import re
from contextlib import AbstractContextManager
from datetime import date
from typing import Callable, Iterable

import dagster as dg
import duckdb

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def range_tags(start: date, end: date) -> dict[str, str]:
    """Dagster's tags asking one run for the day partitions [start, end]."""
    return {RANGE_START_TAG: start.isoformat(), RANGE_END_TAG: end.isoformat()}


def within_partitions(ranges: list[tuple[date, date]],
                      partitions: dg.TimeWindowPartitionsDefinition | None = None) -> list[tuple[date, date]]:
    """Clip day ranges to the partitions that exist (from the first day to the last complete one;
    default: the code location's daily partitions). Ranges wholly outside are dropped."""
    if partitions is None:
        from pipelines.defs.partitions import daily_partitions as partitions
    first = date.fromisoformat(partitions.get_first_partition_key())
    last_key = partitions.get_last_partition_key()
    if last_key is None:
        return []
    last = date.fromisoformat(last_key)
    return [(max(start, first), min(end, last)) for start, end in ranges if end >= first and start <= last]


def changed_day_blocks(con: duckdb.DuckDBPyConnection,
                       partitions: dg.TimeWindowPartitionsDefinition | None = None) -> list[tuple[date, date]]:
    """The blocks of days earlier runs' loads changed and no run has recomputed since
    (meta.changed_days, pipelines.features.changed_days.pending_changed_days), clipped to the partitions: one run
    each, from the command line after its run or from changed_days_sensor."""
    from pipelines.features.changed_days import pending_changed_days

    return within_partitions(pending_changed_days(con), partitions)


def changed_days_run_key(con: duckdb.DuckDBPyConnection, start: date, end: date) -> str:
    """The run key of a block of changed days: the days and the runs whose loads changed them and
    are not recomputed yet, so a second late file touching the same days (loaded by a later run)
    gets a run of its own, while the same pending change asked for twice is one run."""
    runs = [row[0] for row in con.execute(
        "SELECT DISTINCT run_id FROM meta.changed_days WHERE recomputed_by IS NULL "
        "AND as_of_date BETWEEN ? AND ? ORDER BY run_id", [start, end]).fetchall()]
    return f"changed-days-{start}-{end}-{hashlib.sha256('|'.join(runs).encode()).hexdigest()[:16]}"


_PROJECT_ERROR_CLASS = re.compile(r"^pipelines\.[\w.]+: ")  # 'pipelines.ingest.landing.NoExtracts: ...'


def step_failures(events: Iterable[dg.DagsterEvent]) -> list[str]:
    """'step: message' for every failed step among a run's events; the message of the error's
    cause when it has one (Dagster wraps the asset's error), the project's own errors without their
    class name (they are written for the reader)."""
    failures = []
    for event in events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error
            cause = error.cause or error
            message = _PROJECT_ERROR_CLASS.sub("", cause.message.strip())
            failures.append(f"{event.step_key}: {message}")
    return failures


def record_failed_run(open_warehouse: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
                      run_id: str, failures: list[str]) -> list[str]:
    """The failed run's row in meta.runs (step 'run failed', naming each failed step or check).
    When the warehouse cannot be opened (the lock the run failed on is still held), returns the
    failures with a line saying so, for the caller to show; else the failures unchanged."""
    from pipelines.core.run_log import record_failure

    try:
        with open_warehouse() as con:
            record_failure(con, run_id, failures)
    except duckdb.IOException:
        return [*failures, "(not recorded in meta.runs: the warehouse could not be opened)"]
    return failures
