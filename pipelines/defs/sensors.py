"""Sensors: a run when new extract files land, runs for the days a late or corrected file changed,
and failed runs written to meta.

The staging step records in meta.changed_days every as-of day the run's loads may have changed
(sql/meta/changed_days.sql); the screen step marks the days it recomputed. Days left over (outside the run's range)
are requested by changed_days_sensor, one run per contiguous block of days. What the command line
does the same way (the blocks, the run keys, a failed run's record) is in pipelines/partition_runs.py.
"""

import hashlib
from datetime import date

import dagster as dg
import duckdb

from pipelines.defs.partitions import daily_partitions
from pipelines.defs.resources import WarehouseResource
from pipelines.partition_runs import (changed_day_blocks, changed_days_run_key, range_tags, record_failed_run,
                                      step_failures)


@dg.sensor(job_name="mas_screen", minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED)
def changed_days_sensor(context: dg.SensorEvaluationContext, warehouse: WarehouseResource):
    try:
        with warehouse.connect(read_only=True, wait_seconds=0) as con:
            ranges = changed_day_blocks(con)
            keys = [changed_days_run_key(con, start, end) for start, end in ranges]
    except duckdb.IOException:
        return dg.SkipReason("the warehouse is being written; trying again at the next tick")
    if not ranges:
        return dg.SkipReason("no changed days waiting")
    return [dg.RunRequest(run_key=key, tags=range_tags(start, end)) for (start, end), key in zip(ranges, keys)]


@dg.run_failure_sensor(monitored_jobs=None, default_status=dg.DefaultSensorStatus.STOPPED)
def record_failed_runs(context: dg.RunFailureSensorContext, warehouse: WarehouseResource):
    """Write a failed run of the daemon or UI into meta.runs, with the step that failed and why."""
    failures = step_failures(context.get_step_failure_events())
    record_failed_run(lambda: warehouse.connect(wait_seconds=60), context.dagster_run.run_id,
                      failures or [context.failure_event.message or "run failed"])


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
    day = date.fromisoformat(last)
    return dg.RunRequest(run_key=f"sources-{signature[:16]}", tags=range_tags(day, day))
