"""`make bench`: timings for docs/BENCHMARKS.md, printed as Markdown. Not a test: nothing here
asserts a time.

- `python -m pipelines.bench sizes S M L`: hospitals of about 1, 10 and 100 million lab rows over
  a year (pipelines/synthetic/scale.py, cached in --cache, default var/bench-cache). Per size: the
  backfill of all days but the last through Dagster (one run, by step from meta.runs), then the
  last day's files land and its nightly run follows; then the floor (DuckDB reading the landed lab
  and vitals files once, and one 7-day window aggregate per patient and analyte over the staged
  labs). Peak memory is that of the whole process tree (resident memory of this process and its
  children, sampled from /proc every 0.25 s). DuckDB's memory limit is MASSCREEN_DUCKDB_MEMORY,
  5GB unless set. Results: Markdown on the console and, per size, into --json (docs/benchmarks.json).
  `--generate-only` fills the cache and stops. Disk: per size, the peak of its run folder during
  the runs (landed files, warehouse, spilled data, published copies; sampled every 2 s) and the
  parts after the nightly run; before a size, the disk it needs is estimated from the largest size
  measured (peak bytes per lab row, from --json) and a size that cannot fit stops the bench with
  one line (`--skip-disk-check` runs it anyway).
- `python -m pipelines.bench pipeline`: a synthetic hospital with 1x and 10x the history through
  Dagster, a backfill and then a nightly run with that night's files, by step (from meta.runs).
- `python -m pipelines.bench ingest --rows N`: N lab rows from one canonical CSV to staging
  (landing and staging only), with the process's peak resident memory.
- `python -m pipelines.bench report --flagged 50`: a demo-like hospital (4,000 patients, 90 days,
  seed 7; the demo's 3,000 flag at most 45 a day), screened once (kept in --dir), then
  `masscreen report` for the day whose number of flagged patients is nearest --flagged (at least
  it when a day has as many), timed as the whole command (median of 3); the figure replaces the
  report section of docs/BENCHMARKS.md (between its markers).
- `python -m pipelines.bench spark --patients 300 1500`: the feature and screen stages on DuckDB and
  on PySpark in local mode (pipelines/screen/spark_stages.py) over the same generated hospital (30 days
  from 2024-02-25, across the spring daylight-saving change in New York), per size: DuckDB's
  time for each stage, the Parquet export of the staging tables, Spark's session start and each
  stage (whole range in one pass). Needs the extra `.[spark]` and Java. Markdown on the console.
"""

import argparse
import json
import logging
import os
import platform
import threading
import resource
import secrets
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

from pipelines import runner
from pipelines.core.settings import load_settings
from pipelines.core.warehouse import connect

STEP_SECONDS = """
SELECT step, sum(epoch(finished_at - started_at)) AS seconds, sum(rows_written) AS rows
FROM meta.runs WHERE list_contains(?, run_id) AND step <> 'run failed'
  AND coalesce(json_extract_string(detail, '$.skipped'), '') = ''
GROUP BY step ORDER BY min(started_at)
"""


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed_run(warehouse: Path, start: date, end: date) -> tuple[str, float, list[tuple[str, float, int]]]:
    began = time.monotonic()
    outcome = runner.run_range(start, end)
    seconds = time.monotonic() - began
    if not outcome.success:
        raise SystemExit(f"benchmark run failed: {outcome.failures}")
    with connect(warehouse, load_settings().timezone, read_only=True) as con:
        steps = con.execute(STEP_SECONDS, [[outcome.run_id]]).fetchall()
    return outcome.run_id, seconds, steps


# Canonical lab rows made by DuckDB itself, so writing 10 million of them takes seconds. Values and
# units are ordinary (a few implausible ones included); every tenth result id is sent twice (for
# the same patient and test: an id naming two patients or tests would be quarantined as
# conflicting_record_id).
BIG_LABS = """
COPY (
    SELECT 'P' || lpad(CAST((CASE WHEN i % 10 = 9 THEN i - 1 ELSE i END) % 50000 AS VARCHAR), 6, '0') AS patient_id,
           'E' || CAST(i % 80000 AS VARCHAR) AS encounter_id,
           'R' || CAST(CASE WHEN i % 10 = 9 THEN i - 1 ELSE i END AS VARCHAR) AS result_id,
           (['2276-4', '777-3', '1920-8', '2571-8', '3255-7', '718-7', '6690-2', '751-8', '1742-6', '2532-0'])[1 + (CASE WHEN i % 10 = 9 THEN i - 1 ELSE i END) % 10] AS code,
           'test' AS name,
           CAST(round(5 + (hash(i) % 5000) / 10.0, 1) AS VARCHAR) AS value,
           (['ng/mL', 'K/uL', 'U/L', 'mg/dL', 'mg/dL', 'g/dL', 'K/uL', 'K/uL', 'U/L', 'U/L'])[1 + (CASE WHEN i % 10 = 9 THEN i - 1 ELSE i END) % 10] AS unit,
           '' AS ref_low, '' AS ref_high,
           strftime(TIMESTAMP '2024-01-01' + to_minutes(CAST(i % 129600 AS BIGINT)), '%Y-%m-%dT%H:%M:%S') AS collected_at,
           strftime(TIMESTAMP '2024-01-01' + to_minutes(CAST(i % 129600 AS BIGINT) + 120), '%Y-%m-%dT%H:%M:%S') AS resulted_at,
           'F' AS status
    FROM range(?) AS t(i)
) TO '{path}' (HEADER, DELIMITER ',')
"""


