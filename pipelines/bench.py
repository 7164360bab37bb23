"""`make bench`: time the demo-sized pipeline by stage; print a Markdown table for docs/BENCHMARKS.md.

Figures come from meta.runs (each step's start and end) and the process's peak resident memory.
Not a test: nothing here asserts a time.
"""

import argparse
import resource
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

from pipelines import runner
from pipelines.settings import load_settings
from pipelines.warehouse import connect

STEP_SECONDS = """
SELECT step, sum(epoch(finished_at - started_at)) AS seconds, sum(rows_written) AS rows
FROM meta.runs WHERE run_id = ? GROUP BY step ORDER BY min(started_at)
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
        steps = con.execute(STEP_SECONDS, [outcome.run_id]).fetchall()
    return outcome.run_id, seconds, steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=3000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--dir", type=Path, default=Path("var/bench"))
    args = parser.parse_args()

    from pipelines.synthetic import generate

    shutil.rmtree(args.dir, ignore_errors=True)
    start = date(2024, 1, 1)
    end = start + timedelta(days=args.days - 1)
    began = time.monotonic()
    summary = generate(args.dir, patients=args.patients, days=args.days, start=start, seed=7)
    generate_seconds = time.monotonic() - began

    warehouse = args.dir / "warehouse.duckdb"
    runner.configure(warehouse, landing=args.dir / "landing")
    _, backfill_seconds, backfill_steps = _timed_run(warehouse, start, end)
    _, nightly_seconds, nightly_steps = _timed_run(warehouse, end, end)

    print(f"Synthetic hospital: {summary.patients:,} patients, {args.days} days, {summary.lab_rows:,} lab rows, "
          f"{summary.vital_rows:,} vital rows; generated in {generate_seconds:.1f} s\n")
    for title, seconds, steps in (("Backfill of the whole period (one run)", backfill_seconds, backfill_steps),
                                  ("Nightly run of the last day (no new files)", nightly_seconds, nightly_steps)):
        print(f"{title}: {seconds:.1f} s wall, including Dagster start-up and checks\n")
        print("| step | seconds | rows written |\n|---|---:|---:|")
        for step, step_seconds, rows in steps:
            print(f"| {step} | {step_seconds:.2f} | {rows:,} |")
        print()
    print(f"Peak resident memory of the process: {_peak_rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
