"""Record identity in staging: ids trimmed, result and measurement ids scoped by source, one id
naming two patients or two tests quarantined, a correction never losing to what it corrects, and patients the
patients extract lacks warned about but still screened."""

from datetime import date

from pipelines.core.contract import PATIENTS
from pipelines.core.settings import REFERENCE_DIR
from pipelines.core.site_config import Source
from pipelines.features import feature_table
from pipelines.features.rule_set import load_rule_set
from pipelines.ingest import presets
from pipelines.screen import screening
from pipelines.staging import patient_checks, staged_tables

from conftest import lab, vital, write_extract, write_labs, write_vitals

D = date(2024, 1, 10)
T = "2024-01-10T06:00:00"
RULES = load_rule_set(REFERENCE_DIR / "rules.yaml")


def stage_all(con, run_id: str = "run1") -> None:
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table, run_id)


def warnings(con, check: str) -> list[tuple]:
    return con.execute("SELECT run_id, subject, count, detail FROM meta.run_warnings WHERE check_name = ? "
                       "ORDER BY ALL", [check]).fetchall()


def balanced(con) -> bool:
    return all(load["balanced"] for load in staged_tables.reconcile(con))


def test_the_same_result_id_in_two_sources_keeps_both_patients_results(con, tmp_path):
    write_labs(tmp_path / "lis", "labs_1.csv", [lab("1000", "2276-4", "5000", "ng/mL", T, patient_id="P2")])
    write_vitals(tmp_path / "lis", "vitals_1.csv", [vital("7", "39.5", "Cel", T, patient_id="P2")])
    write_labs(tmp_path / "omop", "labs_1.csv", [lab("1000", "2276-4", "300", "ng/mL", T, patient_id="1")])
    write_vitals(tmp_path / "omop", "vitals_1.csv", [vital("7", "37.0", "Cel", T, patient_id="1")])
    presets.land_sources(con, (Source("omop", "canonical", tmp_path / "omop"),
                              Source("lis", "canonical", tmp_path / "lis")), "run1")
    stage_all(con)
    assert sorted(con.execute("SELECT source, result_id, patient_id, value_num FROM staging.lab_results").fetchall()) == [
        ("lis", "1000", "P2", 5000.0), ("omop", "1000", "1", 300.0)]
    assert sorted(con.execute("SELECT source, measurement_id, patient_id FROM staging.vital_signs").fetchall()) == [
        ("lis", "7", "P2"), ("omop", "7", "1")]
    assert con.execute("SELECT count(*) FROM staging.superseded_rows").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM quarantine.rejected_rows").fetchone()[0] == 0
    assert warnings(con, "conflicting_record_id") == []
    assert balanced(con)


def test_a_second_source_staged_later_does_not_supersede_the_first(con, tmp_path):
    write_labs(tmp_path / "omop", "labs_1.csv", [lab("1000", "2276-4", "300", "ng/mL", T, patient_id="1")])
    presets.land_sources(con, (Source("omop", "canonical", tmp_path / "omop"),), "run1")
    stage_all(con, "run1")
    write_labs(tmp_path / "lis", "labs_1.csv", [lab("1000", "2276-4", "5000", "ng/mL", T, patient_id="P2")])
    presets.land_sources(con, (Source("lis", "canonical", tmp_path / "lis"),), "run2")
    stage_all(con, "run2")
    assert sorted(con.execute("SELECT source, patient_id FROM staging.lab_results").fetchall()) == [
        ("lis", "P2"), ("omop", "1")]
    assert balanced(con)


