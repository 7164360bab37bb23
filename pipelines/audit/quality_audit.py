"""The quality audit: episodes of flagged days, clinicians' recognition of MAS/HLH, missed and late
cases, the quality team's verdicts and the screen's performance (schemas `screen` and `audit`).

Every table is rebuilt whole from the screen's tables in one transaction: they hold one row per
episode, case, verdict or month, so a rebuild reads the flagged days (screen.at_risk_daily), the
staged diagnoses and orders, and for near misses only the few never-flagged patients' days. An
episode can span months and a recognition can come a month after its flags, so rebuilding whole is
also what keeps every category and month consistent after a backfill. The SQL in sql/screen/episodes.sql
and sql/audit/ does the data work; this module renders the rule file's lists into it and loads the
adjudications file. Windows and code lists: the rule file's `audit` section.
"""

import hashlib
from pathlib import Path

import duckdb

from pipelines.core.warehouse import execute, run_script, sql_text, statements, transaction
from pipelines.features.rule_set import RuleSet

ADJUDICATION_COLUMNS = ("episode_id", "patient_id", "as_of_date", "verdict", "reviewer", "reviewed_at", "note")
# A file must name its verdict, reviewer and time, and a way to its episode (an id, or a patient and a day).
ADJUDICATION_REQUIRED = ("verdict", "reviewer", "reviewed_at")
ADJUDICATION_REFERENCES = (("episode_id",), ("patient_id", "as_of_date"))
AUDIT_TABLES = ("screen.episodes", "audit.recognition", "audit.adjudications", "audit.missed_cases",
                "audit.screen_performance")


class AdjudicationFileError(ValueError):
    """The adjudications file cannot be read as the contract says (its columns or its CSV)."""


def build_episodes(con: duckdb.DuckDBPyConnection, rule_set: RuleSet) -> int:
    """Replace screen.episodes (sql/screen/episodes.sql) from screen.at_risk_daily; returns its rows."""
    with transaction(con):
        execute(con, "CREATE OR REPLACE TABLE screen.episodes AS " + sql_text("screen/episodes.sql")
                + " ORDER BY patient_id, first_flag_date", rule_set.audit_parameters())
    return con.execute("SELECT count(*) FROM screen.episodes").fetchone()[0]


def _recognition_events(con: duckdb.DuckDBPyConnection, rule_set: RuleSet) -> None:
    run_script(con, "audit/recognition_events.sql", rule_set.audit_parameters())


def build_recognition(con: duckdb.DuckDBPyConnection, rule_set: RuleSet) -> int:
    """Replace audit.recognition (sql/audit/recognition.sql) from the staged diagnoses and orders."""
    with transaction(con):
        _recognition_events(con, rule_set)
        con.execute("CREATE OR REPLACE TABLE audit.recognition AS " + sql_text("audit/recognition.sql")
                    + " ORDER BY patient_id, recognised_by, strength")
    return con.execute("SELECT count(*) FROM audit.recognition").fetchone()[0]


