"""A site's own CSV layout loads through a mapping file: configuration, not code."""

import pytest

from pipelines import stages
from pipelines.presets import load_source
from pipelines.site_config import SiteConfigError, Source, load_site_config
from pipelines.source_mapping import MappingError

MAPPING = """
delimiter: ";"
files: {labs: "LAB_*.txt", vitals: "VS_*.txt"}
columns:
  labs: {patient_id: MRN, encounter_id: CSN, result_id: ACCESSION, code: TEST, name: TEST_NAME,
         value: RESULT, unit: UNITS, collected_at: COLLECTED, resulted_at: VERIFIED, status: STATUS}
  vitals: {patient_id: MRN, measurement_id: ID, code: ITEM, value: VAL, unit: UOM, measured_at: TAKEN}
codes: {FERR: ferritin, PLT: 777-3, TEMP: temperature}
units: {"k/mcl": "k/ul", "grad c": "cel"}
timestamp_format: "%d/%m/%Y %H:%M"
timezone: Europe/Amsterdam
"""


def test_a_mapped_layout_stages_like_the_canonical_contract(con, tmp_path):
    (tmp_path / "feed").mkdir()
    (tmp_path / "feed" / "LAB_20240305.txt").write_text(
        "MRN;CSN;ACCESSION;TEST;TEST_NAME;RESULT;UNITS;COLLECTED;VERIFIED;STATUS;BENCH\n"
        "p1;e1;A1;FERR;Ferritine;1500;ug/L;05/03/2024 14:30;05/03/2024 16:00;F;north\n"
        "p1;e1;A2;PLT;Trombocyten;140;K/mcL;05/03/2024 14:30;05/03/2024 15:00;F;north\n"
        "p1;e1;A3;NA;Natrium;140;mmol/L;05/03/2024 14:30;05/03/2024 15:00;F;north\n")
    (tmp_path / "feed" / "VS_20240305.txt").write_text(
        "MRN;ID;ITEM;VAL;UOM;TAKEN\np1;V1;TEMP;39.2;grad C;05/03/2024 12:00\n")
    (tmp_path / "feed" / "notes.txt").write_text("not an extract\n")
    (tmp_path / "feed.yaml").write_text(MAPPING)
    (tmp_path / "site.yaml").write_text(
        "timezone: America/New_York\nsources:\n  - {name: feed-b, preset: canonical, path: feed, mapping: feed.yaml}\n")
    source = load_site_config(tmp_path / "site.yaml").sources[0]
    load_source(con, source, run_id="t")
    for table in stages.STAGED_TABLES:
        stages.stage(con, table)
    labs = con.execute("SELECT result_id, analyte, value_num, unit, strftime(collected_at, '%Y-%m-%d %H:%M') "
                       "FROM staging.lab_results ORDER BY 1").fetchall()
    # 14:30 in Amsterdam is 08:30 in New York
    assert labs == [("A1", "ferritin", 1500.0, "ng/mL", "2024-03-05 08:30"),
                    ("A2", "platelets", 140.0, "10*3/uL", "2024-03-05 08:30")]
    assert con.execute("SELECT analyte, value_num FROM staging.vital_signs").fetchall() == [("temperature", 39.2)]
    assert con.execute("SELECT reason, raw_record->>'code' FROM quarantine.rejected_rows").fetchall() == [
        ("unmapped_code", "NA")]
    extra = con.execute("SELECT _extra->>'BENCH', _extra->'as_sent'->>'code', _extra->'as_sent'->>'collected_at' "
                        "FROM raw.labs WHERE result_id = 'A1'").fetchone()
    assert extra == ("north", "FERR", "05/03/2024 14:30")
    assert all(load["balanced"] for load in stages.reconcile(con))


def test_a_mapping_that_names_a_missing_column_refuses_the_file(con, tmp_path):
    from pipelines.landing import FileRefused

    (tmp_path / "feed").mkdir()
    (tmp_path / "feed" / "LAB_1.txt").write_text("MRN;TEST;RESULT\np1;FERR;1500\n")
    (tmp_path / "feed.yaml").write_text(MAPPING)
    source = Source("feed-b", "canonical", tmp_path / "feed", mapping=tmp_path / "feed.yaml")
    with pytest.raises(FileRefused, match="LAB_1.txt: missing required column.*ACCESSION"):
        load_source(con, source, run_id="t")


@pytest.mark.parametrize("mapping, message", [
    ("colums: {}", "unknown entries"),
    ("timezone: Mars/Olympus", "not an IANA time zone"),
])
def test_a_malformed_mapping_is_named(tmp_path, mapping, message):
    from pipelines.source_mapping import SourceMapping

    (tmp_path / "m.yaml").write_text(mapping)
    with pytest.raises(MappingError, match=message):
        SourceMapping.load(tmp_path / "m.yaml")


def test_a_mapping_must_exist(tmp_path):
    (tmp_path / "site.yaml").write_text(
        f"timezone: UTC\nsources:\n  - {{name: x, preset: mimic_iii, path: {tmp_path}, mapping: m.yaml}}\n")
    with pytest.raises(SiteConfigError, match="does not exist"):
        load_site_config(tmp_path / "site.yaml")
