"""The omop_cdm_54 preset on the OHDSI Synthea27Nj demo (OMOP CDM v5.4), through the real CLI.

The zip is given to the site configuration as it is; every MEASUREMENT row must land once (labs or
vitals), every load must balance, and the analytes the README counts must stage.

Run as a script to print the figures for a fresh run: `python tests/test_preset_omop.py [workdir]`.
"""

import csv
import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
DATASET = Path(__file__).resolve().parents[2] / "shared" / "data" / "omop-eunomia-synthea27nj"
ZIP = DATASET / "Synthea27Nj_5.4.zip"
SITE_TZ = "America/New_York"
# The 12 ferritin rows are 2004-2009; five of them fall on 2006-02-27 .. 2006-03-03.
START, END = "2006-02-25", "2006-03-05"

needs_zip = pytest.mark.skipif(not ZIP.exists(), reason=f"OMOP demo zip not present: {ZIP}")


def zip_rows(table: str) -> list[dict[str, str]]:
    """A CDM table of the zip, read with the csv module (independently of the preset's SQL)."""
    with zipfile.ZipFile(ZIP) as archive, archive.open(f"{table}.csv") as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")))


def readme_count(analyte: str) -> int:
    """The row count the dataset README gives for an analyte (its 'Our analytes' table)."""
    match = re.search(rf"^\| {analyte} \| [^|]+ \| (\d+) \|", (DATASET / "README.md").read_text(), re.MULTILINE)
    assert match, f"README.md gives no count for {analyte}"
    return int(match.group(1))


def run_cli(workdir: Path) -> tuple[subprocess.CompletedProcess, Path, float]:
    """`masscreen run` over the zip, with a Dagster instance of its own in workdir."""
    config = workdir / "site.yaml"
    config.write_text(f"timezone: {SITE_TZ}\npartition_start: 2006-01-01\n"
                      f"sources:\n  - name: synthea27nj\n    preset: omop_cdm_54\n    path: {ZIP}\n")
    warehouse = workdir / "w.duckdb"
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME" and not k.startswith("MASSCREEN_")}
    env["DAGSTER_HOME"] = str(workdir / "dagster_home")
    began = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--config", str(config), "--warehouse", str(warehouse),
         "--start", START, "--end", END],
        capture_output=True, text=True, env=env, cwd=PROJECT, timeout=900)
    return result, warehouse, time.monotonic() - began


def figures(con) -> dict:
    """Rows in per kind, staged per table, quarantined by table and reason, staged per analyte."""
    return {
        "rows_in": dict(con.execute("SELECT kind, rows_in FROM meta.loads ORDER BY load_id").fetchall()),
        "staged": {t: con.execute(f"SELECT count(*) FROM staging.{t}").fetchone()[0]
                   for t in ("lab_results", "vital_signs", "diagnoses", "medications", "patients", "encounters")},
        "quarantined": {f"{t}/{r}": n for t, r, n in con.execute(
            "SELECT table_name, reason, count(*) FROM quarantine.rejected_rows GROUP BY ALL ORDER BY 1, 2").fetchall()},
        "superseded": {f"{t}/{r}": n for t, r, n in con.execute(
            "SELECT table_name, reason, count(*) FROM staging.superseded_rows GROUP BY ALL ORDER BY 1, 2").fetchall()},
        "per_analyte": dict(con.execute(
            "SELECT analyte, count(*) FROM (SELECT analyte FROM staging.lab_results"
            " UNION ALL SELECT analyte FROM staging.vital_signs) GROUP BY ALL ORDER BY 1").fetchall()),
    }


def print_figures(numbers: dict) -> None:
    for name, counts in numbers.items():
        print(f"{name}: " + ", ".join(f"{key} {value:,}" for key, value in counts.items()))


@pytest.fixture(scope="module")
def omop_run(tmp_path_factory):
    result, warehouse, seconds = run_cli(tmp_path_factory.mktemp("omop"))
    print(f"CLI run took {seconds:.1f} s")
    return result, warehouse


@pytest.fixture(scope="module")
def omop_con(omop_run):
    from pipelines.core.warehouse import connect

    result, warehouse = omop_run
    assert result.returncode == 0, result.stderr[-4000:]
    with connect(warehouse, SITE_TZ, read_only=True) as con:
        yield con