def bench_ingest(rows: int, folder: Path) -> None:
    import duckdb

    from pipelines.features import feature_table
    from pipelines.ingest import presets
    from pipelines.screen import screening
    from pipelines.staging import staged_tables

    shutil.rmtree(folder, ignore_errors=True)
    (folder / "landing").mkdir(parents=True)
    path = folder / "landing" / "labs_big.csv"
    began = time.monotonic()
    duckdb.connect().execute(BIG_LABS.format(path=path), [rows])
    print(f"Wrote {rows:,} lab rows ({path.stat().st_size / 2**20:,.0f} MiB CSV) in {time.monotonic() - began:.1f} s\n")
    with connect(folder / "warehouse.duckdb", load_settings().timezone) as con:
        staged_tables.refresh_reference_tables(con)
        began = time.monotonic()
        presets.land(con, folder / "landing", run_id="bench")
        landed = time.monotonic()
        staged = staged_tables.stage(con, "lab_results")
        done = time.monotonic()
        counts = con.execute("SELECT (SELECT count(*) FROM quarantine.rejected_rows), "
                             "(SELECT count(*) FROM staging.superseded_rows)").fetchone()
    print("| step | seconds |\n|---|---:|")
    print(f"| land (sha256, read CSV into raw) | {landed - began:.1f} |")
    print(f"| stage lab_results (parse, convert, quarantine, de-duplicate) | {done - landed:.1f} |")
    print(f"| **CSV to staging** | **{done - began:.1f}** |\n")
    print(f"Staged {staged:,}, quarantined {counts[0]:,}, superseded {counts[1]:,}; "
          f"peak resident memory of the process: {_peak_rss_mib():,.0f} MiB")


def bench_pipeline(scales: list[int], folder: Path) -> None:
    """Per scale s (3,000 s patients over 90 s days, so the same daily volume over s times the
    history): a backfill of all days but the last, then the nightly run of the last day with its
    files landing just before it, as they do at a site."""
    from pipelines.research.release import release
    from pipelines.synthetic import generate

    os.environ.setdefault("MASSCREEN_RESEARCH_KEY", secrets.token_urlsafe(48))  # a throwaway key
    start, nightly = date(2024, 1, 1), {}
    for scale in scales:
        days, where = 90 * scale, folder / f"x{scale}"
        end = start + timedelta(days=days - 1)
        shutil.rmtree(where, ignore_errors=True)
        began = time.monotonic()
        summary = generate(where, patients=3000 * scale, days=days, start=start, seed=7)
        generate_seconds = time.monotonic() - began
        held_back = where / "held-back"
        held_back.mkdir()
        last_day = sorted((where / "landing").glob(f"*_{end.isoformat()}.csv"))
        for path in last_day:
            path.rename(held_back / path.name)
        warehouse = where / "warehouse.duckdb"
        runner.configure(warehouse, landing=where / "landing")
        _, backfill_seconds, backfill_steps = _timed_run(warehouse, start, end - timedelta(days=1))
        for path in last_day:
            (held_back / path.name).rename(path)
        _, nightly_seconds, nightly_steps = _timed_run(warehouse, end, end)
        began = time.monotonic()
        release(warehouse, load_settings().timezone)
        nightly[scale] = (nightly_seconds, dict((step, seconds) for step, seconds, _ in nightly_steps),
                          sum(path.stat().st_size for path in last_day), time.monotonic() - began)
        print(f"### {scale}x: {summary.patients:,} patients, {days} days, {summary.lab_rows:,} lab rows, "
              f"{summary.vital_rows:,} vital rows (generated in {generate_seconds:.1f} s)\n")
        print(f"Backfill of all days but the last (one run): {backfill_seconds:.1f} s wall\n")
        print("| step | seconds | rows written |\n|---|---:|---:|")
        for step, step_seconds, rows in backfill_steps:
            print(f"| {step} | {step_seconds:.2f} | {rows:,} |")
        print()
    print("### Nightly run of the last day, its files landed just before\n")
    print("| step | " + " | ".join(f"{scale}x" for scale in scales) + " |\n|---|" + "---:|" * len(scales))
    for step in nightly[scales[0]][1]:
        print(f"| {step} | " + " | ".join(f"{nightly[scale][1].get(step, 0):.2f}" for scale in scales) + " |")
    print("| **wall, including Dagster start-up and checks** | "
          + " | ".join(f"**{nightly[scale][0]:.2f}**" for scale in scales) + " |")
    print("| files landed that night (KiB) | " + " | ".join(f"{nightly[scale][2] / 1024:,.0f}" for scale in scales)
          + " |\n")
    print("Research release from the snapshot (whole, weekly, not part of the nightly run): "
          + ", ".join(f"{scale}x {nightly[scale][3]:.1f} s" for scale in scales) + "\n")
    print(f"Peak resident memory of the process: {_peak_rss_mib():,.0f} MiB")


