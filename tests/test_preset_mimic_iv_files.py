"""The mimic_iv preset on the file variants and values real MIMIC-IV copies have: plain or gzip CSV,
split files, no icu/ folder, de-identified text with the number in valuenum, UNK units, prescriptions
that end before they start, and a site's own mapping overlay."""

from pathlib import Path

import pytest

from pipelines.core.site_config import Source
from pipelines.ingest.presets import load_source
from pipelines.staging import staged_tables

from test_preset_mimic_iv import (ADMISSIONS, CHARTEVENTS, D_LABITEMS, DIAGNOSES_ICD, LABEVENTS, PATIENTS,
                                  PRESCRIPTIONS, write_gz)


def lab(id_: str, itemid: str, value: str, valuenum: str, unit: str) -> tuple:
    return (id_, "10", "100", f"70{id_}", itemid, "2180-01-02 06:00:00", "2180-01-02 08:00:00", value, valuenum,
            unit, "", "", "", "ROUTINE", "")


def write_csv(path: Path, columns: tuple[str, ...], rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(",".join(row) for row in [columns, *rows]) + "\n")


@pytest.fixture
def hosp_only(tmp_path) -> Path:
    """A MIMIC-IV copy without icu/, labevents uncompressed and split in two, the rest gzip."""
    folder = tmp_path / "mimic-iv"
    hosp = folder / "hosp"
    write_csv(hosp / "labevents.csv", LABEVENTS, [
        lab("1", "50924", "___", "5000", "ng/mL"),      # ferritin hidden by de-identification
        lab("2", "51265", "___", "7", "K/uL"),          # platelets 7, likewise
        lab("3", "50878", "___", "", "IU/L"),           # a placeholder without a number stays as sent
        lab("4", "51265", "<5", "", "K/uL"),            # censored text is kept, not replaced
    ])
    write_gz(hosp / "labevents_2.csv.gz", LABEVENTS, [
        lab("5", "52075", "0.4", "0.4", "K/uL"),        # absolute neutrophil count
        lab("6", "51214", "46", "46", "UNK"),           # fibrinogen with an unknown unit, not declared
        lab("7", "50915", "2500", "2500", "ng/mL"),     # D-dimer: FEU or DDU unknown to the package
    ])
    write_gz(hosp / "d_labitems.csv.gz", D_LABITEMS, [("50924", "Ferritin", "Blood", "Chemistry")])
    write_gz(hosp / "prescriptions.csv.gz", PRESCRIPTIONS, [
        ("10", "100", "5001", "10-1", "2180-01-03 10:00:00", "2180-01-02 10:00:00", "MAIN", "Prednisolone Acetate 1%",
         "PRED1", "", "0", "5mL Bottle", "BTL", "1", "DROP", "1", "BTL", "4", "BOTH EYES"),
        ("10", "100", "5002", "10-2", "2180-01-02 10:00:00", "2180-02-02 10:00:00", "MAIN", "Prednisolone Acetate 1%",
         "PRED1", "", "0", "5mL Bottle", "BTL", "1", "DROP", "1", "BTL", "4", "BOTH EYES"),
    ])
    write_gz(hosp / "diagnoses_icd.csv.gz", DIAGNOSES_ICD, [("10", "100", "1", "D761", "10")])
    write_gz(hosp / "patients.csv.gz", PATIENTS, [("10", "F", "40", "2180", "2017 - 2019", "")])
    write_gz(hosp / "admissions.csv.gz", ADMISSIONS, [
        ("10", "100", "2180-01-01 20:00:00", "2180-01-06 12:00:00", "", "URGENT", "P1", "EMERGENCY ROOM", "HOME",
         "Medicare", "ENGLISH", "SINGLE", "WHITE", "", "", "0")])
    return folder


def load_and_stage(con, folder: Path, mapping: Path | None = None, run_id: str = "test") -> list:
    """Load with MIMIC's dates (2180) moved into the past: a time after the run is quarantined."""
    loads = load_source(con, Source("mimic-iv", "mimic_iv", folder, -160, mapping), run_id)
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table, run_id)
    return loads


def test_split_and_uncompressed_labevents_load_with_valuenum_behind_placeholders(con, hosp_only):
    load_and_stage(con, hosp_only)
    staged = con.execute("SELECT result_id, analyte, value_num, censoring FROM staging.lab_results ORDER BY 1").fetchall()
    assert staged == [("1", "ferritin", 5000.0, None), ("2", "platelets", 7.0, None), ("4", "platelets", 5.0, "<"),
                      ("5", "anc", 0.4, None)]
    quarantined = dict(con.execute("SELECT raw_record->>'record_id', reason FROM quarantine.rejected_rows "
                                   "WHERE table_name = 'lab_results'").fetchall())
    assert quarantined == {"3": "unparseable_value", "6": "unknown_unit", "7": "unknown_unit"}
    files = dict(con.execute("SELECT result_id, _source_file FROM raw.labs").fetchall())
    assert files["1"] == "hosp/labevents.csv" and files["5"] == "hosp/labevents_2.csv.gz"
    assert con.execute("SELECT _extra->>'value_from_number' FROM raw.labs WHERE result_id = '1'").fetchone() == ("true",)
    assert all(load["balanced"] for load in staged_tables.reconcile(con))