def load_adjudications(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, object]:
    """Load the adjudications file's content when it is new (audit.adjudication_files and
    audit.adjudication_history), or mark its content seen again. Returns {'file', 'load_id',
    'rows', 'new'}; {'file', 'missing': True} when there is no file. Raises AdjudicationFileError
    (one line: cause and fix) when the CSV cannot be read or lacks a required column."""
    path = Path(path)
    if not path.is_file():
        return {"file": str(path), "missing": True}
    load_id = "adjudications-" + hashlib.sha256(path.read_bytes()).hexdigest()
    with transaction(con):
        known = con.execute("SELECT rows_in FROM audit.adjudication_files WHERE _load_id = ?", [load_id]).fetchone()
        if known is not None:
            con.execute("UPDATE audit.adjudication_files SET last_seen_at = now(), _source_file = ? WHERE _load_id = ?",
                        [str(path), load_id])
            return {"file": str(path), "load_id": load_id, "rows": known[0], "new": False}
        try:
            con.execute("CREATE OR REPLACE TEMP TABLE adjudication_file AS SELECT * FROM read_csv("
                        "?, header = true, all_varchar = true, auto_detect = true)", [str(path)])
        except duckdb.Error as error:
            first_line = str(error).strip().splitlines()[0]
            raise AdjudicationFileError(f"adjudications file {path} is not a readable CSV ({first_line}); "
                                        "fix the file (one header line, comma-separated) and run again") from None
        header = [row[0] for row in con.execute("DESCRIBE adjudication_file").fetchall()]
        normalised = {name.strip().lower(): name for name in header}
        missing = [name for name in ADJUDICATION_REQUIRED if name not in normalised]
        if missing or not any(all(name in normalised for name in ref) for ref in ADJUDICATION_REFERENCES):
            raise AdjudicationFileError(
                f"adjudications file {path} lacks the column(s) {', '.join(missing) or 'episode_id (or patient_id and as_of_date)'}; "
                f"its header must name {', '.join(ADJUDICATION_COLUMNS)} (note and the unused reference may be left out)")
        fields = ", ".join(f'"{normalised[name]}" AS {name}' if name in normalised else f"NULL AS {name}"
                           for name in ADJUDICATION_COLUMNS)
        con.execute(f"""INSERT INTO audit.adjudication_history BY NAME
                        SELECT ? AS _load_id, ? AS _source_file, row_number() OVER () AS _source_row,
                               now() AS loaded_at, {fields}
                        FROM adjudication_file""", [load_id, str(path)])
        rows = con.execute("SELECT count(*) FROM adjudication_file").fetchone()[0]
        con.execute("INSERT INTO audit.adjudication_files VALUES (?, ?, ?, now(), now())", [load_id, str(path), rows])
    return {"file": str(path), "load_id": load_id, "rows": rows, "new": True}


def build_adjudications(con: duckdb.DuckDBPyConnection, run_id: str = "") -> dict[str, int]:
    """Replace audit.adjudications and the adjudications' quarantine rows from the current file
    version (sql/audit/adjudications.sql); the loads are recorded in meta.staging_changes so the
    snapshot republishes their quarantine rows. Returns verdicts applied and rows quarantined."""
    with transaction(con):
        run_script(con, "audit/adjudications.sql")
        con.execute("INSERT INTO meta.staging_changes SELECT ?, 'adjudications', _load_id, now() "
                    "FROM audit.adjudication_files", [run_id])
        applied, quarantined = con.execute(
            "SELECT count(*) FILTER (WHERE outcome = 'applied'), count(*) FILTER (WHERE outcome = 'quarantined') "
            "FROM audit.adjudication_history").fetchone()
    return {"verdicts": applied, "quarantined": quarantined}


def adjudications_reconcile(con: duckdb.DuckDBPyConnection) -> list[str]:
    """What does not add up, as sentences (empty when all does): every version's rows in
    audit.adjudication_history equal its rows_in; the rows quarantined equal the adjudications'
    rows of quarantine.rejected_rows; the rows applied equal audit.adjudications."""
    problems = [f"load {load_id}: {kept} rows kept of {rows_in} read" for load_id, kept, rows_in in con.execute(
        "SELECT f._load_id, count(h._source_row), any_value(f.rows_in) FROM audit.adjudication_files AS f "
        "LEFT JOIN audit.adjudication_history AS h USING (_load_id) GROUP BY f._load_id "
        "HAVING count(h._source_row) <> any_value(f.rows_in)").fetchall()]
    quarantined, in_quarantine, applied, verdicts = con.execute(
        "SELECT (SELECT count(*) FROM audit.adjudication_history WHERE outcome = 'quarantined'), "
        "(SELECT count(*) FROM quarantine.rejected_rows WHERE table_name = 'adjudications'), "
        "(SELECT count(*) FROM audit.adjudication_history WHERE outcome = 'applied'), "
        "(SELECT count(*) FROM audit.adjudications)").fetchone()
    if quarantined != in_quarantine:
        problems.append(f"{quarantined} rows marked quarantined, {in_quarantine} in quarantine.rejected_rows")
    if applied != verdicts:
        problems.append(f"{applied} rows marked applied, {verdicts} rows in audit.adjudications")
    return problems


