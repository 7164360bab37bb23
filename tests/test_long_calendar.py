"""A backfill over a long, sparse calendar costs what its data costs: it computes the blocks of days
that can hold rows, gives the same tables as one plain run over the whole range, and records as
many Dagster materializations however many empty days surround the data."""

from collections import Counter
from datetime import date

import dagster as dg
import pytest

from pipelines import runner
from pipelines.core.warehouse import connect
from pipelines.features import changed_days

from conftest import SITE_TZ, lab, vital, write_labs, write_vitals

DAILY_TABLES = ("features.patient_day", "screen.rule_evaluations", "screen.at_risk_daily")


def sparse_hospital(landing) -> None:
    """Three patients months apart, one around each DST change of 2024 (America/New_York): a high
    ferritin, low platelets, a high AST and a fever, so that some patient-days are flagged."""
    for patient, day in (("p1", "2024-01-10"), ("p2", "2024-03-09"), ("p3", "2024-11-02")):
        write_labs(landing, f"labs_{patient}.csv", [
            lab(f"{patient}-f{n}", "2276-4", str(3000 + 500 * n), "ng/mL", f"{day[:8]}{int(day[8:]) + n:02d}T06:00:00",
                patient_id=patient) for n in range(3)] + [
            lab(f"{patient}-p{n}", "777-3", str(120 - 20 * n), "K/uL", f"{day[:8]}{int(day[8:]) + n:02d}T06:30:00",
                patient_id=patient) for n in range(3)] + [
            lab(f"{patient}-a", "1920-8", "60", "U/L", f"{day}T06:00:00", patient_id=patient)])
        write_vitals(landing, f"vitals_{patient}.csv", [
            vital(f"{patient}-t{n}", "39.6", "Cel", f"{day[:8]}{int(day[8:]) + n:02d}T07:00:00", patient_id=patient)
            for n in range(3)])


def correction(landing) -> None:
    """p1's first ferritin, corrected months later to another collection time: its old days lose it."""
    write_labs(landing, "labs_correction.csv", [
        lab("p1-f0", "2276-4", "3000", "ng/mL", "2024-08-15T06:00:00", "2024-08-15T09:00:00", status="C",
            patient_id="p1")])


def daily_rows(warehouse) -> dict[str, list[tuple]]:
    with connect(warehouse, SITE_TZ, read_only=True) as con:
        return {table: sorted(map(repr, con.execute(f"SELECT * FROM {table}").fetchall())) for table in DAILY_TABLES}


@pytest.fixture
def configured(tmp_path, monkeypatch):
    """Point the code location at a landing folder and a warehouse under tmp_path (ephemeral instance)."""
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("MASSCREEN_TIMEZONE", SITE_TZ)

    def configure(name: str):
        landing = tmp_path / name / "landing"
        landing.mkdir(parents=True, exist_ok=True)
        runner.configure(tmp_path / name / "w.duckdb", landing=landing)
        return landing, tmp_path / name / "w.duckdb"
    return configure


def test_a_sparse_backfill_gives_the_tables_of_one_plain_run(configured):
    start, end = date(2024, 1, 1), date(2024, 12, 31)
    results = {}
    for how in ("plain", "blocks"):
        landing, warehouse = configured(how)
        sparse_hospital(landing)
        run = runner.run_range if how == "plain" else runner.run_backfill
        assert run(start, end).success
        first = daily_rows(warehouse)
        correction(landing)  # the days p1's ferritin left hold rows: the second backfill clears them
        assert run(start, end).success
        results[how] = (first, daily_rows(warehouse))
    assert results["blocks"] == results["plain"]
    first, second = results["plain"]
    assert all(first[table] for table in DAILY_TABLES) and first != second  # not empty, and the correction counts


