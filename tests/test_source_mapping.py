"""A site's own CSV layout loads through a mapping file: configuration, not code."""

import pytest

from pipelines.core.site_config import SiteConfigError, Source, load_site_config
from pipelines.core.source_mapping import MappingError
from pipelines.ingest import presets
from pipelines.ingest.presets import load_source
from pipelines.staging import staged_tables

from conftest import lab, vital, write_labs, write_vitals

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
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table)
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
    assert all(load["balanced"] for load in staged_tables.reconcile(con))


def test_a_mapping_that_names_a_missing_column_refuses_the_file(con, tmp_path):
    (tmp_path / "feed").mkdir()
    (tmp_path / "feed" / "LAB_1.txt").write_text("MRN;TEST;RESULT\np1;FERR;1500\n")
    (tmp_path / "feed.yaml").write_text(MAPPING)
    source = Source("feed-b", "canonical", tmp_path / "feed", mapping=tmp_path / "feed.yaml")
    assert load_source(con, source, run_id="t") == []
    [(reason,)] = con.execute("SELECT reason FROM meta.file_problems").fetchall()
    assert "LAB_1.txt: missing required column(s) ACCESSION" in reason


@pytest.mark.parametrize("mapping, message", [
    ("colums: {}", r"m.yaml: unknown key 'colums'; did you mean 'columns'\?$"),
    ("decimal_seperator: ','", r"unknown key 'decimal_seperator'; did you mean 'decimal_separator'\?$"),
    ("files: {lab: 'LAB_*.csv'}", r"unknown key 'lab' in files; did you mean 'labs'\?$"),
    ("columns: {vital: {value: WERT}}", r"unknown key 'vital' in columns; did you mean 'vitals'\?$"),
    ("columns: {labs: {valeu: RESULT}}", r"unknown key 'valeu' in columns.labs; did you mean 'value'\?$"),
    ("columns: {patients: {measured_at: X}}", r"unknown key 'measured_at' in columns.patients; valid keys: "),
    ("codes: {TEMP: {analyt: temperature}}", r"unknown key 'analyt' in codes.TEMP; did you mean 'analyte'\?$"),
    ("codes: {TEMP: {unit: Cel}}", "codes.TEMP needs an analyte"),
    ("codes: {FERR: feritin}", r"codes.FERR: 'feritin' is neither an analyte nor a code of .*did you mean 'ferritin'\?$"),
    ("codes: {TEMP: {analyte: temprature}}", r"codes.TEMP: 'temprature' is neither.*did you mean 'temperature'\?$"),
    ("timezone: Mars/Olympus", "not an IANA time zone"),
    ("encoding: windows-1252x", "encoding 'windows-1252x' is not a Python codec name"),
    ("decimal_separator: ';'", "decimal_separator ';' must be"),
    ("- delimiter", "must be a mapping"),
])
def test_a_malformed_mapping_is_named(tmp_path, mapping, message):
    from pipelines.core.source_mapping import SourceMapping

    (tmp_path / "m.yaml").write_text(mapping)
    with pytest.raises(MappingError, match=message):
        SourceMapping.load(tmp_path / "m.yaml")


def test_a_mapping_must_exist(tmp_path):
    (tmp_path / "site.yaml").write_text(
        f"timezone: UTC\nsources:\n  - {{name: x, preset: mimic_iii, path: {tmp_path}, mapping: m.yaml}}\n")
    with pytest.raises(SiteConfigError, match="does not exist"):
        load_site_config(tmp_path / "site.yaml")


def test_encoding_and_decimal_separator_are_read_and_default(tmp_path):
    from pipelines.core.source_mapping import SourceMapping

    (tmp_path / "m.yaml").write_text("encoding: cp1252\ndecimal_separator: ','\n"
                                     "codes: {FERR: ferritin, TEMP: {analyte: temperature, unit: '[degF]'}}\n")
    mapping = SourceMapping.load(tmp_path / "m.yaml")
    assert (mapping.encoding, mapping.decimal_separator) == ("cp1252", ",")
    assert mapping.codes == {"FERR": "ferritin", "TEMP": "temperature"}
    assert mapping.code_units == {"TEMP": "[degF]"}
    (tmp_path / "plain.yaml").write_text("delimiter: ';'\n")
    plain = SourceMapping.load(tmp_path / "plain.yaml")
    assert (plain.encoding, plain.decimal_separator, plain.code_units) == ("utf-8", None, {})


