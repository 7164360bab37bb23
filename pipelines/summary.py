"""The short report printed after a run: rows per stage, quarantine by reason, flags per day, and
(when a generator's truth is at hand) the known MAS episodes caught and how early."""

from pathlib import Path

import duckdb

from pipelines.warehouse import execute, sql_text


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


def run_warnings(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple[str, str | None, int | None, str | None]]:
    """What the run found wrong with its inputs without stopping (meta.run_warnings): check name,
    subject, count and detail, unreadable files first."""
    return con.execute(
        "SELECT check_name, subject, count, detail FROM meta.run_warnings WHERE run_id = ? "
        "ORDER BY check_name <> 'unreadable_file', check_name, subject", [run_id]).fetchall()


def incomplete_files(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple[str, str]]:
    """(source/file, reason) of every file the run could not load: the night is incomplete."""
    return [(subject, detail) for check, subject, _, detail in run_warnings(con, run_id) if check == "unreadable_file"]


def render(con: duckdb.DuckDBPyConnection, tiers: list[str], truth_csv: Path | None = None,
           run_id: str | None = None) -> str:
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
    if truth_csv is not None and truth_csv.exists():
        episodes = episode_detection(con, truth_csv)
        caught = [e for e in episodes if e["flagged_before_diagnosis"]]
        lines.append(f"Synthetic MAS episodes flagged before diagnosis: {len(caught)} of {len(episodes)}")
        for e in episodes:
            lead = f"{e['lead_hours']:>6.1f} h before diagnosis" if e["flagged_before_diagnosis"] else (
                "flagged only after diagnosis" if e["first_flag_cutoff"] else "never flagged")
            lines.append(f"  {e['patient_id']:<10}{e['underlying']:<6}diagnosed {e['diagnosis_at']:%Y-%m-%d %H:%M}  {lead}")
        lines.append("Patients ever flagged, by highest tier and synthetic truth:")
        lines.append(f"  {'tier':<16}{'MAS':>6}{'confounder':>12}{'neither':>9}{'all':>7}")
        lines += [f"  {tier:<16}{mas:>6,}{confounder:>12,}{neither:>9,}{total:>7,}"
                  for tier, mas, confounder, neither, total in flag_breakdown(con, truth_csv.parent, tiers)]
    return "\n".join(lines)
