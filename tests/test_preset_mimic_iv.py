"""The mimic_iv preset on a handful of rows in MIMIC-IV v2 file layout (hosp/, icu/, gzip CSV).

No MIMIC-IV data ships with the project (it needs a PhysioNet credential), so the files are written
here in the public v2 schema.
"""

import csv
import gzip
from datetime import date
from pathlib import Path

import pytest

from pipelines.core.site_config import Source
from pipelines.core.warehouse import connect
from pipelines.ingest.presets import load_source
from pipelines.staging import staged_tables

from conftest import SITE_TZ

LABEVENTS = ("labevent_id", "subject_id", "hadm_id", "specimen_id", "itemid", "charttime", "storetime", "value",
             "valuenum", "valueuom", "ref_range_lower", "ref_range_upper", "flag", "priority", "comments")
D_LABITEMS = ("itemid", "label", "fluid", "category")
CHARTEVENTS = ("subject_id", "hadm_id", "stay_id", "caregiver_id", "charttime", "storetime", "itemid", "value",
               "valuenum", "valueuom", "warning")
DIAGNOSES_ICD = ("subject_id", "hadm_id", "seq_num", "icd_code", "icd_version")
PRESCRIPTIONS = ("subject_id", "hadm_id", "pharmacy_id", "poe_id", "starttime", "stoptime", "drug_type", "drug",
                 "formulary_drug_cd", "gsn", "ndc", "prod_strength", "form_rx", "dose_val_rx", "dose_unit_rx",
                 "form_val_disp", "form_unit_disp", "doses_per_24_hrs", "route")
PATIENTS = ("subject_id", "gender", "anchor_age", "anchor_year", "anchor_year_group", "dod")
ADMISSIONS = ("subject_id", "hadm_id", "admittime", "dischtime", "deathtime", "admission_type", "admit_provider_id",
              "admission_location", "discharge_location", "insurance", "language", "marital_status", "race",
              "edregtime", "edouttime", "hospital_expire_flag")


