"""`masscreen report`: one self-contained HTML page for a day and a month, readable offline.

The page holds the day's worklist (the patients flagged on the day, new or continuing, with their
tier, rules, key values and episode day count), a timeline per flagged patient (ferritin,
platelets, fibrinogen, AST and temperature over the last TIMELINE_DAYS days, the rule file's
thresholds drawn, the flag days shaded) and the month's audit (audit.screen_performance, the
cases of audit.missed_cases by category, the near misses and why each rule did not fire).

The data work is in sql/report/*.sql; charts are Altair specifications rendered to inline SVG by
vl-convert (no browser, no network); tables are great-tables built from polars frames. The page
loads nothing: no script, font or image from anywhere, and its Content-Security-Policy forbids it.

`python -m pipelines.publish.report screenshot REPORT.html PNG` opens a report in headless Chromium
(Playwright driving the system's /usr/bin/chromium), prints what it saw (charts, console errors,
requests) and saves a screenshot (docs/report.png: the demo's report of its last day).
"""

import argparse
import html
import json
import string
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import altair as alt
import duckdb
import polars as pl
import vl_convert
from great_tables import GT

from pipelines.core.warehouse import execute, sql_text
from pipelines.features.rule_set import RuleSet

TIMELINE_DAYS = 14  # the timelines' length in days (a display choice, not a clinical number)
# Charted analytes, in the order of the panels; the key values of the worklist are the same.
CHART_ANALYTES = ("ferritin", "platelets", "fibrinogen", "ast", "temperature")
# Rules whose thresholds are drawn on the timelines: the 2016 EULAR/ACR classification criteria
# (ferritin, platelets, AST, fibrinogen, and the fever item it takes from the fever rule) and the
# fever rule itself. The worklist's key values are the items of the first one, as it tested them.
THRESHOLD_RULES = ("eular_acr_2016", "fever")
# Tables the report reads; a warehouse without one of them gets a one-line error naming it.
REQUIRED_TABLES = ("screen.rule_evaluations", "screen.at_risk_daily", "screen.episodes", "staging.lab_results",
                   "staging.vital_signs", "audit.screen_performance", "audit.missed_cases")
MISSED_CASE_CATEGORIES = ("possibly_unrecognised", "recognition_window_open", "recognised_late",
                          "recognised_before_flag", "recognised_never_flagged")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run")

