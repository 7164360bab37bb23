"""`masscreen report`: the offline HTML page (worklist, timelines, monthly audit) and the worklist CSV.

A small generated hospital goes through the real pipeline; the tables of the audit contract
(screen.episodes, audit.missed_cases, audit.screen_performance) are then written by the test
with explicit rows, so each section's content is known. A patient id that is a spreadsheet
formula is added to the day's flags for the CSV export.
"""

import csv
import os
import re
import shutil
from datetime import date, timedelta

import polars as pl
import pytest

from pipelines import runner
from pipelines.cli import main
from pipelines.report import (CHART_ANALYTES, CHROMIUM, neutralise_formulas, open_in_chromium, threshold_items,
                              write_report)
from pipelines.rule_set import load_rule_set
from pipelines.settings import load_settings
from pipelines.synthetic import generate
from pipelines.warehouse import connect

from conftest import SITE_TZ

START = date(2024, 1, 1)
DAYS = 30
FORMULA_PATIENT = '=HYPERLINK("http://example.invalid","x")'

# The contract's tables, written by hand. Episodes: runs of consecutive flag days.
EPISODES = """
CREATE OR REPLACE TABLE screen.episodes AS
WITH days AS (
    SELECT *, as_of_date - CAST(row_number() OVER (PARTITION BY patient_id ORDER BY as_of_date) AS INTEGER) AS run
    FROM screen.at_risk_daily
)
SELECT patient_id || '/' || strftime(min(as_of_date), '%Y-%m-%d') AS episode_id, patient_id,
       min(as_of_date) AS first_flag_date, max(as_of_date) AS last_flag_date, CAST(count(*) AS INTEGER) AS flagged_days,
       CAST(min(as_of_date) + 1 AS TIMESTAMPTZ) AS first_flag_at, CAST(max(as_of_date) + 1 AS TIMESTAMPTZ) AS last_flag_at,
       max(tier) AS highest_tier, min(tier_rank) AS highest_tier_rank, bool_or(alert) AS alert
FROM days GROUP BY patient_id, run
"""
MISSED_CASES = """
CREATE OR REPLACE TABLE audit.missed_cases (
    case_id VARCHAR, category VARCHAR, patient_id VARCHAR, episode_id VARCHAR, first_flag_at TIMESTAMPTZ,
    last_flag_date DATE, highest_tier VARCHAR, recognised_at TIMESTAMPTZ, recognised_by VARCHAR,
    recognition_code_or_name VARCHAR, lead_time_hours DOUBLE, weak_therapy_at TIMESTAMPTZ, month DATE,
    near_misses STRUCT(rule VARCHAR, item VARCHAR, analyte VARCHAR, value DOUBLE, unit VARCHAR, operator VARCHAR,
                       threshold DOUBLE, distance DOUBLE, relative_distance DOUBLE, as_of_date DATE)[],
    rules_not_fired STRUCT(rule VARCHAR, reason VARCHAR, days_evaluated BIGINT)[]);
INSERT INTO audit.missed_cases
SELECT episode_id, (['possibly_unrecognised', 'recognised_late', 'recognised_before_flag'])[n], patient_id, episode_id,
       first_flag_at, last_flag_date, CAST(highest_tier AS VARCHAR),
       CASE n WHEN 2 THEN first_flag_at + INTERVAL 30 HOUR WHEN 3 THEN first_flag_at - INTERVAL 12 HOUR END,
       CASE WHEN n > 1 THEN 'diagnosis_code' END, CASE WHEN n > 1 THEN 'D76.1' END,
       CASE n WHEN 2 THEN 30.0 WHEN 3 THEN -12.0 END, NULL, date_trunc('month', first_flag_date), NULL, NULL
FROM (SELECT *, row_number() OVER (ORDER BY first_flag_date, patient_id) AS n FROM screen.episodes
      WHERE date_trunc('month', first_flag_date) = DATE '2024-01-01')
WHERE n <= 3;
INSERT INTO audit.missed_cases VALUES
    ('never-flagged/recognised/2024-01-20', 'recognised_never_flagged', 'never-flagged', NULL, NULL, NULL, NULL,
     TIMESTAMPTZ '2024-01-20 10:00:00', 'directed_therapy', 'anakinra', NULL, NULL, DATE '2024-01-01',
     [{'rule': 'eular_acr_2016', 'item': 'ferritin', 'analyte': 'ferritin', 'value': 650.0, 'unit': 'ng/mL',
       'operator': '>', 'threshold': 684.0, 'distance': 34.0, 'relative_distance': 0.0497,
       'as_of_date': DATE '2024-01-19'},
      {'rule': 'hlh_2004', 'item': 'ferritin', 'analyte': 'ferritin', 'value': 650.0, 'unit': 'ng/mL',
       'operator': '>=', 'threshold': 500.0, 'distance': 0.0, 'relative_distance': 0.0,
       'as_of_date': DATE '2024-01-19'}],
     [{'rule': 'eular_acr_2016', 'reason': 'thresholds_not_reached', 'days_evaluated': 8},
      {'rule': 'ohi', 'reason': 'no_values', 'days_evaluated': 0}]);
"""
PERFORMANCE = """
CREATE OR REPLACE TABLE audit.screen_performance (
    month DATE, level_kind VARCHAR, level VARCHAR, patient_days BIGINT, flagged_days BIGINT,
    flags_per_1000_patient_days DOUBLE, episodes BIGINT, episodes_per_1000_patient_days DOUBLE,
    adjudicated_episodes BIGINT, confirmed BIGINT, not_mas BIGINT, uncertain BIGINT,
    positive_predictive_value DOUBLE, recognised_cases BIGINT, recognised_cases_flagged BIGINT, sensitivity DOUBLE,
    lead_time_cases BIGINT, lead_time_hours_median DOUBLE, lead_time_hours_q1 DOUBLE, lead_time_hours_q3 DOUBLE);
INSERT INTO audit.screen_performance VALUES
    (DATE '2024-01-01', 'rule', 'eular_acr_2016', 4000, 40, 10.0, 5, 1.25, 2, 1, 1, 0, 0.5, 3, 2, 0.6667, 2, 9.0, -12.0, 30.0),
    (DATE '2024-01-01', 'all', 'all', 4000, 120, 30.0, 12, 3.0, 4, 3, 1, 0, 0.75, 3, 2, 0.6667, 2, 9.0, -12.0, 30.0),
    (DATE '2024-02-01', 'all', 'all', 1000, 7, 7.0, 1, 1.0, 0, 0, 0, 0, NULL, 0, 0, NULL, 0, NULL, NULL, NULL);
"""


