"""Publishing a read-only snapshot of the warehouse for readers, who never open the live file.

After each run the derived tables (everything but `raw`) are written to a new DuckDB file and new
Parquet files beside it, then swapped in atomically: a reader holding the previous snapshot open
keeps reading it undisturbed, and a new reader never sees a half-written one. Files are owner-only.

    <warehouse folder>/published/warehouse.duckdb           the snapshot (replaced by os.replace)
    <warehouse folder>/published/parquet -> parquet-<run>   Parquet copies of the derived and meta
        tables: <schema>.<table>.parquet, or for the daily tables
        <schema>.<table>/as_of_month=<YYYY-MM>/days_<first>_<last>.parquet (hive partitions by
        month, each file every row of its days)

The cost follows the change, not the history: the new snapshot starts as an earlier snapshot file,
and only what changed since that snapshot was published is rewritten in it: the days computed
since (daily tables), the loads whose rows staging rewrote since (meta.staging_changes), and the
small reference and meta tables whole. Parquet files of the daily tables without a day computed
since are hard links to the previous copy; the days computed since are written as files of their
own (_publish_months). A table whose columns changed is published whole.

The earlier snapshot file is, when it can be, the one before the current: each swap keeps the
snapshot it replaces as published/.previous-snapshot.duckdb (a hard link, so no copy) and
.previous-snapshot.run names the run whose publish it is. The next publish renames it to the
file it builds and brings it up to date in place, so no night copies the whole file. It is
copied from the current snapshot instead (as on the second publish) when it cannot be used: no
spare or no record of its run (a publish killed while updating it removes the record first), or
a reader in another process still holds it open (DuckDB's file lock; that reader keeps reading
it undisturbed).

Every table and column of the warehouse and of the snapshot carries its description from the data
dictionary (pipelines/publish/data_dictionary.py) as a DuckDB comment: a table copied whole is a new table
without comments, so the comments are applied to both after the copy (only those that differ).
"""

import os
import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from pipelines.core.warehouse import attach, parquet_options, threads_for_writing
from pipelines.features.rule_set import RuleSet, active_rule_set
from pipelines.publish.data_dictionary import comment_warehouse
from pipelines.staging.staged_tables import STAGED_TABLES

PUBLISHED_SCHEMAS = ("quarantine", "staging", "features", "screen", "audit", "meta")
DAILY_TABLES = ("features.patient_day", "screen.rule_evaluations", "screen.at_risk_daily")
# Parquet copies are made of the derived tables and the pipeline's record; staging and quarantine
# are in the snapshot file only (researchers get staging from the research tier).
PARQUET_SCHEMAS = ("features", "screen", "audit", "meta")
MONTH_FORMAT = "%Y-%m"
# A file of a daily table's month folder holding every row of the days <first> to <last>
DAYS_FILE = re.compile(r"days_(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})(?:_\d+)?\.parquet")
# The snapshot before the current one, kept for the next publish to update in place, and the run
# whose publish wrote it (absent: the spare is not to be used).
SPARE, SPARE_RUN = ".previous-snapshot.duckdb", ".previous-snapshot.run"
# Tables whose rows belong to one load each: published load by load.
LOAD_TABLES = (*(f"staging.{table}" for table in STAGED_TABLES), "staging.superseded_rows", "quarantine.rejected_rows")


def published_folder(warehouse: Path) -> Path:
    return Path(warehouse).resolve().parent / "published"


def swap_in(folder: Path, built: Path, name: str, parquet: Path, parquet_link: str) -> None:
    """Replace folder/name by the file built, and point the link folder/parquet_link at the new
    Parquet folder: each one atomic rename, so readers see the old copy or the new, never a mix."""
    os.replace(built, folder / name)
    link = folder / f".{parquet_link}-link"
    link.unlink(missing_ok=True)
    link.symlink_to(parquet.name)
    os.replace(link, folder / parquet_link)