def near_miss_items(rule_set: RuleSet) -> list[dict[str, object]]:
    """Every rule item compared with a threshold: {rule, item, analyte, operator, threshold (the
    analyte's canonical unit), unit}."""
    return [{"rule": rule_id, "item": item_id, "analyte": item["analyte"], "operator": item["op"],
             "threshold": rule_set.effective_threshold(item), "unit": rule_set.canonical_unit(item)}
            for rule_id, rule in rule_set.rules.items() for item_id, item in rule["items"].items()
            if "op" in item and item.get("analyte")]


def _pairing_extremes_sql(rule_set: RuleSet, analytes: list[str]) -> str:
    """One SELECT per analyte: its pairing-window minimum and maximum per patient and as-of day, for
    the patients of near_miss_days only."""
    window = rule_set.pairing_window
    return "\nUNION ALL\n".join(
        f"SELECT patient_id, as_of_date, '{analyte}' AS analyte, \"{analyte}__{window}__min\" AS minimum, "
        f"\"{analyte}__{window}__max\" AS maximum FROM features.patient_day "
        "WHERE patient_id IN (SELECT patient_id FROM near_miss_days)"
        for analyte in analytes)


def _rules_not_fired_sql(con: duckdb.DuckDBPyConnection, rule_set: RuleSet) -> str:
    """A list of {rule, reason, days_evaluated}, one per rule of the rule file, as aggregates over
    the joined screen.rule_evaluations rows (reasons: sql/audit/missed_cases.sql)."""
    columns = {name for (name,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'screen' AND table_name = 'rule_evaluations'"
    ).fetchall()}
    entries = []
    for rule_id in rule_set.rules:
        def any_of(suffix: str) -> str:
            column = f"{rule_id}__{suffix}"
            return f"coalesce(bool_or(r.{column}), false)" if column in columns else "false"
        reason = (f"CASE WHEN count(r.as_of_date) = 0 THEN 'no_values' WHEN {any_of('met')} THEN 'met_without_flag' "
                  f"WHEN {any_of('met_without_context')} THEN 'outside_context' "
                  f"WHEN {any_of('possible')} THEN 'items_missing' ELSE 'thresholds_not_reached' END")
        entries.append(f"{{'rule': '{rule_id}', 'reason': {reason}, 'days_evaluated': count(r.as_of_date)}}")
    return "[" + ", ".join(entries) + "]"


def build_missed_cases(con: duckdb.DuckDBPyConnection, rule_set: RuleSet) -> int:
    """Replace audit.missed_cases (sql/audit/missed_cases.sql); needs screen.episodes current."""
    items = near_miss_items(rule_set)
    params = {**rule_set.audit_parameters(), "near_miss_items": items}
    script = (sql_text("audit/missed_cases.sql")
              .replace("{{pairing_extremes}}", _pairing_extremes_sql(rule_set, sorted({i["analyte"] for i in items})))
              .replace("{{rules_not_fired}}", _rules_not_fired_sql(con, rule_set)))
    *preparation, query = statements(script)
    with transaction(con):
        _recognition_events(con, rule_set)
        for statement in preparation:
            execute(con, statement, params)
        execute(con, f"CREATE OR REPLACE TABLE audit.missed_cases AS {query} ORDER BY month, category, case_id", params)
    return con.execute("SELECT count(*) FROM audit.missed_cases").fetchone()[0]


def build_screen_performance(con: duckdb.DuckDBPyConnection, rule_set: RuleSet) -> int:
    """Replace audit.screen_performance (sql/audit/screen_performance.sql); needs the other audit
    tables current."""
    params = {"tiers": [tier["name"] for tier in rule_set.tiers], "rules": list(rule_set.rules)}
    with transaction(con):
        execute(con, "CREATE OR REPLACE TABLE audit.screen_performance AS "
                + sql_text("audit/screen_performance.sql"), params)
    return con.execute("SELECT count(*) FROM audit.screen_performance").fetchone()[0]
