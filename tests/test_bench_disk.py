"""`make bench sizes`: the disk a run takes (files with hard links counted once) and the check that
stops a size whose run cannot fit on the disk, before hours of work fill it."""

import os
import shutil
from collections import namedtuple

import pytest

from pipelines import bench

Usage = namedtuple("Usage", "total used free")


def _file(path, size):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(size))  # random bytes: no sparse or compressed file
    return path


def test_disk_bytes_counts_a_hard_linked_file_once(tmp_path):
    original = _file(tmp_path / "cache" / "labs.csv", 64 * 1024)
    run = tmp_path / "run"
    _file(run / "warehouse.duckdb", 128 * 1024)
    (run / "landing").mkdir()
    os.link(original, run / "landing" / "labs.csv")
    assert bench.disk_bytes(run) == pytest.approx(192 * 1024, abs=8 * 1024)
    assert bench.disk_bytes(tmp_path) == pytest.approx(192 * 1024, abs=8 * 1024)
    assert bench.disk_bytes(tmp_path / "missing") == 0


def _measured(peak, lab_rows=1_000_000, copies=10):
    return {"M": {"lab_rows": lab_rows, "copies": copies, "disk": {"peak": peak}}}


def test_disk_needed_scales_the_largest_measured_peak_by_lab_rows():
    measured = _measured(peak=10 * 2**30) | {
        "S": {"lab_rows": 100_000, "copies": 1, "disk": {"peak": 5 * 2**30}}}  # smaller: not used
    assert bench.disk_needed("L", measured) == (100 * 2**30, "M")
    assert bench.disk_needed("S", measured) == (2**30, "M")
    assert bench.disk_needed("L", {"M": {"lab_rows": 1, "copies": 10}}) is None  # measured before disk figures


def test_a_size_that_cannot_fit_stops_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(200 * 2**30, 130 * 2**30, 70 * 2**30))
    with pytest.raises(SystemExit) as stopped:
        bench.check_disk("L", _measured(peak=10 * 2**30), tmp_path / "cache", tmp_path / "runs")
    message = str(stopped.value)
    assert "\n" not in message
    assert "size L needs about 100 GiB" in message and "70 GiB are free" in message
    assert "--skip-disk-check" in message


def test_a_size_that_fits_runs_and_the_cache_and_previous_run_count_as_free(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(200 * 2**30, 130 * 2**30, 70 * 2**30))
    bench.check_disk("L", _measured(peak=6 * 2**30), tmp_path / "cache", tmp_path / "runs")  # 60 GiB
    bench.check_disk("L", {}, tmp_path / "cache", tmp_path / "runs")  # nothing measured: no estimate
    # 71 GiB needed: 70 free plus a cached L of 1 MiB is not enough...
    _file(tmp_path / "cache" / "L-abc" / "labs.csv", 2**20)
    with pytest.raises(SystemExit):
        bench.check_disk("L", _measured(peak=round(7.1 * 2**30)), tmp_path / "cache", tmp_path / "runs")
    # 70 GiB and half a MiB needed: the cached L's 1 MiB counts as free (it is replaced, not added to)
    bench.check_disk("L", _measured(peak=70 * 2**30 // 10 + 2**19 // 10), tmp_path / "cache", tmp_path / "runs")
    # ...with the previous L run (2 GiB said by disk_bytes) it is
    monkeypatch.setattr(bench, "disk_bytes", lambda path: 2**20 if "cache" in str(path) else 2 * 2**30)
    bench.check_disk("L", _measured(peak=round(7.1 * 2**30)), tmp_path / "cache", tmp_path / "runs")


def test_a_size_stopped_by_the_disk_check_keeps_the_results_of_the_sizes_before_it(tmp_path, monkeypatch):
    import json
    from types import SimpleNamespace

    from pipelines.synthetic import scale

    hospital = SimpleNamespace(seconds=1.0, bytes=2**20, digest="d", lab_rows=10, vital_rows=5, landing=tmp_path)
    monkeypatch.setattr(scale, "scaled_hospital", lambda size, cache, progress: hospital)
    monkeypatch.setattr(bench, "bench_size", lambda hospital, folder, progress: {"lab_rows": 10, "figures": "S's"})
    monkeypatch.setattr(bench, "print_size", lambda *arguments: None)

    def check_disk(size, measured, cache, folder):
        if size == "L":
            raise SystemExit("bench: size L needs about 139 GiB of disk")

    monkeypatch.setattr(bench, "check_disk", check_disk)
    results = tmp_path / "benchmarks.json"
    results.write_text(json.dumps({"sizes": {"M": {"measured": "earlier"}}}))
    with pytest.raises(SystemExit, match="size L needs"):
        bench.bench_sizes(["S", "L"], tmp_path / "cache", tmp_path / "runs", results, generate_only=False)
    sizes = json.loads(results.read_text())["sizes"]
    assert sizes["S"]["figures"] == "S's" and sizes["M"] == {"measured": "earlier"} and "L" not in sizes


def test_the_bench_console_stamps_its_own_lines_only_and_leaves_the_progress_logger_as_it_found_it(capsys, caplog):
    """Each pipeline step's line reaches the bench's console with the seconds since the bench
    began; every other handler (here pytest's capture) gets the line as the step logged it, and
    after the bench the logger has no bench handler left, so later runs in the same process log
    plain lines."""
    import logging

    from pipelines.core.run_log import progress_log

    handlers_before = list(progress_log.handlers)
    caplog.set_level(logging.INFO, logger="pipelines.progress")
    with bench.Progress() as progress:
        progress.prefix = "S backfill: "
        progress_log.info("staging.lab_results: 12 rows in 0.1 s")
    assert [record.getMessage() for record in caplog.records if record.name == "pipelines.progress"] == [
        "staging.lab_results: 12 rows in 0.1 s"]
    console = capsys.readouterr().err.strip()
    assert console.startswith("[") and console.endswith("] S backfill: staging.lab_results: 12 rows in 0.1 s")
    assert progress_log.handlers == handlers_before
    progress_log.info("screen.episodes: 0 rows in 0.1 s")
    assert "screen.episodes" not in capsys.readouterr().err
