"""Labs exported wide (one column per test, the patient id only on a group's first line, units in
the header or the mapping) load as one canonical lab row per test cell."""

import pytest

from pipelines.core.site_config import Source
from pipelines.core.source_mapping import MappingError, SourceMapping
from pipelines.ingest.presets import load_source
from pipelines.staging import staged_tables

MAPPING = """
files: {labs: "CHEM_*.csv"}
columns:
  labs: {patient_id: MRN, encounter_id: VISIT, result_id: SPECIMEN, collected_at: DRAWN}
wide:
  labs:
    tests:
      FERRITIN: {code: "2276-4", unit: ng/mL}
      "PLT (10*3/uL)": {code: "777-3"}
      AST: {code: "1920-8", unit: U/L}
    fill_down: [patient_id, encounter_id]
"""

WIDE = """MRN,VISIT,SPECIMEN,DRAWN,FERRITIN,PLT (10*3/uL),AST,COMMENT
p1,e1,S1,2024-03-05T06:00:00,12000,95,,first
,,S2,2024-03-06T06:00:00,15000,60,310,
p2,e9,S3,2024-03-05T07:00:00,,250,20,
,,S4,2024-03-06T07:00:00,,,,no results
"""


def load(con, tmp_path, mapping=MAPPING, text=WIDE):
    (tmp_path / "feed").mkdir(exist_ok=True)
    (tmp_path / "feed" / "CHEM_1.csv").write_text(text)
    (tmp_path / "feed.yaml").write_text(mapping)
    source = Source("chem", "canonical", tmp_path / "feed", mapping=tmp_path / "feed.yaml")
    loads = load_source(con, source, run_id="t")
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table)
    return loads


def test_test_columns_unpivot_with_the_patient_filled_down_and_units_from_header_or_mapping(con, tmp_path):
    [loaded] = load(con, tmp_path)
    assert loaded.rows_in == 7  # one per non-empty test cell; a line without results has none
    rows = con.execute("SELECT patient_id, encounter_id, result_id, analyte, value_num, unit, "
                       "strftime(collected_at, '%m-%d %H') FROM staging.lab_results ORDER BY 3").fetchall()
    assert rows == [
        ("p1", "e1", "S1:FERRITIN", "ferritin", 12000.0, "ng/mL", "03-05 06"),
        ("p1", "e1", "S1:PLT (10*3/uL)", "platelets", 95.0, "10*3/uL", "03-05 06"),
        ("p1", "e1", "S2:AST", "ast", 310.0, "U/L", "03-06 06"),
        ("p1", "e1", "S2:FERRITIN", "ferritin", 15000.0, "ng/mL", "03-06 06"),
        ("p1", "e1", "S2:PLT (10*3/uL)", "platelets", 60.0, "10*3/uL", "03-06 06"),
        ("p2", "e9", "S3:AST", "ast", 20.0, "U/L", "03-05 07"),
        ("p2", "e9", "S3:PLT (10*3/uL)", "platelets", 250.0, "10*3/uL", "03-05 07"),
    ]
    assert con.execute("SELECT _extra->>'COMMENT', _extra->>'wide_test', _extra->>'line' FROM raw.labs "
                       "WHERE result_id = 'S1:FERRITIN'").fetchone() == ("first", "FERRITIN", "1")
    assert all(row["balanced"] for row in staged_tables.reconcile(con))


def test_a_resent_specimen_supersedes_its_results_test_by_test(con, tmp_path):
    load(con, tmp_path)
    (tmp_path / "feed" / "CHEM_2.csv").write_text(
        "MRN,VISIT,SPECIMEN,DRAWN,FERRITIN,PLT (10*3/uL),AST,COMMENT\np1,e1,S2,2024-03-06T06:00:00,15500,,,corrected\n")
    load_source(con, Source("chem", "canonical", tmp_path / "feed", mapping=tmp_path / "feed.yaml"), run_id="t2")
    staged_tables.stage(con, "lab_results")
    assert con.execute("SELECT value_num FROM staging.lab_results WHERE result_id = 'S2:FERRITIN'").fetchone() == (15500.0,)
    assert con.execute("SELECT value_num FROM staging.lab_results WHERE result_id = 'S2:AST'").fetchone() == (310.0,)


def test_a_file_without_any_test_column_is_refused_and_named(con, tmp_path):
    load(con, tmp_path, text="MRN,VISIT,SPECIMEN,DRAWN,SODIUM\np1,e1,S1,2024-03-05T06:00:00,140\n")
    [(reason,)] = con.execute("SELECT reason FROM meta.file_problems").fetchall()
    assert "CHEM_1.csv: none of the mapping's test columns is in the header" in reason


@pytest.mark.parametrize("wide, message", [
    ("{vitals: {tests: {T: {code: 8310-5}}}}", "only labs can be exported wide"),
    ("{labs: {tests: {}}}", "needs `tests:`"),
    ("{labs: {tests: {FERR: {code: 2276-4, units: ng/mL}}}}", "tests.FERR: give {code: ..., unit: ...}"),
    ("{labs: {tests: {FERR: 2276-4}, fill_down: [value]}}", "fill_down: \\['value'\\] are not canonical columns"),
    ("{labs: {tests: {FERR: 2276-4}, fildown: [patient_id]}}", "unknown key"),
])
def test_a_malformed_wide_entry_is_named(tmp_path, wide, message):
    (tmp_path / "m.yaml").write_text(f"wide: {wide}\n")
    with pytest.raises(MappingError, match=message):
        SourceMapping.load(tmp_path / "m.yaml")


def test_a_declared_decimal_comma_reads_the_test_cells(con, tmp_path):
    mapping = MAPPING.replace('files: {labs: "CHEM_*.csv"}', 'files: {labs: "CHEM_*.csv"}\ndelimiter: ";"\ndecimal_separator: ","')
    load(con, tmp_path, mapping, "MRN;VISIT;SPECIMEN;DRAWN;FERRITIN;PLT (10*3/uL);AST\n"
                                 "p1;e1;S1;2024-03-05T06:00:00;12.500;1,5;0,4\n")
    staged = dict(con.execute("SELECT analyte, value_num FROM staging.lab_results").fetchall())
    assert staged == {"platelets": 1.5, "ast": 0.4}  # 12.500 under a decimal comma: 12.5 or 12500? quarantined
    assert con.execute("SELECT reason FROM quarantine.rejected_rows").fetchall() == [("ambiguous_value",)]


def test_a_malformed_line_in_a_filled_down_file_refuses_it_so_no_result_changes_patient(con, tmp_path):
    load(con, tmp_path, text="MRN,VISIT,SPECIMEN,DRAWN,FERRITIN,PLT (10*3/uL),AST\n"
                             "A1,e1,S1,2024-03-05T06:00:00,300,250,20\n"
                             "B2,e2,S3,2024-03-05T07:00:00,900,150,20,x\n"    # one field too many
                             ",,S4,2024-03-05T09:00:00,20000,40,300\n")        # B2's, not A1's
    assert con.execute("SELECT count(*) FROM raw.labs").fetchone()[0] == 0
    [(reason,)] = con.execute("SELECT reason FROM meta.file_problems").fetchall()
    assert "line 3 cannot be read" in reason and "fill_down" in reason