REPORT_MARKERS = ("<!-- bench report -->", "<!-- /bench report -->")


def bench_report(flagged: int, folder: Path, markdown: Path, patients: int = 4000, repeats: int = 3) -> None:
    """Time `masscreen report` on a generated hospital of `patients` for a day with about `flagged`
    flagged patients and write the figure into `markdown` between REPORT_MARKERS."""
    import statistics
    import subprocess
    import sys

    from pipelines.synthetic import generate

    start, days = date(2024, 1, 1), 90
    warehouse = folder / "warehouse.duckdb"
    if not warehouse.exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, patients=patients, days=days, start=start, seed=7)
        runner.configure(warehouse, landing=folder / "landing")
        _timed_run(warehouse, start, start + timedelta(days=days - 1))
    with connect(warehouse, load_settings().timezone, read_only=True) as con:
        day, flagged_that_day = con.execute(
            "SELECT as_of_date, count(*) AS n FROM screen.at_risk_daily GROUP BY ALL "
            "ORDER BY n < $flagged, abs(n - $flagged), as_of_date LIMIT 1", {"flagged": flagged}).fetchone()
    command = [sys.executable, "-m", "pipelines.cli", "report", "--warehouse", str(warehouse), "--date", str(day),
               "--out", str(folder / "report.html"), "--worklist-csv", str(folder / "worklist.csv")]
    seconds = []
    for _ in range(repeats):
        began = time.monotonic()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds.append(time.monotonic() - began)
    size = (folder / "report.html").stat().st_size
    figure = (f"{REPORT_MARKERS[0]}\n"
              f"| day | flagged patients | seconds (whole command, median of {repeats}) | runs (s) | page (KiB) |\n"
              f"|---|---:|---:|---|---:|\n"
              f"| {day} | {flagged_that_day} | **{statistics.median(seconds):.1f}** | "
              f"{', '.join(f'{s:.1f}' for s in seconds)} | {size / 1024:,.0f} |\n\n"
              f"Measured {date.today()} on {machine()['cores']} cores (target: under 10 s).\n"
              f"{REPORT_MARKERS[1]}")
    print(figure)
    text = markdown.read_text()
    first, last = text.index(REPORT_MARKERS[0]), text.index(REPORT_MARKERS[1]) + len(REPORT_MARKERS[1])
    markdown.write_text(text[:first] + figure + text[last:])
    print(f"\nWritten into {markdown}")


def disk_bytes(folder: Path) -> int:
    """Bytes the regular files under `folder` take on disk (allocated blocks), a file with several
    hard links counted once; 0 when the folder does not exist."""
    seen, total = set(), 0
    for root, _, names in os.walk(folder):
        for name in names:
            try:
                stat = os.lstat(os.path.join(root, name))
            except OSError:
                continue  # removed between the listing and the stat (a finished spill file)
            if (stat.st_dev, stat.st_ino) not in seen:
                seen.add((stat.st_dev, stat.st_ino))
                total += stat.st_blocks * 512
    return total


