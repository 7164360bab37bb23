"""Readers use a published snapshot: never blocked by a run, never shown a half-run."""

import os
import stat
import subprocess
import sys
from pathlib import Path
from datetime import date

import duckdb
import pytest

from pipelines import runner
from pipelines.publish.snapshot import published_folder

from conftest import lab, write_labs


def test_a_reader_of_the_snapshot_is_not_blocked_and_sees_whole_runs(site):
    folder, landing = site
    assert runner.run_range(date(2024, 1, 10), date(2024, 1, 10)).success
    published = published_folder(folder / "w.duckdb")
    reader = duckdb.connect(str(published / "warehouse.duckdb"), read_only=True)
    assert reader.execute("SELECT count(*) FROM staging.lab_results").fetchone()[0] == 1

    write_labs(landing, "labs_2.csv", [lab("r2", "777-3", "150", "K/uL", "2024-01-11T06:00:00")])
    assert runner.run_range(date(2024, 1, 11), date(2024, 1, 11)).success  # writes while the reader is open
    assert reader.execute("SELECT count(*) FROM staging.lab_results").fetchone()[0] == 1  # its snapshot
    reader.close()
    with duckdb.connect(str(published / "warehouse.duckdb"), read_only=True) as fresh:
        assert fresh.execute("SELECT count(*) FROM staging.lab_results").fetchone()[0] == 2
        assert fresh.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw'").fetchone()[0] == 0
    days = published / "parquet" / "features.patient_day"
    assert duckdb.connect().sql(f"SELECT min(as_of_date), max(as_of_date), any_value(as_of_month) FROM "
                                f"read_parquet('{days}/*/*.parquet', hive_partitioning = true)").fetchone() == (
        date(2024, 1, 10), date(2024, 1, 11), "2024-01")
    assert len([p for p in published.iterdir() if p.name.startswith("parquet-")]) == 1  # the old copy is gone