def test_one_id_for_two_patients_in_one_source_quarantines_both_naming_the_other(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [
        lab("1000", "2276-4", "5000", "ng/mL", T, patient_id="1"),                         # row 1
        lab("1001", "777-3", "90", "K/uL", T, patient_id="1"),                             # row 2
        lab("1000", "2276-4", "100", "ng/mL", T, "2024-01-10T09:00:00", patient_id="2"),   # row 3
    ])
    presets.land(con, tmp_path, run_id="run1")
    stage_all(con)
    assert con.execute("SELECT result_id, patient_id FROM staging.lab_results").fetchall() == [("1001", "1")]
    load_id = con.execute("SELECT load_id FROM meta.loads").fetchone()[0]
    quarantined = dict(con.execute("SELECT _source_row, reason || ': ' || detail FROM quarantine.rejected_rows").fetchall())
    assert quarantined == {
        1: f"conflicting_record_id: id 1000 of source landing is also used for patient 2, analyte ferritin (labs_1.csv row 3, load {load_id})",
        3: f"conflicting_record_id: id 1000 of source landing is also used for patient 1, analyte ferritin (labs_1.csv row 1, load {load_id})",
    }
    assert con.execute("SELECT count(*) FROM staging.superseded_rows").fetchone()[0] == 0
    [(run_id, subject, count, detail)] = warnings(con, "conflicting_record_id")
    assert (run_id, subject, count) == ("run1", "lab_results", 2)
    assert "landing 1000" in detail
    assert balanced(con)


def test_a_later_load_reusing_an_id_for_another_patient_redecides_the_earlier_row(con, tmp_path):
    landing = tmp_path / "landing"
    write_labs(landing, "labs_1.csv", [lab("1000", "2276-4", "5000", "ng/mL", T, patient_id="1")])
    write_vitals(landing, "vitals_1.csv", [vital("m1", "39.5", "Cel", T, patient_id="1")])
    presets.land(con, landing, run_id="run1")
    stage_all(con, "run1")
    assert con.execute("SELECT count(*) FROM staging.lab_results").fetchone()[0] == 1
    write_labs(landing, "labs_2.csv", [lab("1000", "2276-4", "100", "ng/mL", T, "2024-01-10T09:00:00", patient_id="2")])
    write_vitals(landing, "vitals_2.csv", [vital("m1", "37.0", "Cel", T, "2024-01-10T07:00:00", patient_id="2 ")])
    presets.land(con, landing, run_id="run2")
    stage_all(con, "run2")
    for table in ("lab_results", "vital_signs"):
        assert con.execute(f"SELECT count(*) FROM staging.{table}").fetchone()[0] == 0
    rows = con.execute("SELECT table_name, _source_file, reason FROM quarantine.rejected_rows ORDER BY ALL").fetchall()
    assert rows == [("lab_results", "labs_1.csv", "conflicting_record_id"),
                    ("lab_results", "labs_2.csv", "conflicting_record_id"),
                    ("vital_signs", "vitals_1.csv", "conflicting_record_id"),
                    ("vital_signs", "vitals_2.csv", "conflicting_record_id")]
    assert [(w[1], w[2]) for w in warnings(con, "conflicting_record_id")] == [("lab_results", 2), ("vital_signs", 2)]
    assert balanced(con)
    incremental = sorted(con.execute("SELECT * EXCLUDE (_load_id) FROM quarantine.rejected_rows").fetchall(), key=str)
    con.execute("DELETE FROM meta.staging_state")  # a full restage decides the same
    stage_all(con, "full")
    assert sorted(con.execute("SELECT * EXCLUDE (_load_id) FROM quarantine.rejected_rows").fetchall(), key=str) == incremental


