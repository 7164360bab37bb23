"""Materializing the asset graph for a range of days through Dagster.

The CLI uses this; it is the same job the nightly schedule launches, with the range given as
Dagster's partition-range tags, so a range is one set-based pass per asset. Every run goes through
the one Dagster instance (pipelines.core.settings.dagster_home: DAGSTER_HOME, else the project's
.dagster_home/, the one `make ui` serves), with dagster.execute_job, so the UI lists it and the
concurrency pools apply; the settings reach the assets as the warehouse resource's run config. A long range
(run_backfill) is a few runs: loading once, the daily assets over the blocks of days that can hold
rows only, publishing once, so that its cost follows the data rather than the calendar.
"""

import logging
import os
import re
import shutil
import socket
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Sequence
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines.core.settings import encryption_key, engine_settings, load_settings, memory_setting, seconds_setting, spill_directory, validation_chunk_rows
from pipelines.partition_runs import changed_day_blocks, range_tags, record_failed_run, step_failures

# Which process runs a command-line run: a run left STARTED by a process that is gone (killed) is
# marked failed by the next command on the same host (fail_abandoned_runs).
HOST_TAG = "masscreen/host"
PID_TAG = "masscreen/pid"


_stop = {"requested": False}


def request_stop() -> None:
    """Ask the run in progress to stop (SIGTERM or Ctrl-C in the CLI, outside a step; within a step
    Dagster's own handler interrupts it): run_range raises KeyboardInterrupt instead of recording a
    failure, which would wait for the lock the run was waiting for."""
    _stop["requested"] = True


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    success: bool
    failures: tuple[str, ...]  # "step: message" for each failed step or blocking check


def configure(warehouse: Path, landing: Path | None = None, config: Path | None = None,
              timezone: str | None = None, partition_start: date | None = None) -> None:
    """Point this process's runs at these files (pipelines.core.settings.use_command_line; not the
    environment, which the UI and daemon read):
    a landing folder of canonical files, or a site configuration listing the sources; optionally the
    site's time zone and first day partition. Raises ValueError (one line: cause and fix) for a time
    zone that is not an IANA zone, or a first day that contradicts the site configuration's."""
    if timezone:
        try:
            ZoneInfo(timezone)
        except (ValueError, KeyError):
            raise ValueError(f"time zone {timezone!r} is not an IANA time zone name; use one such as "
                             "America/New_York or Europe/Berlin") from None
    from pipelines.core.settings import use_command_line

    use_command_line({
        "MASSCREEN_WAREHOUSE": str(Path(warehouse).resolve()),
        **({"MASSCREEN_LANDING": str(Path(landing).resolve())} if landing is not None else {}),
        "MASSCREEN_CONFIG": str(Path(config).resolve()) if config is not None else None,
        **({"MASSCREEN_TIMEZONE": timezone} if timezone else {}),
        **({"MASSCREEN_PARTITION_START": partition_start.isoformat()} if partition_start is not None else {}),
    })
    from pipelines.core.settings import load_settings

    settings = load_settings()  # a malformed site configuration is named here, before Dagster loads
    if partition_start is not None and settings.partition_start != partition_start.isoformat():
        raise ValueError(f"--partition-start {partition_start} contradicts partition_start "
                         f"{settings.partition_start} in {settings.config}: give the first day in one place")


def check_warehouse_path(warehouse: Path) -> None:
    """Refuse, in one line with the fix, a warehouse path that cannot be a DuckDB file: a directory,
    or a file in a folder this user cannot write (ValueError)."""
    warehouse = Path(warehouse)
    if warehouse.is_dir():
        raise ValueError(f"warehouse {warehouse} is a directory; give a file path such as {warehouse / 'warehouse.duckdb'}")
    if warehouse.is_file() and warehouse.stat().st_size > 0:
        with warehouse.open("rb") as handle:
            magic = handle.read(12)[8:12]
        if magic != b"DUCK":  # DuckDB's file header, encrypted or not
            raise ValueError(f"warehouse {warehouse} exists and is not a DuckDB database; give the warehouse's path, "
                             "or a new file name")
    try:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"warehouse {warehouse}: its folder cannot be created ({error.strerror}); choose a path "
                         "this user can write") from None
    if not os.access(warehouse.parent, os.W_OK | os.X_OK) or (warehouse.exists() and not os.access(warehouse, os.W_OK)):
        raise ValueError(f"warehouse {warehouse} cannot be written (permission denied on "
                         f"{warehouse if warehouse.exists() else warehouse.parent}); choose a path this user can write")


