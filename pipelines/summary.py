"""The report of a run: rows per stage, quarantine by reason, flags per day, the audit and (when a
generator's truth is at hand) the known MAS episodes caught and how early, and each tier's
performance on the generated hospital's cohorts. `render` gives all of it (the command writes it
to a file beside the warehouse), `render_short` a few lines of it for the console."""

from pathlib import Path
from statistics import median

import duckdb

from pipelines.core.warehouse import execute, sql_text


def stage_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    return con.execute(sql_text("audit/run_summary.sql")).fetchall()


def quarantine_by_reason(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    return con.execute(
        "SELECT table_name, reason, count(*) FROM quarantine.rejected_rows GROUP BY ALL ORDER BY ALL"
    ).fetchall()


def flagged_per_day(con: duckdb.DuckDBPyConnection) -> list[tuple[object, int]]:
    return con.execute(
        "SELECT as_of_date, count(DISTINCT patient_id) FROM screen.at_risk_daily GROUP BY ALL ORDER BY ALL"
    ).fetchall()


def episode_detection(con: duckdb.DuckDBPyConnection, truth_csv: Path) -> list[dict]:
    result = execute(con, sql_text("audit/synthetic_episode_detection.sql"), {"truth_csv": str(truth_csv)})
    return result.pl().to_dicts()


def flag_breakdown(con: duckdb.DuckDBPyConnection, truth_dir: Path, tiers: list[str]) -> list[tuple]:
    """(highest tier, MAS patients, confounder patients, neither, all) per tier."""
    return execute(con, sql_text("audit/synthetic_flag_breakdown.sql"), {
        "episodes_csv": str(truth_dir / "mas_episodes.csv"),
        "confounders_csv": str(truth_dir / "confounders.csv"),
        "tiers": tiers,
    }).fetchall()


GROUP_LABELS = {  # the groups of sql/audit/synthetic_tier_performance.sql, in the order they are shown
    "mas": "MAS episodes flagged before diagnosis", "mas_at_sjia_onset": "MAS at sJIA onset (no code before discharge)",
    "flare": "sJIA/AOSD flare patients flagged", "sjia_flare": "sJIA flare", "aosd_flare": "AOSD flare",
    "sle_flare": "SLE flare", "sepsis": "sepsis", "liver_injury": "liver injury",
    "heme_malignancy_chemotherapy": "haematological malignancy, chemotherapy",
    "heme_malignancy": "haematological malignancy, no chemotherapy",
    "solid_tumour_chemotherapy": "solid tumour, chemotherapy", "infection": "infection (not sepsis)",
    "ordinary": "ordinary inpatients",
}


def tier_performance(con: duckdb.DuckDBPyConnection, truth_dir: Path, tiers: list[str],
                     alert_tiers: list[str]) -> list[dict]:
    """Per level (each tier cumulatively, highest first, then 'alert tiers') and group (MAS, MAS at
    sJIA onset, each non-MAS cohort and `flare`): flagged, total, percent and, for MAS, the median
    lead in hours (sql/audit/synthetic_tier_performance.sql). `tiers` in rule-file order."""
    return execute(con, sql_text("audit/synthetic_tier_performance.sql"), {
        "episodes_csv": str(truth_dir / "mas_episodes.csv"),
        "cohorts_csv": str(truth_dir / "cohorts.csv"),
        "tiers": tiers, "alert_tiers": alert_tiers,
    }).pl().to_dicts()


def tier_performance_table(rows: list[dict]) -> list[str]:
    """`tier_performance` rows as a Markdown table: one column per level, one line per group
    (flagged of total, percent) in GROUP_LABELS order (others after), and a median-lead line under
    each MAS group."""
    levels = list(dict.fromkeys((r["level_order"], r["level"]) for r in rows))
    headers = [level if order == 1 or level == "alert tiers" else f">= {level}" for order, level in levels]
    cells: dict[str, dict[int, str]] = {}
    for r in rows:
        cells.setdefault(r["group_name"], {})[r["level_order"]] = f"{r['flagged']}/{r['total']} ({r['percent']:.1f}%)"
        if r["group_name"].startswith("mas"):
            lead = "-" if r["median_lead_hours"] is None else f"{r['median_lead_hours']:.1f} h"
            cells.setdefault(r["group_name"] + " lead", {})[r["level_order"]] = lead
    lines = ["| group | " + " | ".join(headers) + " |", "|---|" + "---|" * len(levels)]
    order = [key for group in GROUP_LABELS for key in (group, group + " lead")]
    for group, by_level in sorted(cells.items(), key=lambda c: order.index(c[0]) if c[0] in order else len(order)):
        label = (GROUP_LABELS[group.removesuffix(" lead")].split(" (")[0].removesuffix(" flagged before diagnosis")
                 + ": median lead") if group.endswith(" lead") else GROUP_LABELS.get(group, group)
        lines.append(f"| {label} | " + " | ".join(by_level.get(order, "") for order, _ in levels) + " |")
    return lines


def run_warnings(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple[str, str | None, int | None, str | None]]:
    """What the run found wrong with its inputs without stopping (meta.run_warnings): check name,
    subject, count and detail, unreadable files first."""
    return con.execute(
        "SELECT check_name, subject, count, detail FROM meta.run_warnings WHERE run_id = ? "
        "ORDER BY check_name <> 'unreadable_file', check_name, subject", [run_id]).fetchall()


def incomplete_files(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple[str, str]]:
    """(source/file, reason) of every file the run could not load: the night is incomplete."""
    return [(subject, detail) for check, subject, _, detail in run_warnings(con, run_id) if check == "unreadable_file"]


def _audit_present(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'audit' "
                       "AND table_name IN ('missed_cases', 'screen_performance')").fetchone()[0] == 2


def audit_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The quality audit in a few lines: cases by category (audit.missed_cases; alert-tier episodes in
    brackets), verdicts applied and quarantined, and per month the flags and episodes per 1,000
    patient-days, positive predictive value and median lead time (audit.screen_performance, level
    'all'). Nothing when the audit tables are not there (a warehouse of an earlier release)."""
    if not _audit_present(con):
        return []
    lines = ["Quality audit (audit.missed_cases: cases by category, alert-tier episodes in brackets):"]
    categories = con.execute("SELECT category, count(*), count(*) FILTER (WHERE alert) FROM audit.missed_cases "
                             "GROUP BY ALL ORDER BY 1").fetchall()
    lines += [f"  {category:<26}{n:>6,}" + (f"  ({alert:,})" if alert else "") for category, n, alert in categories] \
        or ["  none"]
    verdicts, quarantined = con.execute(
        "SELECT (SELECT count(*) FROM audit.adjudications), "
        "(SELECT count(*) FROM quarantine.rejected_rows WHERE table_name = 'adjudications')").fetchone()
    lines.append(f"  verdicts applied (audit.adjudications) {verdicts:,}; adjudication rows quarantined {quarantined:,}")
    lines.append("  month    flags/1000 pd  episodes/1000 pd  PPV (confirmed/(confirmed+not MAS))  median lead h")
    for month, flags, episodes, ppv, confirmed, judged, lead in con.execute(
            "SELECT month, flags_per_1000_patient_days, episodes_per_1000_patient_days, positive_predictive_value, "
            "confirmed, confirmed + not_mas, lead_time_hours_median FROM audit.screen_performance "
            "WHERE level_kind = 'all' ORDER BY month").fetchall():
        ppv_text = f"{ppv:.2f} ({confirmed}/{judged})" if ppv is not None else "-"
        lead_text = f"{lead:.1f}" if lead is not None else "-"
        lines.append(f"  {month:%Y-%m}  {flags:>13.1f}  {episodes:>16.1f}  {ppv_text:>35}  {lead_text:>13}")
    return lines


def render(con: duckdb.DuckDBPyConnection, tiers: list[str], truth_csv: Path | None = None,
           run_id: str | None = None, alert_tiers: list[str] | None = None) -> str:
    """The report as text. tiers: names in rule-file order, highest first; alert_tiers: those with
    `alert: true`. The tier performance table is printed when truth/cohorts.csv is beside truth_csv."""
    lines = []
    if run_id is not None:
        warnings = run_warnings(con, run_id)
        lines.append(f"Warnings of this run ({len(warnings)}, meta.run_warnings):")
        lines += [f"  {check}{f': {subject}' if subject else ''}{f' ({count:,})' if count else ''}: {detail or ''}"
                  for check, subject, count, detail in warnings] or ["  none"]
    lines.append("Rows per stage:")
    lines += [f"  {stage:<11}{table:<18}{rows:>10,}" for stage, table, rows in stage_rows(con)]
    lines.append("Rows quarantined, by reason:")
    quarantined = quarantine_by_reason(con)
    lines += [f"  {table:<14}{reason:<20}{n:>8,}" for table, reason, n in quarantined] or ["  none"]
    per_day = flagged_per_day(con)
    lines.append(f"Patients flagged per day, any tier ({len(per_day)} days with flags):")
    cells = [f"{day:%m-%d} {n:>3}" for day, n in per_day]
    lines += ["  " + "   ".join(cells[i:i + 7]) for i in range(0, len(cells), 7)] or ["  none"]
    lines += audit_lines(con)
    if truth_csv is not None and truth_csv.exists():
        episodes = episode_detection(con, truth_csv)
        caught = [e for e in episodes if e["flagged_before_diagnosis"]]
        lines.append(f"Synthetic MAS episodes flagged before diagnosis, any tier: {len(caught)} of {len(episodes)}")
        for e in episodes:
            lead = f"{e['lead_hours']:>6.1f} h before diagnosis" if e["flagged_before_diagnosis"] else (
                "flagged only after diagnosis" if e["first_flag_cutoff"] else "never flagged")
            lines.append(f"  {e['patient_id']:<10}{e['underlying']:<6}diagnosed {e['diagnosis_at']:%Y-%m-%d %H:%M}  {lead}")
        lines.append("Patients ever flagged, by highest tier and synthetic truth:")
        lines.append(f"  {'tier':<16}{'MAS':>6}{'confounder':>12}{'neither':>9}{'all':>7}")
        lines += [f"  {tier:<16}{mas:>6,}{confounder:>12,}{neither:>9,}{total:>7,}"
                  for tier, mas, confounder, neither, total in flag_breakdown(con, truth_csv.parent, tiers)]
        if (truth_csv.parent / "cohorts.csv").exists():
            lines.append("Tier performance on the generated hospital (each tier counts itself and the tiers above it;"
                         " cohort rows: patients flagged during a stay of that cohort):")
            lines += ["  " + line for line in tier_performance_table(
                tier_performance(con, truth_csv.parent, tiers, alert_tiers or []))]
    return "\n".join(lines)


def render_short(con: duckdb.DuckDBPyConnection, tiers: list[str], truth_csv: Path | None = None,
                 run_id: str | None = None, alert_tiers: list[str] | None = None) -> str:
    """The summary in a few lines for the console (render gives the whole of it, for a file): the
    run's warnings (each: they may need action), rows per stage in one line, quarantined rows and
    their commonest reasons, flagged patients per day as a range, the audit's case categories in one
    line and, with a generator's truth, the MAS episodes caught and the alert tiers' performance."""
    lines = []
    if run_id is not None:
        warnings = run_warnings(con, run_id)
        lines.append(f"Warnings of this run ({len(warnings)}, meta.run_warnings)" + (":" if warnings else ": none"))
        lines += [f"  {check}{f': {subject}' if subject else ''}{f' ({count:,})' if count else ''}: {detail or ''}"
                  for check, subject, count, detail in warnings[:SHORT_WARNINGS]]
        if len(warnings) > SHORT_WARNINGS:
            lines.append(f"  ... and {len(warnings) - SHORT_WARNINGS} more (meta.run_warnings)")
    rows = {(stage, table): n for stage, table, n in stage_rows(con)}
    raw = sum(n for (stage, table), n in rows.items() if stage == "raw" and table != "malformed_lines")
    staged = sum(n for (stage, table), n in rows.items() if stage == "staging" and table != "superseded_rows")
    lines.append(f"Rows: raw {raw:,} ({rows.get(('raw', 'malformed_lines'), 0):,} malformed lines), staging {staged:,}, "
                 f"superseded {rows.get(('staging', 'superseded_rows'), 0):,}, "
                 f"quarantined {rows.get(('quarantine', 'rejected_rows'), 0):,}; "
                 f"features.patient_day {rows.get(('features', 'patient_day'), 0):,}; "
                 f"screen.at_risk_daily {rows.get(('screen', 'at_risk_daily'), 0):,}")
    quarantined = sorted(quarantine_by_reason(con), key=lambda row: -row[2])
    if quarantined:
        lines.append("  commonest quarantine reasons: " + ", ".join(
            f"{table} {reason} {n:,}" for table, reason, n in quarantined[:3])
            + (f" (+{len(quarantined) - 3} more)" if len(quarantined) > 3 else ""))
    per_day = [n for _, n in flagged_per_day(con)]
    lines.append(f"Patients flagged per day, any tier: {min(per_day)} to {max(per_day)}, median "
                 f"{median(per_day):g}, on {len(per_day)} days" if per_day
                 else "Patients flagged per day, any tier: none")
    if _audit_present(con):
        categories = con.execute("SELECT category, count(*) FROM audit.missed_cases GROUP BY ALL ORDER BY 1").fetchall()
        lines.append("Quality audit cases (audit.missed_cases): "
                     + (", ".join(f"{category} {n:,}" for category, n in categories) or "none"))
    if truth_csv is not None and truth_csv.exists():
        episodes = episode_detection(con, truth_csv)
        leads = [e["lead_hours"] for e in episodes if e["flagged_before_diagnosis"]]
        lead = f", median lead {median(leads):.1f} h" if leads else ""
        lines.append(f"Synthetic MAS episodes flagged before diagnosis, any tier: {len(leads)} of {len(episodes)}{lead}")
        if (truth_csv.parent / "cohorts.csv").exists() and alert_tiers:
            alert = [r for r in tier_performance(con, truth_csv.parent, tiers, alert_tiers) if r["level"] == "alert tiers"]
            lines.append("Alert tiers (" + ", ".join(alert_tiers) + "): " + ", ".join(
                f"{GROUP_LABELS.get(r['group_name'], r['group_name'])} {r['flagged']}/{r['total']}"
                for r in sorted(alert, key=lambda r: list(GROUP_LABELS).index(r["group_name"])
                                if r["group_name"] in GROUP_LABELS else len(GROUP_LABELS))
                if r["group_name"] in ("mas", "mas_at_sjia_onset", "sepsis", "flare", "ordinary")))
    return "\n".join(lines)


SHORT_WARNINGS = 10  # warnings listed on the console; all of them are in the summary file
