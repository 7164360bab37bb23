"""The work of each stage, as functions over an open warehouse connection.

Dagster assets (pipelines/defs) call these; tests call them directly. Each function runs its SQL
file(s) inside one transaction, so a failure leaves the previous state.
"""

import hashlib
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

import duckdb

from pipelines.dialects import compiled_query
from pipelines.feature_columns import longest_window_hours
from pipelines.landing import FileProblem, FileRefused, Load, record_file_problem
from pipelines.presets import load_source
from pipelines.site_config import Source
from pipelines.rule_set import RuleSet, load_rule_set
from pipelines.run_log import record_warning
from pipelines.settings import EXPECTATIONS_DIR, REFERENCE_DIR, load_settings, memory_bytes
from pipelines.warehouse import BYTES_PER_COLUMN_WRITTEN, execute, run_script, sql_text, statements, transaction

# Staging table -> (raw kind it is built from, the SQL files that build the temp table `parsed`).
STAGED_TABLES = {
    "lab_results": ("labs", ("staging/lab_source.sql", "staging/measurement_parse.sql")),
    "vital_signs": ("vitals", ("staging/vital_source.sql", "staging/measurement_parse.sql")),
    "diagnoses": ("diagnoses", ("staging/diagnosis_parse.sql",)),
    "medications": ("medications", ("staging/medication_parse.sql",)),
    "patients": ("patients", ("staging/patient_parse.sql",)),
    "encounters": ("encounters", ("staging/encounter_parse.sql",)),
}
# Tables whose record ids a source issues (a result or measurement id is unique only within its
# source): their versions are grouped by (source, id), and one id naming two patients (or two
# tests) is quarantined as conflicting_record_id (sql/staging/record_conflicts.sql).
SOURCE_SCOPED_TABLES = ("lab_results", "vital_signs")
# Tables where one record id naming two records is quarantined (sql/staging/record_conflicts.sql):
# `identity`, the parsed columns every row of one record must agree on (a measurement id reused
# for another test of the same patient is as wrong as one reused for another patient; the parsed
# analyte is compared, so two local codes of one analyte are one test), and `raw_record_fields`, the
# fields a quarantined row keeps in raw_record. Encounter ids are one scope across sources (the
# sources of one site share its encounter numbers), so an encounter id reused for another patient
# never lets that patient's admission replace this one's.
class ConflictCheck(NamedTuple):
    identity: tuple[str, ...]
    raw_record_fields: tuple[str, ...]


CONFLICT_CHECKED_TABLES = {
    "lab_results": ConflictCheck(("patient_id", "analyte"), (
        "patient_id", "encounter_id", "record_id", "code", "value", "unit", "taken_ts", "status")),
    "vital_signs": ConflictCheck(("patient_id", "analyte"), (
        "patient_id", "encounter_id", "record_id", "code", "value", "unit", "taken_ts", "status")),
    "encounters": ConflictCheck(("patient_id",), (
        "patient_id", "encounter_id", "admit_at", "discharge_at", "encounter_type", "care_unit")),
}
REFERENCE_FILES = (REFERENCE_DIR / "analytes.csv", REFERENCE_DIR / "units.csv", EXPECTATIONS_DIR / "plausibility.csv")


def refresh_reference_tables(con: duckdb.DuckDBPyConnection) -> None:
    with transaction(con):
        run_script(con, "reference/reference_tables.sql", {
            "analytes_csv": str(REFERENCE_DIR / "analytes.csv"),
            "units_csv": str(REFERENCE_DIR / "units.csv"),
            "plausibility_csv": str(EXPECTATIONS_DIR / "plausibility.csv"),
        })


def land(con: duckdb.DuckDBPyConnection, landing: Path, run_id: str) -> list[Load]:
    """Load every new file of every contract kind from a landing folder (each in its own transaction)."""
    return load_source(con, Source("landing", "canonical", landing), run_id)


def land_sources(con: duckdb.DuckDBPyConnection, sources: tuple[Source, ...], run_id: str) -> list[Load]:
    """Load every source's new files. A source that cannot be read at all (a zip that is not one)
    is recorded in meta.file_problems and the other sources still load."""
    loads = []
    for source in sources:
        try:
            loads += load_source(con, source, run_id)
        except FileRefused as error:
            record_file_problem(con, run_id, FileProblem(source.name, "source", source.path.name, str(error)))
    return loads