def check_range(start: date, end: date) -> None:
    """Refuse a range that reaches outside the day partitions (ValueError, one line with the fix):
    a day before the first partition, or a day that has not ended yet in the site's time zone."""
    from pipelines.core.settings import load_settings

    settings = load_settings()
    first = date.fromisoformat(settings.partition_start)
    last = datetime.now(ZoneInfo(settings.timezone)).date() - timedelta(days=1)  # the last complete day
    if start < first:
        raise ValueError(f"{start} is before the first day partition {first}; move the first day with "
                         f"--partition-start {start} (or partition_start in the site configuration, or "
                         "MASSCREEN_PARTITION_START)")
    if end > last:
        raise ValueError(f"{end} has not ended yet in the site's time zone ({settings.timezone}): the last "
                         f"complete day is {last}; screen up to that day")


def run_changed_days() -> list[tuple[date, date, RunOutcome]]:
    """Recompute, one run per contiguous block, the days earlier runs' loads changed outside their
    own range (the same requests the changed_days_sensor makes for the daemon)."""
    from pipelines.core.settings import load_settings
    from pipelines.core.warehouse import connect

    settings = load_settings()
    with connect(settings.warehouse, settings.timezone, read_only=True) as con:
        ranges = changed_day_blocks(con)
    return [(start, end, run_range(start, end)) for start, end in ranges]


# Blocks of days with data closer than this many empty days are computed in one run: an empty day
# in a run costs Dagster a few events (a planned and a reported materialization per daily asset),
# a run of its own costs more (measured in docs/BENCHMARKS.md, "Long sparse calendars"). A range
# this short is one run, as the nightly run is.
MERGE_GAP_DAYS = 31


@dataclass(frozen=True)
class Backfill:
    """What run_backfill did: the runs in order (the first loads and stages the files: its run id
    carries the run's warnings), the blocks of days computed, and the days skipped as empty."""
    runs: tuple[RunOutcome, ...]
    blocks: tuple[tuple[date, date], ...]
    days: int
    skipped_days: int

    @property
    def success(self) -> bool:
        return all(run.success for run in self.runs)

    @property
    def run_id(self) -> str:
        return self.runs[0].run_id

    @property
    def failures(self) -> tuple[str, ...]:
        return tuple(failure for run in self.runs for failure in run.failures)