def test_the_blocks_are_the_days_that_can_hold_rows(configured):
    landing, warehouse = configured("w")
    sparse_hospital(landing)
    outcome = runner.run_backfill(date(2024, 1, 1), date(2024, 12, 31))
    assert outcome.success
    # each patient's three days of values and the 7-day look-back after them (plus a day's margin for DST)
    assert outcome.blocks == ((date(2024, 1, 10), date(2024, 1, 20)), (date(2024, 3, 9), date(2024, 3, 19)),
                              (date(2024, 11, 2), date(2024, 11, 12)))
    assert len(outcome.runs) == 1 + 3 + 1  # load and stage, one per block, publish
    assert outcome.skipped_days == 366 - 3 * 11
    with connect(warehouse, SITE_TZ, read_only=True) as con:
        written = con.execute("SELECT min(as_of_date), max(as_of_date) FROM features.patient_day "
                              "WHERE as_of_date BETWEEN '2024-01-01' AND '2024-02-28'").fetchone()
        skipped = con.execute("SELECT count(*) FROM meta.runs WHERE detail->>'skipped' IS NOT NULL").fetchone()[0]
    assert written == (date(2024, 1, 10), date(2024, 1, 18))  # the block's last days are the DST margin, empty
    assert skipped == 2 * 4  # features and screen, for each of the four gaps


def test_blocks_closer_than_the_merge_gap_are_one_run(configured):
    landing, _ = configured("w")
    sparse_hospital(landing)
    outcome = runner.run_backfill(date(2024, 1, 1), date(2024, 12, 31), merge_gap_days=60)
    assert outcome.blocks == ((date(2024, 1, 10), date(2024, 3, 19)), (date(2024, 11, 2), date(2024, 11, 12)))