class TreeMemory:
    """Peak resident memory of this process and all its descendants, sampled in a background
    thread (Linux /proc; elsewhere the peaks getrusage reports for this process and its waited-for
    children). Use `with TreeMemory() as memory:` then memory.peak_mib. With `disk` (a folder), the
    peak of disk_bytes(disk) is sampled too (every `disk_every` samples): memory.peak_disk_bytes,
    spilled intermediate results included when they go to that folder."""

    def __init__(self, interval: float = 0.25, disk: Path | None = None, disk_every: int = 8):
        self.interval, self.peak_kib = interval, 0
        self.disk, self.disk_every, self.peak_disk_bytes = disk, disk_every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _tree_kib(pid: int) -> int:
        """Resident KiB of pid and its descendants (parents read from every /proc/<pid>/stat)."""
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended between the listing and the read
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        total, pending, page_kib = 0, [pid], os.sysconf("SC_PAGE_SIZE") // 1024
        while pending:
            current = pending.pop()
            try:
                total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * page_kib
            except (OSError, IndexError, ValueError):
                continue
            pending += children.get(current, [])
        return total

    def _sample(self) -> None:
        samples = 0
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, self._tree_kib(os.getpid()))
            if self.disk is not None and samples % self.disk_every == 0:
                self.peak_disk_bytes = max(self.peak_disk_bytes, disk_bytes(self.disk))
            samples += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> "TreeMemory":
        if Path("/proc/self/status").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.disk is not None:
            self.peak_disk_bytes = max(self.peak_disk_bytes, disk_bytes(self.disk))
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join()
        else:
            self.peak_kib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                             + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)

    @property
    def peak_mib(self) -> float:
        return self.peak_kib / 1024


class Progress(logging.Formatter):
    """Console progress lines, '[  12.3 s] M backfill: staging.lab_results: 9,876,543 rows in 41.2 s',
    for the bench's own phases (say) and for each pipeline step (the pipelines.progress logger).

    A context manager: its console handler is on the pipelines.progress logger from entry to exit.
    The stamp is added when the line is formatted for the console, so the log record itself (seen by
    every other handler: the run's own log, a test's capture) keeps the step's line as logged."""

    def __init__(self):
        super().__init__("%(message)s")
        self.began, self.prefix = time.monotonic(), ""
        self._handler = logging.StreamHandler()
        self._handler.setFormatter(self)

    def __enter__(self) -> "Progress":
        from pipelines.core.run_log import progress_printed_by

        self._printing = progress_printed_by(self._handler)
        self._printing.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._printing.__exit__(*exc)

    def format(self, record: logging.LogRecord) -> str:
        return f"[{time.monotonic() - self.began:7.1f} s] {self.prefix}{super().format(record)}"

    def say(self, line: str) -> None:
        print(f"[{time.monotonic() - self.began:7.1f} s] {self.prefix}{line}", flush=True)


# The floor: DuckDB reading every landed lab and vitals file once, every column tokenized and
# kept (a max per column), with the landing's CSV options (malformed lines set aside as rejects)...
FLOOR_READ = """
SELECT count(*), {maxima}
FROM read_csv('{glob}', auto_detect = false, header = true, quote = '"', escape = '"', strict_mode = true,
              store_rejects = true, columns = {{{columns}}})
"""
# ...and one 7-day window aggregate per patient and analyte over the staged labs.
FLOOR_WINDOW = """
SELECT count(*), sum(n), max(lowest), max(highest) FROM (
    SELECT count(value_num) OVER week AS n, min(value_num) OVER week AS lowest, max(value_num) OVER week AS highest
    FROM staging.lab_results
    WINDOW week AS (PARTITION BY patient_id, analyte ORDER BY collected_at
                    RANGE BETWEEN INTERVAL 7 DAYS PRECEDING AND CURRENT ROW))
"""


def _floor(warehouse: Path, landing: Path) -> dict:
    """Seconds of the floor's two parts, measured on the warehouse after the runs."""
    import duckdb

    from pipelines.core.contract import LABS, VITALS
    from pipelines.core.settings import memory_setting

    out = {}
    with duckdb.connect(config={"memory_limit": memory_setting()}) as reader:
        for kind in (LABS, VITALS):
            began = time.monotonic()
            reader.execute(FLOOR_READ.format(
                glob=landing / f"{kind.name}_*.csv", maxima=", ".join(f"max({c})" for c in kind.columns),
                columns=", ".join(f"'{c}': 'VARCHAR'" for c in kind.columns))).fetchall()
            out[f"read {kind.name} files"] = time.monotonic() - began
    with connect(warehouse, load_settings().timezone, read_only=True) as con:
        began = time.monotonic()
        con.execute(FLOOR_WINDOW).fetchall()
        out["7-day window over staged labs"] = time.monotonic() - began
    return out


def _link_all(files: list[Path], folder: Path) -> None:
    """Put the cached files in a run's landing folder: hard links (no copy), else copies."""
    for path in files:
        try:
            os.link(path, folder / path.name)
        except OSError:
            shutil.copy2(path, folder / path.name)