def test_a_missing_icu_folder_is_named_in_the_run_warnings(con, hosp_only):
    loads = load_and_stage(con, hosp_only, run_id="r1")
    assert not any(load.source_file.endswith(":vitals") for load in loads)
    (count, detail), = con.execute("SELECT count, detail FROM meta.run_warnings WHERE run_id = 'r1' "
                                   "AND check_name = 'source_files_missing' AND subject = 'mimic-iv'").fetchall()
    assert count == 1 and "no icu/chartevents.csv.gz: vitals not loaded" in detail


def test_a_file_both_compressed_and_not_is_refused_by_name(con, hosp_only):
    write_gz(hosp_only / "hosp" / "labevents.csv.gz", LABEVENTS, [lab("9", "50924", "10", "10", "ng/mL")])
    load_and_stage(con, hosp_only)  # the kind is refused and recorded; the other kinds still load
    [(kind, reason)] = con.execute("SELECT kind, reason FROM meta.file_problems").fetchall()
    assert kind == "labs" and "labevents.csv is there both compressed and not" in reason
    assert con.execute("SELECT count(*) FROM raw.labs").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM raw.patients").fetchone()[0] == 1


def test_the_site_mapping_declares_units_and_items_without_editing_the_package(con, hosp_only, tmp_path):
    overlay = tmp_path / "site-mimic-iv.yaml"
    overlay.write_text('lab_items:\n'
                       '  - {itemid: "50915", analyte: ddimer, unit: "ng/mL{FEU}"}\n'
                       '  - {itemid: "51214", analyte: fibrinogen, unit: "mg/dL"}\n')
    load_and_stage(con, hosp_only, overlay)
    staged = dict(con.execute("SELECT result_id, value_num FROM staging.lab_results").fetchall())
    assert staged["6"] == 46.0 and staged["7"] == 2.5  # 2500 ng/mL FEU is 2.5 mg/L FEU
    assert con.execute("SELECT unit FROM raw.labs WHERE result_id = '6'").fetchone() == ("mg/dL",)
    overlay.write_text("lab_item:\n  - {itemid: '1', analyte: ferritin}\n")
    load_and_stage(con, hosp_only, overlay)
    assert any("lab_item is not a list of this preset's mapping" in reason
               for (reason,) in con.execute("SELECT reason FROM meta.file_problems").fetchall())


def test_a_prescription_ending_before_it_starts_is_quarantined_and_routes_are_kept(con, hosp_only):
    load_and_stage(con, hosp_only)
    assert con.execute("SELECT reason, detail FROM quarantine.rejected_rows WHERE table_name = 'medications'"
                       ).fetchall() == [("ended_before_started",
                                         "ended 2020-01-02T10:00:00 before it started 2020-01-03T10:00:00")]
    assert con.execute("SELECT name, route FROM staging.medications").fetchall() == [
        ("Prednisolone Acetate 1%", "BOTH EYES")]


def test_an_unknown_unit_takes_the_chart_items_unit(con, hosp_only):
    write_gz(hosp_only / "icu" / "chartevents.csv.gz", CHARTEVENTS, [
        ("10", "100", "900", "55", "2180-01-02 04:00:00", "2180-01-02 04:10:00", "223761", "102.2", "102.2", "UNK", "0"),
        ("10", "100", "900", "55", "2180-01-02 05:00:00", "2180-01-02 05:10:00", "223762", "___", "39", "", "0")])
    load_and_stage(con, hosp_only)
    assert con.execute("SELECT value_num FROM staging.vital_signs ORDER BY measured_at").fetchall() == [(39.0,), (39.0,)]


def test_a_mapping_changed_back_reloads_the_kind_and_a_version_it_quarantines_is_warned(con, hosp_only, tmp_path):
    overlay = tmp_path / "site-mimic-iv.yaml"
    load_and_stage(con, hosp_only, None, run_id="r1")
    assert "7" not in dict(con.execute("SELECT result_id, value_num FROM staging.lab_results").fetchall())
    overlay.write_text('lab_items:\n  - {itemid: "50915", analyte: ddimer, unit: "ng/mL{FEU}"}\n')
    load_and_stage(con, hosp_only, overlay, run_id="r2")
    assert dict(con.execute("SELECT result_id, value_num FROM staging.lab_results").fetchall())["7"] == 2.5
    load_and_stage(con, hosp_only, None, run_id="r3")  # the overlay taken away again: same content as r1
    assert con.execute("SELECT count(*) FROM meta.loads WHERE kind = 'labs'").fetchone()[0] == 3  # loaded again
    # its D-dimer is quarantined again (unknown_unit); the version r2 staged stays, and the run says so
    assert con.execute("SELECT reason FROM quarantine.rejected_rows AS q JOIN meta.loads AS l ON l.load_id = q._load_id "
                       "WHERE l.run_id = 'r3' AND q.table_name = 'lab_results' AND (q.raw_record->>'record_id') = '7'").fetchall() == [("unknown_unit",)]
    [(subject, count)] = con.execute("SELECT subject, count FROM meta.run_warnings WHERE run_id = 'r3' "
                                     "AND check_name = 'amendment_quarantined'").fetchall()
    assert (subject, count) == ("lab_results", 1)
    assert all(row["balanced"] for row in staged_tables.reconcile(con))