@needs_zip
def test_the_cli_run_succeeds(omop_run):
    result, _ = omop_run
    assert result.returncode == 0, result.stderr[-4000:]


@needs_zip
def test_every_load_balances_and_figures(omop_con):
    assert omop_con.execute("SELECT * FROM meta.load_reconciliation WHERE NOT balanced").fetchall() == []
    print_figures(figures(omop_con))


@needs_zip
def test_every_measurement_row_lands_once_as_lab_or_vital(omop_con):
    measurements = zip_rows("MEASUREMENT")
    landed = omop_con.execute(
        "SELECT _source_row FROM raw.labs UNION ALL SELECT _source_row FROM raw.vitals").fetchall()
    assert len(landed) == len(measurements)
    assert len({row for (row,) in landed}) == len(measurements)


@needs_zip
def test_ferritin_stages_as_the_readme_counts(omop_con):
    staged = omop_con.execute("SELECT count(*), min(unit), max(unit) FROM staging.lab_results"
                              " WHERE analyte = 'ferritin'").fetchone()
    assert staged == (readme_count("ferritin"), "ng/mL", "ng/mL")


@needs_zip
def test_temperature_lands_in_vital_signs_in_celsius(omop_con):
    expected = sum(row["measurement_source_value"] == "8310-5" for row in zip_rows("MEASUREMENT"))
    rows = omop_con.execute("SELECT analyte, unit, count(*) FROM staging.vital_signs GROUP BY ALL").fetchall()
    assert rows == [("temperature", "Cel", expected)]
    assert omop_con.execute("SELECT count(*) FROM staging.lab_results WHERE code = '8310-5'").fetchone()[0] == 0


@needs_zip
def test_every_person_is_a_staged_patient(omop_con):
    assert omop_con.execute("SELECT count(*) FROM staging.patients").fetchone()[0] == len(zip_rows("PERSON"))


# A few hand-written rows for what the demo does not have: operators, and codes and units given only
# as concept ids. The preset reads an operator by its concept_name only.
CONCEPTS = [
    ("3001122", "Ferritin [Mass/volume] in Serum or Plasma", "Measurement", "LOINC", "2276-4"),
    ("3024929", "Platelets [#/volume] in Blood by Automated count", "Measurement", "LOINC", "777-3"),
    ("3020891", "Body temperature", "Measurement", "LOINC", "8310-5"),
    ("8848", "thousand per microliter", "Unit", "UCUM", "10*3/uL"),
    ("586323", "degree Celsius", "Unit", "UCUM", "Cel"),
    ("4172704", ">", "Meas Value Operator", "Meas Value Operator", ""),
    ("4171754", "<=", "Meas Value Operator", "Meas Value Operator", ""),
]
MEASUREMENT_COLUMNS = ("measurement_id,person_id,measurement_concept_id,measurement_date,measurement_datetime,"
                       "measurement_time,measurement_type_concept_id,operator_concept_id,value_as_number,"
                       "value_as_concept_id,unit_concept_id,range_low,range_high,provider_id,visit_occurrence_id,"
                       "visit_detail_id,measurement_source_value,measurement_source_concept_id,unit_source_value,"
                       "unit_source_concept_id,value_source_value,measurement_event_id,meas_event_field_concept_id")