def remove_stale(folder: Path, parquet: Path, parquet_prefix: str, building_prefix: str) -> None:
    """Earlier Parquet folders beside the current one, and files left by a build that was killed.
    Readers of an old copy hold open files, which stay readable after removal."""
    for stale in folder.iterdir():
        if stale.name.startswith(parquet_prefix) and stale != parquet:
            shutil.rmtree(stale, ignore_errors=True)
        elif stale.name.startswith(building_prefix):
            stale.unlink(missing_ok=True)


def publish(con: duckdb.DuckDBPyConnection, warehouse: Path, run_id: str,
            rule_set: RuleSet | None = None) -> dict[str, str]:
    """Write the snapshot and its Parquet copies, and comment the tables and columns of both the
    warehouse and the snapshot from the data dictionary (its rule-set columns described with
    rule_set, by default the site's active one); returns how each table was published."""
    rule_set = rule_set or active_rule_set()
    folder = published_folder(warehouse)
    folder.mkdir(mode=0o700, exist_ok=True)
    previous_file, previous_parquet = folder / "warehouse.duckdb", (folder / "parquet").resolve()
    last_run, since = con.execute("SELECT arg_max(run_id, finished_at), max(finished_at) FROM meta.runs "
                                  "WHERE step = 'publish.snapshot'").fetchone()
    incremental = since is not None and previous_file.exists() and previous_parquet.is_dir()
    snapshot, parquet = folder / f".warehouse-{run_id}.duckdb", folder / f"parquet-{run_id}"
    old_umask = os.umask(0o077)
    try:
        if not incremental:  # published whole: a spare left from before is of no use
            for name in (SPARE_RUN, SPARE):
                (folder / name).unlink(missing_ok=True)
        spare_since = _take_spare(con, folder, snapshot) if incremental else None
        if spare_since is not None:
            since = spare_since  # the spare is one publish older: what changed since it was published
        else:
            if incremental:
                shutil.copyfile(previous_file, snapshot)
            attach(con, snapshot, "snapshot")
        parquet.mkdir()
        try:
            plan = _plan(con, incremental, since)
            for name, how in plan.items():
                _publish_table(con, name, how, parquet, previous_parquet)
            comment_warehouse(con, con.execute("SELECT current_database()").fetchone()[0], rule_set)
            comment_warehouse(con, "snapshot", rule_set)
            con.execute("CHECKPOINT snapshot")
        finally:
            con.execute("DETACH snapshot")
        _keep_spare(folder, previous_file if incremental else None)
        swap_in(folder, snapshot, "warehouse.duckdb", parquet, "parquet")
        if incremental:  # the demoted snapshot is the last recorded publish's (or newer: rewriting more is harmless)
            _write_atomically(folder / SPARE_RUN, last_run)
    finally:
        os.umask(old_umask)
    remove_stale(folder, parquet, "parquet-", ".warehouse-")
    return plan


def _take_spare(con: duckdb.DuckDBPyConnection, folder: Path, snapshot: Path):
    """Rename the spare (the snapshot before the current one) to snapshot and attach it as
    `snapshot`; returns when its publish finished (meta.runs), or None, with nothing attached and
    no spare left, when it cannot be used (see the module docstring)."""
    spare, record = folder / SPARE, folder / SPARE_RUN
    spare_run = record.read_text().strip() if record.exists() and spare.exists() else None
    record.unlink(missing_ok=True)  # from here on the spare is being changed: never reused as it is
    spare_since = con.execute("SELECT max(finished_at) FROM meta.runs WHERE step = 'publish.snapshot' AND run_id = ?",
                              [spare_run]).fetchone()[0] if spare_run else None
    if spare_since is None:
        spare.unlink(missing_ok=True)
        return None
    os.replace(spare, snapshot)
    try:
        attach(con, snapshot, "snapshot")
    except duckdb.Error:  # a reader in another process holds it (or it is not readable with this key)
        snapshot.unlink()  # that reader keeps its open file
        return None
    return spare_since


def _keep_spare(folder: Path, current: Path | None) -> None:
    """Before the swap: the current snapshot, about to be replaced, becomes the spare (a hard link)."""
    if current is None or not current.exists():
        return
    link = folder / f".{SPARE}-link"
    link.unlink(missing_ok=True)
    os.link(current, link)
    os.replace(link, folder / SPARE)


