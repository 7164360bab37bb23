"""`make bench`: timings for docs/BENCHMARKS.md, printed as Markdown. Not a test: nothing here
asserts a time.

- `python -m pipelines.bench pipeline`: a synthetic hospital with 1x and 10x the history through
  Dagster, a backfill and then a nightly run with that night's files, by step (from meta.runs).
- `python -m pipelines.bench ingest --rows N`: N lab rows from one canonical CSV to staging
  (landing and staging only), with the process's peak resident memory.
"""

import argparse
import os
import resource
import secrets
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


def bench_pipeline(scales: list[int], folder: Path) -> None:
    """Per scale s (3,000 s patients over 90 s days, so the same daily volume over s times the
    history): a backfill of all days but the last, then the nightly run of the last day with its
    files landing just before it, as they do at a site."""
    from pipelines.research import release
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
    args = parser.parse_args()
    if args.command == "ingest":
        bench_ingest(args.rows, args.dir)
    else:
        bench_pipeline(args.scales, args.dir)


if __name__ == "__main__":
    main()