@pytest.fixture(scope="module")
def hospital(tmp_path_factory):
    """A generated hospital screened by the real pipeline, the contract's tables written by hand,
    and the busiest flag day of January (with a formula-looking patient added to it)."""
    folder = tmp_path_factory.mktemp("report")
    generate(folder, patients=400, days=DAYS, start=START, seed=11)
    warehouse = folder / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.delenv("DAGSTER_HOME", raising=False)
        env.setenv("MASSCREEN_TIMEZONE", SITE_TZ)
        runner.configure(warehouse, landing=folder / "landing")
        outcome = runner.run_range(START, START + timedelta(days=DAYS - 1))
    assert outcome.success, outcome.failures
    with connect(warehouse, SITE_TZ) as con:
        day = con.execute("SELECT as_of_date FROM screen.at_risk_daily GROUP BY ALL "
                          "ORDER BY count(*) DESC, as_of_date LIMIT 1").fetchone()[0]
        con.execute("INSERT INTO screen.at_risk_daily SELECT * REPLACE ($patient AS patient_id) "
                    "FROM screen.at_risk_daily WHERE as_of_date = $day ORDER BY patient_id LIMIT 1",
                    {"patient": FORMULA_PATIENT, "day": day})
        con.execute("CREATE SCHEMA IF NOT EXISTS audit")
        for script in (EPISODES, MISSED_CASES, PERFORMANCE):
            for statement in filter(str.strip, script.split(";\n")):
                con.execute(statement)
        flagged = con.execute("SELECT count(*) FROM screen.at_risk_daily WHERE as_of_date = $day", {"day": day}).fetchone()[0]
    return warehouse, day, flagged


@pytest.fixture
def report(hospital, tmp_path, monkeypatch):
    monkeypatch.setenv("MASSCREEN_TIMEZONE", SITE_TZ)
    warehouse, day, flagged = hospital
    out, csv_path = tmp_path / "report.html", tmp_path / "worklist.csv"
    assert main(["report", "--warehouse", str(warehouse), "--date", str(day), "--out", str(out),
                 "--worklist-csv", str(csv_path)]) == 0
    return out, csv_path, day, flagged


def test_the_report_has_every_section_and_one_timeline_per_flagged_patient(report):
    out, _, day, flagged = report
    page = out.read_text()
    for section in ("worklist", "timelines", "audit", "performance", "audit-charts", "missed-cases",
                    "near-misses", "rules-not-fired"):
        assert f'id="{section}"' in page, section
    assert flagged > 1
    assert len(re.findall(r'<figure class="chart" id="timeline-\d+"><svg', page)) == flagged
    assert len(re.findall(r'<figure class="chart" id="audit-chart-\d+"><svg', page)) == 2
    assert f"Flagged on {day}" in page


def test_the_report_loads_nothing_from_anywhere(report):
    page = report[0].read_text()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", page, re.IGNORECASE)
    assert "@import" not in page
    assert "<script" not in page.lower()
    assert "default-src 'none'" in page


