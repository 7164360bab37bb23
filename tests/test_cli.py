"""The `masscreen` command: help a newcomer can read, and a non-zero exit code on failure."""

import re
import subprocess
import sys
from contextlib import contextmanager

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
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--landing", str(tmp_path / "nowhere"),
         "--warehouse", str(tmp_path / "w.duckdb"), "--start", "2024-01-02", "--end", "2024-01-02"],
        capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1
    assert "FAILED" in result.stderr and "nowhere does not exist" in result.stderr


def cli(tmp_path, *arguments, timeout=300):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "run", *arguments], capture_output=True, text=True,
                          env=env, timeout=timeout)


def test_a_failed_run_is_recorded_in_meta_and_an_empty_landing_folder_is_named(tmp_path):
    from pipelines.core.warehouse import connect

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "README.txt").write_text("the extracts land here")
    result = cli(tmp_path, "--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb"),
                 "--start", "2024-01-02", "--end", "2024-01-02")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if "no extract files" in line]
    assert f"at {landing}: files named labs*{{.csv,.csv.gz,.parquet}}" in line and "README.txt" in line
    with connect(tmp_path / "w.duckdb", "UTC", read_only=True) as con:
        step, detail = con.execute("SELECT step, detail->>'$.failures[0]' FROM meta.runs").fetchone()
    assert step == "run failed" and "no extract files found" in detail


def test_an_unreadable_file_leaves_the_night_incomplete_with_its_own_exit_code(tmp_path):
    from conftest import lab, write_labs
    from pipelines.core.warehouse import connect

    landing = tmp_path / "landing"
    write_labs(landing, "labs_1.csv", [lab("r1", "2276-4", "900", "ng/mL", "2024-01-02T06:00:00")])
    (landing / "labs_2.csv").write_text("patient_id,value\np1,3\n")  # missing required columns
    result = cli(tmp_path, "--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb"),
                 "--start", "2024-01-02", "--end", "2024-01-02")
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert "unreadable_file: landing/labs_2.csv (1): labs_2.csv: missing required column(s)" in result.stdout
    [line] = [line for line in result.stderr.splitlines() if line.startswith("NIGHT INCOMPLETE")]
    assert "labs_2.csv: missing required column(s) result_id, code, collected_at" in line
    with connect(tmp_path / "w.duckdb", "UTC", read_only=True) as con:
        assert con.execute("SELECT count(*) FROM staging.lab_results").fetchone()[0] == 1  # the good file screened
        assert con.execute("SELECT source_file FROM meta.file_problems").fetchall() == [("labs_2.csv",)]


