"""Readers use a published snapshot: never blocked by a run, never shown a half-run."""

import stat
from datetime import date

import duckdb

from pipelines import runner
from pipelines.publish import published_folder

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
    parquet = duckdb.sql(f"SELECT count(*) FROM '{published / 'parquet' / 'staging.lab_results.parquet'}'").fetchone()
    assert parquet == (2,)
    assert len([p for p in published.iterdir() if p.name.startswith("parquet-")]) == 1  # the old copy is gone


def test_published_and_warehouse_files_are_owner_only(site):
    folder, _ = site
    assert runner.run_range(date(2024, 1, 10), date(2024, 1, 10)).success
    published = published_folder(folder / "w.duckdb")
    for path in (folder / "w.duckdb", published / "warehouse.duckdb",
                 published / "parquet" / "screen.at_risk_daily.parquet"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