def write_gz(path: Path, columns: tuple[str, ...], rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


@pytest.fixture
def mimic_iv(tmp_path) -> Path:
    """One patient, one admission: the rows each cover one case of the preset."""
    folder = tmp_path / "mimic-iv"
    hosp, icu = folder / "hosp", folder / "icu"
    write_gz(hosp / "labevents.csv.gz", LABEVENTS, [
        # mapped ferritin, resulted two hours after collection
        ("1", "10", "100", "7001", "50924", "2180-01-02 06:00:00", "2180-01-02 08:00:00", "1500", "1500",
         "ng/mL", "", "", "abnormal", "ROUTINE", ""),
        # an item the mapping does not list (creatinine)
        ("2", "10", "100", "7002", "50912", "2180-01-02 06:00:00", "2180-01-02 07:00:00", "1.0", "1.0",
         "mg/dL", "0.4", "1.1", "", "ROUTINE", ""),
        # censored platelets: no valuenum, the text keeps the bound
        ("3", "10", "100", "7003", "51265", "2180-01-02 06:00:00", "2180-01-02 07:30:00", "<5", "",
         "K/uL", "150", "440", "abnormal", "STAT", ""),
    ])
    write_gz(hosp / "d_labitems.csv.gz", D_LABITEMS, [
        ("50924", "Ferritin", "Blood", "Chemistry"),
        ("50912", "Creatinine", "Blood", "Chemistry"),
        ("51265", "Platelet Count", "Blood", "Hematology"),
    ])
    write_gz(icu / "chartevents.csv.gz", CHARTEVENTS, [
        ("10", "100", "900", "55", "2180-01-02 04:00:00", "2180-01-02 04:10:00", "223761", "101.3", "101.3",
         "°F", "0"),
        ("10", "100", "900", "55", "2180-01-02 05:00:00", "2180-01-02 05:05:00", "223762", "38.9", "38.9", "", "0"),
        ("10", "100", "900", "55", "2180-01-02 04:00:00", "2180-01-02 04:10:00", "220045", "110", "110", "bpm", "0"),
    ])
    write_gz(hosp / "diagnoses_icd.csv.gz", DIAGNOSES_ICD, [
        ("10", "100", "1", "D761", "10"),   # ICD-10-CM D76.1 hemophagocytic lymphohistiocytosis
        ("10", "100", "2", "2884", "9"),    # ICD-9-CM 288.4 hemophagocytic syndromes
    ])
    write_gz(hosp / "prescriptions.csv.gz", PRESCRIPTIONS, [
        ("10", "100", "5001", "10-1", "2180-01-02 10:00:00", "2180-01-05 10:00:00", "MAIN", "Anakinra", "ANAK100",
         "", "66658023407", "100mg/0.67mL Syringe", "SYR", "100", "mg", "0.67", "mL", "1", "SC"),
        ("10", "100", "5002", "10-2", "2180-01-02 10:00:00", "", "MAIN", "Sodium Chloride 0.9% Flush", "NACLFLUSH",
         "", "0", "10 mL Syringe", "SYR", "3", "mL", "0.3", "SYR", "3", "IV"),
    ])
    write_gz(hosp / "patients.csv.gz", PATIENTS, [("10", "F", "40", "2180", "2017 - 2019", "")])
    write_gz(hosp / "admissions.csv.gz", ADMISSIONS, [
        ("10", "100", "2180-01-01 20:00:00", "2180-01-06 12:00:00", "", "URGENT", "P1", "EMERGENCY ROOM", "HOME",
         "Medicare", "ENGLISH", "SINGLE", "WHITE", "2180-01-01 18:00:00", "2180-01-01 20:30:00", "0"),
    ])
    return folder


@pytest.fixture
def staged(mimic_iv, tmp_path):
    with connect(tmp_path / "w.duckdb", SITE_TZ) as con:
        staged_tables.refresh_reference_tables(con)
        # shifted into the past as a site loads MIMIC: staging quarantines times after the run (2180)
        loads = load_source(con, Source("mimic-iv", "mimic_iv", mimic_iv, shift_years=-160), "test")
        for table in staged_tables.STAGED_TABLES:
            staged_tables.stage(con, table)
        yield con, loads


def test_every_kind_loads_and_every_load_balances(staged):
    con, loads = staged
    assert {load.source_file: load.rows_in for load in loads} == {
        "mimic_iv:labs": 3, "mimic_iv:vitals": 2, "mimic_iv:diagnoses": 2, "mimic_iv:medications": 2,
        "mimic_iv:patients": 1, "mimic_iv:encounters": 1}
    reconciliation = staged_tables.reconcile(con)
    assert len(reconciliation) == 6 and all(load["balanced"] for load in reconciliation)


def test_mapped_labs_stage_with_their_values_units_and_times(staged):
    con, _ = staged
    rows = con.execute(
        "SELECT result_id, code, analyte, value_text, value_num, censoring, unit, unit_as_sent, name,"
        " strftime(collected_at, '%Y-%m-%d %H:%M'), strftime(resulted_at, '%Y-%m-%d %H:%M')"
        " FROM staging.lab_results ORDER BY result_id").fetchall()
    assert rows == [
        ("1", "ferritin", "ferritin", "1500", 1500.0, None, "ng/mL", "ng/mL", "Ferritin",
         "2020-01-02 06:00", "2020-01-02 08:00"),
        ("3", "platelets", "platelets", "<5", 5.0, "<", "10*3/uL", "K/uL", "Platelet Count",
         "2020-01-02 06:00", "2020-01-02 07:30"),
    ]


def test_an_unmapped_item_is_quarantined_under_its_itemid(staged):
    con, _ = staged
    assert con.execute("SELECT _source_row, reason, raw_record->>'code' FROM quarantine.rejected_rows").fetchall() == [
        (2, "unmapped_code", "mimic4-lab:50912")]


def test_temperature_is_charted_in_celsius_and_other_chart_items_are_left_out(staged):
    con, _ = staged
    rows = con.execute("SELECT code, round(value_num, 3), unit, unit_as_sent FROM staging.vital_signs"
                       " ORDER BY measured_at").fetchall()
    assert rows == [("8310-5", 38.5, "Cel", "°F"), ("8310-5", 38.9, "Cel", "Cel")]
    assert con.execute("SELECT _extra->>'unit_from_item' FROM raw.vitals ORDER BY _source_row").fetchall() == [
        ("false",), ("true",)]


def test_diagnoses_take_their_icd_version_and_the_discharge_time(staged):
    con, _ = staged
    rows = con.execute("SELECT code_system, code, strftime(recorded_at, '%Y-%m-%d %H:%M') FROM staging.diagnoses"
                       " ORDER BY code").fetchall()
    assert rows == [("ICD9CM", "2884", "2020-01-06 12:00"), ("ICD10CM", "D761", "2020-01-06 12:00")]


def test_patients_medications_and_encounters(staged):
    con, _ = staged
    assert con.execute("SELECT patient_id, birth_date, sex FROM staging.patients").fetchall() == [
        ("10", date(1980, 1, 1), "F")]
    assert con.execute("SELECT code_system, code, name, dose, dose_unit, route FROM staging.medications"
                       " ORDER BY name").fetchall() == [
        ("NDC", "66658023407", "Anakinra", "100", "mg", "SC"),
        (None, None, "Sodium Chloride 0.9% Flush", "3", "mL", "IV")]
    assert con.execute("SELECT encounter_id, encounter_type, strftime(admit_at, '%Y-%m-%d %H:%M')"
                       " FROM staging.encounters").fetchall() == [("100", "URGENT", "2020-01-01 20:00")]


def test_shift_years_moves_every_date_back(mimic_iv, tmp_path):
    with connect(tmp_path / "shifted.duckdb", SITE_TZ) as con:
        staged_tables.refresh_reference_tables(con)
        load_source(con, Source("mimic-iv", "mimic_iv", mimic_iv, shift_years=-160), "test")
        assert con.execute("SELECT birth_date FROM raw.patients").fetchone() == ("1980-01-01",)
        assert con.execute("SELECT min(collected_at), min(resulted_at) FROM raw.labs").fetchone() == (
            "2020-01-02T06:00:00", "2020-01-02T07:00:00")
