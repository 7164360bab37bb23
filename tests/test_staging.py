"""Landing and staging: every row staged, quarantined with a reason, or superseded; files once."""

import pytest

from pipelines.ingest import presets
from pipelines.staging import staged_tables

from conftest import lab, load_and_stage, vital, write_labs, write_vitals

T = "2024-01-01T06:00:00"


def reasons(con):
    return dict(con.execute("SELECT _source_row, reason FROM quarantine.rejected_rows WHERE _source_row IS NOT NULL").fetchall())


def test_each_bad_row_is_quarantined_with_its_reason(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [
        lab("r1", "2276-4", "1500", "ng/mL", T),               # 1 good
        lab("r2", "2276-4", "1500", "ng/mL", T, patient_id=""),  # 2 missing patient
        lab("r3", "2276-4", "1500", "ng/mL", "2024-13-45T99:00"),  # 3 bad timestamp
        lab("r4", "99999-9", "1", "U/L", T),                   # 4 unmapped code
        lab("r5", "1920-8", "hemolyzed", "U/L", T),            # 5 text result
        lab("r6", "1920-8", "50", "mg/furlong", T),            # 6 unknown unit
        lab("r7", "1920-8", "50", "", T),                      # 7 no unit
        lab("r8", "777-3", "250000", "K/uL", T),               # 8 implausible
        lab("r9", "777-3", "150", "K/uL", T, status="Z"),      # 9 unknown status
    ])
    load_and_stage(con, tmp_path)
    assert reasons(con) == {2: "missing_required", 3: "invalid_timestamp", 4: "unmapped_code",
                            5: "unparseable_value", 6: "unknown_unit", 7: "unknown_unit",
                            8: "implausible_value", 9: "unknown_status"}
    assert con.execute("SELECT result_id, value_num FROM staging.lab_results").fetchall() == [("r1", 1500.0)]


def test_malformed_line_is_quarantined_and_the_rest_of_the_file_loads(con, tmp_path):
    path = write_labs(tmp_path, "labs_1.csv", [lab("r1", "2276-4", "900", "ng/mL", T)])
    with path.open("a") as handle:
        handle.write("p1,e1,r2,2276-4,Ferritin, serum,900,ng/mL,,,2024-01-01T06:00:00,,F\n")
        handle.write("p1,e1,r3,2276-4,,950,ng/mL,,,2024-01-01T06:00:00,,F\n")
    load_and_stage(con, tmp_path)
    quarantined = con.execute("SELECT source_line, reason FROM quarantine.rejected_rows").fetchall()
    assert quarantined == [(3, "malformed_row")]
    assert sorted(r[0] for r in con.execute("SELECT result_id FROM staging.lab_results").fetchall()) == ["r1", "r3"]


def test_censored_values_keep_their_bound_and_flag(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [
        lab("r1", "2276-4", "GREATER THAN 2000", "ng/mL", T),
        lab("r2", "777-3", "<5", "K/uL", T),
    ])
    load_and_stage(con, tmp_path)
    rows = con.execute("SELECT result_id, value_text, value_num, censoring FROM staging.lab_results ORDER BY 1").fetchall()
    assert rows == [("r1", "GREATER THAN 2000", 2000.0, ">"), ("r2", "<5", 5.0, "<")]


