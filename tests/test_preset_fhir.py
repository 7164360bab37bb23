"""The FHIR R4 bulk-export preset (sql/presets/fhir_r4_ndjson) on a small hand-written export."""

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipelines.core.site_config import Source
from pipelines.core.warehouse import connect
from pipelines.ingest.presets import load_source
from pipelines.staging import staged_tables

TZ = "America/New_York"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def category(code: str) -> list[dict]:
    return [{"coding": [{"system": CATEGORY, "code": code}]}]


def observation(id_: str, loinc: str, *, text: str | None = None, status: str = "final", kind: str = "laboratory",
                subject: str | None = "p1", effective: str | dict = "2024-03-01T08:00:00-05:00", **value) -> dict:
    """One Observation; `effective` a dateTime or a Period, `value` its value[x] field."""
    code = {"coding": [{"system": "urn:oid:1.2.3.4", "code": f"LOCAL-{id_}"},
                       {"system": LOINC, "code": loinc, "display": f"display {loinc}"}]}
    resource = {"resourceType": "Observation", "id": id_, "status": status, "category": category(kind),
                "code": code | ({"text": text} if text else {}), "encounter": {"reference": "Encounter/e1"},
                ("effectivePeriod" if isinstance(effective, dict) else "effectiveDateTime"): effective,
                "issued": "2024-03-01T10:30:00-05:00", **value}
    if subject:
        resource["subject"] = {"reference": f"Patient/{subject}"}
    return resource


OBSERVATIONS = [
    observation("ferritin", "2276-4", text="Ferritin",
                valueQuantity={"value": 1000, "comparator": ">", "unit": "ng/mL", "system": UCUM, "code": "ng/mL"},
                referenceRange=[{"low": {"value": 20}, "high": {"value": 300}}]),
    observation("platelets", "777-3", effective={"start": "2024-03-01T13:00:00Z", "end": "2024-03-01T13:05:00Z"},
                valueQuantity={"value": 85, "unit": "10*3/uL", "system": UCUM, "code": "10*3/uL"}),
    observation("ast", "1920-8", status="amended", valueQuantity={"value": 250, "unit": "U/L"}),
    observation("ldh", "2532-0", status="cancelled"),
    observation("crp", "1988-5", status="unknown", valueQuantity={"value": 12, "unit": "mg/L"}),
    observation("esr", "4537-7", status="registered"),
    observation("smoking", "72166-2", kind="social-history", valueCodeableConcept={"text": "Never smoker"}),
    observation("temp", "8310-5", kind="vital-signs",
                valueQuantity={"value": 102.2, "system": UCUM, "code": "[degF]"}),
    observation("temp-withdrawn", "8310-5", kind="vital-signs", status="entered-in-error",
                valueQuantity={"value": 110, "system": UCUM, "code": "[degF]"}),
    observation("pulse", "8867-4", kind="vital-signs", valueQuantity={"value": 120, "unit": "/min"}),
    observation("orphan", "2276-4", subject=None, valueQuantity={"value": 500, "unit": "ng/mL"}),
]

CONDITIONS = [
    {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
     "encounter": {"reference": "Encounter/e1"}, "recordedDate": "2024-02-20T09:00:00-05:00",
     "code": {"coding": [{"system": "http://snomed.info/sct", "code": "410795001"},
                         {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M06.1",
                          "display": "Adult-onset Still's disease"}]}},
    {"resourceType": "Condition", "id": "c2", "subject": {"reference": "Patient/p1"},
     "onsetDateTime": "2024-02-21T09:00:00-05:00",
     "code": {"coding": [{"system": "http://snomed.info/sct", "code": "55464009"}]}},
    {"resourceType": "Condition", "id": "c3", "subject": {"reference": "Patient/p1"},
     "recordedDate": "2024-02-22T09:00:00-05:00",
     "verificationStatus": {"coding": [{"code": "entered-in-error"}]},
     "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M32.9"}]}},
    {"resourceType": "Condition", "id": "c4", "subject": {"reference": "Patient/p1"},
     "recordedDate": "2024-02-23T09:00:00-05:00",
     "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "M06.1"}]}},
]

MEDICATION_REQUESTS = [
    {"resourceType": "MedicationRequest", "id": "m1", "status": "active", "intent": "order",
     "subject": {"reference": "Patient/p1"}, "encounter": {"reference": "Encounter/e1"},
     "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                               "code": "6902", "display": "methylprednisolone"}],
                                   "text": "Methylprednisolone 40 mg IV"},
     "authoredOn": "2024-01-15T09:00:00-05:00",
     "dosageInstruction": [{"route": {"text": "IV"},
                            "timing": {"repeat": {"boundsPeriod": {"start": "2024-01-15T10:00:00-05:00",
                                                                   "end": "2024-04-15T10:00:00-04:00"}}},
                            "doseAndRate": [{"doseQuantity": {"value": 40, "unit": "mg"}}]}]},
]