def staging_digest(table: str) -> str:
    """What a staging table's content depends on besides raw: reference files and its SQL."""
    _, parse_scripts = STAGED_TABLES[table]
    scripts = (*parse_scripts, "staging/dispositions.sql", f"staging/{table}.sql", "macros.sql")
    conflicts = [record_conflicts_sql(table)] if table in CONFLICT_CHECKED_TABLES else []
    digest = hashlib.sha256()
    for text in [path.read_text() for path in REFERENCE_FILES] + [sql_text(script) for script in scripts] + conflicts:
        digest.update(text.encode())
    return digest.hexdigest()


def record_conflicts_sql(table: str) -> str:
    """sql/staging/record_conflicts.sql rendered for one table of CONFLICT_CHECKED_TABLES: its
    identity columns as a struct ({{record_identity}}) and, read from that struct, as text for the
    detail ({{record_identity_text}}: 'patient 2, analyte ferritin'), and its raw_record fields."""
    check = CONFLICT_CHECKED_TABLES[table]
    identity = ", ".join(f"{column}: p.{column}" for column in check.identity)
    identity_text = " || ', ' || ".join(f"'{column.removesuffix('_id')} ' || identity.{column}"
                                        for column in check.identity)
    fields = ", ".join(f"{field}: parsed.{field}" for field in check.raw_record_fields)
    return (sql_text("staging/record_conflicts.sql").replace("{{record_identity}}", "{" + identity + "}")
            .replace("{{record_identity_text}}", identity_text).replace("{{raw_record_fields}}", fields))


def stage(con: duckdb.DuckDBPyConnection, table: str, run_id: str = "") -> int:
    """Bring one staging table, its quarantine and superseded rows up to date with raw: its new loads
    (and the earlier versions of the records they carry) only, or everything when the table is new
    or its reference files or SQL changed (the table is then recreated, so a new column arrives).
    The loads whose rows changed go to meta.staging_changes. Rows of a source-scoped table whose id
    names two patients or two analytes (or an encounter id two patients) are quarantined and, with run_id, recorded in meta.run_warnings
    ('conflicting_record_id', subject = the table, count = rows). Returns the table's row count."""
    raw_kind, parse_scripts = STAGED_TABLES[table]
    digest = staging_digest(table)
    state = con.execute("SELECT digest FROM meta.staging_state WHERE table_name = ?", [table]).fetchone()
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'staging' AND table_name = ?",
                         [table]).fetchone()[0] > 0
    full = not exists or state is None or state[0] != digest
    with transaction(con):
        con.execute("""CREATE OR REPLACE TEMP TABLE stage_scope AS
                       SELECT load_id FROM meta.loads WHERE kind = $kind
                       AND ($full OR load_id NOT IN (SELECT load_id FROM meta.staged_loads WHERE table_name = $table))""",
                    {"kind": raw_kind, "full": full, "table": table})
        # the loads already staged, where earlier versions of the staged records are looked up
        con.execute("""CREATE OR REPLACE TEMP TABLE earlier_loads AS
                       SELECT load_id FROM meta.loads WHERE kind = $kind
                       AND load_id NOT IN (SELECT load_id FROM stage_scope)""", {"kind": raw_kind})
        con.execute("""CREATE OR REPLACE TEMP TABLE record_scopes AS
                       SELECT load_id, CASE WHEN $by_source THEN source ELSE '' END AS record_source
                       FROM meta.loads WHERE kind = $kind""",
                    {"kind": raw_kind, "by_source": table in SOURCE_SCOPED_TABLES})
        if full or con.execute("SELECT count(*) FROM stage_scope").fetchone()[0]:
            for script in parse_scripts:
                run_script(con, script)
            if table in CONFLICT_CHECKED_TABLES:
                for statement in statements(record_conflicts_sql(table)):
                    con.execute(statement)
            run_script(con, "staging/dispositions.sql", {"table_name": table, "raw_kind": raw_kind, "full": full})
            if table in SOURCE_SCOPED_TABLES and run_id:
                _warn_quarantined_amendments(con, table, run_id)
            if table in CONFLICT_CHECKED_TABLES and run_id:
                _warn_conflicting_ids(con, table, run_id)
            projection = sql_text(f"staging/{table}.sql")
            con.execute(f"CREATE {'OR REPLACE' if full else ''} TABLE {'' if full else 'IF NOT EXISTS'} "
                        f"staging.{table} AS {projection} LIMIT 0")
            con.execute(f"DELETE FROM staging.{table} WHERE $full OR (_load_id, _source_row) IN "
                        "(SELECT _load_id, _source_row FROM parsed)", {"full": full})
            con.execute(f"INSERT INTO staging.{table} BY NAME {projection}")
            con.execute("DELETE FROM meta.staged_loads WHERE table_name = ? AND (? OR load_id IN "
                        "(SELECT load_id FROM stage_scope))", [table, full])
            con.execute("INSERT INTO meta.staged_loads SELECT ?, load_id, ? FROM stage_scope", [table, run_id])
            con.execute("INSERT INTO meta.staging_changes SELECT ?, ?, load_id, now() FROM "
                        "(SELECT _load_id AS load_id FROM parsed UNION SELECT load_id FROM stage_scope)",
                        [run_id, table])
            con.execute("INSERT OR REPLACE INTO meta.staging_state VALUES (?, ?)", [table, digest])
    return con.execute(f"SELECT count(*) FROM staging.{table}").fetchone()[0]