def test_versions_duplicates_and_cancellations_supersede(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [
        lab("dup", "777-3", "150", "K/uL", T, "2024-01-01T08:00:00"),
        lab("corr", "777-3", "150", "K/uL", T, "2024-01-01T08:00:00"),
        lab("prelim", "2276-4", "800", "ng/mL", T, "2024-01-01T09:00:00", status="P"),
        lab("cancel", "1920-8", "60", "U/L", T, "2024-01-01T08:00:00"),
    ])
    write_labs(tmp_path, "labs_2.csv", [
        lab("dup", "777-3", "150", "K/uL", T, "2024-01-01T08:00:00"),        # same row, next file
        lab("corr", "777-3", "120", "K/uL", T, "2024-01-01T12:00:00", "C"),  # corrected later
        lab("prelim", "2276-4", "820", "ng/mL", T, "2024-01-01T11:00:00"),   # final replaces prelim
        {**lab("cancel", "1920-8", "", "", T, "2024-01-01T10:00:00", "X")},  # cancelled
    ])
    load_and_stage(con, tmp_path)
    staged = dict(con.execute("SELECT result_id, value_num FROM staging.lab_results").fetchall())
    assert staged == {"dup": 150.0, "corr": 120.0, "prelim": 820.0}
    superseded = sorted(con.execute("SELECT record_id, reason FROM staging.superseded_rows").fetchall())
    assert superseded == [("cancel", "cancelled"), ("cancel", "cancelled"), ("corr", "older_version"),
                          ("dup", "duplicate"), ("prelim", "older_version")]
    assert all(load["balanced"] for load in staged_tables.reconcile(con))


def test_reconciliation_detects_a_lost_row(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [lab("r1", "2276-4", "900", "ng/mL", T), lab("r2", "2276-4", "9", "ng/mL", T)])
    load_and_stage(con, tmp_path)
    con.execute("DELETE FROM staging.lab_results WHERE result_id = 'r2'")
    loads = staged_tables.reconcile(con)
    assert [(l["rows_in"], l["staged"], l["balanced"]) for l in loads] == [(2, 1, False)]


def test_a_file_is_loaded_once_even_under_another_name(con, tmp_path):
    rows = [lab("r1", "2276-4", "900", "ng/mL", T)]
    write_labs(tmp_path, "labs_a.csv", rows)
    load_and_stage(con, tmp_path)
    write_labs(tmp_path, "labs_copy.csv", rows)
    assert presets.land(con, tmp_path, run_id="again") == []
    assert con.execute("SELECT count(*) FROM raw.labs").fetchone()[0] == 1


def test_a_file_missing_a_required_column_is_refused_whole(con, tmp_path):
    path = tmp_path / "labs_bad.csv"
    path.write_text("patient_id,result_id,code,value\np1,r1,2276-4,900\n")
    assert presets.land(con, tmp_path, run_id="test") == []
    [(reason,)] = con.execute("SELECT reason FROM meta.file_problems WHERE source_file = 'labs_bad.csv'").fetchall()
    assert "labs_bad.csv: missing required column(s) collected_at" in reason
    assert con.execute("SELECT count(*) FROM raw.labs").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM meta.loads").fetchone()[0] == 0


def test_fahrenheit_vitals_are_converted_and_extra_columns_kept_in_raw(con, tmp_path):
    write_vitals(tmp_path, "vitals_1.csv", [vital("m1", "101.3", "[degF]", T), vital("m2", "38.9", "Cel", T)])
    load_and_stage(con, tmp_path)
    temps = dict(con.execute("SELECT measurement_id, round(value_num, 3) FROM staging.vital_signs").fetchall())
    assert temps == {"m1": 38.5, "m2": 38.9}


def test_timestamps_without_offset_are_site_local_and_offsets_are_honoured(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [
        lab("local", "2276-4", "900", "ng/mL", "2024-01-01T06:00:00"),
        lab("utc", "2276-4", "900", "ng/mL", "2024-01-01T11:00:00+00:00"),
    ])
    load_and_stage(con, tmp_path)
    instants = con.execute("SELECT DISTINCT epoch(collected_at) FROM staging.lab_results").fetchall()
    assert len(instants) == 1  # 06:00 New York = 11:00 UTC