def machine() -> dict:
    """The machine's cores, memory and the versions that matter for the figures."""
    import dagster
    import duckdb

    total = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:")), 0) if Path("/proc/meminfo").exists() else 0
    return {"cores": os.cpu_count(), "memory_gib": round(total / 2**20, 1), "python": platform.python_version(),
            "duckdb": duckdb.__version__, "dagster": dagster.__version__,
            "duckdb_memory_limit": os.environ.get("MASSCREEN_DUCKDB_MEMORY")}


def bench_size(hospital, folder: Path, progress: Progress) -> dict:
    """Backfill, nightly and floor for one cached hospital (pipelines.synthetic.scale.ScaledHospital)."""
    shutil.rmtree(folder, ignore_errors=True)
    landing = folder / "landing"
    landing.mkdir(parents=True)
    last_day = [hospital.landing / f"{kind}_{hospital.end.isoformat()}.csv" for kind in ("labs", "vitals")]
    _link_all([p for p in sorted(hospital.landing.iterdir()) if p not in last_day], landing)
    warehouse = folder / "warehouse.duckdb"
    runner.configure(warehouse, landing=landing)
    result = {"lab_rows": hospital.lab_rows, "vital_rows": hospital.vital_rows, "days": hospital.days,
              "copies": hospital.copies, "landing_bytes": hospital.bytes}
    for phase, start, end in (("backfill", hospital.start, hospital.end - timedelta(days=1)),
                              ("nightly", hospital.end, hospital.end)):
        if phase == "nightly":
            _link_all(last_day, landing)
        progress.prefix = f"{hospital.size} {phase}: "
        progress.say(f"run {start} to {end}")
        with TreeMemory(disk=folder) as memory:
            began = time.monotonic()
            # as `masscreen run` does: a backfill loads once, then the blocks of days with data
            outcome = runner.run_backfill(start, end) if phase == "backfill" else runner.run_range(start, end)
            seconds = time.monotonic() - began
        run_ids = [run.run_id for run in outcome.runs] if phase == "backfill" else [outcome.run_id]
        with connect(warehouse, load_settings().timezone, read_only=True) as con:
            steps = con.execute(STEP_SECONDS, [run_ids]).fetchall()
        rows_in = sum(rows for step, _, rows in steps if step == "raw.extracts")
        result[phase] = {"seconds": round(seconds, 2), "rows_in": rows_in, "rows_per_second": round(rows_in / seconds),
                         "peak_memory_mib": round(memory.peak_mib), "peak_disk_bytes": memory.peak_disk_bytes,
                         "run_id": outcome.run_id,
                         "failures": list(outcome.failures),
                         "steps": {step: {"seconds": round(step_seconds, 2), "rows": rows}
                                   for step, step_seconds, rows in steps if step != "run failed"}}
        progress.say(f"{'FAILED, ' if not outcome.success else ''}{seconds:.1f} s wall, {rows_in:,} rows in, "
                     f"peak {memory.peak_mib:,.0f} MiB")
        for failure in outcome.failures:
            progress.say(f"failed: {failure.splitlines()[0][:300]}")
        if not outcome.success:
            break  # a night after a failed backfill measures nothing the figures could use
    result["disk"] = footprint(folder, warehouse, hospital.bytes, result)
    progress.say("disk: " + ", ".join(f"{part} {size / 2**30:.2f} GiB" for part, size in result["disk"].items()))
    progress.prefix = f"{hospital.size} floor: "
    with TreeMemory() as memory:
        floor = _floor(warehouse, landing)
    result["floor"] = {"seconds": round(sum(floor.values()), 2), "parts": {k: round(v, 2) for k, v in floor.items()},
                       "peak_memory_mib": round(memory.peak_mib)}
    progress.say(", ".join(f"{k} {v:.1f} s" for k, v in floor.items()))
    progress.prefix = ""
    return result


def footprint(folder: Path, warehouse: Path, landing_bytes: int, result: dict) -> dict:
    """Disk a size's run takes, in bytes, after its last run: the landed files (hard links to the
    cache), the warehouse, the published folder (snapshot, the snapshot it replaced, Parquet), the
    rest of the run folder (spill folder, Dagster's instance); and the peak of the whole run folder
    sampled during the runs (`peak`, spilled data included): the free disk a size needs."""
    from pipelines.publish.snapshot import published_folder

    files = sum(path.stat().st_blocks * 512 for path in (warehouse, Path(f"{warehouse}.wal")) if path.exists())
    published = disk_bytes(published_folder(warehouse))
    whole = disk_bytes(folder)
    peaks = [result[phase]["peak_disk_bytes"] for phase in ("backfill", "nightly") if phase in result]
    return {"landing": landing_bytes, "warehouse": files, "published": published,
            "other": max(whole - landing_bytes - files - published, 0), "peak": max(peaks + [whole])}