def test_the_worklist_lists_the_days_flags_with_their_episode(hospital, report):
    warehouse, day, flagged = hospital
    _, csv_path, *_ = report
    with connect(warehouse, SITE_TZ, read_only=True) as con:
        expected = con.execute("""
            SELECT a.patient_id, CAST(a.tier AS VARCHAR), e.first_flag_date = a.as_of_date,
                   CAST(a.as_of_date - e.first_flag_date + 1 AS INTEGER)
            FROM screen.at_risk_daily AS a
            JOIN screen.episodes AS e ON e.patient_id = a.patient_id
             AND a.as_of_date BETWEEN e.first_flag_date AND e.last_flag_date
            WHERE a.as_of_date = $day""", {"day": day}).fetchall()
    with csv_path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == flagged == len(expected)
    listed = {(r["patient_id"].removeprefix("'"), r["tier"], r["status"] == "new", int(r["episode_day"])) for r in rows}
    assert listed == set(expected)
    assert set(CHART_ANALYTES) <= set(rows[0])
    assert any(r["ferritin"] for r in rows)  # the key values the rules tested are there


def test_the_worklist_csv_neutralises_formulas(report):
    _, csv_path, *_ = report
    with csv_path.open(newline="") as handle:
        ids = [row["patient_id"] for row in csv.DictReader(handle)]
    assert "'" + FORMULA_PATIENT in ids
    assert FORMULA_PATIENT not in ids


def test_formula_neutralisation_touches_only_text_a_spreadsheet_would_run():
    frame = pl.DataFrame({"text": ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b", "plain", None, "'=kept"],
                          "number": [-1.0] * 10})
    out = neutralise_formulas(frame)
    assert out["text"].to_list() == ["'=1+2", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "a=b", "plain", None, "'=kept"]
    assert out["number"].to_list() == frame["number"].to_list()


def test_the_timelines_draw_the_rule_files_thresholds(report):
    page = report[0].read_text()
    items = threshold_items(load_rule_set(load_settings().rules))
    assert {item.analyte for item in items} == set(CHART_ANALYTES)
    for item in items:
        assert html_text(f"{item.rule} {item.item} {item.op} {item.threshold:g} {item.unit}") in page


def html_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_the_months_audit_lists_cases_by_category_and_the_near_misses(report):
    page = report[0].read_text()
    for category in ("possibly_unrecognised", "recognised_late", "recognised_before_flag", "recognised_never_flagged"):
        assert category in page
    assert "never-flagged/recognised/2024-01-20" in page
    assert "thresholds_not_reached" in page and "no_values" in page
    assert "30.0" in page and ("−12.0" in page or "-12.0" in page)  # lead times, hours
    assert "75%" in page and "67%" in page  # January's positive predictive value and sensitivity
    assert ">4000<" in page and ">1000<" not in page  # January's patient-days, not February's


def test_another_month_can_be_audited(hospital, tmp_path, monkeypatch):
    monkeypatch.setenv("MASSCREEN_TIMEZONE", SITE_TZ)
    warehouse, day, _ = hospital
    out = tmp_path / "february.html"
    assert main(["report", "--warehouse", str(warehouse), "--date", str(day), "--out", str(out),
                 "--month", "2024-02"]) == 0
    page = out.read_text()
    assert "Audit of 2024-02" in page and "No episode or recognised case in 2024-02" in page
    assert ">1000<" in page and ">4000<" not in page


@pytest.mark.parametrize("case, message", [
    ("no_file", "Report not written: no warehouse at"),
    ("no_tables", "Report not written: the warehouse has no screen.rule_evaluations"),
    ("day_not_screened", "Report not written: no screen was computed for 2023-06-01"),
])
def test_a_user_error_ends_in_one_line(hospital, tmp_path, monkeypatch, capsys, case, message):
    monkeypatch.setenv("MASSCREEN_TIMEZONE", SITE_TZ)
    warehouse, day, _ = hospital
    if case == "no_file":
        warehouse = tmp_path / "missing.duckdb"
    elif case == "no_tables":
        warehouse = tmp_path / "empty.duckdb"
        with connect(warehouse, SITE_TZ) as con:
            con.execute("CREATE TABLE t (x INTEGER)")
    else:
        day = date(2023, 6, 1)
    out = tmp_path / "r.html"
    assert main(["report", "--warehouse", str(warehouse), "--date", str(day), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1, err
    assert not out.exists()


def test_a_bad_month_is_refused_with_a_clear_message(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--warehouse", "w", "--date", "2024-01-10", "--out", "r.html", "--month", "2024-13"])
    assert exit_info.value.code == 2
    assert "not a YYYY-MM month: 2024-13" in capsys.readouterr().err


def test_the_published_snapshot_is_a_valid_warehouse(hospital, tmp_path, monkeypatch):
    monkeypatch.setenv("MASSCREEN_TIMEZONE", SITE_TZ)
    warehouse, day, flagged = hospital
    copy = tmp_path / "published" / "warehouse.duckdb"
    copy.parent.mkdir()
    shutil.copy(warehouse, copy)
    copy.chmod(0o400)  # readers get a read-only file
    report = write_report(copy, day, tmp_path / "r.html")
    assert report.worklist.height == flagged


@pytest.mark.browser
def test_the_report_renders_in_headless_chromium_with_every_chart(report):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run installs it (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); CI installs it")
    out, _, _, flagged = report
    seen = open_in_chromium(out)
    assert seen.console_errors == []
    assert seen.failed_requests == []
    assert seen.outside_requests == []
    assert seen.charts == flagged + 2