def test_diagnoses_patients_encounters_and_medications_are_staged_or_quarantined(con, tmp_path):
    from conftest import write_extract
    from pipelines.core.contract import DIAGNOSES, ENCOUNTERS, MEDICATIONS, PATIENTS

    dx = {"patient_id": "p1", "encounter_id": "e1", "code_system": "ICD10CM", "code": "M08.20",
          "recorded_at": "2024-01-02T10:00:00"}
    write_extract(tmp_path / "diagnoses_1.csv", DIAGNOSES.columns, [
        dx, dx, {**dx, "code_system": "READ"}, {**dx, "recorded_at": "yesterday"}])
    write_extract(tmp_path / "patients_1.csv", PATIENTS.columns, [
        {"patient_id": "p1", "birth_date": "2012-05-01", "sex": "female"},
        {"patient_id": "p2", "birth_date": "31/02/2010", "sex": "M"}])
    write_extract(tmp_path / "patients_2.csv", PATIENTS.columns, [
        {"patient_id": "p1", "birth_date": "2012-05-02", "sex": "F"}])
    write_extract(tmp_path / "encounters_1.csv", ENCOUNTERS.columns, [
        {"patient_id": "p1", "encounter_id": "e1", "admit_at": "2024-01-02T08:00:00", "discharge_at": ""},
        {"patient_id": "p1", "encounter_id": "e2", "admit_at": "2024-01-05T08:00:00",
         "discharge_at": "2024-01-04T08:00:00"}])
    write_extract(tmp_path / "medications_1.csv", MEDICATIONS.columns, [
        {"patient_id": "p1", "encounter_id": "e1", "code_system": "RXNORM", "code": "6902",
         "name": "methylprednisolone", "started_at": "2024-01-03T09:00:00"}])
    load_and_stage(con, tmp_path)
    assert con.execute("SELECT code, code_compact FROM staging.diagnoses").fetchall() == [("M08.20", "M0820")]
    assert con.execute("SELECT patient_id, CAST(birth_date AS VARCHAR), sex FROM staging.patients").fetchall() == [
        ("p1", "2012-05-02", "F")]
    assert con.execute("SELECT encounter_id FROM staging.encounters").fetchall() == [("e1",)]
    assert con.execute("SELECT code FROM staging.medications").fetchall() == [("6902",)]
    quarantined = sorted(con.execute("SELECT table_name, reason FROM quarantine.rejected_rows").fetchall())
    assert quarantined == [("diagnoses", "invalid_timestamp"), ("diagnoses", "unknown_code_system"),
                           ("encounters", "discharge_before_admit"), ("patients", "invalid_date")]
    superseded = sorted(con.execute("SELECT table_name, reason FROM staging.superseded_rows").fetchall())
    assert superseded == [("diagnoses", "duplicate"), ("patients", "older_version")]
    assert all(load["balanced"] for load in staged_tables.reconcile(con))


def test_a_fahrenheit_reading_sent_as_celsius_is_quarantined_not_converted(con, tmp_path):
    write_vitals(tmp_path, "vitals_1.csv", [vital("m1", "98.6", "Cel", T), vital("m2", "98.6", "", T),
                                            vital("m3", "37.0", "Cel", T)])
    load_and_stage(con, tmp_path)
    quarantined = dict(con.execute("SELECT _source_row, reason || ': ' || detail FROM quarantine.rejected_rows").fetchall())
    assert quarantined == {1: "implausible_value: temperature 98.6 Cel outside 25.0..45.0",
                           2: "unknown_unit: no conversion for temperature in unit (none)"}
    assert con.execute("SELECT measurement_id FROM staging.vital_signs").fetchall() == [("m3",)]


