"""Shared fixtures: a temporary warehouse and tiny, explicit extract files."""

import csv
from pathlib import Path

import pytest

from pipelines.core.contract import LABS, VITALS
from pipelines.core.warehouse import connect
from pipelines.ingest import presets
from pipelines.staging import staged_tables

SITE_TZ = "America/New_York"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def write_extract(path: Path, columns: tuple[str, ...], rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def lab(result_id: str, code: str, value: str, unit: str, collected_at: str, resulted_at: str = "",
        status: str = "F", patient_id: str = "p1") -> dict:
    return {"patient_id": patient_id, "encounter_id": "e1", "result_id": result_id, "code": code, "name": "",
            "value": value, "unit": unit, "ref_low": "", "ref_high": "", "collected_at": collected_at,
            "resulted_at": resulted_at or collected_at, "status": status}


def vital(measurement_id: str, value: str, unit: str, measured_at: str, recorded_at: str = "",
          patient_id: str = "p1") -> dict:
    return {"patient_id": patient_id, "encounter_id": "e1", "measurement_id": measurement_id, "code": "8310-5",
            "value": value, "unit": unit, "measured_at": measured_at, "recorded_at": recorded_at or measured_at}


def write_labs(landing: Path, name: str, rows: list[dict]) -> Path:
    return write_extract(landing / name, LABS.columns, rows)


def write_vitals(landing: Path, name: str, rows: list[dict]) -> Path:
    return write_extract(landing / name, VITALS.columns, rows)


@pytest.fixture
def con(tmp_path):
    """An empty warehouse in the site's time zone, reference tables loaded."""
    with connect(tmp_path / "warehouse.duckdb", SITE_TZ) as connection:
        staged_tables.refresh_reference_tables(connection)
        yield connection


def load_and_stage(con, landing: Path) -> None:
    presets.land(con, landing, run_id="test")
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table)


@pytest.fixture(autouse=True)
def own_dagster_home(tmp_path, monkeypatch):
    """Every test's runs go through a Dagster instance of its own in tmp_path (never the project's
    .dagster_home/), and a test's command-line settings (runner.configure) end with it."""
    from pipelines.core.settings import use_command_line

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    yield
    use_command_line({})


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A landing folder with one ferritin and one temperature on 2024-01-10, and the code location
    pointed at it and at a warehouse in tmp_path (the test's own Dagster instance)."""
    from pipelines import runner

    monkeypatch.setenv("MASSCREEN_TIMEZONE", SITE_TZ)
    landing = tmp_path / "landing"
    write_labs(landing, "labs_2024-01-10.csv", [lab("r1", "2276-4", "300", "ng/mL", "2024-01-10T06:00:00")])
    write_vitals(landing, "vitals_2024-01-10.csv", [vital("m1", "37.0", "Cel", "2024-01-10T06:00:00")])
    runner.configure(tmp_path / "w.duckdb", landing=landing)
    return tmp_path, landing


RESEARCH_TEST_KEY = "research key for the shared test hospital, not a real secret"


def screen_and_release(folder: Path, start, days: int, patients: int, seed: int, research_key: str) -> Path:
    """Generate a hospital into `folder` (pipelines.synthetic.generate), screen its whole period
    through the Dagster job in one run (publish included; a Dagster instance of its own in
    folder/dagster_home, the site time zone SITE_TZ), and release it for research with
    `research_key`. Returns `folder`: truth/, warehouse.duckdb, published/warehouse.duckdb (the
    snapshot) and published/research.duckdb (the release). Raises AssertionError when the run fails."""
    from datetime import timedelta

    from pipelines import runner
    from pipelines.core.settings import use_command_line
    from pipelines.research.release import release
    from pipelines.synthetic import generate

    generate(folder, patients=patients, days=days, start=start, seed=seed)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(folder / "dagster_home"))
        for name in ("MASSCREEN_ADJUDICATIONS", "MASSCREEN_ENCRYPTION_KEY", "MASSCREEN_WAREHOUSE",
                     "MASSCREEN_LANDING", "MASSCREEN_CONFIG"):
            env.delenv(name, raising=False)
        env.setenv("MASSCREEN_TIMEZONE", SITE_TZ)
        env.setenv("MASSCREEN_RESEARCH_KEY", research_key)
        try:
            runner.configure(folder / "warehouse.duckdb", landing=folder / "landing")
            result = runner.run_range(start, start + timedelta(days=days - 1))
            assert result.success, result.failures
            release(folder / "warehouse.duckdb", SITE_TZ)
        finally:
            use_command_line({})
    return folder


@pytest.fixture(scope="session")
def released_hospital(tmp_path_factory):
    """A demo-like generated hospital (600 patients over 75 days from 2024-01-01, seed 11, the
    demo's scenario), screened through the whole graph in one run, published, and released for
    research with RESEARCH_TEST_KEY (screen_and_release). Built once per session for the tests that
    read a snapshot and its release; read it only."""
    from datetime import date

    return screen_and_release(tmp_path_factory.mktemp("released_hospital"), date(2024, 1, 1), days=75,
                              patients=600, seed=11, research_key=RESEARCH_TEST_KEY)
