"""Tests for the in-house GX adapter (pipelines/staging/gx_validation.py).

Frames are tiny and built from expectations/plausibility.csv, so editing a bound in the CSV
does not break the tests; GX runs in an ephemeral context, nothing is written to disk except
tmp_path copies of the suite/CSV when a test needs a variant.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest
from great_expectations.expectations.registry import get_expectation_impl

from pipelines.staging.gx_validation import ExpectationFailure, ValidationOutcome, validate_frame

ROOT = Path(__file__).resolve().parents[1]
EXPECTATIONS = ROOT / "expectations"
LAB_SUITE = EXPECTATIONS / "lab_results.json"
VITAL_SUITE = EXPECTATIONS / "vital_signs.json"
PLAUSIBILITY = EXPECTATIONS / "plausibility.csv"
LAB_ANALYTES = ["ferritin", "platelets", "wbc", "anc", "hemoglobin", "ast", "alt", "ldh",
                "triglycerides", "fibrinogen", "ddimer", "crp", "esr"]
LAB_COLUMNS = ["source", "patient_id", "encounter_id", "result_id", "code", "name", "analyte", "value_text",
               "value_num", "censoring", "unit", "unit_as_sent", "ref_low", "ref_high",
               "collected_at", "resulted_at", "status", "_load_id", "_source_file", "_source_row"]


def bounds() -> dict[str, dict[str, str]]:
    with open(PLAUSIBILITY, newline="") as fh:
        return {r["analyte"]: r for r in csv.DictReader(fh)}


def lab_frame() -> pd.DataFrame:
    """One plausible row per lab analyte (value = middle of the CSV bounds, CSV unit), tz-aware."""
    b = bounds()
    n = len(LAB_ANALYTES)
    collected = pd.date_range("2024-01-05 08:00", periods=n, freq="h", tz="UTC")
    values = [(float(b[a]["low"]) + float(b[a]["high"])) / 2 for a in LAB_ANALYTES]
    return pd.DataFrame({
        "source": "landing",
        "patient_id": [f"P{i % 3}" for i in range(n)],
        "encounter_id": "E1",
        "result_id": [f"R{i}" for i in range(n)],
        "code": "x", "name": LAB_ANALYTES, "analyte": LAB_ANALYTES,
        "value_text": [str(v) for v in values], "value_num": values,
        "censoring": [None] * (n - 1) + ["<"],
        "unit": [b[a]["unit"] for a in LAB_ANALYTES], "unit_as_sent": "as sent",
        "ref_low": 1.0, "ref_high": 2.0,
        "collected_at": collected, "resulted_at": collected + pd.Timedelta("2h"),
        "status": "F", "_load_id": "L1", "_source_file": "labs.csv", "_source_row": range(n),
    })


def vital_frame() -> pd.DataFrame:
    b = bounds()["temperature"]
    measured = pd.date_range("2024-01-05 08:00", periods=4, freq="h", tz="Europe/Berlin")
    return pd.DataFrame({
        "source": "landing", "patient_id": ["P1", "P1", "P2", "P2"], "encounter_id": "E1",
        "measurement_id": ["M1", "M2", "M3", "M4"], "code": "8310-5", "analyte": "temperature",
        "value_text": "37.0", "value_num": [37.0, 38.5, float(b["low"]), float(b["high"])],
        "unit": b["unit"], "unit_as_sent": "Cel",
        "measured_at": measured, "recorded_at": measured + pd.Timedelta("5min"),
        "_load_id": "L1", "_source_file": "vitals.csv", "_source_row": range(4),
    })


def suite_size(path: Path) -> int:
    return len(json.loads(path.read_text())["expectations"])


def only_failure(outcome: ValidationOutcome) -> ExpectationFailure:
    assert outcome.failed == 1, outcome.failures
    return outcome.failures[0]


# --- passing data -------------------------------------------------------------------------

def test_good_lab_frame_passes_and_counts_generated_expectations():
    out = validate_frame(lab_frame(), LAB_SUITE, PLAUSIBILITY)
    assert out.success and not out.critical_failed, out.failures
    assert (out.suite, out.rows, out.failed, out.failures) == ("lab_results", 13, 0, ())
    # suite + 1 coverage check + (bounds, unit) for each of the 13 analytes present
    assert out.evaluated == suite_size(LAB_SUITE) + 1 + 2 * 13
    assert out.gx_version == "1.24.1"


def test_good_vital_frame_passes_with_non_utc_timezone():
    out = validate_frame(vital_frame(), VITAL_SUITE, PLAUSIBILITY)
    assert out.success, out.failures
    assert out.evaluated == suite_size(VITAL_SUITE) + 1 + 2


def test_polars_frame_is_accepted():
    out = validate_frame(pl.from_pandas(lab_frame()), LAB_SUITE, PLAUSIBILITY)
    assert out.success and out.rows == 13, out.failures


def test_duckdb_timestamptz_via_arrow_reader_and_polars():
    con = duckdb.connect()
    con.register("src", lab_frame())
    con.execute("CREATE SCHEMA staging; CREATE TABLE staging.lab_results AS SELECT * FROM src")
    reader = con.sql("SELECT * FROM staging.lab_results").arrow()  # RecordBatchReader in 1.5
    assert validate_frame(reader, LAB_SUITE, PLAUSIBILITY).success
    late = con.sql("SELECT * REPLACE (collected_at - INTERVAL 1 DAY AS resulted_at) "
                   "FROM staging.lab_results").pl()
    failure = only_failure(validate_frame(late, LAB_SUITE, PLAUSIBILITY))
    assert failure.column == "resulted_at,collected_at" and failure.unexpected_count == 13


def test_empty_frame_passes_with_zero_rows():
    out = validate_frame(lab_frame().iloc[0:0], LAB_SUITE, PLAUSIBILITY)
    assert out.success and out.rows == 0 and out.failed == 0
    assert out.evaluated == suite_size(LAB_SUITE) + 1  # no analytes present, no generated pairs


# --- contract failures ----------------------------------------------------------------------

def test_null_patient_id_fails_critically_with_one_unexpected_row():
    frame = lab_frame()
    frame.loc[4, "patient_id"] = None
    out = validate_frame(frame, LAB_SUITE, PLAUSIBILITY)
    failure = only_failure(out)
    assert out.critical_failed and not out.success
    assert failure == ExpectationFailure(
        "expect_column_values_to_not_be_null", "patient_id", "critical", 1,
        failure.detail)
    assert failure.detail.startswith("1 of 13 rows unexpected")


def test_duplicate_result_id_fails():
    frame = lab_frame()
    frame.loc[5, "result_id"] = frame.loc[6, "result_id"]
    failure = only_failure(validate_frame(frame, LAB_SUITE, PLAUSIBILITY))
    assert failure.expectation == "expect_compound_columns_to_be_unique"
    assert (failure.severity, failure.unexpected_count) == ("critical", 2)


def test_the_same_result_id_in_another_source_passes():
    frame = lab_frame()
    frame.loc[5, "result_id"] = frame.loc[6, "result_id"]
    frame.loc[5, "source"] = "omop"
    assert validate_frame(frame, LAB_SUITE, PLAUSIBILITY).success


def test_resulted_before_collected_is_only_a_warning():
    frame = lab_frame()
    frame.loc[0, "resulted_at"] = frame.loc[0, "collected_at"] - pd.Timedelta("1min")
    out = validate_frame(frame, LAB_SUITE, PLAUSIBILITY)
    failure = only_failure(out)
    assert not out.success and not out.critical_failed
    assert (failure.severity, failure.unexpected_count) == ("warning", 1)


# --- plausibility.csv -------------------------------------------------------------------------

def test_implausible_value_fails_for_that_analyte_only_with_csv_severity():
    frame = lab_frame()
    i = LAB_ANALYTES.index("ferritin")
    frame.loc[i, "value_num"] = float(bounds()["ferritin"]["high"]) + 1
    frame.loc[i + 1, "value_num"] = 0.5  # platelets in range
    out = validate_frame(frame, LAB_SUITE, PLAUSIBILITY)
    failure = only_failure(out)
    assert failure.expectation == "expect_column_values_to_be_between[analyte == 'ferritin']"
    assert failure.column == "value_num" and failure.unexpected_count == 1
    assert failure.severity == bounds()["ferritin"]["severity"] == "critical"
    assert out.critical_failed


def test_severity_comes_from_the_csv(tmp_path):
    text = PLAUSIBILITY.read_text().splitlines()
    edited = [line.replace(",critical,", ",warning,") if line.startswith("ferritin,") else line
              for line in text]
    csv_path = tmp_path / "plausibility.csv"
    csv_path.write_text("\n".join(edited) + "\n")
    frame = lab_frame()
    frame.loc[LAB_ANALYTES.index("ferritin"), "value_num"] = -1.0
    out = validate_frame(frame, LAB_SUITE, csv_path)
    assert only_failure(out).severity == "warning"
    assert not out.critical_failed


def test_wrong_unit_fails_for_that_analyte():
    frame = lab_frame()
    frame.loc[LAB_ANALYTES.index("crp"), "unit"] = "mg/dL"
    failure = only_failure(validate_frame(frame, LAB_SUITE, PLAUSIBILITY))
    assert failure.expectation == "expect_column_values_to_be_in_set[analyte == 'crp']"
    assert (failure.column, failure.unexpected_count) == ("unit", 1)
    assert "mg/L" in failure.detail


def test_vital_out_of_bounds_and_wrong_unit():
    frame = vital_frame()
    frame.loc[0, "value_num"] = 98.6  # Fahrenheit that slipped through
    frame.loc[1, "unit"] = "[degF]"
    out = validate_frame(frame, VITAL_SUITE, PLAUSIBILITY)
    assert sorted((f.column, f.unexpected_count) for f in out.failures) == [("unit", 1), ("value_num", 1)]


def test_without_plausibility_csv_only_the_suite_runs():
    frame = lab_frame()
    frame.loc[0, "value_num"] = 1e12
    out = validate_frame(frame, LAB_SUITE)
    assert out.success and out.evaluated == suite_size(LAB_SUITE)


# --- GX errors must never pass silently ---------------------------------------------------------

def test_expectation_that_raises_inside_gx_is_a_failure():
    out = validate_frame(lab_frame().drop(columns=["status"]), LAB_SUITE, PLAUSIBILITY)
    by_expectation = {f.expectation: f for f in out.failures}
    assert set(by_expectation) == {"expect_table_columns_to_match_set", "expect_column_values_to_be_in_set"}
    raised = by_expectation["expect_column_values_to_be_in_set"]
    assert raised.column == "status" and raised.unexpected_count is None
    assert raised.detail.startswith("GX raised:") and "does not exist" in raised.detail
    assert out.critical_failed


def test_unknown_expectation_type_raises_instead_of_being_dropped(tmp_path):
    suite = json.loads(LAB_SUITE.read_text())
    suite["expectations"].append({"type": "expect_column_values_to_be_nul", "kwargs": {"column": "x"}})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(suite))
    with pytest.raises(Exception, match="not found"):
        validate_frame(lab_frame(), path)


def test_polars_lazyframe_is_rejected():
    with pytest.raises(TypeError):
        validate_frame(pl.from_pandas(lab_frame()).lazy(), LAB_SUITE)


# --- suite files ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [LAB_SUITE, VITAL_SUITE], ids=lambda p: p.name)
def test_suite_json_is_valid_gx_1_24(path):
    doc = json.loads(path.read_text())
    assert doc["name"] == path.stem
    for e in doc["expectations"]:
        assert set(e) == {"type", "kwargs", "meta", "severity"}
        assert get_expectation_impl(e["type"]) is not None  # raises if the type is unknown
        assert e["severity"] in {"critical", "warning", "info"}
        # plausibility.csv is the one home for value bounds and canonical units
        assert e["kwargs"].get("column") not in {"value_num", "unit"} or e["type"].endswith("not_be_null")


def test_as_metadata_is_flat_and_json_able():
    frame = lab_frame()
    frame.loc[0, "patient_id"] = None
    meta = validate_frame(frame, LAB_SUITE, PLAUSIBILITY).as_metadata()
    json.dumps(meta)
    assert meta["failed"] == 1 and meta["critical_failed"] is True
    assert meta["failures"][0]["column"] == "patient_id"
    assert all(not isinstance(v, (dict, list)) for k, v in meta.items() if k != "failures")


# --- validation in parts (validate_query): the outcome of one whole frame ----------------------

def many_labs_with_defects() -> pd.DataFrame:
    """40 copies of lab_frame (520 rows, ids made unique), with defects spread over the copies:
    duplicates of one result id within a source (in copies far apart), missing patient ids,
    implausible ferritin and platelets, a wrong unit, results before collection."""
    copies = []
    for copy in range(40):
        frame = lab_frame()
        frame["result_id"] = [f"R{copy}-{i}" for i in range(len(frame))]
        copies.append(frame)
    frame = pd.concat(copies, ignore_index=True)
    ferritin, platelets = LAB_ANALYTES.index("ferritin"), LAB_ANALYTES.index("platelets")
    n = len(LAB_ANALYTES)
    frame.loc[[3, 300, 511], "result_id"] = "R-duplicate"
    frame.loc[[7, 250], "patient_id"] = None
    frame.loc[[ferritin + n * k for k in (1, 9, 33)], "value_num"] = float(bounds()["ferritin"]["high"]) + 1
    frame.loc[platelets + n * 20, "value_num"] = -1.0
    frame.loc[platelets + n * 21, "unit"] = "wrong unit"
    frame.loc[[0, 100, 400], "resulted_at"] = frame.loc[[0, 100, 400], "collected_at"] - pd.Timedelta("1min")
    return frame


@pytest.mark.parametrize("chunk_rows", [60, 519, 10_000])
def test_validation_in_parts_gives_the_outcome_of_the_whole_frame(chunk_rows):
    """Failures, unexpected and evaluated row counts, and the duplicates (which the parts keep
    together by a hash of source and result id) as validate_frame finds them on all rows."""
    from pipelines.staging.gx_validation import validate_query

    frame = many_labs_with_defects()
    con = duckdb.connect()
    con.register("labs_frame", frame)
    con.execute("CREATE TABLE labs AS SELECT * FROM labs_frame")
    whole = validate_frame(con.execute("SELECT * FROM labs").df(), LAB_SUITE, PLAUSIBILITY)
    assert whole.failed >= 5 and whole.rows == 520
    in_parts = validate_query(con, "SELECT * FROM labs WHERE _load_id = ?", ["L1"], LAB_SUITE, PLAUSIBILITY,
                              chunk_rows=chunk_rows)
    assert in_parts == whole
    duplicates = next(f for f in in_parts.failures if f.expectation == "expect_compound_columns_to_be_unique")
    assert duplicates.unexpected_count == 3


def test_validation_in_parts_of_no_rows_passes():
    from pipelines.staging.gx_validation import validate_query

    con = duckdb.connect()
    con.register("labs_frame", lab_frame())
    con.execute("CREATE TABLE labs AS SELECT * FROM labs_frame")
    outcome = validate_query(con, "SELECT * FROM labs WHERE _load_id = ?", ["none"], LAB_SUITE, PLAUSIBILITY,
                             chunk_rows=5)
    assert outcome.success and outcome.rows == 0


def test_a_suite_whose_uniqueness_expectations_share_no_column_cannot_be_split(tmp_path):
    from pipelines.staging.gx_validation import partition_columns

    suite = json.loads(LAB_SUITE.read_text())
    suite["expectations"].append({"type": "expect_column_values_to_be_unique", "kwargs": {"column": "patient_id"}})
    path = tmp_path / "suite.json"
    path.write_text(json.dumps(suite))
    assert partition_columns(LAB_SUITE) == ["source", "result_id"]
    with pytest.raises(ValueError, match="share no column"):
        partition_columns(path)


def test_plausibility_per_analyte_frame_equals_gx_row_conditions():
    """Each analyte's bounds and unit are evaluated on a frame of its rows; GX's own row condition
    on the analyte over the whole frame (the reference) finds the same failures with the same
    counts and severity, named the same way."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.row_conditions import Column

    from pipelines.staging.gx_validation import ExpectationFailure, _failure, _Merged

    frame = many_labs_with_defects()
    frame.loc[LAB_ANALYTES.index("crp") + 13 * 5, "value_num"] = None  # a missing value: not unexpected
    reference = []
    for analyte, row in bounds().items():
        if analyte not in set(frame["analyte"]):
            continue
        condition = Column("analyte") == analyte
        meta = {"source": PLAUSIBILITY.name, "analyte": analyte, "row_filter": f"analyte == {analyte!r}"}
        reference += [
            gxe.ExpectColumnValuesToBeBetween(column="value_num", min_value=float(row["low"]), max_value=float(row["high"]),
                                              row_condition=condition, severity=row["severity"], meta=meta),
            gxe.ExpectColumnValuesToBeInSet(column="unit", value_set=[row["unit"]], row_condition=condition,
                                            severity=row["severity"], meta=meta),
        ]
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = context.data_sources.add_pandas("reference").add_dataframe_asset("labs").add_batch_definition_whole_dataframe("all")
    suite = context.suites.add(gx.ExpectationSuite(name="reference", expectations=reference))
    result = context.validation_definitions.add(gx.ValidationDefinition(name="reference", data=batch, suite=suite)).run(
        batch_parameters={"dataframe": frame}, result_format="SUMMARY")
    by_name = lambda failure: (failure.expectation, failure.column)  # noqa: E731
    expected = sorted((f for r in result.results if (f := _failure(_Merged.of(r))) is not None), key=by_name)
    assert len(expected) == 3 and {f.unexpected_count for f in expected} == {3, 1}  # ferritin high; platelets low, unit
    assert all(isinstance(f, ExpectationFailure) for f in expected)

    found = sorted((f for f in validate_frame(frame, LAB_SUITE, PLAUSIBILITY).failures if "analyte ==" in f.expectation),
                   key=by_name)
    assert found == expected


def test_validation_in_parts_with_a_plausibility_file_of_no_rows(tmp_path):
    """A plausibility.csv with its header only: no analyte has bounds, so every analyte fails the
    coverage expectation (a warning), in parts as on one whole frame."""
    from pipelines.staging.gx_validation import validate_query

    empty = tmp_path / "plausibility.csv"
    empty.write_text(PLAUSIBILITY.read_text().splitlines()[0] + "\n")
    con = duckdb.connect()
    con.register("labs_frame", lab_frame())
    con.execute("CREATE TABLE labs AS SELECT * FROM labs_frame")
    whole = validate_frame(lab_frame(), LAB_SUITE, empty)
    assert whole.evaluated == suite_size(LAB_SUITE) + 1 and whole.failed == 1 and not whole.critical_failed
    for chunk_rows in (5, 1000):
        assert validate_query(con, "SELECT * FROM labs", [], LAB_SUITE, empty, chunk_rows=chunk_rows) == whole
