"""Patient data at rest: with MASSCREEN_ENCRYPTION_KEY set, every DuckDB file and Parquet file the
pipeline writes is encrypted, and the pipeline itself runs as before."""

import shutil
from datetime import date

import duckdb
import pytest

from pipelines import runner
from pipelines.core.warehouse import HTTPFS_EXTENSION, attach, connect, encryption_key
from pipelines.publish.snapshot import published_folder

from conftest import SITE_TZ, lab, write_labs

KEY = "correct horse battery staple 42"
PATIENT = "patient-7f3a9c"


@pytest.fixture
def encrypted_site(site, monkeypatch):
    folder, landing = site
    write_labs(landing, "labs_2024-01-11.csv", [lab("r9", "2276-4", "4200", "ng/mL", "2024-01-11T06:00:00",
                                                    patient_id=PATIENT)])
    monkeypatch.setenv("MASSCREEN_ENCRYPTION_KEY", KEY)
    assert runner.run_range(date(2024, 1, 10), date(2024, 1, 11)).success
    return folder, published_folder(folder / "w.duckdb")


def test_encrypted_files_do_not_open_without_the_key(encrypted_site):
    folder, published = encrypted_site
    for path in (folder / "w.duckdb", published / "warehouse.duckdb"):
        with pytest.raises(duckdb.Error, match="encrypted"):
            duckdb.connect(str(path), read_only=True).execute("SELECT 1")
        assert PATIENT.encode() not in path.read_bytes(), path  # no plaintext patient id in the file
    parquet_files = list((published / "parquet").resolve().rglob("*.parquet"))
    assert parquet_files
    for path in parquet_files:
        with pytest.raises(duckdb.Error, match="encrypted"):
            duckdb.connect().sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()
        assert PATIENT.encode() not in path.read_bytes(), path


def test_with_the_key_readers_see_the_published_tables(encrypted_site):
    folder, published = encrypted_site
    with connect(published / "warehouse.duckdb", SITE_TZ, read_only=True) as reader:
        assert reader.execute("SELECT count(*) FROM staging.lab_results WHERE patient_id = ?",
                              [PATIENT]).fetchone() == (1,)
        parquet = published / "parquet" / "features.patient_day"
        rows = reader.execute(f"SELECT count(*) FROM read_parquet('{parquet}/*/*.parquet', "
                              "encryption_config = {footer_key: 'masscreen'}) WHERE patient_id = ?", [PATIENT]).fetchone()
        assert rows == (1,)
    with connect(folder / "w.duckdb", SITE_TZ, read_only=True) as live:
        assert live.execute("SELECT count(*) FROM staging.lab_results").fetchone() == (2,)
        assert live.execute("SELECT current_setting('temp_file_encryption')").fetchone() == (True,)
    # A reader with plain DuckDB attaches the snapshot with the key (as docs/OPERATIONS.md shows).
    with duckdb.connect() as other:
        other.execute(f"ATTACH '{published / 'warehouse.duckdb'}' AS snap (READ_ONLY, ENCRYPTION_KEY '{KEY}')")
        assert other.execute("SELECT count(*) FROM snap.screen.rule_evaluations").fetchone()[0] > 0


def test_a_second_run_reuses_the_encrypted_warehouse_and_snapshot(encrypted_site, site):
    folder, published = encrypted_site
    _, landing = site
    write_labs(landing, "labs_2024-01-12.csv", [lab("r10", "777-3", "90", "K/uL", "2024-01-12T06:00:00",
                                                    patient_id=PATIENT)])
    assert runner.run_range(date(2024, 1, 12), date(2024, 1, 12)).success  # incremental publish
    with duckdb.connect() as reader:
        attach(reader, published / "warehouse.duckdb", "snap", read_only=True)
        assert reader.execute("SELECT count(*) FROM snap.staging.lab_results").fetchone() == (3,)


def test_a_wrong_or_short_key_is_a_clear_error(encrypted_site, monkeypatch):
    folder, _ = encrypted_site
    monkeypatch.setenv("MASSCREEN_ENCRYPTION_KEY", "another key of enough length")
    with pytest.raises(duckdb.Error, match="(?i)key"):
        with connect(folder / "w.duckdb", SITE_TZ, read_only=True):
            pass
    monkeypatch.setenv("MASSCREEN_ENCRYPTION_KEY", "short")
    with pytest.raises(ValueError, match="MASSCREEN_ENCRYPTION_KEY"):
        encryption_key()


def test_a_plain_warehouse_encrypted_as_documented_keeps_working(site, monkeypatch):
    folder, _ = site
    assert runner.run_range(date(2024, 1, 10), date(2024, 1, 10)).success  # no key yet
    monkeypatch.setenv("MASSCREEN_ENCRYPTION_KEY", KEY)
    with duckdb.connect() as con:  # the copy docs/OPERATIONS.md describes
        con.execute(f"LOAD '{HTTPFS_EXTENSION}'")
        con.execute(f"ATTACH '{folder / 'w.duckdb'}' AS plain (READ_ONLY)")
        con.execute(f"ATTACH '{folder / 'w-new.duckdb'}' AS encrypted (ENCRYPTION_KEY '{KEY}')")
        con.execute("COPY FROM DATABASE plain TO encrypted")
    (folder / "w-new.duckdb").replace(folder / "w.duckdb")
    shutil.rmtree(published_folder(folder / "w.duckdb"))
    assert runner.run_range(date(2024, 1, 10), date(2024, 1, 11)).success
    with connect(published_folder(folder / "w.duckdb") / "warehouse.duckdb", SITE_TZ, read_only=True) as reader:
        assert reader.execute("SELECT count(*) FROM staging.lab_results").fetchone() == (1,)
