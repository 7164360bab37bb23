"""The `masscreen` command: help a newcomer can read, and a non-zero exit code on failure."""

import subprocess
import sys

import pytest

from pipelines.cli import main


@pytest.mark.parametrize("command", ["generate", "run", "demo", "research"])
def test_every_command_explains_itself(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "--" in capsys.readouterr().out


def test_a_bad_date_is_refused_with_a_clear_message(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--landing", "x", "--warehouse", "y", "--start", "2024-13-01", "--end", "2024-01-02"])
    assert exit_info.value.code == 2
    assert "not a YYYY-MM-DD date: 2024-13-01" in capsys.readouterr().err


def test_a_failed_run_exits_non_zero_and_names_the_cause(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--landing", str(tmp_path / "nowhere"),
         "--warehouse", str(tmp_path / "w.duckdb"), "--start", "2024-01-02", "--end", "2024-01-02"],
        capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1
    assert "FAILED" in result.stderr and "nowhere does not exist" in result.stderr


def test_a_failed_run_is_recorded_in_meta(tmp_path):
    from pipelines.warehouse import connect

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "labs_1.csv").write_text("patient_id,value\np1,3\n")  # missing required columns
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb"),
         "--start", "2024-01-02", "--end", "2024-01-02"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1 and "labs_1.csv: missing required column" in result.stderr
    with connect(tmp_path / "w.duckdb", "UTC", read_only=True) as con:
        step, detail = con.execute("SELECT step, detail->>'$.failures[0]' FROM meta.runs").fetchone()
    assert step == "run failed" and "labs_1.csv: missing required column" in detail