def test_one_id_for_two_tests_of_one_patient_quarantines_both_and_a_correction_stays_a_correction(con, tmp_path):
    """An accession number sent as result id for ferritin and for platelets names two records: both
    quarantined, none superseded. Two codes of one analyte (ferritin in ng/mL and in pmol/L) and a
    correction of the same test are versions of one record."""
    write_labs(tmp_path, "labs_1.csv", [
        lab("ACC1", "2276-4", "5000", "ng/mL", T),                                  # row 1
        lab("ACC1", "777-3", "90", "K/uL", T),                                      # row 2
        lab("ACC2", "2276-4", "800", "ng/mL", T, "2024-01-10T08:00:00"),            # row 3
        lab("ACC2", "14723-1", "2000", "pmol/L", T, "2024-01-10T09:00:00"),         # row 4: same analyte, resent
        lab("ACC3", "777-3", "150", "K/uL", T, "2024-01-10T08:00:00"),              # row 5
        lab("ACC3", "777-3", "120", "K/uL", T, "2024-01-10T08:00:00", "C"),         # row 6: its correction
    ])
    presets.land(con, tmp_path, run_id="run1")
    stage_all(con)
    assert sorted(con.execute("SELECT result_id, analyte, value_num FROM staging.lab_results").fetchall()) == [
        ("ACC2", "ferritin", 890.0), ("ACC3", "platelets", 120.0)]
    load_id = con.execute("SELECT load_id FROM meta.loads").fetchone()[0]
    quarantined = dict(con.execute("SELECT _source_row, reason || ': ' || detail FROM quarantine.rejected_rows").fetchall())
    assert quarantined == {
        1: f"conflicting_record_id: id ACC1 of source landing is also used for patient p1, analyte platelets "
           f"(labs_1.csv row 2, load {load_id})",
        2: f"conflicting_record_id: id ACC1 of source landing is also used for patient p1, analyte ferritin "
           f"(labs_1.csv row 1, load {load_id})",
    }
    assert sorted(con.execute("SELECT record_id, reason, _source_row FROM staging.superseded_rows").fetchall()) == [
        ("ACC2", "older_version", 3), ("ACC3", "older_version", 5)]
    [(run_id, subject, count, detail)] = warnings(con, "conflicting_record_id")
    assert (run_id, subject, count) == ("run1", "lab_results", 2)
    assert detail.startswith("2 rows share their id with a row of another patient or analyte") and "landing ACC1" in detail
    assert balanced(con)


def test_a_later_load_reusing_an_id_for_another_test_redecides_the_earlier_row(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [lab("ACC1", "2276-4", "5000", "ng/mL", T)])
    presets.land(con, tmp_path, run_id="run1")
    stage_all(con, "run1")
    assert con.execute("SELECT result_id, analyte FROM staging.lab_results").fetchall() == [("ACC1", "ferritin")]
    write_labs(tmp_path, "labs_2.csv", [lab("ACC1", "777-3", "90", "K/uL", T, "2024-01-10T09:00:00")])
    presets.land(con, tmp_path, run_id="run2")
    stage_all(con, "run2")
    assert con.execute("SELECT count(*) FROM staging.lab_results").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM staging.superseded_rows").fetchone()[0] == 0
    rows = con.execute("SELECT _source_file, reason, detail FROM quarantine.rejected_rows ORDER BY ALL").fetchall()
    assert [row[:2] for row in rows] == [("labs_1.csv", "conflicting_record_id"), ("labs_2.csv", "conflicting_record_id")]
    assert "patient p1, analyte platelets (labs_2.csv row 1" in rows[0][2]
    assert "patient p1, analyte ferritin (labs_1.csv row 1" in rows[1][2]
    assert [(w[0], w[1], w[2]) for w in warnings(con, "conflicting_record_id")] == [("run2", "lab_results", 2)]
    assert balanced(con)
    incremental = sorted(con.execute("SELECT * EXCLUDE (_load_id) FROM quarantine.rejected_rows").fetchall(), key=str)
    con.execute("DELETE FROM meta.staging_state")  # a full restage decides the same
    stage_all(con, "full")
    assert sorted(con.execute("SELECT * EXCLUDE (_load_id) FROM quarantine.rejected_rows").fetchall(), key=str) == incremental


def test_padded_patient_and_result_ids_are_one_patient_and_one_record(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [lab(" r1 ", "2276-4", "5000", "ng/mL", T, patient_id="P1  ")])
    write_labs(tmp_path, "labs_2.csv", [lab("r1", "2276-4", "5000", "ng/mL", T, patient_id="P1")])
    write_vitals(tmp_path, "vitals_1.csv", [vital("m1", "39.5", "Cel", T, patient_id="\tP1")])        # a tab
    write_extract(tmp_path / "patients_1.csv", PATIENTS.columns,
                  [{"patient_id": " P1\u00a0", "birth_date": "2012-01-01", "sex": "F"}])                 # a no-break space
    presets.land(con, tmp_path, run_id="run1")
    stage_all(con)
    assert con.execute("SELECT patient_id, result_id FROM staging.lab_results").fetchall() == [("P1", "r1")]
    assert con.execute("SELECT reason FROM staging.superseded_rows").fetchall() == [("duplicate",)]
    assert con.execute("SELECT patient_id FROM staging.patients").fetchall() == [("P1",)]
    feature_table.build_patient_day(con, D, D)
    assert con.execute("SELECT patient_id, ferritin__24h__max, temperature__24h__max FROM features.patient_day").fetchall() == [
        ("P1", 5000.0, 39.5)]
    assert warnings(con, "unknown_patients") == []


