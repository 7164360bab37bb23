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