@pytest.mark.parametrize("site, message", [
    ("timzone: UTC\nsources: []\n", r"site.yaml: unknown key 'timzone'; did you mean 'timezone'\?$"),
    ("timezone: UTC\nsources:\n  - {name: x, preset: canonical, path: ., shift_year: -100}\n",
     r"site.yaml: unknown key 'shift_year' in sources\[0\]; did you mean 'shift_years'\?$"),
    ("timezone: UTC\nsources:\n  - {name: x, preset: canonical, path: ., maping: m.yaml}\n",
     r"unknown key 'maping' in sources\[0\]; did you mean 'mapping'\?$"),
    # the mapping file is read with the site configuration, so its mistakes stop the run before it starts
    ("timezone: UTC\nsources:\n  - {name: x, preset: canonical, path: ., mapping: bad.yaml}\n",
     r"bad.yaml: unknown key 'timzone'; did you mean 'timezone'\?$"),
])
def test_unknown_keys_in_a_site_configuration_are_named_with_the_closest_valid_one(tmp_path, site, message):
    (tmp_path / "bad.yaml").write_text("timzone: Europe/Berlin\n")
    (tmp_path / "site.yaml").write_text(site)
    with pytest.raises(ValueError, match=message):
        load_site_config(tmp_path / "site.yaml")


def canonical_landing(folder):
    """One file of every contract kind in the canonical layout."""

    write_labs(folder, "labs_2024-03-05.csv", [lab("R1", "2276-4", "5000", "ng/mL", "2024-03-05T07:00:00")])
    write_vitals(folder, "vitals_2024-03-05.csv", [vital("V1", "39.2", "Cel", "2024-03-05T08:00:00")])
    (folder / "diagnoses.csv").write_text(
        "patient_id,encounter_id,code_system,code,recorded_at\np1,e1,ICD10CM,M08.20,2024-02-20T10:00:00\n")
    (folder / "patients.csv").write_text("patient_id,birth_date,sex\np1,2010-06-01,F\n")
    (folder / "encounters.csv").write_text("patient_id,encounter_id,admit_at,discharge_at,encounter_type,care_unit\n"
                                           "p1,e1,2024-02-20T09:00:00,,inpatient,PICU\n")
    (folder / "medications.csv").write_text(
        "patient_id,encounter_id,code_system,code,name,dose,dose_unit,route,started_at,ended_at\n"
        "p1,e1,RXNORM,5492,hydrocortisone,10,mg,IV,2024-03-05T09:00:00,\n")


@pytest.mark.parametrize("mapping", [
    "timezone: America/Chicago",
    "timestamp_format: '%Y-%m-%dT%H:%M:%S'",
    "units: {k/mcl: k/ul}",
    "codes: {FERR: ferritin}",
    "codes: {TEMP: {analyte: temperature, unit: Cel}}",
    "encoding: latin-1",
])
def test_a_mapping_option_applies_only_to_the_files_that_have_its_column(con, tmp_path, mapping):
    """Each option alone, with files of every kind: those without the option's column load unchanged."""
    (tmp_path / "feed").mkdir()
    canonical_landing(tmp_path / "feed")
    (tmp_path / "feed.yaml").write_text(mapping + "\n")
    loads = load_source(con, Source("feed", "canonical", tmp_path / "feed", mapping=tmp_path / "feed.yaml"), "t")
    assert sorted(load.source_file for load in loads) == [
        "diagnoses.csv", "encounters.csv", "labs_2024-03-05.csv", "medications.csv", "patients.csv",
        "vitals_2024-03-05.csv"]
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table)
    staged = {table: con.execute(f"SELECT count(*) FROM staging.{table}").fetchone()[0] for table in staged_tables.STAGED_TABLES}
    assert staged == dict.fromkeys(staged_tables.STAGED_TABLES, 1)
    assert con.execute("SELECT count(*) FROM quarantine.rejected_rows").fetchone()[0] == 0
    assert con.execute("SELECT value_num FROM staging.lab_results").fetchone()[0] == 5000.0