def disk_needed(size: str, measured: dict) -> tuple[int, str] | None:
    """The free disk a size's run needs, estimated from the largest measured size with disk figures
    (its peak bytes per lab row times the size's lab rows, estimated from the copies of the base
    hospital), and the size it was estimated from; None without such a measurement."""
    from pipelines.synthetic.scale import SIZES

    known = [(entry["lab_rows"], name, entry) for name, entry in measured.items()
             if entry.get("disk", {}).get("peak") and entry.get("copies")]
    if not known:
        return None
    rows, name, entry = max(known)
    rows_here = rows / entry["copies"] * SIZES[size]
    return round(entry["disk"]["peak"] / rows * rows_here), name


def check_disk(size: str, measured: dict, cache: Path, folder: Path) -> None:
    """Stop before a size whose run cannot fit on the disk (disk_needed against the free space of
    `folder`, counting what is already cached and the previous run of that size, which is
    replaced): SystemExit with one line giving both figures and the fixes."""
    needed = disk_needed(size, measured)
    if needed is None:
        return
    bytes_needed, source = needed
    folder.mkdir(parents=True, exist_ok=True)
    cached = sum(disk_bytes(path) for path in cache.glob(f"{size}-*")) if cache.exists() else 0
    available = shutil.disk_usage(folder).free + cached + max(disk_bytes(folder / size) - cached, 0)
    if bytes_needed > available:
        raise SystemExit(
            f"bench: size {size} needs about {bytes_needed / 2**30:.0f} GiB of disk (the peak per lab row measured at "
            f"{source}) but {available / 2**30:.0f} GiB are free for {folder}: free disk, give --dir and --cache on a "
            f"larger disk, or pass --skip-disk-check to run anyway")


def print_size(size: str, generated: dict, r: dict) -> None:
    """One size's results as Markdown."""
    floor = r["floor"]["seconds"]
    print(f"\n### {size}: {r['lab_rows']:,} lab and {r['vital_rows']:,} vital rows over {r['days']} days "
          f"({r['copies']} x the base hospital)\n")
    print(f"Landing files {r['landing_bytes'] / 2**30:.2f} GiB, generated once in {generated['seconds']:.0f} s "
          "(cached).\n")
    print("| step | backfill s | x floor | rows | rows/s | nightly s |\n|---|---:|---:|---:|---:|---:|")
    empty = {"seconds": 0, "rows_in": 0, "rows_per_second": 0, "peak_memory_mib": 0, "steps": {}, "failures": []}
    r = {**r, "nightly": r.get("nightly", empty)}
    backfill, nightly = r["backfill"]["steps"], r["nightly"]["steps"]
    for step, figures in backfill.items():
        rate = f"{figures['rows'] / figures['seconds']:,.0f}" if figures["seconds"] else ""
        print(f"| {step} | {figures['seconds']:.2f} | {figures['seconds'] / floor:.2f} | {figures['rows']:,} | {rate} "
              f"| {nightly.get(step, {}).get('seconds', 0):.2f} |")
    outside = {phase: r[phase]["seconds"] - sum(f["seconds"] for f in r[phase]["steps"].values())
               for phase in ("backfill", "nightly")}
    print(f"| outside the steps (Dagster start-up, checks, events; a failed step's own time) "
          f"| {outside['backfill']:.2f} | {outside['backfill'] / floor:.2f} | | | {outside['nightly']:.2f} |")
    print(f"| **wall, end to end** | **{r['backfill']['seconds']:.1f}** | **{r['backfill']['seconds'] / floor:.2f}** "
          f"| {r['backfill']['rows_in']:,} in | {r['backfill']['rows_per_second']:,} | **{r['nightly']['seconds']:.2f}** |")
    print(f"| peak memory, process tree (MiB) | {r['backfill']['peak_memory_mib']:,} | | | "
          f"| {r['nightly']['peak_memory_mib']:,} |\n")
    for phase in ("backfill", "nightly"):
        for failure in r[phase]["failures"]:
            print(f"**The {phase} failed**: {failure.splitlines()[0][:300]}\n")
    if not r["nightly"]["seconds"]:
        print("No nightly run: the backfill failed.\n")
    if "disk" in r:
        print("Disk after the nightly run (GiB): " + ", ".join(
            f"{part} {size / 2**30:.2f}" for part, size in r["disk"].items() if part != "peak")
            + f"; peak of the run folder during the runs {r['disk']['peak'] / 2**30:.2f}.\n")
    print("Floor: " + ", ".join(f"{k} {v:.2f} s" for k, v in r["floor"]["parts"].items())
          + f"; total {floor:.2f} s (peak {r['floor']['peak_memory_mib']:,} MiB).")