def run_backfill(start: date, end: date, merge_gap_days: int = MERGE_GAP_DAYS) -> Backfill:
    """Screen [start, end] so that its cost follows the data, not the calendar. A range of at most
    merge_gap_days days is one run_range. A longer one is: one run that loads and stages the new
    files (with their checks); then one run of the daily assets (features, screen) per block of
    days that can hold rows (plan_blocks); then one run that publishes. Days outside the blocks are
    recorded in meta.runs as computed with no rows (detail 'skipped'), so a late file that later
    changes one is recomputed like any computed day. Stops at the first failed run (the Backfill
    says which); raises ValueError (one line) for a range outside the partitions."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}; swap them")
    check_range(start, end)
    days = (end - start).days + 1
    if days <= merge_gap_days:
        return Backfill((run_range(start, end),), ((start, end),), days, 0)
    ingest, daily, publish = _stages_of_the_job()
    runs = [_execute(tags={}, assets=ingest)]
    if not runs[0].success:
        return Backfill(tuple(runs), (), days, 0)
    from pipelines.core.settings import load_settings
    from pipelines.core.warehouse import connect

    settings = load_settings()
    with connect(settings.warehouse, settings.timezone, read_only=True) as con:
        # no day can hold a row: the last day is computed all the same, as a nightly run would, so
        # the daily tables exist (empty) for readers and the summary
        blocks = plan_blocks(con, start, end, merge_gap_days) or [(end, end)]
    for first, last in blocks:
        runs.append(_execute(tags=range_tags(first, last), assets=daily))
        if not runs[-1].success:
            return Backfill(tuple(runs), tuple(blocks), days, 0)
    skipped = _record_skipped_days(runs[0].run_id, [".".join(key.path) for key in daily], start, end, blocks)
    runs.append(_execute(tags={}, assets=publish))
    return Backfill(tuple(runs), tuple(blocks), days, skipped)


def plan_blocks(con, start: date, end: date, merge_gap_days: int = MERGE_GAP_DAYS) -> list[tuple[date, date]]:
    """The blocks of days in [start, end] a backfill computes (sql/meta/day_blocks.sql): days that
    can hold a features row (a staged value in their longest look-back window), days holding rows
    in a daily table, changed days not recomputed yet; blocks closer than merge_gap_days empty
    days merged. Reads staging, so call it after the new files are staged."""
    from pipelines.features.feature_columns import longest_window_hours
    from pipelines.features.rule_set import active_rule_set
    from pipelines.core.warehouse import execute, sql_text, statements

    existing = {row[0] for row in con.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables()").fetchall()}
    spans, *stored, blocks = statements(sql_text("meta/day_blocks.sql"))
    params = {"start": start, "end": end, "merge_gap_days": merge_gap_days,
              "longest_window_hours": longest_window_hours(active_rule_set())}
    execute(con, spans, params)
    for statement in stored:  # a daily table no run has written yet holds no day
        if re.search(r"FROM (\w+\.\w+)", statement).group(1) in existing:
            execute(con, statement, params)
    return [(first, last) for first, last in execute(con, blocks, params).fetchall()]


def _stages_of_the_job() -> tuple[list[dg.AssetKey], list[dg.AssetKey], list[dg.AssetKey]]:
    """The mas_screen job's assets in three groups: those the daily assets depend on (loading and
    staging), the daily-partitioned assets, and the rest (publishing)."""
    from pipelines.definitions import defs

    definitions = defs()
    graph = definitions.resolve_asset_graph()
    keys = definitions.resolve_job_def("mas_screen").asset_layer.selected_asset_keys
    daily = {key for key in keys if graph.get(key).partitions_def is not None}
    before = {key for key in dg.AssetSelection.assets(*daily).upstream().resolve(graph) if key in keys} - daily
    return sorted(before), sorted(daily), sorted(keys - before - daily)


def _record_skipped_days(run_id: str, steps: list[str], start: date, end: date, blocks: list[tuple[date, date]]) -> int:
    """One meta.runs row per daily step and gap between blocks: the days were computed, with no
    row (detail 'skipped'). Returns the number of days skipped."""
    from pipelines.core.run_log import record_step
    from pipelines.core.settings import load_settings
    from pipelines.core.warehouse import connect

    # the day before each gap and the day after it: (start - 1, first block's start), ... (last block's end, end + 1)
    edges = [start - timedelta(days=1), *(day for block in blocks for day in block), end + timedelta(days=1)]
    gaps = [(before + timedelta(days=1), after - timedelta(days=1)) for before, after in zip(edges[0::2], edges[1::2])]
    gaps = [(first, last) for first, last in gaps if first <= last]
    settings = load_settings()
    now = datetime.now(ZoneInfo("UTC"))
    with connect(settings.warehouse, settings.timezone) as con:
        for first, last in gaps:
            for step in steps:
                record_step(con, run_id, step, now, 0, partition_start=first, partition_end=last,
                            detail={"skipped": SKIPPED_REASON})
    return sum((last - first).days + 1 for first, last in gaps)


SKIPPED_REASON = ("no staged value in the days' longest look-back window, no row stored for them, "
                  "no change waiting: computing them would write no row")


def run_range(start: date, end: date) -> RunOutcome:
    """Run the mas_screen job over [start, end] through the instance (pipelines.core.settings.dagster_home):
    one run, every asset, one materialization per day of each daily asset."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}; swap them")
    check_range(start, end)
    return _execute(tags=range_tags(start, end))


_verbose = {"on": False}


def set_verbose(on: bool) -> None:
    """Print Dagster's own event log (every event, stack traces of failed steps) on the console
    (`masscreen run --verbose`); off, the instance keeps it for the UI and the command prints its
    own lines."""
    _verbose["on"] = on


def mas_screen_job() -> dg.JobDefinition:
    """The code location's mas_screen job (the reconstructable target of every command-line run)."""
    from pipelines.definitions import defs

    return defs().resolve_job_def("mas_screen")


def run_config() -> dict:
    """A command-line run's config: the settings as the warehouse and engine resources' config, the steps in
    this process (one after another, as the duckdb pool would have them anyway; Dagster's progress
    goes to the `pipelines.progress` logger the command prints), Dagster's console log at CRITICAL
    unless verbose."""
    from pipelines.defs.resources import engine_config, warehouse_config
    from pipelines.core.settings import engine_settings, load_settings

    return {
        "execution": {"config": {"in_process": {}}},
        "resources": {"warehouse": {"config": warehouse_config(load_settings())},
                      "engine": {"config": engine_config(engine_settings())}},
        "loggers": {"console": {"config": {"log_level": "DEBUG" if _verbose["on"] else "CRITICAL"}}},
    }


_instances: dict[Path, dg.DagsterInstance] = {}