def test_published_and_warehouse_files_are_owner_only(site):
    folder, _ = site
    assert runner.run_range(date(2024, 1, 10), date(2024, 1, 10)).success
    published = published_folder(folder / "w.duckdb")
    for path in (folder / "w.duckdb", published / "warehouse.duckdb",
                 published / "parquet" / "meta.loads.parquet"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_incremental_publishes_equal_the_live_tables(site):
    folder, landing = site
    assert runner.run_range(date(2024, 1, 1), date(2024, 1, 12)).success
    write_labs(landing, "labs_2.csv", [lab("r1", "2276-4", "900", "ng/mL", "2024-01-10T06:00:00",
                                           "2024-01-12T08:00:00", status="C"),
                                       lab("r2", "777-3", "150", "K/uL", "2024-01-12T06:00:00")])
    assert runner.run_range(date(2024, 1, 12), date(2024, 1, 12)).success
    published = published_folder(folder / "w.duckdb")
    with duckdb.connect(str(folder / "w.duckdb"), read_only=True) as live:
        plan = dict(live.execute("SELECT step, detail FROM meta.runs WHERE step = 'publish.snapshot' "
                                 "ORDER BY started_at DESC LIMIT 1").fetchall())
        assert '"features.patient_day":"days"' in plan["publish.snapshot"].replace(" ", "")
        assert '"staging.lab_results":"loads"' in plan["publish.snapshot"].replace(" ", "")
        assert '"staging.vital_signs":"unchanged"' in plan["publish.snapshot"].replace(" ", "")
        live.execute(f"ATTACH '{published / 'warehouse.duckdb'}' AS snap (READ_ONLY)")
        for table in ("staging.lab_results", "staging.vital_signs", "staging.superseded_rows",
                      "quarantine.rejected_rows", "features.patient_day", "screen.rule_evaluations",
                      "screen.at_risk_daily", "staging.patients"):
            difference = live.execute(f"SELECT count(*) FROM ((SELECT * FROM {table} EXCEPT ALL SELECT * FROM snap.{table}) "
                                      f"UNION ALL (SELECT * FROM snap.{table} EXCEPT ALL SELECT * FROM {table}))").fetchone()
            assert difference == (0,), table
            if not table.startswith(("features.", "screen.")):
                continue  # staging and quarantine are in the snapshot file only
            files = sorted((published / "parquet" / table).glob("as_of_month=*/*.parquet"))
            parquet = live.execute("SELECT count(*) FROM read_parquet(?)", [[str(f) for f in files]]).fetchone()[0] \
                if files else 0  # an empty daily table has no partition
            assert parquet == live.execute(f"SELECT count(*) FROM {table}").fetchone()[0], table


def test_parquet_months_without_a_new_day_are_linked_not_rewritten(site):
    folder, landing = site
    write_labs(landing, "labs_1.csv", [lab("r3", "777-3", "180", "K/uL", "2024-02-01T06:00:00")])
    assert runner.run_range(date(2024, 1, 9), date(2024, 2, 2)).success
    days = published_folder(folder / "w.duckdb") / "parquet" / "features.patient_day"
    january = {path.name: path.stat().st_ino for path in (days / "as_of_month=2024-01").iterdir()}
    february = {path.name: path.stat().st_ino for path in (days / "as_of_month=2024-02").iterdir()}
    write_labs(landing, "labs_2.csv", [lab("r2", "777-3", "150", "K/uL", "2024-02-02T06:00:00")])
    assert runner.run_range(date(2024, 2, 2), date(2024, 2, 2)).success
    days = days.resolve()  # the new copy
    assert {path.name: path.stat().st_ino for path in (days / "as_of_month=2024-01").iterdir()} == january
    assert {path.name: path.stat().st_ino for path in (days / "as_of_month=2024-02").iterdir()} != february
    with duckdb.connect(str(folder / "w.duckdb"), read_only=True) as live:
        difference = live.execute(
            f"SELECT count(*) FROM ((SELECT * FROM features.patient_day EXCEPT ALL SELECT * EXCLUDE (as_of_month) "
            f"FROM read_parquet('{days}/*/*.parquet', hive_partitioning = true)) UNION ALL "
            f"(SELECT * EXCLUDE (as_of_month) FROM read_parquet('{days}/*/*.parquet', hive_partitioning = true) "
            f"EXCEPT ALL SELECT * FROM features.patient_day))").fetchone()
    assert difference == (0,)


def _night(con, landing, warehouse, night: int) -> dict:
    """Land and stage one more lab file, publish, and record the publish as the runner does."""
    from datetime import datetime, timezone

    from pipelines.ingest import presets
    from pipelines.staging import staged_tables
    from pipelines.publish.snapshot import publish
    from pipelines.core.run_log import record_step

    write_labs(landing, f"labs_{night}.csv", [lab(f"r{night}", "777-3", str(100 + night), "K/uL",
                                                  f"2024-01-{10 + night}T06:00:00")])
    presets.land(con, landing, run_id=f"night{night}")
    staged_tables.stage(con, "lab_results", run_id=f"night{night}")
    started = datetime.now(timezone.utc)
    plan = publish(con, warehouse, f"night{night}")
    record_step(con, f"night{night}", "publish.snapshot", started, len(plan), detail=plan)
    return plan


READER = """
import sys, duckdb
reader = duckdb.connect(sys.argv[1], read_only=True)
print(reader.execute("SELECT count(*) FROM staging.lab_results").fetchone()[0], flush=True)
sys.stdin.readline()
print(reader.execute("SELECT count(*) FROM staging.lab_results").fetchone()[0], flush=True)
"""


@pytest.mark.parametrize("case", ["reused", "held by a reader", "record missing"])
def test_a_nightly_publish_updates_the_snapshot_before_in_place_instead_of_copying(con, tmp_path, case):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    landing.mkdir()
    published = published_folder(warehouse)
    _night(con, landing, warehouse, 1)
    first = (published / "warehouse.duckdb").stat().st_ino
    os.link(published / "warehouse.duckdb", tmp_path / "night1.duckdb")  # so that its inode is not reused
    reader = None
    if case == "held by a reader":  # another process keeps night 1's snapshot open
        reader = subprocess.Popen([sys.executable, "-c", READER, str(published / "warehouse.duckdb")],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert reader.stdout.readline().strip() == "1"
    _night(con, landing, warehouse, 2)  # copies night 1's file; night 1's is kept as the spare
    if case == "record missing":  # as after a publish killed while updating the spare
        (published / ".previous-snapshot.run").unlink()
    plan = _night(con, landing, warehouse, 3)
    third = (published / "warehouse.duckdb").stat().st_ino
    assert (third == first) is (case == "reused")
    assert plan["staging.lab_results"] == "loads"
    if reader is not None:
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "1"  # undisturbed
        assert reader.wait(timeout=60) == 0
    con.execute(f"ATTACH '{published / 'warehouse.duckdb'}' AS snap (READ_ONLY)")
    for table in ("staging.lab_results", "staging.superseded_rows", "quarantine.rejected_rows", "meta.loads"):
        assert con.execute(f"SELECT count(*) FROM ((SELECT * FROM {table} EXCEPT ALL SELECT * FROM snap.{table}) "
                           f"UNION ALL (SELECT * FROM snap.{table} EXCEPT ALL SELECT * FROM {table}))"
                           ).fetchone() == (0,), table
    assert con.execute("SELECT count(*) FROM snap.staging.lab_results").fetchone() == (3,)
    con.execute("DETACH snap")
    assert sorted(p.name for p in published.iterdir() if not p.name.startswith("parquet")) == [
        ".previous-snapshot.duckdb", ".previous-snapshot.run", "warehouse.duckdb"]


# --- Parquet files of the daily tables: a night writes the days it computed, not the month so far --

def _daily_files(folder: Path) -> dict[str, int]:
    """month/file name -> inode, for every Parquet file of a published daily table."""
    return {f"{file.parent.name}/{file.name}": file.stat().st_ino for file in sorted(folder.glob("*/*.parquet"))}


def _publish_days(con, previous: Path | None, target: Path, days: list[date] | None) -> None:
    """Publish screen.at_risk_daily's Parquet copy into target: whole (days None) or the days given."""
    from pipelines.publish.snapshot import _publish_months

    con.execute("CREATE OR REPLACE TEMP TABLE publish_days AS SELECT unnest(?::DATE[]) AS as_of_date", [days or []])
    _publish_months(con, "screen.at_risk_daily", "full" if days is None else "days", target,
                    previous if previous is not None else target.parent / "none")


def _recompute_without_rows(con, previous: Path, target: Path, day: date) -> None:
    """The day recomputed and left with no rows in screen.at_risk_daily, then published."""
    con.execute("DELETE FROM screen.at_risk_daily WHERE as_of_date = ?", [day])
    _publish_days(con, previous, target, [day])


def _same_rows(con, folder: Path) -> bool:
    difference = con.execute(
        f"SELECT count(*) FROM ((SELECT * FROM screen.at_risk_daily EXCEPT ALL SELECT * EXCLUDE (as_of_month) "
        f"FROM read_parquet('{folder}/*/*.parquet', hive_partitioning = true)) UNION ALL "
        f"(SELECT * EXCLUDE (as_of_month) FROM read_parquet('{folder}/*/*.parquet', hive_partitioning = true) "
        f"EXCEPT ALL SELECT * FROM screen.at_risk_daily))").fetchone()[0]
    return difference == 0


def test_nightly_parquet_writes_only_the_days_computed(tmp_path):
    """Published whole: one file per month named by its days. Each night then writes the days it
    computed as a new file, links the files of other days, and rewrites a file holding a day it
    recomputed without that day; the copy always equals the table."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA screen")
    con.execute("CREATE TABLE screen.at_risk_daily AS SELECT DATE '2024-01-20' + CAST(i % 40 AS INTEGER) AS as_of_date, "
                "'P' || i AS patient_id, i AS score FROM range(400) AS t(i)")  # 2024-01-20 to 2024-02-28
    whole = tmp_path / "p0"
    _publish_days(con, None, whole, None)
    assert set(_daily_files(whole)) == {"as_of_month=2024-01/days_2024-01-20_2024-01-31.parquet",
                                        "as_of_month=2024-02/days_2024-02-01_2024-02-28.parquet"}
    assert _same_rows(con, whole)

    # night 1: 2024-02-29 is new, 2024-02-28 recomputed (a late result)
    con.execute("DELETE FROM screen.at_risk_daily WHERE as_of_date = DATE '2024-02-28'")
    con.execute("INSERT INTO screen.at_risk_daily SELECT DATE '2024-02-28', 'Q' || i, -i FROM range(3) AS t(i) "
                "UNION ALL SELECT DATE '2024-02-29', 'N' || i, i FROM range(5) AS t(i)")
    night1 = tmp_path / "p1"
    _publish_days(con, whole, night1, [date(2024, 2, 28), date(2024, 2, 29)])
    files = _daily_files(night1)
    assert files["as_of_month=2024-01/days_2024-01-20_2024-01-31.parquet"] == \
        _daily_files(whole)["as_of_month=2024-01/days_2024-01-20_2024-01-31.parquet"]  # linked, not written
    assert set(files) == {"as_of_month=2024-01/days_2024-01-20_2024-01-31.parquet",
                          "as_of_month=2024-02/days_2024-02-01_2024-02-27.parquet",
                          "as_of_month=2024-02/days_2024-02-28_2024-02-29.parquet"}
    assert _same_rows(con, night1)

    # night 2: 2024-03-01 is new (a new month), 2024-02-29 recomputed: only the small file is rewritten
    con.execute("INSERT INTO screen.at_risk_daily SELECT DATE '2024-03-01', 'M' || i, i FROM range(2) AS t(i) "
                "UNION ALL SELECT DATE '2024-02-29', 'L', 99")
    night2 = tmp_path / "p2"
    _publish_days(con, night1, night2, [date(2024, 2, 29), date(2024, 3, 1)])
    files = _daily_files(night2)
    assert files["as_of_month=2024-02/days_2024-02-01_2024-02-27.parquet"] == \
        _daily_files(night1)["as_of_month=2024-02/days_2024-02-01_2024-02-27.parquet"]
    assert set(files) == {"as_of_month=2024-01/days_2024-01-20_2024-01-31.parquet",
                          "as_of_month=2024-02/days_2024-02-01_2024-02-27.parquet",
                          "as_of_month=2024-02/days_2024-02-28_2024-02-28.parquet",
                          "as_of_month=2024-02/days_2024-02-29_2024-02-29.parquet",
                          "as_of_month=2024-03/days_2024-03-01_2024-03-01.parquet"}
    assert _same_rows(con, night2)

    # a day recomputed with no rows left: its rows leave the copy, and no file is written for it
    night3 = tmp_path / "p3"
    _recompute_without_rows(con, night2, night3, date(2024, 2, 10))
    assert {name for name in _daily_files(night3) if "2024-02-0" in name or "2024-02-1" in name} == {
        "as_of_month=2024-02/days_2024-02-01_2024-02-09.parquet",
        "as_of_month=2024-02/days_2024-02-11_2024-02-27.parquet"}
    assert _same_rows(con, night3)

    # a month whose only day is recomputed with no rows left: no empty file, no empty folder
    night4 = tmp_path / "p4"
    _recompute_without_rows(con, night3, night4, date(2024, 3, 1))
    assert not (night4 / "as_of_month=2024-03").exists()
    assert _same_rows(con, night4)


def test_nightly_parquet_over_files_of_an_earlier_layout(tmp_path):
    """A month folder whose files are not named by their days (as written before) counts as holding
    the whole month: a recomputed day rewrites that month, the other months stay linked."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA screen")
    con.execute("CREATE TABLE screen.at_risk_daily AS SELECT DATE '2024-01-20' + CAST(i % 40 AS INTEGER) AS as_of_date, "
                "'P' || i AS patient_id FROM range(400) AS t(i)")
    earlier = tmp_path / "p0"
    con.execute(f"COPY (SELECT *, strftime(as_of_date, '%Y-%m') AS as_of_month FROM screen.at_risk_daily) "
                f"TO '{earlier}' (FORMAT parquet, PARTITION_BY (as_of_month))")
    assert all(name.endswith("/data_0.parquet") for name in _daily_files(earlier))
    con.execute("INSERT INTO screen.at_risk_daily VALUES (DATE '2024-02-15', 'X')")
    now = tmp_path / "p1"
    _publish_days(con, earlier, now, [date(2024, 2, 15)])
    files = _daily_files(now)
    assert files["as_of_month=2024-01/data_0.parquet"] == _daily_files(earlier)["as_of_month=2024-01/data_0.parquet"]
    assert "as_of_month=2024-02/data_0.parquet" not in files
    assert "as_of_month=2024-02/days_2024-02-15_2024-02-15.parquet" in files
    assert "as_of_month=2024-02/days_2024-02-16_2024-02-29.parquet" in files  # the rows end on the 28th
    assert all(duckdb.connect().execute(f"SELECT count(*) FROM '{now / name}'").fetchone()[0] for name in files)

    # a recomputed day before the month's first row: no file for the empty days before it
    later = tmp_path / "p2"
    _publish_days(con, now, later, [date(2024, 1, 10)])
    assert sorted(name for name in _daily_files(later) if "2024-01" in name) == [
        "as_of_month=2024-01/days_2024-01-11_2024-01-31.parquet"]
    assert _same_rows(con, later)
    assert _same_rows(con, now)