def test_trim_id_removes_exactly_the_blanks_trim_removes(con):
    """trim_id trims only ids with a blank at either end (sql/macros.sql): every combination of
    blanks before and after, ids of blanks only, blanks inside, other characters at the ends
    (multi-byte included), the empty string and NULL give what trim with the same set gives."""
    blanks = ["", " ", "\t", "\n", "\r", "\u00a0", " \u00a0\t", "\r\n"]
    cores = ["r1", "a b", "a\u00a0b", "é", "ü1ä", "\u2003x\u2003", "x\u00a0", "", "\u00a0", "-"]
    ids = [before + core + after for before in blanks for core in cores for after in blanks] + [None]
    con.execute("CREATE TEMP TABLE ids (id VARCHAR)")
    con.executemany("INSERT INTO ids VALUES (?)", [[value] for value in ids])
    mismatches = con.execute("""
        SELECT id FROM ids
        WHERE trim_id(id) IS DISTINCT FROM trim(id, ' ' || chr(9) || chr(10) || chr(13) || chr(160))""").fetchall()
    assert mismatches == []
    assert con.execute("SELECT count(*) FROM ids WHERE trim_id(id) <> id").fetchone()[0] > 500  # trimming happened
    assert con.execute("SELECT trim_id(' \u00a0r1\t'), trim_id('\u2003x\u2003')").fetchone() == ("r1", "\u2003x\u2003")


def test_a_correction_wins_even_when_resulted_earlier_or_without_a_resulted_time(con, tmp_path):
    rows = [
        lab("early", "777-3", "150", "K/uL", T, "2024-01-10T12:00:00"),
        {**lab("early", "777-3", "120", "K/uL", T, "2024-01-10T08:00:00", "C")},  # correction resulted earlier
        lab("tie", "777-3", "150", "K/uL", T, "2024-01-10T08:00:00"),
        lab("tie", "777-3", "121", "K/uL", T, "2024-01-10T08:00:00", "C"),
        lab("none", "777-3", "150", "K/uL", T, "2024-01-10T08:00:00"),
        {**lab("none", "777-3", "122", "K/uL", T, status="C"), "resulted_at": ""},  # no resulted time
        lab("prelim", "2276-4", "800", "ng/mL", T, "2024-01-10T08:00:00"),
        lab("prelim", "2276-4", "900", "ng/mL", T, "2024-01-10T09:00:00", "P"),  # a preliminary after the final
    ]
    write_labs(tmp_path, "labs_1.csv", rows[0::2])
    write_labs(tmp_path, "labs_2.csv", rows[1::2])
    presets.land(con, tmp_path, run_id="run1")
    stage_all(con)
    assert dict(con.execute("SELECT result_id, value_num FROM staging.lab_results").fetchall()) == {
        "early": 120.0, "tie": 121.0, "none": 122.0, "prelim": 800.0}
    assert sorted(con.execute("SELECT record_id, reason FROM staging.superseded_rows").fetchall()) == [
        ("early", "older_version"), ("none", "older_version"), ("prelim", "older_version"), ("tie", "older_version")]
    # a correction is still replaced by a later correction, and removed by a later cancellation
    write_labs(tmp_path, "labs_3.csv", [lab("early", "777-3", "119", "K/uL", T, "2024-01-10T13:00:00", "C"),
                                        {**lab("tie", "777-3", "", "", T, "2024-01-10T13:00:00", "X")}])
    presets.land(con, tmp_path, run_id="run2")
    stage_all(con, "run2")
    assert dict(con.execute("SELECT result_id, value_num FROM staging.lab_results").fetchall()) == {
        "early": 119.0, "none": 122.0, "prelim": 800.0}
    assert balanced(con)


