"""Materializing the asset graph for a range of days through Dagster, as one run.

The CLI uses this; it is the same job the nightly schedule launches, with the range given as
Dagster's partition-range tags, so a backfill is one run and one set-based pass per asset.
"""

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg

RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    success: bool
    failures: tuple[str, ...]  # "step: message" for each failed step or blocking check


def configure(warehouse: Path, landing: Path | None = None, config: Path | None = None,
              timezone: str | None = None) -> None:
    """Point the code location at these files (read by pipelines.settings when definitions load):
    a landing folder of canonical files, or a site configuration listing the sources."""
    os.environ["MASSCREEN_WAREHOUSE"] = str(Path(warehouse).resolve())
    if landing is not None:
        os.environ["MASSCREEN_LANDING"] = str(Path(landing).resolve())
    if config is not None:
        os.environ["MASSCREEN_CONFIG"] = str(Path(config).resolve())
    else:
        os.environ.pop("MASSCREEN_CONFIG", None)
    if timezone:
        os.environ["MASSCREEN_TIMEZONE"] = timezone


def run_changed_days() -> list[tuple[date, date, RunOutcome]]:
    """Recompute, one run per contiguous block, the days earlier runs' loads changed outside their
    own range (the same requests the changed_days_sensor makes for the daemon)."""
    from pipelines.defs.sensors import within_partitions
    from pipelines.settings import load_settings
    from pipelines.stages import pending_changed_days
    from pipelines.warehouse import connect

    settings = load_settings()
    with connect(settings.warehouse, settings.timezone, read_only=True) as con:
        ranges = within_partitions(pending_changed_days(con))
    return [(start, end, run_range(start, end)) for start, end in ranges]


def run_range(start: date, end: date) -> RunOutcome:
    """Run the mas_screen job over [start, end] with the instance in DAGSTER_HOME (else ephemeral)."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    from pipelines.definitions import defs  # after configure(): settings are read at load time

    definitions = defs()
    job = definitions.resolve_job_def("mas_screen")
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    result = job.execute_in_process(
        instance=instance,
        tags={RANGE_START_TAG: start.isoformat(), RANGE_END_TAG: end.isoformat()},
        raise_on_error=False,
    )
    failures = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error
            cause = error.cause or error
            failures.append(f"{event.step_key}: {cause.message.strip()}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                failures.append(f"check {evaluation.check_name} on {evaluation.asset_key.to_user_string()}: failed")
    if not result.success:
        _record_failure(result.run_id, failures)
    return RunOutcome(result.run_id, result.success, tuple(failures))


def _record_failure(run_id: str, failures: list[str]) -> None:
    from pipelines.run_log import record_failure
    from pipelines.settings import load_settings
    from pipelines.warehouse import connect

    settings = load_settings()
    with connect(settings.warehouse, settings.timezone) as con:
        record_failure(con, run_id, failures)
