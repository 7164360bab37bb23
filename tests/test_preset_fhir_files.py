"""FHIR bulk exports as servers and clients write them: files found by their resourceType whatever
their name, split and compressed files read together, references in every form the standard allows,
and the files that are not read named in meta.run_warnings."""

import gzip
import json
from pathlib import Path

from pipelines.core.site_config import Source
from pipelines.ingest.presets import load_source
from pipelines.staging import staged_tables

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"


def observation(id_: str, loinc: str, value: float, unit: str, subject: str) -> dict:
    return {"resourceType": "Observation", "id": id_, "status": "final",
            "category": [{"coding": [{"code": "laboratory"}]}],
            "code": {"coding": [{"system": LOINC, "code": loinc}]}, "subject": {"reference": subject},
            "effectiveDateTime": "2024-03-05T08:00:00-05:00", "issued": "2024-03-05T10:00:00-05:00",
            "valueQuantity": {"value": value, "unit": unit, "system": UCUM,
                              "code": {"thousand per microliter": "10*3/uL"}.get(unit, unit)}}


def write(path: Path, resources: list[dict]) -> None:
    text = "".join(json.dumps(resource) + "\n" for resource in resources)
    if path.name.endswith(".gz"):
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)


def load_and_stage(con, folder: Path, run_id: str = "test") -> list:
    loads = load_source(con, Source("fhir", "fhir_r4_ndjson", folder), run_id)
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table)
    return loads


PATIENT = {"resourceType": "Patient", "id": "3f1c0b1e-0000-4000-8000-000000000001", "gender": "female",
           "birthDate": "1990-01-01"}
UUID = PATIENT["id"]


def test_prefixed_and_split_files_all_load_with_their_own_names(con, tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    write(export / "1.Patient.ndjson", [PATIENT])
    write(export / "1.Observation.ndjson", [observation("o1", "2276-4", 5000, "ng/mL", f"Patient/{UUID}")])
    write(export / "Observation.2.ndjson.gz",
          [observation("o2", "777-3", 90, "thousand per microliter", f"urn:uuid:{UUID}"),
           observation("o3", "1920-8", 250, "U/L", f"https://fhir.example.org/r4/Patient/{UUID}/_history/3")])
    load_and_stage(con, export)
    labs = con.execute("SELECT result_id, patient_id, analyte, value_num FROM staging.lab_results ORDER BY 1").fetchall()
    assert labs == [("o1", UUID, "ferritin", 5000.0), ("o2", UUID, "platelets", 90.0), ("o3", UUID, "ast", 250.0)]
    files = con.execute("SELECT _source_file, _source_row FROM raw.labs ORDER BY 1, 2").fetchall()
    assert files == [("1.Observation.ndjson", 1), ("Observation.2.ndjson.gz", 1), ("Observation.2.ndjson.gz", 2)]
    # the UCUM code is read, not the display string 'thousand per microliter'
    assert con.execute("SELECT unit FROM raw.labs WHERE result_id = 'o2'").fetchone() == ("10*3/uL",)
    assert con.execute("SELECT patient_id FROM staging.patients").fetchall() == [(UUID,)]


def test_a_new_split_file_reloads_the_kind(con, tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    write(export / "Observation.ndjson", [observation("o1", "2276-4", 5000, "ng/mL", "Patient/p1")])
    first = load_and_stage(con, export)
    assert [load.rows_in for load in first if load.source_file.endswith(":labs")] == [1]
    assert load_and_stage(con, export) == []  # unchanged: nothing reloads
    write(export / "Observation.2.ndjson", [observation("o2", "777-3", 90, "10*3/uL", "Patient/p1")])
    again = load_and_stage(con, export)
    assert [load.rows_in for load in again if load.source_file.endswith(":labs")] == [2]
    assert con.execute("SELECT count(*) FROM staging.lab_results").fetchone() == (2,)


def test_files_not_read_and_kinds_missing_are_named_in_the_run_warnings(con, tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    write(export / "Observation.ndjson", [observation("o1", "2276-4", 5000, "ng/mL", "Patient/p1")])
    write(export / "Procedure.ndjson", [{"resourceType": "Procedure", "id": "x"}])
    (export / "notes.ndjson").write_text("this is not json\n")
    load_and_stage(con, export, run_id="r1")
    warnings = dict(((check, subject), (count, detail)) for check, subject, count, detail in con.execute(
        "SELECT check_name, subject, count, detail FROM meta.run_warnings WHERE run_id = 'r1'").fetchall())
    count, detail = warnings[("unrecognised_file", "fhir")]
    assert count == 2 and "Procedure.ndjson (Procedure)" in detail and "notes.ndjson (not a FHIR resource)" in detail
    count, detail = warnings[("source_files_missing", "fhir")]
    assert "no Patient.ndjson: patients not loaded" in detail and "no Condition.ndjson: diagnoses" in detail
    assert "Observation" not in detail
