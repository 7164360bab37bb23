"""A run killed with SIGKILL at any point leaves the warehouse as before or after it, never
half-written; rerunning converges to the tables of an uninterrupted run. Two runs started together
both succeed, one after the other."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.core.warehouse import connect
from pipelines.synthetic import generate

from conftest import SITE_TZ

TABLES = ("raw.labs", "raw.vitals", "staging.lab_results", "staging.vital_signs", "staging.superseded_rows",
          "quarantine.rejected_rows", "features.patient_day", "screen.rule_evaluations", "screen.at_risk_daily")
START, END = "2024-01-01", "2024-01-20"


def run(landing: Path, warehouse: Path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MASSCREEN_", "DAGSTER_HOME"))}
    env["MASSCREEN_TIMEZONE"] = SITE_TZ
    # the instance the runs share (given the project's dagster.yaml, with its pools, by the command):
    # a killed run must not keep the duckdb pool full
    env["DAGSTER_HOME"] = str(warehouse.parent / "dagster_home")
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", "run", "--landing", str(landing),
                             "--warehouse", str(warehouse), "--start", START, "--end", END],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def fingerprints(warehouse: Path) -> dict[str, tuple]:
    with connect(warehouse, SITE_TZ, read_only=True) as con:
        return {t: con.execute(f"SELECT count(*), sum(hash(COLUMNS(* EXCLUDE (_load_id)))) FROM {t}").fetchone()
                if "_load_id" in [c[0] for c in con.execute(f"DESCRIBE {t}").fetchall()]
                else con.execute(f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {t}").fetchone()
                for t in TABLES}


@pytest.fixture(scope="module")
def hospital(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash")
    generate(folder, patients=300, days=20, start=__import__("datetime").date(2024, 1, 1), seed=5)
    reference = folder / "reference.duckdb"
    finished = run(folder / "landing", reference)
    assert finished.wait(timeout=600) == 0, finished.stderr.read()[-2000:]
    return folder, fingerprints(reference)


@pytest.mark.parametrize("kill_after", [1.5, 3.0, 4.5, 6.0])
def test_a_killed_run_leaves_a_whole_state_and_a_rerun_converges(hospital, kill_after):
    folder, expected = hospital
    warehouse = folder / f"killed-{kill_after}.duckdb"
    victim = run(folder / "landing", warehouse)
    time.sleep(kill_after)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    if warehouse.exists():  # the killed state opens, and every load in it balances
        with connect(warehouse, SITE_TZ) as con:
            loads = con.execute("SELECT load_id FROM meta.loads").fetchall()
            raw = con.execute("SELECT count(DISTINCT _load_id) FROM (SELECT _load_id FROM raw.labs "
                              "UNION ALL SELECT _load_id FROM raw.vitals)").fetchone()[0]
            assert raw <= len(loads)
    rerun = run(folder / "landing", warehouse)
    assert rerun.wait(timeout=600) == 0, rerun.stderr.read()[-2000:]
    assert fingerprints(warehouse) == expected


def test_two_runs_started_together_both_succeed(hospital):
    folder, expected = hospital
    warehouse = folder / "together.duckdb"
    first, second = run(folder / "landing", warehouse), run(folder / "landing", warehouse)
    assert first.wait(timeout=600) == 0, first.stderr.read()[-2000:]
    assert second.wait(timeout=600) == 0, second.stderr.read()[-2000:]
    assert fingerprints(warehouse) == expected