def _write_atomically(path: Path, text: str) -> None:
    scratch = path.with_name(path.name + ".new")
    scratch.write_text(text)
    os.replace(scratch, path)


def _plan(con: duckdb.DuckDBPyConnection, incremental: bool, since) -> dict[str, str]:
    """'full', 'days', 'loads' or 'unchanged' per table, decided before the snapshot changes; fills
    the temp tables publish_days and publish_loads with what changed since the last publish."""
    def columns(database: str, name: str) -> list:
        schema, table = name.split(".")
        return con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? "
                           "AND schema_name = ? AND table_name = ? ORDER BY column_index",
                           [database, schema, table]).fetchall()

    live = con.execute("SELECT current_database()").fetchone()[0]
    tables = [f"{s}.{t}" for s, t in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? "
        "AND schema_name IN (SELECT unnest(?))", [live, list(PUBLISHED_SCHEMAS)]).fetchall()]
    con.execute("""CREATE OR REPLACE TEMP TABLE publish_days AS
                   SELECT DISTINCT unnest(range(partition_start, partition_end + 1, INTERVAL 1 DAY))::DATE AS as_of_date
                   FROM meta.runs WHERE step = 'features.patient_day' AND started_at > ?""", [since])
    con.execute("""CREATE OR REPLACE TEMP TABLE publish_loads AS
                   SELECT DISTINCT table_name, load_id FROM meta.staging_changes WHERE changed_at > ?""", [since])
    changed = {f"staging.{t}" for (t,) in con.execute("SELECT DISTINCT table_name FROM publish_loads").fetchall()}
    if changed:  # a load's rejected and superseded rows change with its staged rows
        changed |= {"quarantine.rejected_rows", "staging.superseded_rows"}
    plan = {}
    for name in sorted(tables, key=lambda n: PUBLISHED_SCHEMAS.index(n.split(".")[0])):
        same_shape = incremental and columns("snapshot", name) == columns(live, name)
        if same_shape and name in DAILY_TABLES:
            plan[name] = "days"
        elif same_shape and name in LOAD_TABLES:
            plan[name] = "loads" if name in changed else "unchanged"
        else:
            plan[name] = "full"
    return plan


def _publish_table(con: duckdb.DuckDBPyConnection, name: str, how: str, parquet: Path, previous: Path) -> None:
    schema, table = name.split(".")
    con.execute(f"CREATE SCHEMA IF NOT EXISTS snapshot.{schema}")
    loads = "SELECT load_id FROM publish_loads" + (f" WHERE table_name = '{table}'" if table in STAGED_TABLES else "")
    changed_rows = {"days": "as_of_date IN (SELECT as_of_date FROM publish_days)",
                    "loads": f"_load_id IN ({loads})"}.get(how)
    if how == "full":
        with threads_for_writing(con, name):
            con.execute(f"CREATE OR REPLACE TABLE snapshot.{name} AS SELECT * FROM {name}")
    elif changed_rows is not None:
        con.execute(f"DELETE FROM snapshot.{name} WHERE {changed_rows}")
        con.execute(f"INSERT INTO snapshot.{name} SELECT * FROM {name} WHERE {changed_rows}")
    if schema not in PARQUET_SCHEMAS:
        return
    if name in DAILY_TABLES:
        _publish_months(con, name, how, parquet / name, previous / name)
    else:
        con.execute(f"COPY {name} TO '{parquet / f'{name}.parquet'}' (FORMAT parquet{parquet_options()})")