def print_summary(sizes: dict) -> None:
    """Every measured size side by side (from the JSON, so earlier runs' sizes too), with the
    targets of the issue: L backfill < 15 min and < 8 GiB; backfill <= 3x the floor; nightly at L
    < 10 s and within 30 % of S's."""
    measured = {size: r for size, r in sizes.items() if "backfill" in r}
    if not measured:
        return
    print("\n| size | lab rows | backfill s | floor s | backfill / floor | peak MiB (tree) | nightly s "
          "| nightly / S's | measured |\n|---|---:|---:|---:|---:|---:|---:|---:|---|")
    small = measured.get("S", {}).get("nightly", {}).get("seconds")
    for size, r in measured.items():
        failed = " (failed)" if r["backfill"]["failures"] else ""
        nightly = r.get("nightly", {}).get("seconds")
        print(f"| {size} | {r['lab_rows']:,} | {r['backfill']['seconds']:.1f}{failed} | {r['floor']['seconds']:.2f} "
              f"| {r['backfill']['seconds'] / r['floor']['seconds']:.1f} | {r['backfill']['peak_memory_mib']:,} "
              f"| {f'{nightly:.2f}' if nightly else 'not run'} "
              f"| {f'{nightly / small:.2f}' if nightly and small else ''} | {r['measured']} |")


def bench_sizes(sizes: list[str], cache: Path, folder: Path, json_path: Path, generate_only: bool,
                skip_disk_check: bool = False) -> None:
    """Per size: a check that its run fits on the disk (check_disk, unless skip_disk_check), the
    cached hospital (generated when missing), then bench_size; results printed and merged into
    json_path by size as each size ends (other sizes' earlier entries are kept)."""
    from pipelines.synthetic.scale import scaled_hospital

    os.environ.setdefault("MASSCREEN_DUCKDB_MEMORY", "5GB")
    with Progress() as progress:
        results = json.loads(json_path.read_text()) if json_path.exists() else {"sizes": {}}
        for size in sizes:
            if not (skip_disk_check or generate_only):
                check_disk(size, results["sizes"], cache, folder)
            progress.prefix = f"{size} generate: "
            with TreeMemory() as memory:
                hospital = scaled_hospital(size, cache, progress=progress.say)
            generated = {"seconds": hospital.seconds, "bytes": hospital.bytes, "digest": hospital.digest,
                         "peak_memory_mib_this_call": round(memory.peak_mib)}
            progress.prefix = ""
            progress.say(f"{size}: {hospital.lab_rows:,} lab and {hospital.vital_rows:,} vital rows in {hospital.landing} "
                         f"({hospital.bytes / 2**30:.2f} GiB, generated in {hospital.seconds:.0f} s)")
            entry = {"measured": date.today().isoformat(), "machine": machine(), "generated": generated}
            if not generate_only:
                entry |= bench_size(hospital, folder / size, progress)
                print_size(size, generated, entry)
            results["sizes"][size] = results["sizes"].get(size, {}) | entry if generate_only else entry
            # written after each size: a later size stopped (the disk check, an interrupt) keeps this one's
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps(results, indent=2) + "\n")
    print_summary(results["sizes"])
    print(f"\nResults in {json_path}")


