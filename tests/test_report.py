"""`masscreen report`: the offline HTML page (worklist, timelines, monthly audit) and the worklist CSV.

A small generated hospital goes through the real pipeline; the rows of audit.missed_cases and
audit.screen_performance are then replaced by explicit ones, so each section's content is known.
A patient whose id is a spreadsheet formula is added to the day's flags (and to its episode) for
the CSV export.
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
from pipelines.core.settings import load_settings
from pipelines.core.warehouse import connect
from pipelines.features.rule_set import load_rule_set
from pipelines.publish.report import (CHART_ANALYTES, CHROMIUM, neutralise_formulas, open_in_chromium, threshold_items,
                                      write_report)
from pipelines.synthetic import generate

from conftest import SITE_TZ

START = date(2024, 1, 1)
DAYS = 30
FORMULA_PATIENT = '=HYPERLINK("http://example.invalid","x")'

# The audit tables as the pipeline built them, their rows replaced by explicit ones (so each
# section's content is known): three January episodes recognised never, late (30 h) and early
# (12 h before the flag), a recognised case never flagged with its near misses, and January's and
# February's performance rows.
MISSED_CASES = """
DELETE FROM audit.missed_cases;
INSERT INTO audit.missed_cases BY NAME
SELECT episode_id AS case_id, (['possibly_unrecognised', 'recognised_late', 'recognised_before_flag'])[n] AS category,
       patient_id, episode_id, first_flag_at, last_flag_date, highest_tier, alert,
       CASE n WHEN 2 THEN first_flag_at + INTERVAL 30 HOUR WHEN 3 THEN first_flag_at - INTERVAL 12 HOUR END AS recognised_at,
       CASE WHEN n > 1 THEN 'diagnosis_code' END AS recognised_by,
       CASE WHEN n > 1 THEN 'D76.1' END AS recognition_code_or_name,
       CASE n WHEN 2 THEN 30.0 WHEN 3 THEN -12.0 END AS lead_time_hours,
       date_trunc('month', first_flag_date) AS month
FROM (SELECT *, row_number() OVER (ORDER BY first_flag_date, patient_id) AS n FROM screen.episodes
      WHERE date_trunc('month', first_flag_date) = DATE '2024-01-01')
WHERE n <= 3;
INSERT INTO audit.missed_cases BY NAME
SELECT 'never-flagged/recognised/2024-01-20' AS case_id, 'recognised_never_flagged' AS category,
       'never-flagged' AS patient_id, TIMESTAMPTZ '2024-01-20 10:00:00' AS recognised_at,
       'directed_therapy' AS recognised_by, 'anakinra' AS recognition_code_or_name, DATE '2024-01-01' AS month,
       [{'rule': 'eular_acr_2016', 'item': 'ferritin', 'analyte': 'ferritin', 'value': 650.0, 'unit': 'ng/mL',
         'operator': '>', 'threshold': 684.0, 'distance': 34.0, 'relative_distance': 0.0497, 'met': false,
         'as_of_date': DATE '2024-01-19'},
        {'rule': 'hlh_2004', 'item': 'ferritin', 'analyte': 'ferritin', 'value': 650.0, 'unit': 'ng/mL',
         'operator': '>=', 'threshold': 500.0, 'distance': -150.0, 'relative_distance': -0.3, 'met': true,
         'as_of_date': DATE '2024-01-19'}] AS near_misses,
       [{'rule': 'eular_acr_2016', 'reason': 'thresholds_not_reached', 'days_evaluated': 8},
        {'rule': 'ohi', 'reason': 'no_values', 'days_evaluated': 0}] AS rules_not_fired;
"""
PERFORMANCE_COLUMNS = ("month, level_kind, level, patient_days, flagged_days, flags_per_1000_patient_days, episodes, "
                       "episodes_per_1000_patient_days, adjudicated_episodes, confirmed, not_mas, uncertain, "
                       "positive_predictive_value, recognised_cases, recognised_cases_flagged, "
                       "recognised_cases_flagged_first, sensitivity, lead_time_cases, lead_time_hours_median, "
                       "lead_time_hours_q1, lead_time_hours_q3")
PERFORMANCE = f"""
DELETE FROM audit.screen_performance;
INSERT INTO audit.screen_performance ({PERFORMANCE_COLUMNS}) VALUES
    (DATE '2024-01-01', 'rule', 'eular_acr_2016', 4000, 40, 10.0, 5, 1.25, 2, 1, 1, 0, 0.5, 3, 2, 1, 0.6667, 2, 9.0, -12.0, 30.0),
    (DATE '2024-01-01', 'all', 'all', 4000, 120, 30.0, 12, 3.0, 4, 3, 1, 0, 0.75, 3, 2, 1, 0.6667, 2, 9.0, -12.0, 30.0),
    (DATE '2024-02-01', 'all', 'all', 1000, 7, 7.0, 1, 1.0, 0, 0, 0, 0, NULL, 0, 0, 0, NULL, 0, NULL, NULL, NULL);
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
        day, patient = con.execute("SELECT as_of_date, min(patient_id) FROM screen.at_risk_daily GROUP BY ALL "
                                   "ORDER BY count(*) DESC, as_of_date LIMIT 1").fetchone()
        copy = {"patient": FORMULA_PATIENT, "day": day, "copied": patient}
        con.execute("INSERT INTO screen.at_risk_daily SELECT * REPLACE ($patient AS patient_id) "
                    "FROM screen.at_risk_daily WHERE as_of_date = $day AND patient_id = $copied", copy)
        con.execute("INSERT INTO screen.episodes SELECT * REPLACE ($patient AS patient_id, "
                    "$patient || '/' || strftime(first_flag_date, '%Y-%m-%d') AS episode_id) FROM screen.episodes "
                    "WHERE patient_id = $copied AND $day BETWEEN first_flag_date AND last_flag_date", copy)
        for script in (MISSED_CASES, PERFORMANCE):
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
    units = {item.analyte: item.unit for item in threshold_items(load_rule_set(load_settings().rules))}
    assert {f"{analyte} ({units[analyte]})" for analyte in CHART_ANALYTES} <= set(rows[0])
    assert any(r[f"ferritin ({units['ferritin']})"] for r in rows)  # the key values the rules tested are there


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
