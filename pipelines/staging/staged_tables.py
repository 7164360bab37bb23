"""The staging tables, brought up to date with raw.* by SQL files in sql/staging/ inside one
transaction per table (a failure leaves the previous state); the reference tables they read;
and the row-count reconciliation of each load (sql/meta/load_reconciliation.sql).
"""

import hashlib
from typing import NamedTuple

import duckdb

from pipelines.core.run_log import record_warning
from pipelines.core.settings import EXPECTATIONS_DIR, REFERENCE_DIR
from pipelines.core.warehouse import run_script, sql_text, statements, transaction


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


def reconcile(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Per load: rows in, staged, quarantined, superseded, balanced (needs both staging tables)."""
    run_script(con, "meta/load_reconciliation.sql")
    return con.execute("SELECT * FROM meta.load_reconciliation ORDER BY load_id").pl().to_dicts()