HEADERS = {
    "CONDITION_OCCURRENCE": "condition_occurrence_id,person_id,condition_concept_id,condition_start_date,"
                            "condition_start_datetime,condition_end_date,condition_end_datetime,"
                            "condition_type_concept_id,condition_status_concept_id,stop_reason,provider_id,"
                            "visit_occurrence_id,visit_detail_id,condition_source_value,condition_source_concept_id,"
                            "condition_status_source_value",
    "DRUG_EXPOSURE": "drug_exposure_id,person_id,drug_concept_id,drug_exposure_start_date,"
                     "drug_exposure_start_datetime,drug_exposure_end_date,drug_exposure_end_datetime,"
                     "verbatim_end_date,drug_type_concept_id,stop_reason,refills,quantity,days_supply,sig,"
                     "route_concept_id,lot_number,provider_id,visit_occurrence_id,visit_detail_id,drug_source_value,"
                     "drug_source_concept_id,route_source_value,dose_unit_source_value",
    "PERSON": "person_id,gender_concept_id,year_of_birth,month_of_birth,day_of_birth,birth_datetime,"
              "race_concept_id,ethnicity_concept_id,location_id,provider_id,care_site_id,person_source_value,"
              "gender_source_value,gender_source_concept_id,race_source_value,race_source_concept_id,"
              "ethnicity_source_value,ethnicity_source_concept_id",
    "VISIT_OCCURRENCE": "visit_occurrence_id,person_id,visit_concept_id,visit_start_date,visit_start_datetime,"
                        "visit_end_date,visit_end_datetime,visit_type_concept_id,provider_id,care_site_id,"
                        "visit_source_value,visit_source_concept_id,admitted_from_concept_id,"
                        "admitted_from_source_value,discharged_to_concept_id,discharged_to_source_value,"
                        "preceding_visit_occurrence_id",
}


def test_operators_prefix_the_value_and_concept_ids_stand_in_for_empty_source_values(tmp_path):
    from pipelines.staging import staged_tables
    from pipelines.ingest.presets import load_source
    from pipelines.core.site_config import Source
    from pipelines.core.warehouse import connect

    folder = tmp_path / "cdm"
    folder.mkdir()
    with (folder / "CONCEPT.csv").open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["concept_id", "concept_name", "domain_id", "vocabulary_id", "concept_class_id",
                         "standard_concept", "concept_code", "valid_start_date", "valid_end_date", "invalid_reason"])
        writer.writerows([(cid, name, domain, vocabulary, "", "S", code, "1970-01-01", "2099-12-31", "")
                          for cid, name, domain, vocabulary, code in CONCEPTS])
    (folder / "MEASUREMENT.csv").write_text("\n".join([
        MEASUREMENT_COLUMNS,
        # ferritin '>' 2000 as sent
        "1,1,3001122,2024-01-02,2024-01-02 06:00:00,,32856,4172704,2000,0,0,,,,9,,2276-4,3001122,ng/mL,,2000,,",
        # platelets known only by concept ids, operator '<=', number only
        "2,1,3024929,2024-01-02,,,32856,4171754,5,0,8848,150,450,,9,,,0,,,,,",
        # temperature known only by its concept id: a vital, not a lab
        "3,1,3020891,2024-01-02,2024-01-02 07:00:00,,32856,0,38.6,0,586323,,,,9,,,0,,,,,",
    ]) + "\n")
    for table, header in HEADERS.items():
        (folder / f"{table}.csv").write_text(header + "\n")
    with connect(tmp_path / "w.duckdb", SITE_TZ) as con:
        staged_tables.refresh_reference_tables(con)
        load_source(con, Source("cdm", "omop_cdm_54", folder), "test")
        for table in staged_tables.STAGED_TABLES:
            staged_tables.stage(con, table)
        labs = con.execute("SELECT result_id, code, value_text, value_num, censoring, unit_as_sent, ref_low, ref_high"
                           " FROM staging.lab_results ORDER BY result_id").fetchall()
        assert labs == [("1", "2276-4", ">2000", 2000.0, ">", "ng/mL", None, None),
                        ("2", "777-3", "<=5", 5.0, "<=", "10*3/uL", 150.0, 450.0)]
        assert con.execute("SELECT measurement_id, code, value_num, unit FROM staging.vital_signs").fetchall() == [
            ("3", "8310-5", 38.6, "Cel")]
        assert all(load["balanced"] for load in staged_tables.reconcile(con))


if __name__ == "__main__":
    import tempfile

    from pipelines.core.warehouse import connect

    workdir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="omop-run-"))
    workdir.mkdir(parents=True, exist_ok=True)
    outcome, path, took = run_cli(workdir)
    print(outcome.stdout if outcome.returncode == 0 else outcome.stderr[-4000:])
    print(f"exit {outcome.returncode}, CLI run took {took:.1f} s, warehouse {path}")
    if outcome.returncode == 0:
        with connect(path, SITE_TZ, read_only=True) as connection:
            print_figures(figures(connection))
