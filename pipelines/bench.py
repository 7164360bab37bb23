"""`make bench`: timings for docs/BENCHMARKS.md, printed as Markdown. Not a test: nothing here
asserts a time.

- `python -m pipelines.bench pipeline`: the demo-sized hospital through Dagster, a backfill and a
  nightly run, by step (from meta.runs).
- `python -m pipelines.bench ingest --rows N`: N lab rows from one canonical CSV to staging
  (landing and staging only), with the process's peak resident memory.
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


# Canonical lab rows made by DuckDB itself, so writing 10 million of them takes seconds. Values and
# units are ordinary (a few implausible ones included); every tenth result id is sent twice.
BIG_LABS = """
COPY (
    SELECT 'P' || lpad(CAST(i % 50000 AS VARCHAR), 6, '0') AS patient_id,
           'E' || CAST(i % 80000 AS VARCHAR) AS encounter_id,
           'R' || CAST(CASE WHEN i % 10 = 9 THEN i - 1 ELSE i END AS VARCHAR) AS result_id,
           (['2276-4', '777-3', '1920-8', '2571-8', '3255-7', '718-7', '6690-2', '751-8', '1742-6', '2532-0'])[1 + i % 10] AS code,
           'test' AS name,
           CAST(round(5 + (hash(i) % 5000) / 10.0, 1) AS VARCHAR) AS value,
           (['ng/mL', 'K/uL', 'U/L', 'mg/dL', 'mg/dL', 'g/dL', 'K/uL', 'K/uL', 'U/L', 'U/L'])[1 + i % 10] AS unit,
           '' AS ref_low, '' AS ref_high,
           strftime(TIMESTAMP '2024-01-01' + to_minutes(CAST(i % 129600 AS BIGINT)), '%Y-%m-%dT%H:%M:%S') AS collected_at,
           strftime(TIMESTAMP '2024-01-01' + to_minutes(CAST(i % 129600 AS BIGINT) + 120), '%Y-%m-%dT%H:%M:%S') AS resulted_at,
           'F' AS status
    FROM range(?) AS t(i)
) TO '{path}' (HEADER, DELIMITER ',')
"""


def bench_ingest(rows: int, folder: Path) -> None:
    import duckdb

    from pipelines import stages

    shutil.rmtree(folder, ignore_errors=True)
    (folder / "landing").mkdir(parents=True)
    path = folder / "landing" / "labs_big.csv"
    began = time.monotonic()
    duckdb.connect().execute(BIG_LABS.format(path=path), [rows])
    print(f"Wrote {rows:,} lab rows ({path.stat().st_size / 2**20:,.0f} MiB CSV) in {time.monotonic() - began:.1f} s\n")
    with connect(folder / "warehouse.duckdb", load_settings().timezone) as con:
        stages.refresh_reference_tables(con)
        began = time.monotonic()
        stages.land(con, folder / "landing", run_id="bench")
        landed = time.monotonic()
        staged = stages.stage(con, "lab_results")
        done = time.monotonic()
        counts = con.execute("SELECT (SELECT count(*) FROM quarantine.rejected_rows), "
                             "(SELECT count(*) FROM staging.superseded_rows)").fetchone()
    print("| step | seconds |\n|---|---:|")
    print(f"| land (sha256, read CSV into raw) | {landed - began:.1f} |")
    print(f"| stage lab_results (parse, convert, quarantine, de-duplicate) | {done - landed:.1f} |")
    print(f"| **CSV to staging** | **{done - began:.1f}** |\n")
    print(f"Staged {staged:,}, quarantined {counts[0]:,}, superseded {counts[1]:,}; "
          f"peak resident memory of the process: {_peak_rss_mib():,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    pipeline = commands.add_parser("pipeline", help="demo-sized hospital through Dagster, by step")
    pipeline.add_argument("--patients", type=int, default=3000)
    pipeline.add_argument("--days", type=int, default=90)
    pipeline.add_argument("--dir", type=Path, default=Path("var/bench"))
    ingest = commands.add_parser("ingest", help="N lab rows from CSV to staging")
    ingest.add_argument("--rows", type=int, default=10_000_000)
    ingest.add_argument("--dir", type=Path, default=Path("var/bench-ingest"))
    args = parser.parse_args()
    if args.command == "ingest":
        bench_ingest(args.rows, args.dir)
        return

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