def _publish_months(con: duckdb.DuckDBPyConnection, name: str, how: str, target: Path, previous: Path) -> None:
    """A daily table as hive partitions by month, each month folder holding files of whole days:
    as_of_month=<YYYY-MM>/days_<first>_<last>[_<n>].parquet holds every row of the days <first> to
    <last> (a file named otherwise covers its whole month). A full publish writes one range per
    month. Otherwise a file whose days were not computed since the last publish is hard-linked from
    the previous copy; the days computed since are written as new files, one per run of consecutive
    days; and a file holding one of them is rewritten without it (its other days as their own runs).
    So a night rewrites the days it computed and yesterday's small file, not the month so far."""
    target.mkdir()
    earlier = {} if how == "full" or not previous.is_dir() else {
        folder.name: sorted(folder.iterdir()) for folder in previous.iterdir()}
    if how == "full" or any(not month.startswith("as_of_month=") for month in earlier):
        _publish_months_whole(con, name, target)  # first publish, or an earlier layout
        return
    changed = [day for (day,) in con.execute(
        f"SELECT DISTINCT as_of_date FROM {name} WHERE as_of_date IN (SELECT as_of_date FROM publish_days) "
        "ORDER BY as_of_date").fetchall()]  # computed since, with rows (a day without rows needs no file)
    computed = {day for (day,) in con.execute("SELECT as_of_date FROM publish_days").fetchall()}
    to_write: dict[str, set] = {}
    for month, files in earlier.items():
        (target / month).mkdir()
        for file in files:
            first, last = _file_days(file, month)
            if any(first <= day <= last for day in computed):  # rewritten below, without the days computed
                to_write.setdefault(month, set()).update(
                    first + timedelta(days=offset) for offset in range((last - first).days + 1))
            else:
                os.link(file, target / month / file.name)
    for month, days in to_write.items():
        for first, last in _runs_of_days(sorted(days - computed)):
            _write_days(con, name, target / month, first, last)
    for first, last in _runs_of_days(changed):
        folder = target / f"as_of_month={first.strftime(MONTH_FORMAT)}"
        folder.mkdir(exist_ok=True)
        _write_days(con, name, folder, first, last)
    for folder in target.iterdir():  # a month whose days all lost their rows
        if not any(folder.iterdir()):
            folder.rmdir()


def _publish_months_whole(con: duckdb.DuckDBPyConnection, name: str, target: Path) -> None:
    """Every month of a daily table anew: one COPY partitioned by month, each file then named by the
    first and last day of its month's rows."""
    scratch = target.parent / f".{name}-new"
    con.execute(f"COPY (SELECT *, strftime(as_of_date, '{MONTH_FORMAT}') AS as_of_month FROM {name}) "
                f"TO '{scratch}' (FORMAT parquet, PARTITION_BY (as_of_month){parquet_options()})")
    if not scratch.is_dir():  # no rows
        return
    ranges = {f"as_of_month={month}": (first, last) for month, first, last in con.execute(
        f"SELECT strftime(as_of_date, '{MONTH_FORMAT}'), min(as_of_date), max(as_of_date) FROM {name} GROUP BY ALL"
    ).fetchall()}
    for folder in scratch.iterdir():
        first, last = ranges[folder.name]
        for number, file in enumerate(sorted(folder.iterdir())):
            file.rename(folder / (_days_file_name(first, last) if number == 0
                                  else _days_file_name(first, last, number)))
        os.replace(folder, target / folder.name)
    scratch.rmdir()


def _days_file_name(first: date, last: date, number: int | None = None) -> str:
    return f"days_{first.isoformat()}_{last.isoformat()}" + ("" if number is None else f"_{number}") + ".parquet"


def _file_days(file: Path, month_folder: str) -> tuple[date, date]:
    """The first and last day a month folder's file holds: from its name, else its whole month."""
    named = DAYS_FILE.fullmatch(file.name)
    if named:
        return date.fromisoformat(named[1]), date.fromisoformat(named[2])
    first = datetime.strptime(month_folder.split("=", 1)[1], MONTH_FORMAT).date()
    return first, (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _runs_of_days(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days within one month: [(first, last), ...]."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and day == runs[-1][1] + timedelta(days=1) and day.month == runs[-1][1].month:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _write_days(con: duckdb.DuckDBPyConnection, name: str, folder: Path, first: date, last: date) -> None:
    """The rows of days first to last (one month) as one Parquet file, without the partition column
    (as the partitioned COPY writes them); no file when those days have no rows."""
    file = folder / _days_file_name(first, last)
    written = con.execute(f"COPY (SELECT * FROM {name} WHERE as_of_date BETWEEN ? AND ?) "
                          f"TO '{file}' (FORMAT parquet{parquet_options()})", [first, last]).fetchone()[0]
    if not written:
        file.unlink()
