"""Sensors: a run when new extract files land, runs for the days a late or corrected file changed,
and failed runs written to meta.

The staging step records in meta.changed_days every as-of day the run's loads may have changed
(sql/meta/changed_days.sql); the screen step marks the days it recomputed. Days left over (outside the run's range)
are requested by changed_days_sensor, one run per contiguous block of days.
"""

import hashlib
from datetime import date

import dagster as dg
import duckdb

from pipelines import stages
from pipelines.defs.partitions import daily_partitions
from pipelines.defs.resources import WarehouseResource
from pipelines.run_log import record_failure
from pipelines.runner import RANGE_END_TAG, RANGE_START_TAG


def within_partitions(ranges: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Clip day ranges to the partitions that exist (from the first day to the last complete one)."""
    first = date.fromisoformat(daily_partitions.get_first_partition_key())
    last_key = daily_partitions.get_last_partition_key()
    if last_key is None:
        return []
    last = date.fromisoformat(last_key)
    return [(max(start, first), min(end, last)) for start, end in ranges if end >= first and start <= last]


@dg.sensor(job_name="mas_screen", minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED)
def changed_days_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    try:
        with warehouse.connect(read_only=True, wait_seconds=0) as con:
            ranges = within_partitions(stages.pending_changed_days(con))
            keys = [changed_days_run_key(con, start, end) for start, end in ranges]
    except duckdb.IOException:
        return dg.SkipReason("the warehouse is being written; trying again at the next tick")
    if not ranges:
        return dg.SkipReason("no changed days waiting")
    return [dg.RunRequest(run_key=key, tags={RANGE_START_TAG: start.isoformat(), RANGE_END_TAG: end.isoformat()})
            for (start, end), key in zip(ranges, keys)]


def changed_days_run_key(con: duckdb.DuckDBPyConnection, start: date, end: date) -> str:
    """The run key of a block of changed days: the days and the runs whose loads changed them and
    are not recomputed yet, so a second late file touching the same days (loaded by a later run)
    gets a run of its own, while the same pending change asked for twice is one run."""
    runs = [row[0] for row in con.execute(
        "SELECT DISTINCT run_id FROM meta.changed_days WHERE recomputed_by IS NULL "
        "AND as_of_date BETWEEN ? AND ? ORDER BY run_id", [start, end]).fetchall()]
    return f"changed-days-{start}-{end}-{hashlib.sha256('|'.join(runs).encode()).hexdigest()[:16]}"


@dg.run_failure_sensor(monitored_jobs=None, default_status=dg.DefaultSensorStatus.STOPPED)
def record_failed_runs(context: dg.RunFailureSensorContext, warehouse: WarehouseResource):
    """Write a failed run of the daemon or UI into meta.runs, with the step that failed and why."""
    failures = [f"{event.step_key}: {event.event_specific_data.error.message.strip()}"
                for event in context.get_step_failure_events()]
    with warehouse.connect(wait_seconds=60) as con:
        record_failure(con, context.dagster_run.run_id, failures or [context.failure_event.message or "run failed"])


def sources_signature(warehouse: WarehouseResource) -> str:
    """Names, sizes and modification times of every file under the sources: changes when one lands."""
    listing = sorted(f"{path}|{path.stat().st_size}|{path.stat().st_mtime_ns}"
                     for source in warehouse.sources()
                     for path in ([source.path] if source.path.is_file() else source.path.rglob("*"))
                     if path.is_file())
    return hashlib.sha256("\n".join(listing).encode()).hexdigest()


@dg.sensor(job_name="mas_screen", minimum_interval_seconds=120, default_status=dg.DefaultSensorStatus.STOPPED)
def new_files_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    """When the sources change, run the last complete day: it loads the new files, and the days they
    change are then recomputed (changed_days_sensor)."""
    signature = sources_signature(warehouse)
    if signature == context.cursor:
        return dg.SkipReason("no new or changed extract files")
    context.update_cursor(signature)
    last = daily_partitions.get_last_partition_key()
    if last is None:
        return dg.SkipReason("no complete day yet")
    return dg.RunRequest(run_key=f"sources-{signature[:16]}", tags={RANGE_START_TAG: last, RANGE_END_TAG: last})
