"""`masscreen`: generate a synthetic hospital, run the screen over a range of days, or both (demo);
release the de-identified research tier; write the HTML report of a day and a month; query a
published file read-only (pipelines/research/query.py)."""

import argparse
import functools
import logging
import signal
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

from pipelines import runner


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text}") from error


def _month(text: str) -> date:
    from pipelines.publish.report import parse_month

    try:
        return parse_month(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer: {text}")
    return value


class _VersionAction(argparse.Action):
    """`masscreen --version`: the code version and the version of the rule file in use (read only
    when asked, so that a malformed rule file never stops the other commands' help)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_text())
        parser.exit()


def version_text() -> str:
    """'masscreen <code version>; rule set <name@content digest> (<rule file>)' (ValueError from the
    rule file is shown as the rule set's line instead)."""
    from pipelines.features.rule_set import load_rule_set
    from pipelines.core.run_log import code_version
    from pipelines.core.settings import load_settings

    try:
        rules = load_settings().rules
        rule_set = f"rule set {load_rule_set(rules).version} ({rules})"
    except (ValueError, OSError) as error:
        rule_set = f"rule set not readable: {error}"
    return f"masscreen {code_version()}; {rule_set}"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="masscreen",
        description="Nightly screen for macrophage activation syndrome (MAS) from lab and vitals extracts.",
    )
    top.add_argument("--version", action=_VersionAction,
                     help="print the code version and the rule set version (MASSCREEN_RULES, else the packaged rules.yaml)")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    generate = commands.add_parser(
        "generate", help="write a deterministic synthetic hospital's extracts",
        description="Write synthetic extract files in the canonical contract to OUT/landing and the "
                    "ground truth (MAS episodes, confounders, injected defects) to OUT/truth.")
    generate.add_argument("--out", type=Path, required=True, help="folder to write landing/ and truth/ into")
    generate.add_argument("--patients", type=_positive, default=3000, help="number of patients (default 3000)")
    generate.add_argument("--days", type=_positive, default=90, help="length of the period in days (default 90)")
    generate.add_argument("--start", type=_date, default=date(2024, 1, 1), help="first day, YYYY-MM-DD (default 2024-01-01)")
    generate.add_argument("--seed", type=int, default=7, help="random seed; same seed, same files (default 7)")

    run = commands.add_parser(
        "run", help="load new extracts and screen a range of days (one Dagster run; a long range, a few)",
        description="Load new files from the landing folder into the warehouse, stage and validate them, "
                    "and build features.patient_day and screen.at_risk_daily for every day from START "
                    "to END (inclusive) in one run of the mas_screen job; a range longer than "
                    f"{runner.MERGE_GAP_DAYS} days loads once, screens only the blocks of days that can hold "
                    "rows (one run each) and says how many days it skipped. Exit code 0 when the night is "
                    "complete; 3 when it is incomplete (a file could not be loaded: the screen ran on the "
                    "others, the summary names the file to fix); 1 when a step or blocking check failed or "
                    "the run could not start (one line says why and what to change).")
    sources = run.add_mutually_exclusive_group(required=True)
    sources.add_argument("--landing", type=Path, help="folder of landed extract files in the canonical contract")
    sources.add_argument("--config", type=Path,
                         help="site configuration (YAML): time zone, first day and the sources with their presets")
    run.add_argument("--warehouse", type=Path, required=True, help="DuckDB warehouse file (created if absent)")
    run.add_argument("--start", type=_date, required=True, help="first day to screen, YYYY-MM-DD")
    run.add_argument("--end", type=_date, required=True, help="last day to screen, YYYY-MM-DD (inclusive)")
    run.add_argument("--timezone", help="site time zone (default: the config's, else MASSCREEN_TIMEZONE or America/New_York)")
    run.add_argument("--partition-start", type=_date,
                     help="first day partition, YYYY-MM-DD (default: the config's partition_start, else "
                          "MASSCREEN_PARTITION_START or 2024-01-01); no day before it can be screened")
    run.add_argument("--truth", type=Path, help="a generator's truth/mas_episodes.csv, to report episodes caught")
    run.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)

    demo = commands.add_parser(
        "demo", help="generate a synthetic hospital and screen its whole period",
        description="Generate a synthetic hospital into DIR, run the screen over its whole period as one "
                    "run, print a summary, and write the last day's report with its month's audit "
                    "(DIR/report.html, DIR/worklist.csv). Running it again gives the same tables.")
    demo.add_argument("--dir", type=Path, default=Path("var/demo"), help="working folder (default var/demo)")
    demo.add_argument("--patients", type=_positive, default=3000, help="number of patients (default 3000)")
    demo.add_argument("--days", type=_positive, default=90, help="length of the period in days (default 90)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    demo.add_argument("--verbose", action="store_true", help=VERBOSE_HELP)

    research = commands.add_parser(
        "research", help="release the de-identified research tier from the published snapshot",
        description="Read the published snapshot beside the warehouse (never the warehouse itself) and "
                    "write published/research.duckdb and published/research-parquet/: keyed pseudonyms, "
                    "dates shifted per patient, ages over 89 capped, no free text (docs/RESEARCH.md). "
                    "Needs MASSCREEN_RESEARCH_KEY; exit code 1 without it or without a snapshot.")
    research.add_argument("--warehouse", type=Path,
                          help="warehouse whose snapshot to release (default: MASSCREEN_WAREHOUSE, else var/warehouse.duckdb)")

    report = commands.add_parser(
        "report", help="write the day's worklist, timelines and the month's audit as one offline HTML page",
        description="Read the warehouse (read-only; its published/warehouse.duckdb works too) and write one "
                    "self-contained HTML file that loads nothing from the network: the patients flagged on "
                    "DATE (new or continuing, tier, rules, key values, episode day), a timeline per flagged "
                    "patient over the last two weeks with the rule thresholds and the flag days, and the "
                    "month's audit (performance, missed and late-recognised cases, near misses). Exit code 1, "
                    "with one line saying why, when the file, a table or the day's screen is missing.")
    report.add_argument("--warehouse", type=Path, required=True, help="DuckDB warehouse file, or its published snapshot")
    report.add_argument("--date", type=_date, required=True, help="the day whose flags to list, YYYY-MM-DD")
    report.add_argument("--out", type=Path, required=True, help="HTML file to write")
    report.add_argument("--month", type=_month, help="the month to audit, YYYY-MM (default: the month of --date)")
    report.add_argument("--worklist-csv", type=Path,
                        help="also write the worklist as CSV (cells a spreadsheet would run as formulas get a leading ')")
    add_query_parser(commands)
    return top


def add_query_parser(commands) -> None:
    """`masscreen query`: read-only SQL on a published file (pipelines/research/query.py)."""
    query = commands.add_parser(
        "query", help="run read-only SQL, or an example research query, on the published snapshot or a research release",
        description="Open a published DuckDB file read-only (default: published/warehouse.duckdb beside "
                    "MASSCREEN_WAREHOUSE, else beside var/warehouse.duckdb; a research release with --db "
                    "published/research.duckdb), run one statement that reads (SELECT, WITH, DESCRIBE, SHOW, "
                    "SUMMARIZE, EXPLAIN, a PRAGMA that reads) and print the result as a table, or write it "
                    "with --out. Statements that write, attach or copy to files, load extensions or change "
                    "settings are refused. The examples are sql/examples/*.sql; each says its question, "
                    "the tables it reads, where it runs and its caveats. Exit code 2, with one line saying "
                    "why and what to change, for a missing file, a refused statement, SQL DuckDB rejects "
                    "or an unknown example.")
    what = query.add_mutually_exclusive_group()
    what.add_argument("sql", nargs="?", help='one statement, e.g. "SELECT tier, count(*) FROM screen.at_risk_daily GROUP BY tier"')
    what.add_argument("--file", type=Path, help="run the statement in this file")
    what.add_argument("--example", nargs="?", const="", metavar="NAME",
                      help="run sql/examples/NAME.sql; without NAME, list the examples")
    what.add_argument("--list-examples", action="store_true", help="list the examples with the question each answers")
    query.add_argument("--db", type=Path, help="the DuckDB file to read (default: the published snapshot beside "
                                               "MASSCREEN_WAREHOUSE)")
    query.add_argument("--out", type=Path, help="write the result to FILE.csv or FILE.parquet (by extension) instead of printing it")
    query.add_argument("--max-rows", type=_positive, default=40, help="rows to print at most (default 40; --out writes all)")

VERBOSE_HELP = ("also print Dagster's own event log (every event, stack traces of failed steps); without it the "
                "console shows one progress line per step and the summary, and the Dagster instance keeps the log")

DEMO_START = date(2024, 1, 1)  # first day of the demo's generated period


def _generate(out: Path, patients: int, days: int, start: date, seed: int) -> None:
    from pipelines.synthetic import generate

    began = time.monotonic()
    summary = generate(out, patients=patients, days=days, start=start, seed=seed)
    print(f"Generated {summary.patients:,} patients, {summary.lab_rows:,} lab rows, {summary.vital_rows:,} "
          f"vital rows, {summary.mas_episodes} MAS episodes in {out} ({time.monotonic() - began:.1f} s)")


EXIT_FAILED = 1
EXIT_INCOMPLETE = 3


class _ProgressLines(logging.Handler):
    """Prints a progress line with the seconds since the command's run began, to the current
    standard output: '  [  12.3 s] staging.lab_results: 185,865 rows in 8.2 s'."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.began = time.monotonic()

    def emit(self, record: logging.LogRecord) -> None:
        print(f"  [{time.monotonic() - self.began:6.1f} s] {record.getMessage()}", flush=True)


def _printing_progress(command: Callable[..., int]) -> Callable[..., int]:
    """Wrap a command so that, while it runs, each finished step's progress line (pipelines.progress:
    step, rows, seconds) is printed as it comes, the seconds counted from the command's start. The
    handler is taken off the logger when the command ends, so a later command or a library caller in
    the same process (a notebook, a test) does not print them."""

    @functools.wraps(command)
    def printing(*arguments, **keywords) -> int:
        from pipelines.core.run_log import progress_printed_by

        with progress_printed_by(_ProgressLines()):
            return command(*arguments, **keywords)

    return printing


def summary_file(warehouse: Path) -> Path:
    """Where a run writes its whole summary: summary.txt beside the warehouse."""
    return Path(warehouse).parent / "summary.txt"


@_printing_progress
def _run(landing: Path | None, config: Path | None, warehouse: Path, start: date, end: date,
         timezone: str | None, truth: Path | None, partition_start: date | None = None,
         verbose: bool = False) -> int:
    from pipelines.features.rule_set import load_rule_set
    from pipelines.core.settings import dagster_home, engine_settings, load_settings
    from pipelines.runner import check_environment
    from pipelines.summary import incomplete_files, render, render_short
    from pipelines.core.warehouse import connect

    try:
        runner.check_warehouse_path(warehouse)
        runner.configure(warehouse, landing, config, timezone, partition_start)
        check_environment()
        runner.set_verbose(verbose)
        engine = engine_settings()
        on_spark = f", features and screen on Spark at {engine.spark_master}" if engine.engine == "spark" else ""
        print(f"Screening {start} to {end} into {warehouse} (Dagster instance {dagster_home()}{on_spark}):")
        began = time.monotonic()
        outcome = runner.run_backfill(start, end)
    except ValueError as error:  # a malformed site configuration, path or range, named in the message
        print(f"Run not started: {error}", file=sys.stderr)
        return EXIT_FAILED
    seconds = time.monotonic() - began
    if not outcome.success:
        failed = next(run for run in outcome.runs if not run.success)
        print(f"Run {failed.run_id} FAILED after {seconds:.1f} s:", file=sys.stderr)
        for failure in outcome.failures:
            print(f"  {failure}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Run {outcome.run_id} screened {start} to {end} in {seconds:.1f} s; warehouse {warehouse}")
    if len(outcome.runs) > 1:
        print(f"  {len(outcome.runs)} runs: loading, features and screen over {outcome.days - outcome.skipped_days:,} days "
              f"in {len(outcome.blocks)} block(s), publishing; {outcome.skipped_days:,} of {outcome.days:,} days skipped: "
              f"{runner.SKIPPED_REASON}")
    for first, last, follow_up in runner.run_changed_days():
        state = "done" if follow_up.success else "FAILED: " + "; ".join(follow_up.failures)
        print(f"Run {follow_up.run_id} recomputed {first} to {last}, days a late or corrected file changed: {state}")
        if not follow_up.success:
            return EXIT_FAILED
    settings = load_settings()
    tier_list = load_rule_set(settings.rules).document["tiers"]
    tiers = [tier["name"] for tier in tier_list]
    alert_tiers = [tier["name"] for tier in tier_list if tier.get("alert")]
    with connect(warehouse, settings.timezone, read_only=True) as con:
        whole = summary_file(warehouse)
        whole.write_text(render(con, tiers, truth, outcome.run_id, alert_tiers) + "\n")
        print(render_short(con, tiers, truth, outcome.run_id, alert_tiers))
        print(f"Whole summary (rows per stage and reason, flags per day, audit by month, episodes, tiers): {whole}")
        unreadable = incomplete_files(con, outcome.run_id)
    if unreadable:
        print(f"NIGHT INCOMPLETE: {len(unreadable)} file(s) could not be loaded; the screen ran without them. "
              f"Fix and re-run (a file is tried again once it changes): "
              + "; ".join(detail if subject.endswith(detail.split(":")[0]) else f"{subject}: {detail}"
                          for subject, detail in unreadable), file=sys.stderr)
        return EXIT_INCOMPLETE
    return 0


def _research(warehouse: Path | None) -> int:
    from pipelines.research.release import release, research_file
    from pipelines.core.settings import load_settings

    settings = load_settings()
    warehouse = warehouse or settings.warehouse
    try:
        row_counts = release(warehouse, settings.timezone)
    except (ValueError, FileNotFoundError) as error:  # no key, a short key, or no snapshot yet
        print(f"Research release not written: {error}", file=sys.stderr)
        return 1
    print(f"Released {research_file(warehouse)}: " + ", ".join(f"{t} {n:,}" for t, n in row_counts.items()))
    return 0


def _report(warehouse: Path, day: date, out: Path, month: date | None, csv_path: Path | None) -> int:
    from pipelines.publish.report import ReportError, write_report

    began = time.monotonic()
    try:
        report = write_report(warehouse, day, out, month, csv_path)
    except ReportError as error:
        print(f"Report not written: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {out}: {report.worklist.height} patient(s) flagged on {day}, {report.timeline_charts} timeline(s), "
          f"the audit of {(month or day).strftime('%Y-%m')}" + (f"; worklist CSV {csv_path}" if csv_path else "")
          + f" ({time.monotonic() - began:.1f} s)")
    return 0


EXIT_USAGE = 2  # a user error: the same code argparse gives a malformed command line


def _query(args: argparse.Namespace) -> int:
    import shutil

    from pipelines.research import query
    from pipelines.core.settings import load_settings

    try:
        if args.list_examples or args.example == "":
            for example in query.examples():
                print(f"{example.name}\n    {example.question}\n    runs on: {example.where}")
            print("Run one: masscreen query --example NAME [--db FILE] [--out FILE.csv]")
            return 0
        chosen = query.example(args.example) if args.example else None
        if args.file is not None:
            if not args.file.is_file():
                raise query.QueryError(f"no such file: {args.file}; give --file a file holding one SQL statement")
            sql = args.file.read_text()
        else:
            sql = chosen.sql if chosen else args.sql
        if sql is None:
            raise query.QueryError('nothing to run: give a statement ("SELECT ..."), --file Q.sql or --example NAME '
                                   "(--list-examples lists them)")
        try:
            settings = load_settings()
        except ValueError as error:
            raise query.QueryError(str(error)) from None
        with query.open_read_only(args.db or query.default_database(), settings.timezone) as con:
            relation = query.run_example(con, chosen) if chosen else query.run(con, sql)
            with query.duckdb_errors(con):
                if args.out is not None:
                    rows = query.write(relation, args.out)
                    print(f"Wrote {rows:,} rows to {args.out}")
                else:
                    query.show(relation, args.max_rows,
                               shutil.get_terminal_size().columns if sys.stdout.isatty() else None)
    except query.QueryError as error:
        print(f"Query not run: {error}", file=sys.stderr)
        return EXIT_USAGE
    return 0


def _stop_on_sigterm(signum, frame) -> None:
    """SIGTERM (a scheduler or `kill`) stops the command like Ctrl-C: every step writes in one
    transaction, so stopping at any point leaves the previous state."""
    runner.request_stop()
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        return _main(args)
    except KeyboardInterrupt:
        runner.request_stop()
        print("Stopped (interrupted or SIGTERM); nothing half-written: re-run the same command to finish.",
              file=sys.stderr)
        return 130


def _main(args: argparse.Namespace) -> int:
    if args.command == "generate":
        _generate(args.out, args.patients, args.days, args.start, args.seed)
        return 0
    if args.command == "run":
        return _run(args.landing, args.config, args.warehouse, args.start, args.end, args.timezone, args.truth,
                    args.partition_start, args.verbose)
    if args.command == "research":
        return _research(args.warehouse)
    if args.command == "report":
        return _report(args.warehouse, args.date, args.out, args.month, args.worklist_csv)
    if args.command == "query":
        return _query(args)
    start, end = DEMO_START, DEMO_START + timedelta(days=args.days - 1)
    _generate(args.dir, args.patients, args.days, start, args.seed)
    code = _run(args.dir / "landing", None, args.dir / "warehouse.duckdb", start, end, None,
                args.dir / "truth" / "mas_episodes.csv", verbose=args.verbose)
    if code == EXIT_FAILED:
        return code
    # the last day's report and its month's audit, read from the published snapshot as a reader would
    return _report(args.dir / "published" / "warehouse.duckdb", end, args.dir / "report.html", None,
                   args.dir / "worklist.csv") or code


if __name__ == "__main__":
    sys.exit(main())
