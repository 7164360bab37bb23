"""The MEDS preset (sql/presets/meds) on a tiny hand-written MEDS dataset."""

import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from pipelines.core.site_config import Source
from pipelines.core.warehouse import connect
from pipelines.ingest import presets
from pipelines.ingest.presets import load_source
from pipelines.staging import staged_tables

TZ = "America/New_York"
T = datetime(2024, 3, 1, 8, 0)

# (subject_id, time, code, numeric_value, text_value, unit, hadm_id): one subject's events contiguous
# and in time order, as MEDS requires; static events (time None) first.
EVENTS = [
    (1, None, "GENDER//F", None, None, None, None),
    (1, datetime(1990, 5, 17), "MEDS_BIRTH", None, None, None, None),
    (1, datetime(2024, 1, 15, 10), "MEDICATION//START//Methylprednisolone", 40.0, None, "mg", 7),
    (1, datetime(2024, 2, 28, 22, 15), "HOSPITAL_ADMISSION//EW EMER.//EMERGENCY ROOM", None, None, None, 7),
    (1, datetime(2024, 2, 29, 9), "DIAGNOSIS//ICD//10//M061", None, None, None, 7),
    (1, T, "LAB//2276-4//ng/mL", 12000.0, "12000", None, 7),  # ferritin: LOINC and unit in the code
    (1, T, "LAB//ferritin", None, ">1000", "ug/L", 7),  # analyte name; unit column; censored text
    (1, T, "LAB//777-3//10*3/uL", 85.0, None, None, 7),
    (1, T, "LAB//777-3//10*3/uL", 85.0, None, None, 7),  # the same event twice: two results
    (1, T, "LAB//8310-5//[degF]", 102.2, None, None, 7),  # body temperature -> vitals
    (1, T, "LAB//50931//mg/dL", 95.0, None, None, 7),  # a lab code no analyte has
    (1, T, "LAB//FERR-LOCAL", 800.0, None, None, 7),  # a local code, mapped only by a site's mapping
    (1, T, "SUBJECT_WEIGHT", 70.5, None, "kg", 7),  # no prefix claims it
    (1, T, "PROCEDURE//START//225792", None, None, None, 7),  # unclaimed and without a value
    (1, datetime(2024, 3, 10, 12), "HOSPITAL_DISCHARGE//HOME", None, None, None, 7),
    (1, datetime(2024, 4, 15, 10), "MEDICATION//STOP//Methylprednisolone", None, None, None, 7),
    (2, None, "GENDER//M", None, None, None, None),
    (2, datetime(2001, 2, 3), "MEDS_BIRTH", None, None, None, None),
    (2, datetime(2024, 3, 2, 6, 30), "LAB//temperature", 38.5, None, "Cel", 9),
    (2, datetime(2024, 3, 2, 7), "DIAGNOSIS//ICD10CM//D76.1", None, None, None, 9),
]


@pytest.fixture
def dataset(tmp_path) -> Path:
    folder = tmp_path / "meds"
    (folder / "data").mkdir(parents=True)
    (folder / "metadata").mkdir()
    frame = pl.DataFrame(EVENTS, orient="row", schema={
        "subject_id": pl.Int64, "time": pl.Datetime("us"), "code": pl.String, "numeric_value": pl.Float32,
        "text_value": pl.String, "unit": pl.String, "hadm_id": pl.Int64})
    frame.write_parquet(folder / "data" / "0.parquet")
    (folder / "metadata" / "dataset.json").write_text(json.dumps({
        "dataset_name": "tiny", "dataset_version": "1", "etl_name": "hand", "etl_version": "1",
        "meds_version": "0.3.3", "created_at": "2024-04-01T00:00:00"}))
    return folder


def load(con, dataset: Path, shift_years: int = 0):
    staged_tables.refresh_reference_tables(con)
    loads = load_source(con, Source("meds", "meds", dataset, shift_years), "test")
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table)
    return loads


@pytest.fixture
def warehouse(tmp_path, dataset):
    with connect(tmp_path / "w.duckdb", TZ) as con:
        yield con, load(con, dataset)


def test_every_event_lands_and_every_row_is_accounted_for(warehouse):
    con, loads = warehouse
    assert {load.source_file: load.rows_in for load in loads} == {
        "meds:labs": 8,  # the 6 LAB events not routed to vitals and the 2 events no prefix claims
        "meds:vitals": 2,
        "meds:diagnoses": 2,
        "meds:medications": 1,  # the start; its stop only ends it
        "meds:patients": 2,  # one per subject, from its birth and sex events
        "meds:encounters": 1,  # the admission; its discharge only ends it
    }
    assert all(row["balanced"] for row in staged_tables.reconcile(con))
    assert con.execute("SELECT DISTINCT _source_file FROM raw.labs").fetchall() == [("data/0.parquet",)]
    assert con.execute("SELECT _source_row, _extra->>'$.columns.hadm_id' FROM raw.labs "
                       "WHERE code = '2276-4'").fetchall() == [(6, "7")]


