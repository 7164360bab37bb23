"""What the command prints: a progress line per step (stage, rows, seconds), a short summary and the
path of the whole one, never Dagster's event log unless asked (--verbose); every run it starts is in
the one Dagster instance; a run left started by a killed process is marked failed."""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelines import runner

MAX_CONSOLE_LINES = 60  # `make demo` prints fewer than this (the demo is the same command, bigger)


def masscreen(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MASSCREEN_", "DAGSTER_HOME"))}
    env["DAGSTER_HOME"] = str(tmp_path / "dagster_home")
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *arguments], capture_output=True, text=True,
                          env=env, timeout=900)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("console")
    result = masscreen(folder, "demo", "--dir", str(folder / "demo"), "--patients", "120", "--days", "8")
    assert result.returncode == 0, result.stderr[-3000:]
    return folder, result


def test_the_demo_prints_progress_and_a_short_summary_without_dagster_events(demo):
    _, result = demo
    lines = (result.stdout + result.stderr).splitlines()
    assert len(lines) < MAX_CONSOLE_LINES, "\n".join(lines)
    assert not [line for line in lines if re.search(r"\bDEBUG\b|dagster - ", line)], "\n".join(lines)
    progress = [line for line in lines if re.fullmatch(r"  \[ *\d+\.\d s\] [\w.]+: [\d,]+ (rows|tables) in \d+\.\d s", line)]
    steps = {line.split("] ")[1].split(":")[0] for line in progress}
    assert {"raw.extracts", "staging.lab_results", "features.patient_day", "screen.at_risk_daily",
            "publish.snapshot"} <= steps, "\n".join(lines)


def test_the_whole_summary_is_in_a_file_beside_the_warehouse(demo):
    folder, result = demo
    summary = folder / "demo" / "summary.txt"
    assert f"Whole summary (rows per stage and reason, flags per day, audit by month, episodes, tiers): {summary}" \
        in result.stdout
    text = summary.read_text()
    for heading in ("Rows per stage:", "Rows quarantined, by reason:", "Patients flagged per day, any tier",
                    "Synthetic MAS episodes flagged before diagnosis"):
        assert heading in text
    assert len(text.splitlines()) > len(result.stdout.splitlines()) / 2  # the file has what the console leaves out


def test_the_run_is_in_the_dagster_instance_the_ui_reads(demo):
    folder, result = demo
    run_id = re.search(r"^Run ([0-9a-f-]{36}) screened", result.stdout, flags=re.MULTILINE).group(1)
    with dg.DagsterInstance.from_config(str(folder / "dagster_home")) as instance:
        run = instance.get_run_by_id(run_id)
        assert run is not None and run.status == dg.DagsterRunStatus.SUCCESS
        assert run.tags[runner.HOST_TAG] == socket.gethostname()
        assert run.tags["dagster/asset_partition_range_start"] == "2024-01-01"
        assert instance.all_logs(run_id)  # the whole event log is kept there


def test_verbose_prints_dagsters_event_log(tmp_path, demo):
    folder, _ = demo
    result = masscreen(tmp_path, "run", "--landing", str(folder / "demo" / "landing"), "--warehouse",
                       str(tmp_path / "w.duckdb"), "--start", "2024-01-02", "--end", "2024-01-02", "--verbose")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "STEP_SUCCESS" in result.stdout + result.stderr


def test_version_names_the_code_and_the_rule_set(tmp_path):
    result = masscreen(tmp_path, "--version")
    assert result.returncode == 0
    assert re.fullmatch(r"masscreen \d+\.\d+\.\d+\S*; rule set mas-screen-rules@[0-9a-f]{12} \(\S+rules\.yaml\)\n",
                        result.stdout), result.stdout


def test_a_run_left_started_by_a_killed_process_is_marked_failed(tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()  # its pid now belongs to no process
    with dg.DagsterInstance.ephemeral() as instance:
        def started(pid: int, host: str) -> str:
            run = instance.add_run(dg.DagsterRun(job_name="mas_screen", status=dg.DagsterRunStatus.STARTED,
                                                 tags={runner.HOST_TAG: host, runner.PID_TAG: str(pid)}))
            return run.run_id

        killed, alive, elsewhere = started(gone.pid, socket.gethostname()), started(os.getpid(), socket.gethostname()), \
            started(gone.pid, "another-host")
        assert runner.fail_abandoned_runs(instance) == [killed]
        assert instance.get_run_by_id(killed).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(alive).status == dg.DagsterRunStatus.STARTED
        assert instance.get_run_by_id(elsewhere).status == dg.DagsterRunStatus.STARTED