def _warn_conflicting_ids(con: duckdb.DuckDBPyConnection, table: str, run_id: str) -> None:
    """Record in meta.run_warnings the rows this staging step quarantined as conflicting_record_id
    (those left in the temp table `parsed` after sql/staging/dispositions.sql): how many, and the
    first few (source, id)."""
    rows, ids = con.execute("""
        SELECT count(*), list(DISTINCT s.record_source || ' ' || p.record_id ORDER BY s.record_source || ' ' || p.record_id)
        FROM parsed AS p JOIN record_scopes AS s ON s.load_id = p._load_id
        WHERE p.reason = 'conflicting_record_id'""").fetchone()
    if rows:
        record_warning(con, run_id, "conflicting_record_id", table, rows,
                       f"{rows} rows share their id with a row of another "
                       + " or ".join(column.removesuffix("_id") for column in CONFLICT_CHECKED_TABLES[table].identity)
                       + " and are quarantined "
                       f"(quarantine.rejected_rows reason conflicting_record_id); ids: "
                       + ", ".join(id_.strip() for id_ in ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else ""))


def unknown_patients(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> dict:
    """Patients with staged records (labs, vitals, diagnoses, medications, encounters) but no row in
    staging.patients (sql/meta/unknown_patients.sql); needs every staging table staged. With
    run_id, only the records of that run's loads count. Returns {"patients": distinct patients,
    "records": rows, "by_table": {table: patients}, "examples": up to 5 patient ids, sorted}."""
    rows = execute(con, sql_text("meta/unknown_patients.sql"), {"run_id": run_id}).fetchall()
    total = next(row for row in rows if row[0] is None)
    return {"patients": total[1], "records": total[2],
            "by_table": {row[0]: row[1] for row in rows if row[0] is not None}, "examples": total[3] or []}


def _warn_quarantined_amendments(con: duckdb.DuckDBPyConnection, table: str, run_id: str) -> None:
    """Record in meta.run_warnings ('amendment_quarantined', subject = the table, count = rows) the
    rows of this staging step's loads that are quarantined while an earlier version of the same
    record (same source and id) stays staged: a correction or cancellation that could not be read
    leaves the value it meant to replace on screen. Reads the temp tables of
    sql/staging/dispositions.sql."""
    rows, ids = con.execute("""
        SELECT count(*), list(DISTINCT p.record_id ORDER BY p.record_id)
        FROM parsed AS p JOIN record_scopes AS s ON s.load_id = p._load_id
        WHERE p.reason IS NOT NULL AND p._load_id IN (SELECT load_id FROM stage_scope)
          AND EXISTS (SELECT 1 FROM current AS c JOIN record_scopes AS cs ON cs.load_id = c._load_id
                      WHERE c.record_id = p.record_id AND cs.record_source = s.record_source
                        AND c._load_id < p._load_id)""").fetchone()
    if rows:
        record_warning(con, run_id, "amendment_quarantined", table, rows,
                       f"{rows} rows are quarantined while an earlier version of the same record stays staged "
                       "(a correction or cancellation that could not be read? see quarantine.rejected_rows): "
                       + ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else ""))