def test_a_patient_missing_from_the_patients_extract_is_warned_about_and_still_screened(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [lab("r1", "2276-4", "5000", "ng/mL", T, patient_id="P1"),
                                        lab("r2", "2276-4", "6000", "ng/mL", T, patient_id="P9")])
    write_vitals(tmp_path, "vitals_1.csv", [vital("m1", "39.5", "Cel", T, patient_id="P9")])
    write_extract(tmp_path / "patients_1.csv", PATIENTS.columns, [{"patient_id": "P1", "birth_date": "2012-01-01", "sex": "F"}])
    presets.land(con, tmp_path, run_id="run1")
    stage_all(con)
    found = patient_checks.warn_unknown_patients(con, "run1")
    assert (found["patients"], found["records"], found["by_table"], found["examples"]) == (
        1, 2, {"lab_results": 1, "vital_signs": 1}, ["P9"])
    [(run_id, subject, count, detail)] = warnings(con, "unknown_patients")
    assert (run_id, subject, count) == ("run1", None, 1)
    assert detail.startswith("1 patients have records (lab_results 1, vital_signs 1) but no row in staging.patients")
    assert detail.endswith(": P9")
    assert patient_checks.unknown_patients(con, "another run")["patients"] == 0  # only this run's records count
    feature_table.build_patient_day(con, D, D)
    screening.build_screen(con, D, D, RULES)
    assert sorted(con.execute("SELECT patient_id FROM features.patient_day").fetchall()) == [("P1",), ("P9",)]
    assert ("P9",) in con.execute("SELECT patient_id FROM screen.rule_evaluations").fetchall()


def test_the_patients_known_check_warns_without_failing_the_run(tmp_path):
    import dagster as dg

    from pipelines.defs import checks, ingest
    from pipelines.defs.resources import WarehouseResource

    landing = tmp_path / "landing"
    write_labs(landing, "labs_1.csv", [lab("r1", "2276-4", "5000", "ng/mL", T, patient_id="P9")])
    write_extract(landing / "patients_1.csv", PATIENTS.columns, [{"patient_id": "P1", "birth_date": "2012-01-01", "sex": "F"}])
    warehouse = WarehouseResource(path=str(tmp_path / "w.duckdb"), landing=str(landing), timezone="America/New_York",
                                  rules=str(REFERENCE_DIR / "rules.yaml"))
    result = dg.materialize([ingest.raw_extracts, ingest.staging_tables, checks.patients_known],
                            resources={"warehouse": warehouse})
    assert result.success
    [evaluation] = [e for e in result.get_asset_check_evaluations() if e.check_name == "patients_known"]
    assert (evaluation.check_name, evaluation.passed, evaluation.severity) == (
        "patients_known", False, dg.AssetCheckSeverity.WARN)
    assert evaluation.metadata["unknown_patients"].value == 1
    with warehouse.connect() as con:
        assert con.execute("SELECT check_name, subject, count FROM meta.run_warnings").fetchall() == [
            ("unknown_patients", None, 1)]


def test_an_encounter_id_carried_by_two_patients_is_quarantined_in_every_source(con, tmp_path):
    """Encounter ids are the site's: one id for two patients (in one source or two) quarantines
    both rows; the same patient's encounter sent again (padded, by another source) is one record."""
    from pipelines.core.contract import ENCOUNTERS

    def encounter(patient_id, encounter_id, admit_at):
        return {"patient_id": patient_id, "encounter_id": encounter_id, "admit_at": admit_at,
                "discharge_at": "", "encounter_type": "inpatient", "care_unit": ""}

    write_extract(tmp_path / "adt" / "encounters_1.csv", ENCOUNTERS.columns,
                  [encounter("P1", "E1", "2024-01-09T10:00:00"), encounter("P2", "E2", "2024-01-09T11:00:00")])
    write_extract(tmp_path / "icu" / "encounters_1.csv", ENCOUNTERS.columns,
                  [encounter("P3", "E1", "2024-01-09T12:00:00"), encounter(" P2 ", "E2", "2024-01-09T11:00:00")])
    presets.land_sources(con, (Source("adt", "canonical", tmp_path / "adt"), Source("icu", "canonical", tmp_path / "icu")),
                        run_id="run1")
    stage_all(con, "run1")
    assert con.execute("SELECT patient_id, encounter_id FROM staging.encounters").fetchall() == [("P2", "E2")]
    details = sorted(row[0] for row in con.execute(
        "SELECT detail FROM quarantine.rejected_rows WHERE reason = 'conflicting_record_id'").fetchall())
    assert len(details) == 2 and details[0].startswith("id E1 is also used for patient P1 (encounters_1.csv row 1")
    assert details[1].startswith("id E1 is also used for patient P3 (encounters_1.csv row 1")
    assert [row[1:3] for row in warnings(con, "conflicting_record_id")] == [("encounters", 2)]
    assert balanced(con)