def test_labs_are_staged_with_values_units_and_censoring(warehouse):
    con, _ = warehouse
    labs = con.execute("""
        SELECT patient_id, code, analyte, value_text, value_num, censoring, unit, unit_as_sent, status,
               collected_at = TIMESTAMPTZ '2024-03-01 13:00:00+00'
        FROM staging.lab_results ORDER BY _source_row""").fetchall()
    assert labs == [
        ("1", "2276-4", "ferritin", "12000.0", 12000, None, "ng/mL", "ng/mL", "F", True),
        ("1", "ferritin", "ferritin", ">1000", 1000, ">", "ng/mL", "ug/L", "F", True),
        ("1", "777-3", "platelets", "85.0", 85, None, "10*3/uL", "10*3/uL", "F", True),
        ("1", "777-3", "platelets", "85.0", 85, None, "10*3/uL", "10*3/uL", "F", True),
    ]
    ids = [row[0] for row in con.execute("SELECT result_id FROM staging.lab_results WHERE analyte = 'platelets' "
                                         "ORDER BY result_id").fetchall()]
    assert ids == ["1|2024-03-01 08:00:00|LAB//777-3//10*3/uL|1", "1|2024-03-01 08:00:00|LAB//777-3//10*3/uL|2"]


def test_unmapped_and_unclaimed_codes_are_quarantined_not_dropped(warehouse):
    con, _ = warehouse
    assert con.execute("""
        SELECT table_name, reason, raw_record->>'code', raw_record->>'unit'
        FROM quarantine.rejected_rows ORDER BY _source_row""").fetchall() == [
        ("lab_results", "unmapped_code", "50931", "mg/dL"),
        ("lab_results", "unmapped_code", "FERR-LOCAL", None),
        ("lab_results", "unmapped_code", "SUBJECT_WEIGHT", "kg"),
        ("lab_results", "missing_required", "PROCEDURE//START//225792", None),  # no value: checked first
    ]


def test_temperatures_are_vitals_in_celsius(warehouse):
    con, _ = warehouse
    assert con.execute("""
        SELECT patient_id, code, analyte, value_num, unit, unit_as_sent FROM staging.vital_signs ORDER BY patient_id
        """).fetchall() == [("1", "8310-5", "temperature", 39.0, "Cel", "[degF]"),
                            ("2", "temperature", "temperature", 38.5, "Cel", "Cel")]


def test_diagnoses_medications_patients_encounters(warehouse):
    con, _ = warehouse
    assert con.execute("SELECT patient_id, code_system, code, code_compact, recorded_at = TIMESTAMPTZ "
                       "'2024-02-29 14:00:00+00' FROM staging.diagnoses ORDER BY patient_id").fetchall() == [
        ("1", "ICD10CM", "M061", "M061", True), ("2", "ICD10CM", "D76.1", "D761", False)]
    assert con.execute("""
        SELECT patient_id, code_system, code, name, dose, dose_unit,
               started_at = TIMESTAMPTZ '2024-01-15 15:00:00+00', ended_at = TIMESTAMPTZ '2024-04-15 14:00:00+00'
        FROM staging.medications""").fetchall() == [("1", None, None, "Methylprednisolone", "40.0", "mg", True, True)]
    assert con.execute("SELECT patient_id, CAST(birth_date AS VARCHAR), sex FROM staging.patients "
                       "ORDER BY patient_id").fetchall() == [("1", "1990-05-17", "F"), ("2", "2001-02-03", "M")]
    assert con.execute("""
        SELECT patient_id, encounter_id, encounter_type, admit_at = TIMESTAMPTZ '2024-02-29 03:15:00+00',
               discharge_at = TIMESTAMPTZ '2024-03-10 16:00:00+00'
        FROM staging.encounters""").fetchall() == [("1", "1/2024-02-28T22:15:00", "EW EMER.", True, True)]


def test_the_mapping_unit_applies_when_code_and_data_have_none(tmp_path, dataset, monkeypatch):
    mapping = presets.preset_parameters("meds")
    mapping["measurement_codes"] = [*mapping["measurement_codes"],
                                    {"code": "FERR-LOCAL", "analyte": "ferritin", "unit": "ng/mL"}]
    monkeypatch.setattr(presets, "preset_parameters", lambda preset: mapping)
    with connect(tmp_path / "w.duckdb", TZ) as con:
        load(con, dataset)
        assert con.execute("SELECT code, value_num, unit_as_sent FROM staging.lab_results WHERE code = 'ferritin' "
                           "AND value_num = 800").fetchall() == [("ferritin", 800, "ng/mL")]
        assert con.execute("SELECT _extra->>'unit_from_mapping' FROM raw.labs WHERE code = 'ferritin' "
                           "AND value = '800.0'").fetchall() == [("true",)]


def test_shift_years_moves_times_and_birth_dates(tmp_path, dataset):
    with connect(tmp_path / "w.duckdb", TZ) as con:
        load(con, dataset, shift_years=-100)
        assert con.execute("SELECT DISTINCT collected_at FROM raw.labs WHERE code = '2276-4'").fetchall() == [
            ("1924-03-01T08:00:00",)]
        assert con.execute("SELECT CAST(birth_date AS VARCHAR) FROM staging.patients WHERE patient_id = '1'"
                           ).fetchall() == [("1890-05-17",)]
        # ids are built from the times as sent, so a shifted reload still supersedes by id
        assert con.execute("SELECT count(*) FROM staging.lab_results WHERE result_id LIKE '%|2024-03-01 08:00:00|%'"
                           ).fetchone() == (4,)