def warn_unknown_patients(con: duckdb.DuckDBPyConnection, run_id: str) -> dict:
    """Record in meta.run_warnings ('unknown_patients', no subject, count = distinct patients) the
    patients of this run's records that the patients extract lacks; returns unknown_patients()."""
    found = unknown_patients(con, run_id)
    if found["patients"]:
        tables = ", ".join(f"{table} {n}" for table, n in found["by_table"].items())
        more = found["patients"] - len(found["examples"])
        record_warning(con, run_id, "unknown_patients", None, found["patients"],
                       f"{found['patients']} patients have records ({tables}) but no row in staging.patients "
                       f"(absent from the patients extract, or quarantined there); still screened: "
                       + ", ".join(found["examples"]) + (f" and {more} more" if more else ""))
    return found


def warn_patient_demographics_disagreements(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """Record in meta.run_warnings ('patient_demographics_disagree', count = patients) the patients of
    this run's patient rows whose birth date or sex another source, or another row of the same file,
    sends differently
    (sql/meta/patient_demographics_disagreements.sql): two people merged under one id, usually. Returns
    the count."""
    patients, examples = execute(con, sql_text("meta/patient_demographics_disagreements.sql"), {"run_id": run_id}).fetchone()
    if patients:
        record_warning(con, run_id, "patient_demographics_disagree", None, patients,
                       f"{patients} patient ids are sent with different birth dates or sexes by several sources "
                       "or in one file "
                       "(patient ids are the site's: is a source numbering its patients its own way?): "
                       + "; ".join(examples))
    return patients


# The tables whose rows mark the computed days of their patient (sql/meta/changed_days.sql).
CHANGED_RECORD_TABLES = ("staging.diagnoses", "staging.medications", "staging.patients", "staging.encounters",
                         "features.patient_day")


def record_changed_days(con: duckdb.DuckDBPyConnection, run_id: str, rule_set: RuleSet | None = None) -> int:
    """Note in meta.changed_days the as-of days this run's loads changed (sql/meta/changed_days.sql):
    the look-back days (the rule set's longest window; default the active rule set) of their lab
    and vital rows and of the earlier versions of those records,
    and the computed days of the patients whose diagnoses, medications, encounters or patient row changed (only
    once features.patient_day and those staging tables exist). Run after staging; features and
    screen mark the days recomputed. Returns the number of days recorded for run_id."""
    existing = {row[0] for row in con.execute(
        "SELECT schema_name || '.' || table_name FROM duckdb_tables()").fetchall()}
    first, *record_days = statements(sql_text("meta/changed_days.sql"))
    params = {"run_id": run_id, "longest_window_hours": longest_window_hours(rule_set or active_rule_set())}
    with transaction(con):
        execute(con, first, params)
        if set(CHANGED_RECORD_TABLES) <= existing:
            for statement in record_days:
                execute(con, statement, params)
    return con.execute("SELECT count(*) FROM meta.changed_days WHERE run_id = ?", [run_id]).fetchone()[0]


def pending_changed_days(con: duckdb.DuckDBPyConnection) -> list[tuple[date, date]]:
    """Changed days computed before and not recomputed since, as contiguous (first, last) ranges.
    Days no run has computed yet are left to the run that first reaches them."""
    return con.execute("""
        WITH pending AS (
            SELECT DISTINCT c.as_of_date
            FROM meta.changed_days AS c
            JOIN meta.runs AS r
              ON r.step = 'features.patient_day' AND c.as_of_date BETWEEN r.partition_start AND r.partition_end
            WHERE c.recomputed_by IS NULL
        ),
        islands AS (SELECT as_of_date, as_of_date - CAST(row_number() OVER (ORDER BY as_of_date) AS INTEGER) AS island
                    FROM pending)
        SELECT min(as_of_date), max(as_of_date) FROM islands GROUP BY island ORDER BY 1
    """).fetchall()


def mark_recomputed(con: duckdb.DuckDBPyConnection, start: date, end: date, run_id: str) -> None:
    con.execute("UPDATE meta.changed_days SET recomputed_by = ? WHERE recomputed_by IS NULL "
                "AND as_of_date BETWEEN ? AND ?", [run_id, start, end])


def reconcile(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Per load: rows in, staged, quarantined, superseded, balanced (needs both staging tables)."""
    run_script(con, "meta/load_reconciliation.sql")
    return con.execute("SELECT * FROM meta.load_reconciliation ORDER BY load_id").pl().to_dicts()


def replace_daily_slice(con: duckdb.DuckDBPyConnection, table: str, query: str,
                        params: dict[str, object], start: date, end: date,
                        blocks: list[tuple[date, date]] | None = None) -> int:
    """Delete then insert the days [start, end] of a daily table, block by block (default: one
    block), in one transaction (the caller's, when one is open). The query's
    $start and $end are each block's first and last day. Rows are stored in day order, so a scan
    for some days (the next run's delete, publishing, a reader's date filter) skips the row groups
    of the other days. Returns the rows the table holds for [start, end]."""
    with transaction(con):
        for first, last in blocks or [(start, end)]:
            block_params = {**params, "start": first, "end": last}
            # the slice's layout only (LIMIT 0 is not executed): a wide temporary table would hold
            # a block of memory per column; the rows go straight from the query to the table. The
            # table is created from the query, not from the empty temporary table: DuckDB 1.5 loses
            # the rows of a large insert (over a row group) into a table created in the same
            # transaction from an empty temporary table (tests/test_daily_slices.py)
            execute(con, f"CREATE OR REPLACE TEMP TABLE daily_slice AS SELECT * FROM ({query}) LIMIT 0", block_params)
            execute(con, f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM ({query}) LIMIT 0", block_params)
            _align_columns(con, table)
            execute(con, f"DELETE FROM {table} WHERE as_of_date BETWEEN $start AND $end", block_params)
            execute(con, f"INSERT INTO {table} BY NAME SELECT * FROM ({query}) ORDER BY as_of_date, patient_id",
                    block_params)
        con.execute("DROP TABLE IF EXISTS daily_slice")
    return con.execute(f"SELECT count(*) FROM {table} WHERE as_of_date BETWEEN ? AND ?", [start, end]).fetchone()[0]


# Memory a block of days may take, per unit of its weight (stages.memory_blocks), measured with
# `make bench` and tests/test_memory_limit.py: a partial row of features.patient_day spread over one
# day (sql/features/patient_day.sql), and a patient-day screened (sql/screen/*.sql). A block's weight
# is kept under MASSCREEN_DUCKDB_MEMORY / these, so a run's memory follows its block, not its range.
FEATURE_BYTES_PER_SPREAD_ROW = 2_000
SCREEN_BYTES_PER_PATIENT_DAY = 40_000
def block_budget(memory: int | None, columns: int, bytes_per_weight: int) -> float:
    """The weight a block of days may have (memory_blocks) for `memory` bytes (default
    MASSCREEN_DUCKDB_MEMORY) when writing a table of `columns` columns."""
    usable = (memory or memory_bytes()) - columns * BYTES_PER_COLUMN_WRITTEN  # the table's write buffers
    return max(usable, (memory or memory_bytes()) / 10) / bytes_per_weight


def memory_blocks(con: duckdb.DuckDBPyConnection, weights_query: str, params: dict[str, object],
               start: date, end: date, budget: float) -> list[tuple[date, date]]:
    """Split [start, end] into consecutive blocks of days by summed weight: a block closes at the
    first day that takes it to the budget or over, so a block weighs less than the budget plus its
    last day's weight. weights_query returns (day DATE, weight) for the days with data only, so
    empty days cost nothing: they join the block before them. Returns [(first day, last day)],
    covering [start, end] without gap or overlap."""
    if start >= end:
        return [(start, end)]
    starts = [row[0] for row in execute(con, f"""
        WITH weights AS ({weights_query}),
        running AS (
            SELECT day, sum(weight) OVER (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                        - weight AS weight_before
            FROM weights WHERE day BETWEEN $start AND $end AND weight > 0
        )
        SELECT min(day) FROM running GROUP BY floor(weight_before / $budget) ORDER BY 1""",
        {**params, "start": start, "end": end, "budget": max(budget, 1.0)}).fetchall()]
    starts = [start] + [day for day in starts if day > start]
    ends = [day - timedelta(days=1) for day in starts[1:]] + [end]
    return list(zip(starts, ends))


def active_rule_set() -> RuleSet:
    """The rule set of the site's settings (MASSCREEN_RULES), as the Dagster resource loads it."""
    return load_rule_set(load_settings().rules)


class TableLayoutChanged(ValueError):
    """A daily table's stored rows cannot take the new layout (named column, types, and the fix)."""


def _align_columns(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Bring a daily table to the layout of the slice about to be written (temporary daily_slice):
    a column the rule file or the feature windows added is added (NULL on the days written
    before); an ENUM (the tiers) takes the new rule file's values in its order, keeping below them
    every value it held before (a tier since renamed, or text stored by an older release: DuckDB
    converts rows deleted but not yet vacuumed too, so values are never dropped); another column
    whose type changed is converted; a column no longer written stays, NULL on new days. Raises
    TableLayoutChanged when stored values cannot be converted."""
    existing = {name: kind for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall()}
    for name, kind, *_ in con.execute("DESCRIBE daily_slice").fetchall():
        if name not in existing:
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {kind}')
        elif kind.startswith("ENUM(") and (existing[name].startswith("ENUM(") or existing[name] == "VARCHAR"):
            # tiers: the new rule file's, in its order, below them every value held before
            held = {row[0] for row in con.execute(
                f'SELECT DISTINCT CAST("{name}" AS VARCHAR) FROM {table} WHERE "{name}" IS NOT NULL').fetchall()}
            stored = _enum_values(con, existing[name]) if existing[name].startswith("ENUM(") else sorted(held)
            new = _enum_values(con, kind)
            merged = [value for value in stored if value not in new] + new
            if merged != stored or existing[name] == "VARCHAR":
                values = ", ".join("'" + value.replace("'", "''") + "'" for value in merged)
                con.execute(f'ALTER TABLE {table} ALTER COLUMN "{name}" SET DATA TYPE ENUM({values})')
        elif existing[name] != kind:
            try:
                con.execute(f'ALTER TABLE {table} ALTER COLUMN "{name}" SET DATA TYPE {kind}')
            except duckdb.Error as error:
                raise TableLayoutChanged(
                    f"{table}.{name}: the rows already stored do not fit the new type {kind} "
                    f"({str(error).splitlines()[0]}); re-run the whole period so every day is rewritten, "
                    f"or drop the table to start it afresh") from None


def _enum_values(con: duckdb.DuckDBPyConnection, enum_type: str) -> list[str]:
    return con.execute(f"SELECT enum_range(NULL::{enum_type})").fetchone()[0]


def patient_day_query(rule_set: RuleSet) -> str:
    """The query of features.patient_day for the rule set's look-back and trend windows: the checked-in
    sql/compiled/duckdb/features.patient_day.sql for the shipped rule file (pipelines/dialects.py).
    Parameters: $start, $end."""
    return compiled_query("features.patient_day", rule_set)


# The weight of a day for the feature stage's blocks: the values that count for it, each being one
# row of the spread (sql/features/patient_day.sql): the values taken on it and on the days before
# it within the longest window.
FEATURE_DAY_WEIGHTS = """
SELECT day, sum(values_taken) OVER (ORDER BY day RANGE BETWEEN $window_days - 1 PRECEDING AND CURRENT ROW) AS weight
FROM (SELECT CAST(taken_at AS DATE) AS day, count(*) AS values_taken
      FROM (SELECT collected_at AS taken_at FROM staging.lab_results
            UNION ALL SELECT measured_at FROM staging.vital_signs)
      WHERE taken_at >= CAST(CAST($start AS DATE) AS TIMESTAMPTZ) - INTERVAL ($window_days) DAY
        AND taken_at < CAST(CAST($end AS DATE) + 1 AS TIMESTAMPTZ)
      GROUP BY ALL)
"""


def build_patient_day(con: duckdb.DuckDBPyConnection, start: date, end: date, rule_set: RuleSet | None = None,
                      memory: int | None = None) -> int:
    """Rebuild features.patient_day for the days [start, end] with the rule set's windows (default:
    the active rule set), in one transaction. Returns the rows written for those days.

    The days are written in blocks (memory_blocks) sized so that each block's work fits `memory`
    bytes (default: MASSCREEN_DUCKDB_MEMORY; FEATURE_BYTES_PER_SPREAD_ROW per value and day it
    counts for), so a backfill of any length runs in the configured memory; days without values
    cost next to nothing.

    When the stored table has other columns (the rule file's look-back windows changed, or a new
    version adds columns), every stored day is rebuilt with the new columns in the same pass, so the
    table never mixes two layouts and no stored day is lost."""
    rule_set = rule_set or active_rule_set()
    query = patient_day_query(rule_set)
    asked_start, asked_end = start, end
    with transaction(con):
        stored = [row[0] for row in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'features' "
            "AND table_name = 'patient_day' ORDER BY ordinal_position").fetchall()]
        if stored and stored != [column[0] for column in execute(
                con, f"SELECT * FROM ({query}) LIMIT 0", {"start": start, "end": start}).description]:
            first, last = con.execute("SELECT min(as_of_date), max(as_of_date) FROM features.patient_day").fetchone()
            start, end = min(start, first or start), max(end, last or end)
            con.execute("DROP TABLE features.patient_day")
        window_days = -(-longest_window_hours(rule_set) // 24) + 1
        columns = len(execute(con, f"SELECT * FROM ({query}) LIMIT 0", {"start": start, "end": start}).description)
        blocks = memory_blocks(con, FEATURE_DAY_WEIGHTS, {"window_days": window_days}, start, end,
                            block_budget(memory, columns, FEATURE_BYTES_PER_SPREAD_ROW))
        replace_daily_slice(con, "features.patient_day", query, {}, start, end, blocks)
    return con.execute("SELECT count(*) FROM features.patient_day WHERE as_of_date BETWEEN ? AND ?",
                       [asked_start, asked_end]).fetchone()[0]


def build_screen(con: duckdb.DuckDBPyConnection, start: date, end: date, rule_set: RuleSet,
                 keep_rule_tables: bool = False, memory: int | None = None) -> int:
    """Evaluate every rule for the days (screen.rule_evaluations), then write the flagged rows.

    The queries are sql/compiled/duckdb/ (pipelines/dialects.py: the templates below filled from
    the rule file, its numbers written in; only $start and $end are bound).
    sql/screen/screen_day.sql gathers each patient-day's values, contexts and population facts
    into the temporary table screen_day; each rule's file (sql/screen/rules/) then writes the
    temporary table rule_<rule id> (its results and item-by-item evidence); screen.rule_evaluations
    joins the results, and screen.at_risk_daily tiers them and takes the evidence of the flagged
    rows. The days go in blocks sized so each block's work fits `memory` bytes (default:
    MASSCREEN_DUCKDB_MEMORY; SCREEN_BYTES_PER_PATIENT_DAY per row of features.patient_day), all in
    one transaction. keep_rule_tables leaves the temporary tables of the last block on the
    connection (every rule's evidence for every patient-day of it, for an audit of a near miss).
    Returns the at-risk rows of [start, end]."""
    run_script(con, "screen/macros.sql")
    blocks = memory_blocks(
        con, "SELECT as_of_date AS day, count(*) AS weight FROM features.patient_day "
             "WHERE as_of_date BETWEEN $start AND $end GROUP BY ALL",
        {}, start, end, block_budget(memory, 100, SCREEN_BYTES_PER_PATIENT_DAY))
    temporary = ["screen_day"]
    try:
        with transaction(con):
            for first, last in blocks:
                params = {"start": first, "end": last}
                execute(con, "CREATE OR REPLACE TEMP TABLE screen_day AS "
                        + compiled_query("temp.screen_day", rule_set), params)
                for rule_id, _ in rule_set.rule_sql_files():  # one statement per rule, not per row
                    execute(con, f"CREATE OR REPLACE TEMP TABLE rule_{rule_id} AS "
                            + compiled_query(f"temp.rule_{rule_id}", rule_set), params)
                    temporary.append(f"rule_{rule_id}")
                replace_daily_slice(con, "screen.rule_evaluations",
                                    compiled_query("screen.rule_evaluations", rule_set), params, first, last)
                replace_daily_slice(con, "screen.at_risk_daily",
                                    compiled_query("screen.at_risk_daily", rule_set), params, first, last)
        return con.execute("SELECT count(*) FROM screen.at_risk_daily WHERE as_of_date BETWEEN ? AND ?",
                           [start, end]).fetchone()[0]
    finally:
        if not keep_rule_tables:
            for table in dict.fromkeys(temporary):
                con.execute(f"DROP TABLE IF EXISTS {table}")