def test_two_sources_sending_one_patient_id_with_different_demographics_are_named(con, tmp_path):
    """Patient ids are the site's; a source numbering its own patients would merge two people."""
    write_extract(tmp_path / "omop" / "patients_1.csv", PATIENTS.columns,
                  [{"patient_id": "1", "birth_date": "2010-05-01", "sex": "F"},
                   {"patient_id": "2", "birth_date": "1980-01-01", "sex": "M"}])
    write_extract(tmp_path / "lis" / "patients_1.csv", PATIENTS.columns,
                  [{"patient_id": "1 ", "birth_date": "1950-02-02", "sex": "M"},
                   {"patient_id": "2", "birth_date": "1980-01-01", "sex": "male"}])
    presets.land_sources(con, (Source("omop", "canonical", tmp_path / "omop"), Source("lis", "canonical", tmp_path / "lis")),
                        run_id="run1")
    stage_all(con, "run1")
    assert patient_checks.warn_patient_demographics_disagreements(con, "run1") == 1
    [(check, count, detail)] = con.execute("SELECT check_name, count, detail FROM meta.run_warnings "
                                           "WHERE check_name = 'patient_demographics_disagree'").fetchall()
    assert count == 1 and "1: lis 1950-02-02 M | omop 2010-05-01 F" in detail
    assert patient_checks.warn_patient_demographics_disagreements(con, "run2") == 0  # nothing sent by run2
    write_extract(tmp_path / "lis" / "patients_2.csv", PATIENTS.columns,          # one file, one id, two people
                  [{"patient_id": "7", "birth_date": "2010-06-01", "sex": "F"},
                   {"patient_id": "7", "birth_date": "1950-01-01", "sex": "M"},
                   {"patient_id": "8", "birth_date": "2000-01-01", "sex": "F"}])
    presets.land_sources(con, (Source("lis", "canonical", tmp_path / "lis"),), run_id="run3")
    write_extract(tmp_path / "lis" / "patients_3.csv", PATIENTS.columns,          # a later file correcting 8's birth date
                  [{"patient_id": "8", "birth_date": "2000-01-02", "sex": "F"}])
    presets.land_sources(con, (Source("lis", "canonical", tmp_path / "lis"),), run_id="run3")
    stage_all(con, "run3")
    assert patient_checks.warn_patient_demographics_disagreements(con, "run3") == 1  # 7, not 8


def test_a_correction_that_cannot_be_read_is_warned_while_the_original_stays(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [lab("r1", "2276-4", "8000", "ng/mL", T, "2024-01-10T08:00:00", patient_id="P1")])
    presets.land(con, tmp_path, run_id="run1")
    stage_all(con, "run1")
    write_labs(tmp_path, "labs_2.csv", [lab("r1", "2276-4", "80 (corrected: specimen mislabelled)", "ng/mL", T,
                                            "2024-01-10T12:00:00", status="C", patient_id="P1")])
    presets.land(con, tmp_path, run_id="run2")
    stage_all(con, "run2")
    assert con.execute("SELECT value_num FROM staging.lab_results").fetchall() == [(8000.0,)]
    [(run_id, subject, count, detail)] = warnings(con, "amendment_quarantined")
    assert (run_id, subject, count) == ("run2", "lab_results", 1) and detail.endswith(": r1")
