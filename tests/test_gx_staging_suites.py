"""GX suites of the four staging tables without plausibility bounds: diagnoses, medications,
patients, encounters (expectations/<table>.json, run by pipelines/staging/gx_validation.py).

Each suite gets a good frame (pandas and polars) that passes and one or two specific violations
that fail with the expected expectation, column and unexpected_count. The suites are also checked
against the real tables: tiny contract CSVs are landed and staged by the SQL in sql/staging, the
staged column names must equal the suite's column_set, and the staged frame must pass.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from great_expectations.expectations.registry import get_expectation_impl

from pipelines.core.contract import DIAGNOSES, ENCOUNTERS, MEDICATIONS, PATIENTS, FileKind
from pipelines.core.warehouse import connect
from pipelines.ingest import presets
from pipelines.staging import staged_tables
from pipelines.staging.gx_validation import ExpectationFailure, ValidationOutcome, validate_frame

ROOT = Path(__file__).resolve().parents[1]
EXPECTATIONS = ROOT / "expectations"
TABLES = ("diagnoses", "medications", "patients", "encounters")
SUITES = {table: EXPECTATIONS / f"{table}.json" for table in TABLES}
SITE_TZ = "America/New_York"
LINEAGE = {"_load_id": "L1", "_source_file": "x.csv"}


def suite_doc(table: str) -> dict:
    return json.loads(SUITES[table].read_text())


def column_set(table: str) -> list[str]:
    (columns,) = [e["kwargs"]["column_set"] for e in suite_doc(table)["expectations"]
                  if e["type"] == "expect_table_columns_to_match_set"]
    return columns


def only_failure(outcome: ValidationOutcome) -> ExpectationFailure:
    assert outcome.failed == 1, outcome.failures
    return outcome.failures[0]


# --- good frames: tz-aware timestamps, NULLs wherever the staged table allows them ------------------

def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=SITE_TZ)


def diagnoses_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "patient_id": ["p1", "p1", "p2", "p2"],
        "encounter_id": ["e1", None, "e2", "e2"],  # same diagnosis with and without encounter: 2 records
        "code_system": ["ICD10CM", "ICD10CM", "SNOMED", "ICD9CM"],
        "code": ["M08.20", "m08.20", "238916000", "288.4"],
        "code_compact": ["M0820", "M0820", "238916000", "2884"],
        "recorded_at": [ts("2024-01-01 08:00")] * 2 + [ts("2024-01-02 09:00")] * 2,
        **LINEAGE, "_source_row": range(4),
    })


def medications_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "patient_id": ["p1", "p1", "p2"],
        "encounter_id": ["e1", None, "e2"],
        "code_system": ["RXNORM", None, "NDC"],
        "code": ["1114195", None, "00000-000"],
        "name": ["anakinra", "Methylprednisolone", "dexamethasone"],
        "dose": ["100", "1", None], "dose_unit": ["mg", "g", None], "route": ["SC", "IV", None],
        "started_at": [ts("2024-01-01 08:00"), ts("2024-01-02 10:00"), ts("2024-01-03 00:00")],
        "ended_at": [ts("2024-01-05 08:00"), ts("2024-01-02 10:00"), pd.NaT],  # equal end is fine, NaT = active
        **LINEAGE, "_source_row": range(3),
    })


def patients_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "patient_id": ["p1", "p2", "p3"],
        "birth_date": pd.to_datetime(["2010-05-01", None, "2015-02-28"]),
        "sex": ["F", "U", "M"],
        **LINEAGE, "_source_row": range(3),
    })


def encounters_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "patient_id": ["p1", "p2", "p2"],
        "encounter_id": ["e1", "e2", "e3"],
        "admit_at": [ts("2024-01-01 07:00"), ts("2024-01-02 09:00"), ts("2024-01-08 09:00")],
        "discharge_at": [ts("2024-01-06 12:00"), ts("2024-01-02 09:00"), pd.NaT],  # e3 still in
        "encounter_type": ["inpatient", "ED", "inpatient"], "care_unit": ["PICU", None, "ward"],
        **LINEAGE, "_source_row": range(3),
    })


GOOD = {"diagnoses": diagnoses_frame, "medications": medications_frame,
        "patients": patients_frame, "encounters": encounters_frame}


# --- suite files ------------------------------------------------------------------------------

@pytest.mark.parametrize("table", TABLES)
def test_suite_json_is_valid_gx_1_24(table):
    doc = suite_doc(table)
    assert doc["name"] == table and doc["meta"]["table"] == f"staging.{table}"
    assert doc["meta"]["great_expectations_version"] == "1.24.1"
    for e in doc["expectations"]:
        assert set(e) == {"type", "kwargs", "meta", "severity"}
        assert get_expectation_impl(e["type"]) is not None  # raises if the type is unknown
        assert e["severity"] in {"critical", "warning", "info"}
        assert e["meta"]["why"]
    # a pair check must skip NULLs (open encounters, active orders) instead of failing them
    for e in doc["expectations"]:
        if e["type"] == "expect_column_pair_values_a_to_be_greater_than_b":
            assert e["kwargs"]["ignore_row_if"] == "either_value_is_missing" and e["severity"] == "warning"


# --- passing data -------------------------------------------------------------------------

@pytest.mark.parametrize("flavour", ["pandas", "polars"])
@pytest.mark.parametrize("table", TABLES)
def test_good_frame_passes(table, flavour):
    frame = GOOD[table]()
    out = validate_frame(pl.from_pandas(frame) if flavour == "polars" else frame, SUITES[table])
    assert out.success and not out.critical_failed, out.failures
    assert (out.suite, out.rows, out.failed) == (table, len(frame), 0)
    assert out.evaluated == len(suite_doc(table)["expectations"])


@pytest.mark.parametrize("table", TABLES)
def test_empty_frame_passes(table):
    out = validate_frame(GOOD[table]().iloc[0:0], SUITES[table])
    assert out.success and out.rows == 0


@pytest.mark.parametrize("table", TABLES)
def test_missing_column_fails(table):
    frame = GOOD[table]().drop(columns=["_source_row"])
    out = validate_frame(frame, SUITES[table])
    assert [f.expectation for f in out.failures] == ["expect_table_columns_to_match_set"]
    assert out.critical_failed


# --- one specific violation per suite ----------------------------------------------------------

def test_diagnoses_duplicate_record_with_null_encounter_fails_compound_uniqueness():
    frame = diagnoses_frame()
    frame = pd.concat([frame, frame.iloc[[1]]], ignore_index=True)  # the NULL-encounter row, twice
    frame.loc[4, "_source_row"] = 4  # lineage differs, the record does not
    out = validate_frame(frame, SUITES["diagnoses"])
    failure = only_failure(out)
    assert (failure.expectation, failure.severity, failure.unexpected_count) == (
        "expect_compound_columns_to_be_unique", "critical", 2)  # every copy of a duplicate counts
    assert failure.column is None  # the adapter names column/column_A,B only; column_list is in detail
    assert "column_list=['patient_id', 'encounter_id', 'code_system', 'code_compact', 'recorded_at']" in failure.detail
    assert out.critical_failed


def test_diagnoses_same_code_at_another_time_is_not_a_duplicate():
    frame = diagnoses_frame()
    frame.loc[1, ["encounter_id", "recorded_at"]] = ["e1", ts("2024-01-01 08:00:01")]
    assert validate_frame(frame, SUITES["diagnoses"]).success


def test_diagnoses_code_compact_with_dot_or_lower_case_fails():
    frame = diagnoses_frame()
    frame.loc[0, "code_compact"] = "M08.20"
    frame.loc[1, "code_compact"] = "m0820"
    failure = only_failure(validate_frame(frame, SUITES["diagnoses"]))
    assert (failure.expectation, failure.column, failure.unexpected_count) == (
        "expect_column_values_to_not_match_regex", "code_compact", 2)


def test_medications_unknown_code_system_fails():
    frame = medications_frame()
    frame.loc[0, "code_system"] = "SNOMED"
    failure = only_failure(validate_frame(frame, SUITES["medications"]))
    assert (failure.expectation, failure.column, failure.severity, failure.unexpected_count) == (
        "expect_column_values_to_be_in_set", "code_system", "critical", 1)


def test_medications_ended_before_started_is_only_a_warning():
    frame = medications_frame()
    frame.loc[0, "ended_at"] = frame.loc[0, "started_at"] - pd.Timedelta("1min")
    out = validate_frame(frame, SUITES["medications"])
    failure = only_failure(out)
    assert (failure.expectation, failure.column, failure.severity, failure.unexpected_count) == (
        "expect_column_pair_values_a_to_be_greater_than_b", "ended_at,started_at", "warning", 1)
    assert not out.success and not out.critical_failed


def test_patients_duplicate_patient_id_fails():
    frame = patients_frame()
    frame.loc[2, "patient_id"] = "p1"
    failure = only_failure(validate_frame(frame, SUITES["patients"]))
    assert (failure.expectation, failure.column, failure.severity, failure.unexpected_count) == (
        "expect_column_values_to_be_unique", "patient_id", "critical", 2)


def test_patients_unknown_sex_fails():
    frame = patients_frame()
    frame.loc[0, "sex"] = "female"  # the parse should have mapped it to F
    failure = only_failure(validate_frame(frame, SUITES["patients"]))
    assert (failure.expectation, failure.column, failure.unexpected_count) == (
        "expect_column_values_to_be_in_set", "sex", 1)


def test_encounters_discharge_before_admit_is_only_a_warning():
    frame = encounters_frame()
    frame.loc[0, "discharge_at"] = frame.loc[0, "admit_at"] - pd.Timedelta("1h")
    out = validate_frame(frame, SUITES["encounters"])
    failure = only_failure(out)
    assert (failure.expectation, failure.column, failure.severity, failure.unexpected_count) == (
        "expect_column_pair_values_a_to_be_greater_than_b", "discharge_at,admit_at", "warning", 1)
    assert not out.success and not out.critical_failed


def test_encounters_duplicate_encounter_id_fails():
    frame = encounters_frame()
    frame.loc[2, "encounter_id"] = "e2"
    failure = only_failure(validate_frame(frame, SUITES["encounters"]))
    assert (failure.expectation, failure.column, failure.unexpected_count) == (
        "expect_column_values_to_be_unique", "encounter_id", 2)


# --- the real staged tables ------------------------------------------------------------------------

# Contract CSVs exercising what the parse normalises, supersedes and quarantines (one reject each).
EXTRACTS: dict[str, tuple[FileKind, list[list[str]]]] = {
    "diagnoses_1.csv": (DIAGNOSES, [
        ["p1", "e1", "ICD10CM", "M08.20", "2024-01-01T08:00:00"],
        ["p1", "", "icd-10-cm", " m08.20 ", "2024-01-01T08:00:00"],  # NULL encounter, normalised
        ["p1", " ", "ICD10CM", "M0820", "2024-01-01T08:00:00"],  # same record as the row above
        ["p2", "e2", "SNOMED", "238916000", "2024-01-02T09:00:00-05:00"],
        ["p2", "e2", "ICD9CM", "288.4", "2024-01-02 09:00"],
        ["p3", "e3", "LOINC", "123", "2024-01-02T09:00:00"],  # unknown_code_system
    ]),
    "medications_1.csv": (MEDICATIONS, [
        ["p1", "e1", "RXNORM", "1114195", "anakinra", "100", "mg", "SC", "2024-01-01T08:00:00", ""],
        ["p1", "e1", "RXNORM", "1114195", "anakinra", "100", "mg", "SC", "2024-01-01T08:00:00",
         "2024-01-05T08:00:00"],  # re-sent with the end filled in: replaces the row above
        ["p1", "", "", "", "Methylprednisolone", "1", "g", "IV", "2024-01-02T10:00:00", "2024-01-04T10:00:00"],
        ["p2", "e2", "ndc", "00000-000", "dexamethasone", "", "", "", "2024-01-03T00:00:00", ""],
        ["p3", "e3", "ATC", "L04AC03", "anakinra", "", "", "", "2024-01-03T00:00:00", ""],  # unknown_code_system
    ]),
    "patients_1.csv": (PATIENTS, [
        ["p1", "2010-05-01", "female"],
        ["p2", "", ""],  # no birth date, sex U
        ["p3", "2015-02-28", "M"],
        ["p1", "2010-05-01", "F"],  # later version of p1
        ["p4", "2015-02-30", "F"],  # invalid_date
    ]),
    "encounters_1.csv": (ENCOUNTERS, [
        ["p1", "e1", "2024-01-01T07:00:00", "", "inpatient", "PICU"],
        ["p2", "e2", "2024-01-02T09:00:00", "2024-01-02T09:00:00", "ED", ""],
        ["p3", "e3", "2024-01-03T09:00:00", "2024-01-02T09:00:00", "inpatient", "ward"],  # discharge_before_admit
    ]),
    "encounters_2.csv": (ENCOUNTERS, [
        ["p1", "e1", "2024-01-01T07:00:00", "2024-01-06T12:00:00", "inpatient", "PICU"],  # discharged later
        ["p2", "e4", "2024-01-08T09:00:00", "", "inpatient", ""],  # still in
    ]),
}
STAGED_ROWS = {"diagnoses": 4, "medications": 3, "patients": 3, "encounters": 3}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("staged")
    landing = tmp / "landing"
    landing.mkdir()
    for name, (kind, rows) in EXTRACTS.items():
        with (landing / name).open("w", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(kind.columns)
            writer.writerows(rows)
    with connect(tmp / "w.duckdb", SITE_TZ) as con:
        staged_tables.refresh_reference_tables(con)
        presets.land(con, landing, run_id="t")
        staged = {table: staged_tables.stage(con, table) for table in TABLES}
        assert staged == STAGED_ROWS
        rejected = dict(con.execute(
            "SELECT table_name, count(*) FROM quarantine.rejected_rows GROUP BY 1").fetchall())
        assert rejected == {table: 1 for table in TABLES}
        yield con


@pytest.mark.parametrize("table", TABLES)
def test_column_set_matches_the_staged_table(warehouse, table):
    staged_columns = [row[0] for row in warehouse.execute(f"DESCRIBE staging.{table}").fetchall()]
    assert staged_columns == column_set(table)


@pytest.mark.parametrize("table", TABLES)
def test_real_staged_frame_passes(warehouse, table):
    frame = warehouse.execute(f"SELECT * FROM staging.{table}").pl()
    out = validate_frame(frame, SUITES[table])
    assert out.success, out.failures
    assert (out.rows, out.evaluated) == (STAGED_ROWS[table], len(suite_doc(table)["expectations"]))


def test_real_staged_values_are_what_the_suites_assume(warehouse):
    """The edge cases the suites must accept are really in the staged tables."""
    assert warehouse.execute(
        "SELECT count(*) FROM staging.diagnoses WHERE encounter_id IS NULL AND code_compact = 'M0820'"
    ).fetchone() == (1,)
    assert warehouse.execute("SELECT count(*) FROM staging.medications WHERE code_system IS NULL").fetchone() == (1,)
    assert warehouse.execute("SELECT sex FROM staging.patients ORDER BY patient_id").fetchall() == [
        ("F",), ("U",), ("M",)]
    assert warehouse.execute(
        "SELECT encounter_id FROM staging.encounters WHERE discharge_at IS NULL").fetchall() == [("e4",)]


def test_real_staged_duplicate_diagnosis_fails(warehouse):
    """Compound uniqueness on the real dtypes (TIMESTAMPTZ via polars, NULL encounter_id)."""
    frame = warehouse.execute(
        "SELECT * FROM staging.diagnoses UNION ALL "
        "SELECT * REPLACE (_source_row + 100 AS _source_row) FROM staging.diagnoses WHERE encounter_id IS NULL"
    ).pl()
    failure = only_failure(validate_frame(frame, SUITES["diagnoses"]))
    assert (failure.expectation, failure.unexpected_count) == ("expect_compound_columns_to_be_unique", 2)


def test_real_staged_open_encounter_is_skipped_but_inverted_one_warns(warehouse):
    frame = warehouse.execute(
        "SELECT * REPLACE (CASE WHEN encounter_id = 'e2' THEN admit_at - INTERVAL 1 HOUR "
        "ELSE discharge_at END AS discharge_at) FROM staging.encounters"
    ).pl()
    out = validate_frame(frame, SUITES["encounters"])
    failure = only_failure(out)
    assert (failure.column, failure.severity, failure.unexpected_count) == ("discharge_at,admit_at", "warning", 1)