def test_a_late_file_for_a_skipped_day_is_recomputed(configured):
    """Skipped days count as computed: a value that lands later for one of them is screened by the
    changed-days follow-up, as for any day a run computed."""
    landing, warehouse = configured("w")
    sparse_hospital(landing)
    assert runner.run_backfill(date(2024, 1, 1), date(2024, 12, 31)).success
    write_labs(landing, "labs_late.csv", [lab("late", "2276-4", "5000", "ng/mL", "2024-07-01T06:00:00",
                                              "2024-07-01T09:00:00", patient_id="p4")])
    assert runner.run_range(date(2024, 12, 31), date(2024, 12, 31)).success
    with connect(warehouse, SITE_TZ, read_only=True) as con:
        assert changed_days.pending_changed_days(con) == [(date(2024, 7, 1), date(2024, 7, 7))]
    assert [(first, last, outcome.success) for first, last, outcome in runner.run_changed_days()] == [
        (date(2024, 7, 1), date(2024, 7, 7), True)]
    with connect(warehouse, SITE_TZ, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM features.patient_day WHERE patient_id = 'p4'").fetchone()[0] == 7


def materializations(instance: dg.DagsterInstance) -> Counter:
    """Materialization events (planned and reported) of every run the instance holds, by asset."""
    counts = Counter()
    for run in instance.get_runs():
        for entry in instance.all_logs(run.run_id, of_type={dg.DagsterEventType.ASSET_MATERIALIZATION,
                                                            dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED}):
            counts[(entry.dagster_event_type.value, entry.dagster_event.asset_key.to_user_string())] += 1
    return counts


def test_the_backfills_dagster_events_do_not_grow_with_empty_days(configured, tmp_path, monkeypatch):
    """The same data backfilled over one year and over two and a half years: the same
    materializations, two per day of the blocks for each daily asset (planned and reported), one
    for each other asset."""
    counts = {}
    for end in (date(2024, 12, 31), date(2026, 6, 30)):
        home = tmp_path / f"dagster-{end.year}"
        home.mkdir()
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        monkeypatch.setenv("DAGSTER_HOME", str(home))
        landing, _ = configured(f"w{end.year}")
        sparse_hospital(landing)
        outcome = runner.run_backfill(date(2024, 1, 1), end)
        assert outcome.success
        with dg.DagsterInstance.get() as instance:
            counts[end.year] = materializations(instance)
    assert counts[2024] == counts[2026]
    assert counts[2024][("ASSET_MATERIALIZATION", "features/patient_day")] == 3 * 11  # three blocks of 11 days
    assert counts[2024][("ASSET_MATERIALIZATION_PLANNED", "screen/at_risk_daily")] == 3 * 11
    assert counts[2024][("ASSET_MATERIALIZATION", "raw/extracts")] == 1


def test_a_failed_blocking_check_stops_the_backfill_before_any_block(configured, tmp_path, monkeypatch):
    import json
    import shutil

    from pipelines.defs import checks
    from pipelines.core.settings import EXPECTATIONS_DIR

    suites = tmp_path / "expectations"
    shutil.copytree(EXPECTATIONS_DIR, suites)
    suite = json.loads((suites / "lab_results.json").read_text())
    suite["expectations"].append({"type": "expect_column_values_to_be_in_set",
                                  "kwargs": {"column": "analyte", "value_set": ["sodium"]},
                                  "meta": {"why": "test: broken on purpose"}, "severity": "critical"})
    (suites / "lab_results.json").write_text(json.dumps(suite))
    monkeypatch.setattr(checks, "EXPECTATIONS_DIR", suites)
    landing, warehouse = configured("w")
    sparse_hospital(landing)
    outcome = runner.run_backfill(date(2024, 1, 1), date(2024, 12, 31))
    assert not outcome.success and len(outcome.runs) == 1 and outcome.blocks == ()
    assert any("lab_results_contract" in failure for failure in outcome.failures)
    with connect(warehouse, SITE_TZ, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'patient_day'").fetchone()[0] == 0


def test_the_command_says_how_many_days_it_skipped_and_why(configured, capsys):
    from pipelines.cli import main

    landing, warehouse = configured("w")
    sparse_hospital(landing)
    assert main(["run", "--landing", str(landing), "--warehouse", str(warehouse),
                 "--start", "2024-01-01", "--end", "2024-12-31"]) == 0
    out = capsys.readouterr().out
    assert "screened 2024-01-01 to 2024-12-31" in out
    assert "features and screen over 33 days in 3 block(s)" in out
    assert "333 of 366 days skipped: no staged value in the days' longest look-back window" in out


def test_a_nightly_run_validates_only_the_nights_loads(configured):
    """The Great Expectations checks read the rows of the run's own loads: the history already
    validated is not validated again, so a night costs its files."""
    landing, warehouse = configured("w")
    sparse_hospital(landing)
    assert runner.run_backfill(date(2024, 1, 1), date(2024, 12, 31)).success
    write_labs(landing, "labs_2025-01-01.csv", [
        lab("n1", "2276-4", "800", "ng/mL", "2025-01-01T06:00:00", patient_id="p5"),
        lab("n2", "777-3", "200", "K/uL", "2025-01-01T06:00:00", patient_id="p5")])
    nightly = runner.run_range(date(2025, 1, 1), date(2025, 1, 1))
    quiet = runner.run_range(date(2025, 1, 2), date(2025, 1, 2))  # no new file
    with connect(warehouse, SITE_TZ, read_only=True) as con:
        validated = dict(con.execute("SELECT run_id || ' ' || table_name, rows_validated FROM meta.validation_results "
                                     "WHERE table_name IN ('lab_results', 'vital_signs')").fetchall())
    assert validated[f"{nightly.run_id} lab_results"] == 2 and validated[f"{nightly.run_id} vital_signs"] == 0
    assert validated[f"{quiet.run_id} lab_results"] == 0
    assert sum(n for key, n in validated.items() if key.endswith("lab_results")) == 3 * 7 + 2  # each row once


def test_a_range_without_data_computes_its_last_day_only(configured):
    landing, warehouse = configured("w")
    sparse_hospital(landing)
    outcome = runner.run_backfill(date(2025, 1, 1), date(2025, 12, 31))
    assert outcome.success and outcome.blocks == ((date(2025, 12, 31), date(2025, 12, 31)),)
    assert outcome.skipped_days == 364
    with connect(warehouse, SITE_TZ, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM features.patient_day WHERE as_of_date >= '2025-01-01'").fetchone()[0] == 0
