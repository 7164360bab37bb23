"""The OMOP CDM preset on what hospital ETLs write besides Synthea's LOINC source values: local labels
mapped through the standard concept, a de-identification placeholder with value_as_number, a UCUM unit
concept beside a display string, and tables as gzip or numbered parts."""

import csv
import gzip

from pipelines.core.site_config import Source
from pipelines.ingest.presets import load_source
from pipelines.staging import staged_tables

from test_preset_omop import CONCEPTS, HEADERS, MEASUREMENT_COLUMNS


def test_local_labels_placeholders_unit_codes_and_split_tables(con, tmp_path):
    folder = tmp_path / "cdm"
    folder.mkdir()
    with gzip.open(folder / "concept.csv.gz", "wt", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["concept_id", "concept_name", "domain_id", "vocabulary_id", "concept_class_id",
                         "standard_concept", "concept_code", "valid_start_date", "valid_end_date", "invalid_reason"])
        writer.writerows([(cid, name, domain, vocabulary, "", "S", code, "1970-01-01", "2099-12-31", "")
                          for cid, name, domain, vocabulary, code in CONCEPTS])
    (folder / "MEASUREMENT_1.csv").write_text("\n".join([
        MEASUREMENT_COLUMNS,
        # a local label, mapped by the ETL to the standard ferritin concept; text blanked, number kept
        "1,1,3001122,2024-01-02,2024-01-02 06:00:00,,32856,0,5000,0,0,,,,9,,FERR,0,ng/mL,,___,,",
    ]) + "\n")
    (folder / "MEASUREMENT_2.csv").write_text("\n".join([
        MEASUREMENT_COLUMNS,
        # a local label; the unit concept's UCUM code wins over the display string
        "2,1,3024929,2024-01-02,2024-01-02 06:00:00,,32856,0,90,0,8848,,,,9,,Platelet count,0,"
        "thousand per microliter,,,,",
        # a local label whose concept is not LOINC: kept as sent, quarantined as unmapped
        "3,1,0,2024-01-02,2024-01-02 06:00:00,,32856,0,1,0,0,,,,9,,LOCAL-X,0,,,,,",
    ]) + "\n")
    for table, header in HEADERS.items():
        (folder / f"{table}.csv").write_text(header + "\n")
    load_source(con, Source("cdm", "omop_cdm_54", folder), "test")
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table)
    labs = con.execute("SELECT result_id, code, analyte, value_num, unit_as_sent FROM staging.lab_results "
                       "ORDER BY result_id").fetchall()
    assert labs == [("1", "2276-4", "ferritin", 5000.0, "ng/mL"), ("2", "777-3", "platelets", 90.0, "10*3/uL")]
    assert con.execute("SELECT raw_record->>'code', reason FROM quarantine.rejected_rows").fetchall() == [
        ("LOCAL-X", "unmapped_code")]
    assert con.execute("SELECT result_id, _source_file, _extra->>'code_from_concept' FROM raw.labs ORDER BY 1"
                       ).fetchall() == [("1", "MEASUREMENT_1.csv", "true"), ("2", "MEASUREMENT_2.csv", "true"),
                                        ("3", "MEASUREMENT_2.csv", "false")]
    assert con.execute("SELECT _extra->>'value_from_number' FROM raw.labs WHERE result_id = '1'").fetchone() == (
        "true",)
    assert all(load["balanced"] for load in staged_tables.reconcile(con))