def test_staging_load_by_load_equals_staging_everything_at_once(con, tmp_path):
    batches = [
        [lab("a", "777-3", "150", "K/uL", T, "2024-01-01T08:00:00"), lab("b", "2276-4", "800", "ng/mL", T),
         lab("c", "1920-8", "60", "U/L", T, "2024-01-01T08:00:00"), lab("d", "1920-8", "mud", "U/L", T)],
        [lab("a", "777-3", "120", "K/uL", T, "2024-01-01T12:00:00", "C"), lab("b", "2276-4", "800", "ng/mL", T),
         lab("e", "3255-7", "300", "mg/dL", T)],
        [{**lab("c", "1920-8", "", "", T, "2024-01-01T10:00:00", "X")}, lab("f", "777-3", "99", "K/uL", T)],
    ]
    tables = ("staging.lab_results", "staging.superseded_rows", "quarantine.rejected_rows")

    def contents():
        return {t: sorted(con.execute(f"SELECT * EXCLUDE (_load_id) FROM {t}").fetchall(), key=str) for t in tables}

    for number, rows in enumerate(batches):  # one load per run, staged incrementally
        write_labs(tmp_path / "one_by_one", f"labs_{number}.csv", rows)
        presets.land(con, tmp_path / "one_by_one", run_id=f"run{number}")
        staged_tables.stage(con, "lab_results", f"run{number}")
    assert con.execute("SELECT count(DISTINCT run_id) FROM meta.staged_loads").fetchone()[0] == 3
    incremental = contents()
    con.execute("DELETE FROM meta.staging_state")  # forces a full restage of the same raw rows
    staged_tables.stage(con, "lab_results", "full")
    assert contents() == incremental
    assert dict(con.execute("SELECT result_id, value_num FROM staging.lab_results").fetchall()) == {
        "a": 120.0, "b": 800.0, "e": 300.0, "f": 99.0}
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table)
    assert all(load["balanced"] for load in staged_tables.reconcile(con))


def test_small_tables_staged_load_by_load_equal_staging_everything_at_once(con, tmp_path):
    from conftest import write_extract
    from pipelines.core.contract import DIAGNOSES, PATIENTS

    dx = {"patient_id": "p1", "encounter_id": "e1", "code_system": "ICD10CM", "code": "M08.20",
          "recorded_at": "2024-01-02T10:00:00"}
    batches = [  # a later file re-sends a patient with a corrected birth date, and a diagnosis again
        {"patients": [{"patient_id": "p1", "birth_date": "2012-05-01", "sex": "F"},
                      {"patient_id": "p2", "birth_date": "31/02/2010", "sex": "M"}],
         "diagnoses": [dx, {**dx, "code_system": "READ"}]},
        {"patients": [{"patient_id": "p3", "birth_date": "2001-01-01", "sex": "M"}],
         "diagnoses": [{**dx, "patient_id": "p3"}]},
        {"patients": [{"patient_id": "p1", "birth_date": "2012-05-02", "sex": "F"}], "diagnoses": [dx]},
    ]
    tables = ("staging.patients", "staging.diagnoses", "staging.superseded_rows", "quarantine.rejected_rows")

    def contents():
        return {t: sorted(con.execute(f"SELECT * EXCLUDE (_load_id) FROM {t}").fetchall(), key=str) for t in tables}

    for number, batch in enumerate(batches):  # one load per kind and run, staged incrementally
        write_extract(tmp_path / "one_by_one" / f"patients_{number}.csv", PATIENTS.columns, batch["patients"])
        write_extract(tmp_path / "one_by_one" / f"diagnoses_{number}.csv", DIAGNOSES.columns, batch["diagnoses"])
        presets.land(con, tmp_path / "one_by_one", run_id=f"run{number}")
        staged_tables.stage(con, "patients", f"run{number}")
        staged_tables.stage(con, "diagnoses", f"run{number}")
    changes = con.execute("SELECT run_id, table_name, count(*) FROM meta.staging_changes GROUP BY ALL").fetchall()
    assert ("run1", "patients", 1) in changes  # a new patient touches only its own load
    assert ("run2", "patients", 2) in changes  # a corrected patient also touches the load it corrects
    incremental = contents()
    assert con.execute("SELECT CAST(birth_date AS VARCHAR) FROM staging.patients WHERE patient_id = 'p1'"
                       ).fetchall() == [("2012-05-02",)]
    con.execute("DELETE FROM meta.staging_state")  # forces a full restage of the same raw rows
    staged_tables.stage(con, "patients", "full")
    staged_tables.stage(con, "diagnoses", "full")
    assert contents() == incremental