PATIENTS = [
    {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1990-05-17",
     "name": [{"family": "Never-Read"}]},
    {"resourceType": "Patient", "id": "p2", "gender": "other", "birthDate": "2001-02-03"},
]

ENCOUNTERS = [
    {"resourceType": "Encounter", "id": "e1", "status": "finished", "class": {"code": "IMP"},
     "subject": {"reference": "Patient/p1"},
     "period": {"start": "2024-02-28T22:15:00-05:00", "end": "2024-03-10T12:00:00-04:00"}},
]


def write_ndjson(path: Path, resources: list[dict], extra_lines: tuple[str, ...] = ()) -> None:
    lines = [json.dumps(resource) for resource in resources] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def export(tmp_path) -> Path:
    folder = tmp_path / "bulk"
    folder.mkdir()
    # the last Observation line is cut off mid-object: it must land (and be quarantined), not vanish
    write_ndjson(folder / "Observation.ndjson", OBSERVATIONS, ('{"resourceType": "Observation", "id": "cut',))
    write_ndjson(folder / "Condition.ndjson", CONDITIONS)
    write_ndjson(folder / "MedicationRequest.ndjson", MEDICATION_REQUESTS)
    write_ndjson(folder / "Patient.ndjson", PATIENTS)
    write_ndjson(folder / "Encounter.ndjson", ENCOUNTERS)
    return folder


def load(tmp_path: Path, export: Path, shift_years: int = 0):
    with connect(tmp_path / "w.duckdb", TZ) as con:
        staged_tables.refresh_reference_tables(con)
        loads = load_source(con, Source("fhir", "fhir_r4_ndjson", export, shift_years), "test")
        for table in staged_tables.STAGED_TABLES:
            staged_tables.stage(con, table)
        yield con, loads


@pytest.fixture
def warehouse(tmp_path, export):
    yield from load(tmp_path, export)


def test_every_kind_loads_and_every_row_is_accounted_for(warehouse):
    con, loads = warehouse
    assert {load.source_file: load.rows_in for load in loads} == {
        "fhir_r4_ndjson:labs": 9,  # 12 lines less the three vital signs (two temperatures, a pulse)
        "fhir_r4_ndjson:vitals": 1,  # the entered-in-error temperature is left out
        "fhir_r4_ndjson:diagnoses": 3,  # the entered-in-error Condition is left out
        "fhir_r4_ndjson:medications": 1,
        "fhir_r4_ndjson:patients": 2,
        "fhir_r4_ndjson:encounters": 1,
    }
    assert all(row["balanced"] for row in staged_tables.reconcile(con))


def test_labs_are_staged_with_values_units_censoring_and_statuses(warehouse):
    con, _ = warehouse
    labs = {row["result_id"]: row for row in con.execute("""
        SELECT result_id, patient_id, encounter_id, code, name, analyte, value_text, value_num, censoring, unit,
               ref_low, ref_high, collected_at, resulted_at, status
        FROM staging.lab_results""").pl().to_dicts()}
    assert sorted(labs) == ["ast", "ferritin", "platelets"]
    ferritin, platelets, ast = labs["ferritin"], labs["platelets"], labs["ast"]
    assert (ferritin["patient_id"], ferritin["encounter_id"]) == ("p1", "e1")
    assert (ferritin["code"], ferritin["name"], ferritin["analyte"]) == ("2276-4", "Ferritin", "ferritin")
    assert (ferritin["value_text"], ferritin["value_num"], ferritin["censoring"], ferritin["unit"]) == (
        ">1000", 1000, ">", "ng/mL")
    assert (ferritin["ref_low"], ferritin["ref_high"], ferritin["status"]) == (20, 300, "F")
    # the offsets as sent: 08:00-05:00 is 13:00 UTC
    assert ferritin["collected_at"].timestamp() == datetime(2024, 3, 1, 13, tzinfo=timezone.utc).timestamp()
    assert ferritin["resulted_at"].timestamp() == datetime(2024, 3, 1, 15, 30, tzinfo=timezone.utc).timestamp()
    assert (platelets["analyte"], platelets["value_num"], platelets["unit"]) == ("platelets", 85, "10*3/uL")
    assert platelets["name"] == "display 777-3"  # no code.text: the LOINC coding's display
    assert platelets["collected_at"] == ferritin["collected_at"]  # effectivePeriod.start 13:00Z
    assert (ast["analyte"], ast["value_num"], ast["status"]) == ("ast", 250, "C")