def test_a_unit_sent_empty_or_unk_is_the_unit_its_code_declares(con, tmp_path):
    (tmp_path / "feed").mkdir()
    (tmp_path / "feed" / "VS_1.txt").write_text(
        "MRN;ID;ITEM;VAL;UOM;TAKEN\n"
        "p1;V1;TEMP;101.3;UNK;05/03/2024 12:00\n"
        "p1;V2;TEMP;101.3;;05/03/2024 13:00\n"
        "p1;V3;TEMP;38.1;Cel;05/03/2024 14:00\n"     # a unit sent is kept
        "p1;V4;TEMPC;38.1;unk;05/03/2024 15:00\n")  # a code that declares no unit: nothing to fall back on
    (tmp_path / "feed.yaml").write_text(
        "delimiter: ';'\nfiles: {vitals: 'VS_*.txt'}\n"
        "columns: {vitals: {patient_id: MRN, measurement_id: ID, code: ITEM, value: VAL, unit: UOM, measured_at: TAKEN}}\n"
        "codes: {TEMP: {analyte: temperature, unit: '[degF]'}, TEMPC: temperature}\n"
        "timestamp_format: '%d/%m/%Y %H:%M'\n")
    load_source(con, Source("feed", "canonical", tmp_path / "feed", mapping=tmp_path / "feed.yaml"), "t")
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table)
    assert con.execute("SELECT measurement_id, value_num FROM staging.vital_signs ORDER BY 1").fetchall() == [
        ("V1", 38.5), ("V2", 38.5), ("V3", 38.1)]
    assert con.execute("SELECT reason FROM quarantine.rejected_rows").fetchall() == [("unknown_unit",)]
    assert con.execute("SELECT _extra->'as_sent'->>'unit', unit FROM raw.vitals WHERE measurement_id = 'V1'"
                       ).fetchone() == ("UNK", "[degF]")
    assert all(load["balanced"] for load in staged_tables.reconcile(con))


DECIMAL_COMMA_MAPPING = """
delimiter: ";"
files: {labs: "LAB_*.csv", vitals: "VS_*.csv"}
columns:
  labs: {patient_id: PATNR, encounter_id: FALLNR, result_id: AUFTRAG, code: ANALYT, value: ERGEBNIS,
         unit: EINHEIT, ref_low: UNTEN, ref_high: OBEN, collected_at: ENTNAHME, resulted_at: FREIGABE}
  vitals: {patient_id: PATNR, measurement_id: MESSUNG, code: CODE, value: WERT, unit: EINHEIT, measured_at: ZEIT}
timestamp_format: "%d.%m.%Y %H:%M"
timezone: Europe/Berlin
"""


def decimal_comma_feed(folder):
    folder.mkdir()
    (folder / "LAB_20240305.csv").write_text(
        "PATNR;FALLNR;AUFTRAG;ANALYT;ERGEBNIS;EINHEIT;UNTEN;OBEN;ENTNAHME;FREIGABE\n"
        "P1;E1;A1;1920-8;0,425;µkat/l;0,17;0,6;05.03.2024 07:00;05.03.2024 09:00\n"
        "P1;E1;A2;14927-8;1,20;mmol/l;;;05.03.2024 07:00;05.03.2024 09:00\n"
        "P1;E1;A3;3255-7;3,5;g/l;;;05.03.2024 07:00;05.03.2024 09:00\n"
        "P1;E1;A4;2276-4;5.000;µg/l;;;05.03.2024 07:00;05.03.2024 09:00\n"      # 5 or 5000?
        "P1;E1;A5;2276-4;1.234,5;µg/l;;;05.03.2024 07:00;05.03.2024 09:00\n"
        "P1;E1;A6;777-3;150;G/l;;;05.03.2024 07:00;05.03.2024 09:00\n")
    (folder / "VS_20240305.csv").write_text(
        "PATNR;MESSUNG;CODE;WERT;EINHEIT;ZEIT\nP1;V1;8310-5;39,2;°C;05.03.2024 08:00\n")