@pytest.mark.parametrize("arguments, message", [
    (["--start", "2023-12-31", "--end", "2024-01-02"],
     "2023-12-31 is before the first day partition 2024-01-01; move the first day with --partition-start 2023-12-31"),
    (["--start", "2024-01-02", "--end", "2099-01-02"], "2099-01-02 has not ended yet in the site's time zone"),
    (["--start", "2024-01-03", "--end", "2024-01-02"], "end 2024-01-02 is before start 2024-01-03"),
    (["--start", "2024-01-02", "--end", "2024-01-02", "--timezone", "Mars/Olympus_Mons"],
     "time zone 'Mars/Olympus_Mons' is not an IANA time zone name"),
    (["--start", "2024-01-02", "--end", "2024-01-02", "--warehouse", "{tmp}"], "is a directory; give a file path"),
    (["--start", "2024-01-02", "--end", "2024-01-02", "--warehouse", "{tmp}/a-file/w.duckdb"],
     "its folder cannot be created"),
])
def test_a_user_error_is_one_line_with_cause_and_fix(site, arguments, message, capsys):
    tmp_path, landing = site
    (tmp_path / "a-file").write_text("")
    arguments = [a.replace("{tmp}", str(tmp_path)) for a in arguments]
    warehouse = [] if "--warehouse" in arguments else ["--warehouse", str(tmp_path / "w.duckdb")]
    assert main(["run", "--landing", str(landing), *warehouse, *arguments]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Run not started: ") and message in err[0], err


@pytest.mark.parametrize("variable, value, message", [
    ("MASSCREEN_LOCK_WAIT_SECONDS", "abc", "MASSCREEN_LOCK_WAIT_SECONDS='abc' is not a number of seconds"),
    ("MASSCREEN_RETRY_SECONDS", "-1", "MASSCREEN_RETRY_SECONDS='-1' is not a number of seconds"),
    ("MASSCREEN_DUCKDB_MEMORY", "lots", "MASSCREEN_DUCKDB_MEMORY='lots' is not a size such as 12GB"),
    ("MASSCREEN_PARTITION_START", "2024-13-01", "first day partition '2024-13-01' is not a YYYY-MM-DD date"),
    ("MASSCREEN_VALIDATION_CHUNK_ROWS", "lots", "MASSCREEN_VALIDATION_CHUNK_ROWS='lots' is not a whole number of rows"),
    ("MASSCREEN_ENGINE", "pandas", "MASSCREEN_ENGINE='pandas' is not an engine: use duckdb (the default) or spark"),
])
def test_a_malformed_setting_stops_the_run_before_it_starts_in_one_line(site, monkeypatch, capsys, variable, value,
                                                                         message):
    tmp_path, landing = site
    monkeypatch.setenv(variable, value)
    assert main(["run", "--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb"),
                 "--start", "2024-01-02", "--end", "2024-01-02"]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("Run not started: ") and message in line


def test_a_run_prints_its_progress_lines_and_takes_the_printer_off_when_it_ends(site, capsys):
    """While `masscreen run` runs, each finished step prints '  [  1.2 s] step: n rows in 0.1 s'; after
    it, the progress logger has the handlers it had before, so a later caller in the same process (a
    notebook, the next command) prints no progress lines it did not ask for."""
    import logging

    tmp_path, landing = site
    progress = logging.getLogger("pipelines.progress")
    handlers_before, level_before = list(progress.handlers), progress.level
    assert main(["run", "--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb"),
                 "--start", "2024-01-10", "--end", "2024-01-10"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  \[ *\d+\.\d s\] staging\.lab_results: 1 rows in \d+\.\d s$", out, flags=re.MULTILINE), out
    assert progress.handlers == handlers_before and progress.level == level_before
    progress.info("screen.episodes: 0 rows in 0.1 s")
    assert "screen.episodes" not in capsys.readouterr().out

def test_the_first_day_can_come_from_the_command_line(tmp_path):
    """In a process of its own, as the partitions are defined when the code location loads."""
    from conftest import lab, write_labs

    landing = tmp_path / "landing"
    write_labs(landing, "labs_1.csv", [lab("r1", "2276-4", "900", "ng/mL", "2023-12-31T06:00:00")])
    result = cli(tmp_path, "--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb"),
                 "--partition-start", "2023-12-30", "--start", "2023-12-31", "--end", "2023-12-31")
    assert result.returncode == 0, result.stderr
    assert "screened 2023-12-31 to 2023-12-31" in result.stdout


@contextmanager
def another_writer(tmp_path):
    """A landing folder with one lab file, and another process holding the warehouse's write lock."""
    from conftest import lab, write_labs

    write_labs(tmp_path / "landing", "labs_1.csv", [lab("r1", "2276-4", "900", "ng/mL", "2024-01-02T06:00:00")])
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; held = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(120)", str(tmp_path / "w.duckdb")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.kill()


RUN_LOCKED = ["-m", "pipelines.cli", "run", "--landing", "{tmp}/landing", "--warehouse", "{tmp}/w.duckdb",
              "--start", "2024-01-02", "--end", "2024-01-02"]


def test_sigterm_stops_the_lock_wait_and_says_what_it_waited_for(tmp_path):
    with another_writer(tmp_path) as holder:
        run = subprocess.Popen([sys.executable, *[a.replace("{tmp}", str(tmp_path)) for a in RUN_LOCKED]],
                               stderr=subprocess.PIPE, text=True, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                                                                     "DAGSTER_HOME": str(tmp_path / "dagster_home")})
        first = run.stderr.readline()
        assert "Waiting up to" in first and f"(PID {holder.pid})" in first and "SIGTERM stops the wait" in first
        run.terminate()
        assert run.wait(timeout=60) == 130
        assert "Stopped" in run.stderr.read()


def test_a_lock_held_past_the_wait_ends_in_one_line_naming_the_holder(tmp_path):
    with another_writer(tmp_path) as holder:
        result = subprocess.run(
            [sys.executable, *[a.replace("{tmp}", str(tmp_path)) for a in RUN_LOCKED]], capture_output=True, text=True,
            timeout=300, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path / "dagster_home"),
                 "MASSCREEN_LOCK_WAIT_SECONDS": "1",
                              "MASSCREEN_RETRY_SECONDS": "0.01"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.startswith("  raw__extracts: ")]
    assert f"still being written by another process (PID {holder.pid}) after 1 s: let that run finish" in line


def test_a_warehouse_path_that_is_another_kind_of_file_is_refused_in_one_line(site, capsys):
    tmp_path, landing = site
    (tmp_path / "notes.txt").write_text("not a database, but long enough to have a header")
    assert main(["run", "--landing", str(landing), "--warehouse", str(tmp_path / "notes.txt"),
                 "--start", "2024-01-02", "--end", "2024-01-02"]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "notes.txt exists and is not a DuckDB database" in line