def test_cancelled_result_is_superseded_as_cancelled(warehouse):
    con, _ = warehouse
    assert con.execute("SELECT record_id, reason FROM staging.superseded_rows "
                       "WHERE table_name = 'lab_results'").fetchall() == [("ldh", "cancelled")]


def test_quarantine_reasons(warehouse):
    con, _ = warehouse
    rejected = con.execute("""
        SELECT table_name, reason, raw_record->>'record_id', raw_record->>'status'
        FROM quarantine.rejected_rows ORDER BY table_name, _source_row""").fetchall()
    assert rejected == [
        ("diagnoses", "unknown_code_system", None, None),  # WHO ICD-10, not ICD-10-CM
        ("lab_results", "unknown_status", "crp", "UNKNOWN"),  # 'unknown' passed on upper-cased
        ("lab_results", "missing_required", "esr", "REGISTERED"),  # no result yet: staging checks the value first
        ("lab_results", "unmapped_code", "smoking", "F"),  # a social-history Observation is no analyte
        ("lab_results", "missing_required", "orphan", "F"),  # no subject
        ("lab_results", "missing_required", None, "F"),  # the line cut off mid-object
    ]
    assert con.execute("SELECT raw_record->>'code_system' FROM quarantine.rejected_rows "
                       "WHERE table_name = 'diagnoses'").fetchall() == [("http://hl7.org/fhir/sid/icd-10",)]


def test_temperature_in_fahrenheit_is_a_vital_in_celsius(warehouse):
    con, _ = warehouse
    assert con.execute("""
        SELECT measurement_id, patient_id, code, analyte, value_num, unit, unit_as_sent, measured_at = recorded_at
        FROM staging.vital_signs""").fetchall() == [("temp", "p1", "8310-5", "temperature", 39.0, "Cel", "[degF]", False)]


def test_diagnoses_medications_patients_encounters(warehouse):
    con, _ = warehouse
    assert con.execute("SELECT patient_id, encounter_id, code_system, code, code_compact FROM staging.diagnoses "
                       "ORDER BY recorded_at").fetchall() == [
        ("p1", "e1", "ICD10CM", "M06.1", "M061"),  # the ICD-10-CM coding, not the SNOMED one
        ("p1", None, "SNOMED", "55464009", "55464009"),  # onsetDateTime when no recordedDate
    ]
    medication = con.execute("""
        SELECT patient_id, encounter_id, code_system, code, name, dose, dose_unit, route,
               started_at = TIMESTAMPTZ '2024-01-15 14:00:00+00', ended_at = TIMESTAMPTZ '2024-04-15 14:00:00+00'
        FROM staging.medications""").fetchall()
    assert medication == [("p1", "e1", "RXNORM", "6902", "Methylprednisolone 40 mg IV", "40", "mg", "IV", True, True)]
    assert con.execute("SELECT patient_id, CAST(birth_date AS VARCHAR), sex FROM staging.patients "
                       "ORDER BY patient_id").fetchall() == [("p1", "1990-05-17", "F"), ("p2", "2001-02-03", "U")]
    assert con.execute("""
        SELECT patient_id, encounter_id, encounter_type, admit_at = TIMESTAMPTZ '2024-02-29 03:15:00+00',
               discharge_at = TIMESTAMPTZ '2024-03-10 16:00:00+00'
        FROM staging.encounters""").fetchall() == [("p1", "e1", "IMP", True, True)]


def test_shift_years_moves_dates_and_keeps_offsets(tmp_path, export):
    for con, _ in load(tmp_path, export, shift_years=-100):
        raw = con.execute("SELECT collected_at, resulted_at FROM raw.labs WHERE result_id = 'ferritin'").fetchone()
        assert raw == ("1924-03-01T08:00:00-05:00", "1924-03-01T10:30:00-05:00")
        assert con.execute("SELECT measured_at FROM raw.vitals").fetchone() == ("1924-03-01T08:00:00-05:00",)
        assert con.execute("SELECT CAST(birth_date AS VARCHAR) FROM staging.patients WHERE patient_id = 'p1'"
                           ).fetchone() == ("1890-05-17",)
        assert con.execute("SELECT admit_at, discharge_at FROM raw.encounters").fetchone() == (
            "1924-02-28T22:15:00-05:00", "1924-03-10T12:00:00-04:00")
        assert all(row["balanced"] for row in staged_tables.reconcile(con))
