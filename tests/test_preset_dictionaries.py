"""Each preset's codes against the source's own dictionary: MIMIC-III's D_LABITEMS and D_ITEMS (the
demo in ../shared/data), OMOP's CONCEPT (Eunomia Synthea27Nj), and every analyte and declared unit
against the project's own reference tables (analytes.csv, units.csv). MIMIC-IV ships no public
dictionary on disk: its itemids shared with MIMIC-III are checked against the MIMIC-III labels."""

import csv
import gzip
import io
import zipfile
from pathlib import Path

import pytest

from pipelines.ingest.presets import preset_parameters

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
MIMIC_III = DATA / "mimic-iii-demo"
OMOP_ZIP = DATA / "omop-eunomia-synthea27nj" / "Synthea27Nj_5.4.zip"
needs_mimic = pytest.mark.skipif(not (MIMIC_III / "D_LABITEMS.csv.gz").exists(),
                                 reason=f"MIMIC-III demo not present: {MIMIC_III}")
needs_omop = pytest.mark.skipif(not OMOP_ZIP.exists(), reason=f"OMOP demo zip not present: {OMOP_ZIP}")

# what a label of each analyte's item says (D_LABITEMS / D_ITEMS, lower case)
LABEL_WORDS = {"ferritin": "ferritin", "platelets": "platelet count", "ast": "aminotransferase (ast)",
               "alt": "aminotransferase (alt)", "ldh": "lactate dehydrogenase", "triglycerides": "triglycerides",
               "fibrinogen": "fibrinogen", "ddimer": "d-dimer", "crp": "c-reactive protein",
               "esr": "sedimentation rate", "wbc": "wbc", "hemoglobin": "hemoglobin", "anc": "neutrophil count",
               "temperature": "temperature"}


def gz_rows(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", newline="") as handle:
        return list(csv.DictReader(handle))


def mapped(preset: str, key: str) -> list[dict]:
    return preset_parameters(preset).get(key, [])


@pytest.mark.parametrize("preset, key", [("mimic_iii", "lab_items"), ("mimic_iii", "chart_items"),
                                         ("mimic_iv", "lab_items"), ("mimic_iv", "chart_items"),
                                         ("meds", "measurement_codes")])
def test_every_analyte_and_declared_unit_is_in_the_reference_tables(con, preset, key):
    analytes = {row[0] for row in con.execute("SELECT analyte FROM meta.analyte_codes").fetchall()}
    for entry in mapped(preset, key):
        assert entry.get("analyte", "temperature") in analytes, entry
        if "unit" in entry:
            converts = con.execute("SELECT count(*) FROM meta.unit_conversions WHERE analyte = ? "
                                   "AND unit_spelling = normalize_unit(?)",
                                   [entry.get("analyte", "temperature"), entry["unit"]]).fetchone()[0]
            assert converts == 1, f"{preset} {entry}: units.csv has no conversion for {entry['unit']}"


@needs_mimic
def test_mimic_iii_items_are_the_analytes_their_labels_name():
    labitems = {row["ITEMID"]: row for row in gz_rows(MIMIC_III / "D_LABITEMS.csv.gz")}
    for entry in mapped("mimic_iii", "lab_items"):
        item = labitems[entry["itemid"]]
        assert LABEL_WORDS[entry["analyte"]] in item["LABEL"].lower() or (
            entry["analyte"] == "wbc" and item["LABEL"] == "White Blood Cells"), (entry, item)
        assert item["FLUID"] == "Blood", (entry, item)
    items = {row["ITEMID"]: row for row in gz_rows(MIMIC_III / "D_ITEMS.csv.gz")}
    for entry in mapped("mimic_iii", "chart_items"):
        assert "temperature" in items[entry["itemid"]]["LABEL"].lower()


@needs_mimic
def test_mimic_iii_maps_every_analyte_its_dictionary_has(con):
    """Every analyte whose LOINC code D_LABITEMS gives a blood item is mapped (by some itemid)."""
    codes = dict(con.execute("SELECT code, analyte FROM meta.analyte_codes WHERE kind = 'lab'").fetchall())
    in_dictionary = {codes[row["LOINC_CODE"]] for row in gz_rows(MIMIC_III / "D_LABITEMS.csv.gz")
                     if row["LOINC_CODE"] and row["LOINC_CODE"] in codes and row["FLUID"] == "Blood"}
    assert in_dictionary == {"alt", "ast", "crp", "ddimer", "esr", "ferritin", "fibrinogen", "hemoglobin", "ldh",
                             "platelets"}
    assert in_dictionary - {entry["analyte"] for entry in mapped("mimic_iii", "lab_items")} == set()


@needs_mimic
def test_mimic_iv_itemids_shared_with_mimic_iii_name_the_same_analyte():
    labitems = {row["ITEMID"]: row["LABEL"].lower() for row in gz_rows(MIMIC_III / "D_LABITEMS.csv.gz")}
    unchecked = []
    for entry in mapped("mimic_iv", "lab_items"):
        if entry["itemid"] in labitems:
            assert LABEL_WORDS[entry["analyte"]] in labitems[entry["itemid"]] or entry["analyte"] == "wbc", entry
        else:
            unchecked.append(entry["itemid"])
    assert unchecked == ["52075"]  # Absolute Neutrophil Count: a MIMIC-IV item (see mimic_iv.yaml)


@needs_omop
def test_omop_vital_codes_are_loinc_concepts_of_the_source():
    with zipfile.ZipFile(OMOP_ZIP) as archive, archive.open("CONCEPT.csv") as handle:
        concepts = {(row["vocabulary_id"], row["concept_code"]) for row in csv.DictReader(io.TextIOWrapper(handle))}
    for entry in mapped("omop_cdm_54", "vital_codes"):
        assert ("LOINC", entry["source_code"]) in concepts, entry