def test_a_declared_decimal_comma_reads_0_425_as_0_425(con, tmp_path):
    """Case: a European feed with decimal commas and a declared separator."""
    decimal_comma_feed(tmp_path / "feed")
    (tmp_path / "feed.yaml").write_text(DECIMAL_COMMA_MAPPING + 'decimal_separator: ","\n')
    load_source(con, Source("lis", "canonical", tmp_path / "feed", mapping=tmp_path / "feed.yaml"), "t")
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table)
    labs = dict(con.execute("SELECT result_id, value_num FROM staging.lab_results").fetchall())
    assert labs == {"A1": 25.5, "A2": pytest.approx(106.284), "A3": 350.0, "A5": 1234.5, "A6": 150.0}
    assert con.execute("SELECT ref_low, ref_high FROM staging.lab_results WHERE result_id = 'A1'").fetchone() == (
        pytest.approx(10.2), 36.0)
    assert con.execute("SELECT value_num FROM staging.vital_signs").fetchall() == [(39.2,)]
    reason, detail = con.execute("SELECT reason, detail FROM quarantine.rejected_rows").fetchone()
    assert (reason, detail.split(" depending")[0]) == ("ambiguous_value", "value 5,000 reads as 5.0 or 5000.0")
    assert con.execute("SELECT _extra->'as_sent'->>'value', value FROM raw.labs WHERE result_id = 'A1'"
                       ).fetchone() == ("0,425", "0.425")
    assert all(load["balanced"] for load in staged_tables.reconcile(con))


def test_without_a_declared_separator_a_decimal_comma_is_quarantined_never_read_x1000(con, tmp_path):
    decimal_comma_feed(tmp_path / "feed")
    (tmp_path / "feed.yaml").write_text(DECIMAL_COMMA_MAPPING)
    load_source(con, Source("lis", "canonical", tmp_path / "feed", mapping=tmp_path / "feed.yaml"), "t")
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table)
    # 5.000 and 1.234,5 without a declared separator: a point decimal, and not a number
    assert dict(con.execute("SELECT result_id, value_num FROM staging.lab_results").fetchall()) == {
        "A4": 5.0, "A6": 150.0}
    quarantined = dict(con.execute("SELECT coalesce(raw_record->>'record_id', raw_record->>'measurement_id') || '', "
                                   "reason FROM quarantine.rejected_rows").fetchall())
    assert quarantined == {"A1": "ambiguous_value", "A2": "ambiguous_value", "A3": "ambiguous_value",
                           "A5": "unparseable_value", "V1": "ambiguous_value"}
    assert all(load["balanced"] for load in staged_tables.reconcile(con))


def test_a_declared_decimal_point_reads_thousands_groups_and_still_refuses_a_decimal_comma(con, tmp_path):
    (tmp_path / "feed").mkdir()
    write_labs(tmp_path / "feed", "labs_1.csv", [
        lab("R1", "2276-4", "12,345", "ng/mL", "2024-03-05T07:00:00"),
        lab("R2", "777-3", "150,000", "/uL", "2024-03-05T07:00:00"),
        lab("R3", "2276-4", "0,425", "ng/mL", "2024-03-05T07:00:00"),
    ])
    (tmp_path / "feed.yaml").write_text('decimal_separator: "."\n')
    load_source(con, Source("feed", "canonical", tmp_path / "feed", mapping=tmp_path / "feed.yaml"), "t")
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table)
    assert con.execute("SELECT result_id, value_num FROM staging.lab_results ORDER BY 1").fetchall() == [
        ("R1", 12345.0), ("R2", 150.0)]
    assert con.execute("SELECT reason FROM quarantine.rejected_rows").fetchall() == [("ambiguous_value",)]
    assert con.execute("SELECT _extra->'as_sent'->>'value' FROM raw.labs WHERE result_id = 'R1'").fetchone() == ("12,345",)