def instance() -> dg.DagsterInstance:
    """The Dagster instance in pipelines.core.settings.dagster_home, opened once per process. A folder
    without a dagster.yaml gets the project's (.dagster_home/dagster.yaml: the pools, no telemetry)."""
    from pipelines.core.settings import PROJECT_DIR, dagster_home

    home = dagster_home()
    if home not in _instances:
        home.mkdir(parents=True, exist_ok=True)
        if not (home / "dagster.yaml").exists():
            shutil.copyfile(PROJECT_DIR / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
        _instances[home] = dg.DagsterInstance.from_config(str(home))
    return _instances[home]


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def fail_abandoned_runs(dagster: dg.DagsterInstance) -> list[str]:
    """Mark failed every command-line run of this host the instance still shows as starting or
    started whose process is gone (killed; a finished process always reports its run's end), and
    free the concurrency-pool slots it held, which would otherwise keep the `duckdb` pool full.
    Returns their run ids."""
    host = socket.gethostname()
    abandoned = []
    for run in dagster.get_runs(dg.RunsFilter(
            statuses=[dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED], tags={HOST_TAG: host})):
        pid = int(run.tags.get(PID_TAG, "0") or 0)
        if pid and pid != os.getpid() and not _process_alive(pid):
            dagster.report_run_failed(run, message=f"the process that ran it (pid {pid} on {host}) is gone; "
                                                   "marked failed by the next masscreen command")
            dagster.event_log_storage.free_concurrency_slots_for_run(run.run_id)
            abandoned.append(run.run_id)
    return abandoned


def _execute(tags: dict[str, str], assets: Sequence[dg.AssetKey] | None = None) -> RunOutcome:
    """One run of the mas_screen job (or of the given assets of it, with their checks) through the
    instance, tagged with this host and process."""
    dagster = instance()
    for run_id in fail_abandoned_runs(dagster):
        logging.getLogger("pipelines.progress").warning(f"run {run_id} was left started by a killed process: marked failed")
    result = dg.execute_job(
        dg.reconstructable(mas_screen_job),
        instance=dagster,
        run_config=run_config(),
        tags={**tags, HOST_TAG: socket.gethostname(), PID_TAG: str(os.getpid())},
        asset_selection=list(assets) if assets is not None else None,
        raise_on_error=False,
    )
    events = result.all_events
    if _stop["requested"] or any(  # Dagster turns SIGINT/SIGTERM during a step into this error
            event.event_type_value == "STEP_FAILURE"
            and event.event_specific_data.error.cls_name == "DagsterExecutionInterruptedError"
            for event in events):
        raise KeyboardInterrupt
    failures = step_failures(events)
    for event in events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            # a failed warning check (an unreadable file, a silent source...) is in meta.run_warnings
            # and the summary; only a failed blocking check is a failure of the run
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR:
                failures.append(f"check {evaluation.check_name} on {evaluation.asset_key.to_user_string()}: failed")
    if not result.success:
        failures = _record_failure(result.run_id, failures)
    return RunOutcome(result.run_id, result.success, tuple(failures))


def _record_failure(run_id: str, failures: list[str]) -> list[str]:
    """The failed run's row in meta.runs; when the warehouse cannot be opened (the lock the run
    failed on is still held), the failures with a line saying so, for the command to print."""
    from pipelines.core.settings import load_settings
    from pipelines.core.warehouse import connect

    settings = load_settings()
    return record_failed_run(lambda: connect(settings.warehouse, settings.timezone, wait_seconds=10), run_id, failures)


def check_environment() -> None:
    """Read every setting a run needs, so that a malformed one stops the run before it starts
    (ValueError, one line naming the variable, or the rule file's key)."""
    from pipelines.features.rule_set import load_rule_set
    from pipelines.ingest.presets import load_checked_site_config

    settings = load_settings()
    load_rule_set(settings.rules)
    if settings.config is not None:
        load_checked_site_config(settings.config)  # a preset source's malformed mapping overlay
    seconds_setting("MASSCREEN_LOCK_WAIT_SECONDS", 600)
    seconds_setting("MASSCREEN_RETRY_SECONDS", 30)
    memory_setting()
    spill_directory()
    encryption_key()
    validation_chunk_rows()
    engine = engine_settings()
    if engine.engine == "spark":
        from pipelines.screen.spark_stages import SparkUnavailable, check_engine_supported, prepare_exchange

        try:
            check_engine_supported()
            prepare_exchange(engine.exchange or Path(f"{settings.warehouse}.spark"))
        except SparkUnavailable as error:
            raise ValueError(str(error)) from None
