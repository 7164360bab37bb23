"""Checks across the staged tables about patients, recorded as run warnings: records of patients
the patients extract lacks (sql/meta/unknown_patients.sql) and patient ids sent with
disagreeing birth dates or sexes (sql/meta/patient_demographics_disagreements.sql).
"""

import duckdb

from pipelines.core.run_log import record_warning
from pipelines.core.warehouse import execute, sql_text


def unknown_patients(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> dict:
    """Patients with staged records (labs, vitals, diagnoses, medications, encounters) but no row in
    staging.patients (sql/meta/unknown_patients.sql); needs every staging table staged. With
    run_id, only the records of that run's loads count. Returns {"patients": distinct patients,
    "records": rows, "by_table": {table: patients}, "examples": up to 5 patient ids, sorted}."""
    rows = execute(con, sql_text("meta/unknown_patients.sql"), {"run_id": run_id}).fetchall()
    total = next(row for row in rows if row[0] is None)
    return {"patients": total[1], "records": total[2],
            "by_table": {row[0]: row[1] for row in rows if row[0] is not None}, "examples": total[3] or []}


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