PAGE = string.Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>$title</title>
<style>
body { font-family: -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; margin: 1.5em auto; max-width: 1200px; color: #222; }
section { margin-bottom: 2.5em; }
figure.chart { margin: 1em 0; overflow-x: auto; }
p.note { color: #555; font-size: 90%; }
</style>
</head>
<body>
<header><h1>$title</h1><p class="note">$subtitle</p></header>
<section id="worklist"><h2>Worklist</h2>$worklist</section>
<section id="timelines"><h2>Timelines</h2><p class="note">$timeline_note</p>$timelines</section>
<section id="audit"><h2>Audit of $month</h2>
<div id="performance">$performance</div>
<div id="audit-charts">$audit_charts</div>
<div id="missed-cases">$missed_cases</div>
<div id="near-misses">$near_misses</div>
<div id="rules-not-fired">$rules_not_fired</div>
</section>
</body>
</html>
""")
FIGURE = string.Template('<figure class="chart" id="$id">$svg</figure>\n')


class ReportError(ValueError):
    """The report cannot be built from this warehouse and date (the message says why and what to do)."""


@dataclass(frozen=True)
class Report:
    """A built report: the page, the worklist (one row per flagged patient), the number of charts
    (one per flagged patient, then the audit's)."""

    html: str
    worklist: pl.DataFrame
    timeline_charts: int
    audit_charts: int


@dataclass(frozen=True)
class ThresholdItem:
    """A rule item drawn on a chart: rule, item id, analyte, operator, threshold and unit (canonical)."""

    rule: str
    item: str
    analyte: str
    op: str
    threshold: float
    unit: str


def threshold_items(rule_set: RuleSet) -> list[ThresholdItem]:
    """The items of THRESHOLD_RULES on a charted analyte that compare with a threshold, in
    canonical units (RuleSet.effective_threshold); the same item reached through two rules (the
    fever item of the 2016 criteria is the fever rule's) once."""
    found: dict[tuple, ThresholdItem] = {}
    rules = rule_set.rules
    for rule_id in THRESHOLD_RULES:  # a rule file without one of them draws no line for it
        for item_id, item in rules.get(rule_id, {}).get("items", {}).items():
            if item.get("analyte") in CHART_ANALYTES and "op" in item:
                entry = ThresholdItem(rule_id, item_id, item["analyte"], item["op"],
                                      rule_set.effective_threshold(item), rule_set.canonical_unit(item))
                found.setdefault((entry.analyte, entry.op, entry.threshold), entry)
    return list(found.values())


def key_value_items(rule_set: RuleSet) -> dict[str, tuple[str, str]]:
    """Charted analyte -> (JSON path of its item in screen.at_risk_daily.evidence, canonical unit),
    for the analytes the first of THRESHOLD_RULES tests (none when the rule file lacks it)."""
    rule_id = THRESHOLD_RULES[0]
    items = {item["analyte"]: (item_id, rule_set.canonical_unit(item))
             for item_id, item in rule_set.rules.get(rule_id, {}).get("items", {}).items()
             if item.get("analyte") in CHART_ANALYTES}
    return {analyte: (f"$.{rule_id}.items.{items[analyte][0]}", items[analyte][1])
            for analyte in CHART_ANALYTES if analyte in items}


def _query(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> pl.DataFrame:
    return execute(con, sql_text(f"report/{name}.sql").rstrip().rstrip(";"), params).pl()


def check_warehouse(con: duckdb.DuckDBPyConnection, day: date) -> None:
    """Raise ReportError when a table the report reads is missing or the screen was not computed for `day`."""
    present = {row[0] for row in con.execute(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables").fetchall()}
    missing = [table for table in REQUIRED_TABLES if table not in present]
    if missing:
        raise ReportError(f"the warehouse has no {', '.join(missing)}: run `masscreen run` over the days "
                          "with this release to build them, or give a warehouse that has them")
    rows, first, last = _query(con, "screen_days", {"date": day}).row(0)
    if not rows:
        computed = f"it holds {first} to {last}" if first else "it holds no screened day"
        raise ReportError(f"no screen was computed for {day} ({computed}): run `masscreen run --start {day} "
                          f"--end {day}` or pick a screened day")


def _svg(chart: alt.TopLevelMixin) -> str:
    """An Altair chart as SVG text, rendered here by vl-convert; no data may be fetched."""
    return vl_convert.vegalite_to_svg(chart.to_dict(), allowed_base_urls=[])


def _midnight(day: date) -> alt.DateTime:
    return alt.DateTime(year=day.year, month=day.month, date=day.day)


def timeline_template(panels: list[str], window: tuple[date, date]) -> dict:
    """The timeline chart of one patient, compiled once to a Vega specification whose data is the
    dataset `patient` (filled per patient by timeline_spec, rows from timeline_data): a row per
    panel (charted analyte), each with the values (line and points), the thresholds (dashed lines,
    labelled) and the flag days (shaded) over `window` (the first day's local midnight to the
    cutoff). Compiling once leaves each patient only its rendering (docs/BENCHMARKS.md, Report)."""
    domain = [_midnight(window[0]), _midnight(window[1])]
    x = alt.X("t:T", title=None, scale=alt.Scale(domain=domain), axis=alt.Axis(format="%b %d", grid=False))
    base = alt.Chart().properties(width=820, height=70)
    shading = base.transform_filter(alt.datum.kind == "flag").mark_rect(opacity=0.25, color="#f0a030").encode(
        x=x, x2="t_end:T")
    rule = base.transform_filter(alt.datum.kind == "threshold").mark_rule(strokeDash=[5, 3], color="#b00").encode(
        y=alt.Y("threshold:Q", title=None))
    label = base.transform_filter(alt.datum.kind == "threshold").mark_text(
        align="left", baseline="bottom", dx=3, color="#b00", fontSize=10).encode(
        x=alt.datum(domain[0]), y=alt.Y("threshold:Q", title=None), text="label:N")
    values = base.transform_filter(alt.datum.kind == "value").mark_line(point=True, color="#1f4e79").encode(
        x=x, y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)))
    chart = alt.layer(shading, rule, label, values, data=alt.NamedData("patient")).facet(
        row=alt.Row("panel:N", sort=panels, title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
        spacing=6).resolve_scale(y="independent").properties(title="patient")
    return vl_convert.vegalite_to_vega({**chart.to_dict(), "datasets": {"patient": []}})


def timeline_spec(template: dict, title: str, rows: list[dict]) -> dict:
    """The compiled timeline (timeline_template) with one patient's title and rows."""
    return {**template, "title": {**template["title"], "text": title},
            "data": [{**data, "values": rows} if data["name"] == "patient" else data for data in template["data"]]}


def timeline_data(values: pl.DataFrame, flag_days: pl.DataFrame, thresholds: pl.DataFrame,
                  panels: pl.DataFrame, patients: pl.Series) -> dict[str, list[dict]]:
    """Patient -> the rows of its timeline dataset (`kind` value, flag or threshold; `panel`;
    times as site-local ISO text): its values, its flag days in every panel, and every threshold."""
    when = "%Y-%m-%dT%H:%M:%S"
    rows = pl.concat([
        values.join(panels, on="analyte").select(
            "patient_id", "panel", pl.lit("value").alias("kind"), pl.col("taken_at").dt.strftime(when).alias("t"),
            "value"),
        flag_days.join(panels, how="cross").select(
            "patient_id", "panel", pl.lit("flag").alias("kind"), pl.col("day_start").dt.strftime(when).alias("t"),
            pl.col("day_end").dt.strftime(when).alias("t_end")),
        thresholds.join(panels, on="analyte").join(patients.to_frame("patient_id"), how="cross").select(
            "patient_id", "panel", pl.lit("threshold").alias("kind"), "threshold", "label"),
    ], how="diagonal_relaxed")
    return {key[0]: part.drop("patient_id").to_dicts()
            for key, part in rows.partition_by("patient_id", as_dict=True).items()}


def _audit_charts(missed: pl.DataFrame) -> list[str]:
    """The audit's charts: cases per category, and lead times of recognised episodes."""
    counts = (pl.DataFrame({"category": list(MISSED_CASE_CATEGORIES)})
              .join(missed.group_by("category").len(), on="category", how="full", coalesce=True)
              .with_columns(pl.col("len").fill_null(0).alias("cases")))
    by_category = alt.Chart(counts).mark_bar().encode(
        x=alt.X("cases:Q", title="cases", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("category:N", sort=list(MISSED_CASE_CATEGORIES), title=None),
    ).properties(width=500, height=140, title="Cases of the month by category")
    lead = missed.filter(pl.col("lead_time_hours").is_not_null()).select("category", "case_id", "lead_time_hours")
    lead_times = alt.Chart(lead).mark_tick(thickness=2, size=18).encode(
        x=alt.X("lead_time_hours:Q", title="lead time, hours (positive: flagged before recognition)"),
        y=alt.Y("category:N", title=None), tooltip=["case_id:N", "lead_time_hours:Q"],
    ).properties(width=500, height=90, title="Lead time of recognised episodes")
    return [_svg(by_category), _svg(lead_times)]


def _table(frame: pl.DataFrame, title: str, subtitle: str | None, table_id: str, empty: str,
           groupname_col: str | None = None) -> GT:
    if frame.is_empty():
        subtitle = empty
    table = GT(frame, groupname_col=groupname_col, id=table_id).tab_header(title, subtitle)
    return (table.sub_missing(missing_text="—").cols_label(cases={name: name.replace("_", " ") for name in frame.columns})
            .tab_options(table_font_size="13px"))


def _worklist_table(worklist: pl.DataFrame, day: date) -> str:
    new = worklist.filter(pl.col("status") == "new").height
    shown = worklist.with_columns(pl.col("rules_fired").list.join(", "), pl.col("alert").replace_strict(
        {True: "yes", False: "no"}, return_dtype=pl.String)).drop("first_flag_date", "tier_rank")
    table = _table(shown, f"Flagged on {day}", f"{worklist.height} patients: {new} new, "
                   f"{worklist.height - new} continuing", "worklist-table", f"No patient flagged on {day}")
    return table.cols_label(cases={"patient_id": "patient", "episode_id": "episode", "rules_fired": "rules fired",
                                   "episode_day": "episode day", "flagged_days": "flagged days"}
                            ).as_raw_html()


def worklist_frame(con: duckdb.DuckDBPyConnection, rule_set: RuleSet, day: date) -> pl.DataFrame:
    """The day's worklist (sql/report/worklist.sql) with one text column per key value, named
    `<analyte> (<canonical unit>)`: the value the rule tested, its censoring before it ('>10000')."""
    items = key_value_items(rule_set)
    frame = _query(con, "worklist", {"date": day, "key_items": [path for path, _ in items.values()]})
    return frame.with_columns(pl.col("key_values").list.get(i, null_on_oob=True).alias(f"{analyte} ({unit})")
                              for i, (analyte, (_, unit)) in enumerate(items.items())).drop("key_values")


def build_report(con: duckdb.DuckDBPyConnection, rule_set: RuleSet, day: date, month: date) -> Report:
    """The page for `day` (worklist, timelines) and `month` (first day: the audit). Raises
    ReportError when a table is missing or the day was not screened."""
    check_warehouse(con, day)
    tiers = [tier["name"] for tier in rule_set.tiers]
    units = {item.analyte: item.unit for item in threshold_items(rule_set)}
    units.update({analyte: rule_set.units.canonical[analyte] for analyte in CHART_ANALYTES if analyte not in units})
    worklist = worklist_frame(con, rule_set, day)

    params = {"date": day, "days": TIMELINE_DAYS, "analytes": list(CHART_ANALYTES)}
    values = _query(con, "timeline_values", params)
    flag_days = _query(con, "timeline_flag_days", params)
    thresholds = pl.DataFrame([{"analyte": i.analyte, "threshold": i.threshold,
                                "label": f"{i.rule} {i.item} {i.op} {i.threshold:g} {i.unit}"}
                               for i in threshold_items(rule_set)],
                              schema={"analyte": pl.String, "threshold": pl.Float64, "label": pl.String})
    first_day = day - timedelta(days=TIMELINE_DAYS - 1)
    window = (first_day, day + timedelta(days=1))  # local midnights: the first day's start, the cutoff
    panels = pl.DataFrame({"analyte": list(CHART_ANALYTES),
                           "panel": [f"{analyte} ({units[analyte]})" for analyte in CHART_ANALYTES]})
    template = timeline_template(panels["panel"].to_list(), window)
    data = timeline_data(values, flag_days, thresholds, panels, worklist["patient_id"])
    figures = [FIGURE.substitute(id=f"timeline-{number}", svg=vl_convert.vega_to_svg(
                   timeline_spec(template, f"{patient}: {tier}", data.get(patient, [])), allowed_base_urls=[]))
               for number, (patient, tier) in enumerate(worklist.select("patient_id", "tier").iter_rows(), start=1)]

    month_params = {"month": month, "tiers": tiers}
    performance = _query(con, "performance", month_params)
    missed = _query(con, "missed_cases", month_params)
    near = _query(con, "near_misses", month_params)
    not_fired = _query(con, "rules_not_fired", month_params)
    month_name = month.strftime("%Y-%m")
    audit_svgs = _audit_charts(missed)

    performance_html = (_table(performance, f"Screen performance, {month_name}",
                               "tier rows count the tier or a higher one; positive predictive value over "
                               "adjudicated episodes (confirmed / (confirmed + not MAS))",
                               "performance-table", f"No performance row for {month_name}", "level_kind")
                        .fmt_number(columns=["flags_per_1000_patient_days", "episodes_per_1000_patient_days",
                                             "lead_time_hours_q1", "lead_time_hours_median", "lead_time_hours_q3"],
                                    decimals=1)
                        .fmt_percent(columns=["positive_predictive_value", "sensitivity"], decimals=0)
                        .as_raw_html())
    missed_html = (_table(missed, f"Episodes and recognised cases, {month_name}", "by category",
                          "missed-cases-table", f"No episode or recognised case in {month_name}", "category")
                   .fmt_number(columns="lead_time_hours", decimals=1).as_raw_html())
    near_html = (_table(near, f"Near misses, {month_name}", "recognised cases never flagged: the values closest "
                        "to each threshold", "near-misses-table", f"No recognised case went unflagged in {month_name}")
                 .fmt_number(columns=["distance", "relative_distance"], decimals=2).as_raw_html())
    not_fired_html = _table(not_fired, f"Why each rule did not fire, {month_name}", "recognised cases never flagged",
                            "rules-not-fired-table", f"No recognised case went unflagged in {month_name}").as_raw_html()

    page = PAGE.substitute(
        title=html.escape(f"MAS screen report, {day}"),
        subtitle=html.escape(f"Rule set {rule_set.version}. Values in canonical units; a flag on a day is "
                             "known at the start of the next day, local time."),
        worklist=_worklist_table(worklist, day),
        timeline_note=html.escape(
            f"Each flagged patient's values over the last {TIMELINE_DAYS} days (taken in that time and known "
            f"before the end of {day}); dashed lines: the thresholds of {' and '.join(THRESHOLD_RULES)}; shaded: "
            "flag days; a censored value ('>10000') is drawn at its bound."),
        timelines="".join(figures) or f'<p class="note">{html.escape(f"No patient flagged on {day}.")}</p>',
        month=html.escape(month_name),
        performance=performance_html,
        audit_charts="".join(FIGURE.substitute(id=f"audit-chart-{n}", svg=svg)
                             for n, svg in enumerate(audit_svgs, start=1)),
        missed_cases=missed_html, near_misses=near_html, rules_not_fired=not_fired_html)
    return Report(page, worklist, len(figures), len(audit_svgs))


FORMULA_START = r"^[=+\-@\t\r]"


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells a spreadsheet would run as a formula (starting with = + - @, tab or carriage
    return) get a leading apostrophe; other columns and cells are unchanged."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(name)).otherwise(pl.col(name))
        .alias(name) for name in text)


def worklist_csv(worklist: pl.DataFrame, path: Path) -> None:
    """Write the worklist as CSV (rules joined with '; '), formulas neutralised."""
    frame = worklist.with_columns(pl.col("rules_fired").list.join("; ")).drop("tier_rank")
    neutralise_formulas(frame).write_csv(path)


def parse_month(text: str) -> date:
    """'YYYY-MM' -> the first day of that month (ValueError otherwise)."""
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError as error:
        raise ValueError(f"not a YYYY-MM month: {text}") from error


def write_report(warehouse: Path, day: date, out: Path, month: date | None = None,
                 csv_path: Path | None = None) -> Report:
    """Build the report from `warehouse` (opened read-only, in the site time zone and with the
    rule file of the settings) for `day` and `month` (default: day's month) and write it to `out`
    (folders created), and the worklist to `csv_path` when given. Raises ReportError (no such
    warehouse, a table missing, the day not screened)."""
    from pipelines.features.rule_set import load_rule_set
    from pipelines.core.settings import load_settings
    from pipelines.core.warehouse import connect

    if not Path(warehouse).is_file():
        raise ReportError(f"no warehouse at {warehouse}: give the file `masscreen run` writes "
                          "(--warehouse) or its published/warehouse.duckdb")
    settings = load_settings()
    rule_set = load_rule_set(settings.rules)
    with connect(warehouse, settings.timezone, read_only=True) as con:
        report = build_report(con, rule_set, day, month or day.replace(day=1))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.html, encoding="utf-8")
    if csv_path is not None:
        csv_path.parent.mkdir(parents=True, exist_ok=True)
        worklist_csv(report.worklist, csv_path)
    return report


@dataclass(frozen=True)
class BrowserCheck:
    """What a headless Chromium saw opening a page: console errors, failed or outside requests
    (anything but the page itself), and the charts drawn (figure.chart > svg with a size)."""

    console_errors: list[str]
    failed_requests: list[str]
    outside_requests: list[str]
    charts: int


def open_in_chromium(page: Path, screenshot: Path | None = None, height: int = 900) -> BrowserCheck:
    """Open `page` in the system's headless Chromium (CHROMIUM) with Playwright, in a window 1280
    pixels wide and `height` high, wait for it to load, and report what it saw; save the window
    as a PNG to `screenshot` when given. Raises FileNotFoundError when Chromium is not installed
    (apt-get install chromium)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} not found: apt-get install chromium")
    url = Path(page).resolve().as_uri()
    errors, failed, outside = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": height})
            tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            tab.on("pageerror", lambda error: errors.append(str(error)))
            tab.on("requestfailed", lambda request: failed.append(f"{request.url}: {request.failure}"))
            tab.on("request", lambda request: outside.append(request.url) if request.url != url else None)
            tab.goto(url, wait_until="load")
            charts = tab.evaluate(
                "() => [...document.querySelectorAll('figure.chart > svg')]"
                ".filter(svg => svg.getBoundingClientRect().width > 0 && svg.getBoundingClientRect().height > 0).length")
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                tab.screenshot(path=str(screenshot), full_page=False)
        finally:
            browser.close()
    return BrowserCheck(errors, failed, outside, charts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshot a report in headless Chromium (docs/report.png).")
    commands = parser.add_subparsers(dest="command", required=True)
    shot = commands.add_parser("screenshot", help="open REPORT in headless Chromium and save PNG")
    shot.add_argument("report", type=Path)
    shot.add_argument("png", type=Path)
    shot.add_argument("--height", type=int, default=2300, help="window height in pixels (default 2300: "
                      "the worklist and the first timelines of the demo's report)")
    args = parser.parse_args(argv)
    check = open_in_chromium(args.report, args.png, args.height)
    print(json.dumps({"charts": check.charts, "console_errors": check.console_errors,
                      "failed_requests": check.failed_requests, "outside_requests": check.outside_requests}))
    return 0 if not (check.console_errors or check.failed_requests or check.outside_requests) else 1


if __name__ == "__main__":
    sys.exit(main())