def test_a_source_time_zone_leaves_times_sent_with_their_own_offset_alone(con, tmp_path):
    (tmp_path / "feed").mkdir()
    (tmp_path / "feed" / "labs_1.csv").write_text(
        "patient_id,result_id,code,value,unit,collected_at\n"
        "p1,A1,2276-4,900,ng/mL,2024-03-05T07:00:00\n"
        "p1,A2,2276-4,900,ng/mL,2024-03-05T07:00:00Z\n"
        "p1,A3,2276-4,900,ng/mL,2024-03-05T07:00:00-05:00\n")
    (tmp_path / "feed.yaml").write_text("timezone: Europe/Amsterdam\n")
    load_source(con, Source("feed", "canonical", tmp_path / "feed", mapping=tmp_path / "feed.yaml"), run_id="t")
    staged_tables.stage(con, "lab_results")
    times = dict(con.execute("SELECT result_id, strftime(collected_at AT TIME ZONE 'UTC', '%H:%M') "
                             "FROM staging.lab_results").fetchall())
    assert times == {"A1": "06:00", "A2": "07:00", "A3": "12:00"}


@pytest.mark.parametrize("delimiter", ['""', '";;"', "'\"'"])
def test_a_delimiter_must_be_one_character(tmp_path, delimiter):
    from pipelines.core.source_mapping import SourceMapping

    (tmp_path / "m.yaml").write_text(f"delimiter: {delimiter}\n")
    with pytest.raises(MappingError, match="must be one character"):
        SourceMapping.load(tmp_path / "m.yaml")


def test_a_preset_overlay_with_a_misspelt_list_stops_the_run_before_it_starts(tmp_path, monkeypatch):
    from pipelines.ingest.presets import load_checked_site_config
    from pipelines.runner import check_environment

    (tmp_path / "overlay.yaml").write_text("lab_item:\n  - {itemid: '50924', analyte: ferritin}\n")
    (tmp_path / "site.yaml").write_text(
        f"timezone: UTC\nsources:\n  - {{name: m, preset: mimic_iv, path: {tmp_path}, mapping: overlay.yaml}}\n")
    load_site_config(tmp_path / "site.yaml")  # well-formed as a site configuration: the overlay is the ingest stage's
    with pytest.raises(SiteConfigError, match="lab_item is not a list of this preset's mapping.*did you mean 'lab_items'"):
        load_checked_site_config(tmp_path / "site.yaml")
    monkeypatch.setenv("MASSCREEN_CONFIG", str(tmp_path / "site.yaml"))
    with pytest.raises(SiteConfigError, match=r"site.yaml: sources\[0\]: .*lab_item is not a list"):
        check_environment()                    # what a run checks before it starts


def test_a_corrected_mapping_reads_the_files_already_loaded_again(con, tmp_path):
    (tmp_path / "feed").mkdir()
    (tmp_path / "feed" / "labs_1.csv").write_text(
        "patient_id,result_id,code,value,unit,collected_at\np1,A1,FERR,900,ng/mL,2024-03-05T07:00:00\n")
    (tmp_path / "feed.yaml").write_text("delimiter: ','\n")
    source = Source("feed", "canonical", tmp_path / "feed", mapping=tmp_path / "feed.yaml")

    def load_with_mapping():
        loads = presets.land_sources(con, (source,), run_id="t")
        for table in staged_tables.STAGED_TABLES:
            staged_tables.stage(con, table)
        return loads

    load_with_mapping()
    assert con.execute("SELECT reason FROM quarantine.rejected_rows").fetchall() == [("unmapped_code",)]
    assert load_with_mapping() == []                       # unchanged file, unchanged mapping: nothing
    (tmp_path / "feed.yaml").write_text("codes: {FERR: ferritin}\n")
    assert len(load_with_mapping()) == 1                   # the mapping corrected: the file is read again
    assert con.execute("SELECT analyte, value_num FROM staging.lab_results").fetchall() == [("ferritin", 900.0)]
    assert all(row["balanced"] for row in staged_tables.reconcile(con))