def bench_spark(patient_counts: list[int], folder: Path, master: str = "local[2]") -> None:
    """Time both engines' feature and screen stages per hospital size (module docstring)."""
    from pipelines.features import feature_table
    from pipelines.ingest import presets
    from pipelines.screen import screening, spark_stages
    from pipelines.staging import staged_tables
    from pipelines.features.dialects import SHIPPED_RULE_FILE
    from pipelines.features.rule_set import load_rule_set
    from pipelines.synthetic import generate
    from pipelines.core.warehouse import connect

    rule_set, start, end, zone = load_rule_set(SHIPPED_RULE_FILE), date(2024, 2, 28), date(2024, 3, 25), "America/New_York"
    rows = []
    for patients in patient_counts:
        base = folder / f"p{patients}"
        shutil.rmtree(base, ignore_errors=True)
        generate(base, patients=patients, days=30, start=date(2024, 2, 25), seed=11)
        timings: dict[str, float] = {}
        with connect(base / "warehouse.duckdb", zone) as con:
            staged_tables.refresh_reference_tables(con)
            presets.land(con, base / "landing", run_id="bench")
            for table in staged_tables.STAGED_TABLES:
                staged_tables.stage(con, table)
            labs = con.execute("SELECT count(*) FROM staging.lab_results").fetchone()[0]
            clock = time.perf_counter()
            days = feature_table.build_patient_day(con, start, end, rule_set)
            timings["duckdb features"] = time.perf_counter() - clock
            clock = time.perf_counter()
            flagged = screening.build_screen(con, start, end, rule_set)
            timings["duckdb screen"] = time.perf_counter() - clock
            clock = time.perf_counter()
            staging = spark_stages.export_staging(con, base / "exchange")
            timings["export"] = time.perf_counter() - clock
        clock = time.perf_counter()
        with spark_stages.spark_session(zone, base / "spark", master) as spark:
            spark_stages.register_staging(spark, staging)
            timings["spark start"] = time.perf_counter() - clock
            clock = time.perf_counter()
            spark_stages.build_patient_day(spark, start, end, rule_set, base / "spark-out")
            timings["spark features"] = time.perf_counter() - clock
            clock = time.perf_counter()
            spark_stages.build_screen(spark, start, end, rule_set, base / "spark-out")
            timings["spark screen"] = time.perf_counter() - clock
        rows.append((patients, labs, days, flagged, timings))
        print(f"{patients} patients: {timings}", flush=True)
    print(f"\n{machine()}\n")
    print("| patients | staged lab rows | patient-days | flagged | DuckDB features | DuckDB screen | "
          "export to Parquet | Spark session start | Spark features | Spark screen |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for patients, labs, days, flagged, t in rows:
        print(f"| {patients:,} | {labs:,} | {days:,} | {flagged:,} | {t['duckdb features']:.1f} s | "
              f"{t['duckdb screen']:.1f} s | {t['export']:.1f} s | {t['spark start']:.1f} s | "
              f"{t['spark features']:.1f} s | {t['spark screen']:.1f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    pipeline = commands.add_parser("pipeline", help="a synthetic hospital at each scale through Dagster, by step")
    pipeline.add_argument("--scales", type=int, nargs="+", default=[1, 10],
                          help="history multiples: 3,000 patients over 90 days times each")
    pipeline.add_argument("--dir", type=Path, default=Path("var/bench"))
    ingest = commands.add_parser("ingest", help="N lab rows from CSV to staging")
    ingest.add_argument("--rows", type=int, default=10_000_000)
    ingest.add_argument("--dir", type=Path, default=Path("var/bench-ingest"))
    sizes = commands.add_parser("sizes", help="hospitals S, M, L: backfill, nightly, floor, peak memory")
    sizes.add_argument("sizes", nargs="*", default=["S", "M", "L"], choices=["S", "M", "L"])
    sizes.add_argument("--cache", type=Path, default=Path("var/bench-cache"),
                       help="generated hospitals, kept between runs (keyed by size and digest)")
    sizes.add_argument("--dir", type=Path, default=Path("var/bench-sizes"), help="per-run warehouses")
    sizes.add_argument("--json", type=Path, default=Path("docs/benchmarks.json"))
    sizes.add_argument("--generate-only", action="store_true", help="fill the cache and stop")
    sizes.add_argument("--skip-disk-check", action="store_true",
                       help="run a size even when the disk it needs (from a smaller size's peak) is not free")
    report = commands.add_parser("report", help="masscreen report for a day with about --flagged flagged patients")
    report.add_argument("--flagged", type=int, default=50)
    report.add_argument("--patients", type=int, default=4000)
    report.add_argument("--dir", type=Path, default=Path("var/bench-report"))
    report.add_argument("--markdown", type=Path, default=Path("docs/BENCHMARKS.md"))
    spark = commands.add_parser("spark", help="feature and screen stages on DuckDB and on Spark (local mode)")
    spark.add_argument("--patients", type=int, nargs="+", default=[300, 1500])
    spark.add_argument("--master", default="local[2]")
    spark.add_argument("--dir", type=Path, default=Path("var/bench-spark"))
    args = parser.parse_args()
    if args.command == "spark":
        bench_spark(args.patients, args.dir, args.master)
    elif args.command == "report":
        bench_report(args.flagged, args.dir, args.markdown, args.patients)
    elif args.command == "sizes":
        bench_sizes(args.sizes, args.cache, args.dir, args.json, args.generate_only, args.skip_disk_check)
    elif args.command == "ingest":
        bench_ingest(args.rows, args.dir)
    else:
        bench_pipeline(args.scales, args.dir)


if __name__ == "__main__":
    main()
