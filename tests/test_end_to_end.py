"""The whole graph through Dagster on a small generated hospital with known truth."""

import csv
from datetime import date, timedelta

import pytest

from pipelines import runner
from pipelines.core.settings import REFERENCE_DIR
from pipelines.core.warehouse import connect
from pipelines.features.rule_set import load_rule_set
from pipelines.summary import episode_detection, flag_breakdown
from pipelines.synthetic import generate

from conftest import SITE_TZ

START = date(2024, 1, 1)
DAYS = 30
TABLES = ("staging.lab_results", "staging.vital_signs", "staging.diagnoses", "staging.patients",
          "staging.encounters", "staging.superseded_rows", "quarantine.rejected_rows",
          "features.patient_day", "screen.at_risk_daily")


def truth_counts(path) -> dict[tuple[str, str], int]:
    with open(path) as handle:
        return {(row["file_kind"], row["reason"]): int(row["rows"]) for row in csv.DictReader(handle)
                if int(row["rows"])}


def table_fingerprints(con) -> dict[str, tuple]:
    """Row count and an order-independent content hash of every derived table."""
    return {t: con.execute(f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {t}").fetchone() for t in TABLES}


@pytest.fixture(scope="module")
def hospital(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hospital")
    generate(folder, patients=400, days=DAYS, start=START, seed=11)
    return folder


@pytest.fixture(scope="module")
def screened(hospital):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(hospital / "dagster_home"))
        env.setenv("MASSCREEN_TIMEZONE", SITE_TZ)
        runner.configure(hospital / "warehouse.duckdb", landing=hospital / "landing")
        first = runner.run_range(START, START + timedelta(days=DAYS - 1))
        with connect(hospital / "warehouse.duckdb", SITE_TZ, read_only=True) as con:
            before = table_fingerprints(con)
        second = runner.run_range(START, START + timedelta(days=DAYS - 1))
    return hospital, first, second, before


def test_the_run_succeeds_as_one_run(screened):
    _, first, second, _ = screened
    assert first.success, first.failures
    assert second.success, second.failures


def test_every_known_mas_episode_is_flagged_before_its_diagnosis(screened):
    hospital, *_ = screened
    with connect(hospital / "warehouse.duckdb", SITE_TZ, read_only=True) as con:
        episodes = episode_detection(con, hospital / "truth" / "mas_episodes.csv")
    assert episodes, "the generated hospital has no MAS episode"
    late = [e for e in episodes if not e["flagged_before_diagnosis"]]
    assert not late, late
    assert all(e["lead_hours"] > 0 for e in episodes)


def test_row_counts_reconcile_for_every_load(screened):
    hospital, *_ = screened
    with connect(hospital / "warehouse.duckdb", SITE_TZ, read_only=True) as con:
        unbalanced = con.execute("SELECT * FROM meta.load_reconciliation WHERE NOT balanced").fetchall()
        files = con.execute("SELECT count(*) FROM meta.loads").fetchone()[0]
    assert files == len(list((hospital / "landing").iterdir()))
    assert unbalanced == []


def test_quarantine_and_superseded_counts_match_the_injected_defects(screened):
    hospital, *_ = screened
    kind = {"lab_results": "labs", "vital_signs": "vitals"}
    with connect(hospital / "warehouse.duckdb", SITE_TZ, read_only=True) as con:
        quarantined = {(kind[t], r): n for t, r, n in con.execute(
            "SELECT table_name, reason, count(*) FROM quarantine.rejected_rows "
        "WHERE table_name IN ('lab_results', 'vital_signs') GROUP BY ALL").fetchall()}
        superseded = {(kind[t], r): n for t, r, n in con.execute(
            "SELECT table_name, reason, count(*) FROM staging.superseded_rows "
            "WHERE table_name IN ('lab_results', 'vital_signs') GROUP BY ALL").fetchall()}
    assert quarantined == truth_counts(hospital / "truth" / "injected_defects.csv")
    assert superseded == truth_counts(hospital / "truth" / "superseded.csv")


def test_running_again_gives_the_same_tables(screened):
    hospital, _, _, before = screened
    with connect(hospital / "warehouse.duckdb", SITE_TZ, read_only=True) as con:
        assert table_fingerprints(con) == before
        assert con.execute("SELECT count(DISTINCT run_id) FROM meta.runs").fetchone()[0] == 2


def test_confounders_flags_are_counted_not_hidden(screened):
    hospital, *_ = screened
    tiers = [tier["name"] for tier in load_rule_set(REFERENCE_DIR / "rules.yaml").document["tiers"]]
    with connect(hospital / "warehouse.duckdb", SITE_TZ, read_only=True) as con:
        breakdown = flag_breakdown(con, hospital / "truth", tiers)
        flagged = con.execute("SELECT count(DISTINCT patient_id) FROM screen.at_risk_daily").fetchone()[0]
        episodes = con.execute("SELECT count(DISTINCT patient_id) FROM read_csv(?)",
                               [str(hospital / "truth" / "mas_episodes.csv")]).fetchone()[0]
    assert sum(row[4] for row in breakdown) == flagged
    assert sum(row[1] for row in breakdown) == episodes
    assert all(row[1] + row[2] + row[3] == row[4] for row in breakdown)
    # the top tier, published criteria in their context, flags no confounder in this hospital
    assert dict((row[0], row[2]) for row in breakdown).get("criteria_met", 0) == 0
