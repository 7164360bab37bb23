"""A file that lands after its days were computed makes the next run recompute exactly the days
whose look-back it changed, and nothing else."""

from datetime import date


from pipelines import runner
from pipelines.core.warehouse import connect
from pipelines.features import changed_days, feature_table
from pipelines.ingest import presets
from pipelines.staging import staged_tables

from conftest import SITE_TZ, lab, vital, write_extract, write_labs, write_vitals


def test_a_late_correction_recomputes_exactly_the_days_it_changed(site):
    folder, landing = site
    assert runner.run_range(date(2024, 1, 1), date(2024, 1, 31)).success
    # A correction of the 2024-01-10 ferritin lands weeks later, with the nightly run of 2024-02-20.
    write_labs(landing, "labs_2024-02-20.csv", [
        lab("r1", "2276-4", "3000", "ng/mL", "2024-01-10T06:00:00", "2024-02-20T09:00:00", status="C")])
    assert runner.run_range(date(2024, 2, 20), date(2024, 2, 20)).success
    with connect(folder / "w.duckdb", SITE_TZ, read_only=True) as con:
        pending = changed_days.pending_changed_days(con)
    # resulted 2024-02-20, the correction is known only from that day's cutoff; but it supersedes
    # the original, which leaves the days it was counted in (its 7-day look-back): those change
    assert pending == [(date(2024, 1, 10), date(2024, 1, 16))]
    assert [(first, last, outcome.success) for first, last, outcome in runner.run_changed_days()] == [
        (date(2024, 1, 10), date(2024, 1, 16), True)]
    with connect(folder / "w.duckdb", SITE_TZ, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM features.patient_day WHERE ferritin__7d__n > 0").fetchone()[0] == 0

    write_labs(landing, "labs_2024-02-21.csv", [
        lab("r2", "777-3", "90", "K/uL", "2024-01-12T06:00:00", "2024-01-12T09:00:00")])  # late, not corrected
    assert runner.run_range(date(2024, 2, 21), date(2024, 2, 21)).success
    with connect(folder / "w.duckdb", SITE_TZ, read_only=True) as con:
        assert changed_days.pending_changed_days(con) == [(date(2024, 1, 12), date(2024, 1, 18))]
    follow_ups = runner.run_changed_days()
    assert [(first, last, outcome.success) for first, last, outcome in follow_ups] == [
        (date(2024, 1, 12), date(2024, 1, 18), True)]
    with connect(folder / "w.duckdb", SITE_TZ, read_only=True) as con:
        assert changed_days.pending_changed_days(con) == []
        platelets = con.execute("SELECT as_of_date FROM features.patient_day WHERE platelets__7d__n > 0 "
                                "ORDER BY 1").fetchall()
    assert [row[0] for row in platelets] == [date(2024, 1, d) for d in range(12, 19)]


DIAGNOSIS_COLUMNS = ("patient_id", "encounter_id", "code_system", "code", "recorded_at")


def sjia(patient_id: str, recorded_at: str) -> dict:
    return {"patient_id": patient_id, "encounter_id": "e1", "code_system": "ICD10CM", "code": "M08.20",
            "recorded_at": recorded_at}


def test_a_late_diagnosis_file_recomputes_the_patients_days_from_its_time_and_flags_them(site):
    """A diagnoses file that could not be read on its night loads weeks later: the days of its
    patient computed since the code was recorded are recomputed, and the sJIA context makes the
    2016 criteria met on them. Re-sending it, or a code of a patient with no day computed, marks none."""
    folder, landing = site
    at = "2024-01-10T06:00:00"
    write_labs(landing, "labs_p2.csv", [
        lab("f2", "2276-4", "1000", "ng/mL", at, patient_id="p2"),
        lab("pl2", "777-3", "150", "K/uL", at, patient_id="p2"),
        lab("ast2", "1920-8", "60", "U/L", at, patient_id="p2")])
    write_vitals(landing, "vitals_p2.csv", [vital("t2", "39.0", "Cel", at, patient_id="p2")])
    assert runner.run_range(date(2024, 1, 1), date(2024, 1, 31)).success
    with connect(folder / "w.duckdb", SITE_TZ, read_only=True) as con:
        assert con.execute("SELECT bool_or(eular_acr_2016__met), bool_or(eular_acr_2016__met AND eular_acr_2016__context = 'known') "
                           "FROM screen.rule_evaluations WHERE patient_id = 'p2'").fetchone() == (True, False)

    write_extract(landing / "diagnoses_2024-02-20.csv", DIAGNOSIS_COLUMNS, [sjia("p2", "2024-01-11T10:00:00")])
    assert runner.run_range(date(2024, 2, 20), date(2024, 2, 20)).success
    with connect(folder / "w.duckdb", SITE_TZ, read_only=True) as con:
        # p2 has days 2024-01-10..16 (the 7-day look-back of its values); the code counts from the
        # first cutoff after 2024-01-11 10:00
        assert changed_days.pending_changed_days(con) == [(date(2024, 1, 11), date(2024, 1, 16))]
    assert [(first, last, outcome.success) for first, last, outcome in runner.run_changed_days()] == [
        (date(2024, 1, 11), date(2024, 1, 16), True)]
    with connect(folder / "w.duckdb", SITE_TZ, read_only=True) as con:
        flagged = con.execute("SELECT as_of_date, tier FROM screen.at_risk_daily WHERE patient_id = 'p2' "
                              "AND list_contains(rules_fired, 'eular_acr_2016') ORDER BY 1").fetchall()
        # the values pair within the 72-hour window (days 10..12); on day 10 the code was not recorded
        # yet: the pattern is flagged, context unknown
        assert flagged == [(date(2024, 1, 10), "pattern_context_unknown"), (date(2024, 1, 11), "criteria_met"),
                           (date(2024, 1, 12), "criteria_met")]

    # the same code again (another version of the same record, identical) and a patient with no day computed
    write_extract(landing / "diagnoses_2024-02-21.csv", DIAGNOSIS_COLUMNS, [
        sjia("p2", "2024-01-11T10:00:00"), sjia("p3", "2024-01-05T10:00:00")])
    assert runner.run_range(date(2024, 2, 21), date(2024, 2, 21)).success
    with connect(folder / "w.duckdb", SITE_TZ, read_only=True) as con:
        assert changed_days.pending_changed_days(con) == []


def load_and_record_changed_days(con, folder, run_id: str) -> list[date]:
    """Land and stage what is in `folder` as run `run_id`; the days it marked changed."""
    presets.land(con, folder, run_id=run_id)
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table, run_id)
    changed_days.record_changed_days(con, run_id)
    return [row[0] for row in con.execute(
        "SELECT as_of_date FROM meta.changed_days WHERE run_id = ? ORDER BY 1", [run_id]).fetchall()]


def test_medication_and_patient_rows_mark_their_patients_computed_days(con, tmp_path):
    """An order marks its patient's computed days from its start on; a changed birth date (age) all
    the patient's days; a row identical to the current version none. Other patients' days stay."""
    from pipelines.core.contract import MEDICATIONS, PATIENTS

    def changed(run_id: str) -> list[date]:
        return load_and_record_changed_days(con, tmp_path, run_id)

    write_labs(tmp_path, "labs_1.csv", [lab("r1", "2276-4", "300", "ng/mL", "2024-01-10T06:00:00"),
                                        lab("r2", "2276-4", "300", "ng/mL", "2024-01-20T06:00:00", patient_id="p2")])
    write_extract(tmp_path / "patients_1.csv", PATIENTS.columns, [{"patient_id": "p1", "birth_date": "2012-01-01", "sex": "F"}])
    changed("n1")
    feature_table.build_patient_day(con, date(2024, 1, 1), date(2024, 1, 31))
    week = [date(2024, 1, d) for d in range(10, 17)]

    order = {"patient_id": "p1", "encounter_id": "e1", "code_system": "RXNORM", "code": "6902",
             "name": "methylprednisolone", "dose": "", "dose_unit": "", "route": "", "started_at": "2024-01-13T09:00:00",
             "ended_at": ""}
    write_extract(tmp_path / "medications_1.csv", MEDICATIONS.columns, [order])
    assert changed("n2") == week[3:]
    write_extract(tmp_path / "medications_2.csv", MEDICATIONS.columns, [{**order, "ended_at": "2024-01-15T09:00:00"}])
    assert changed("n3") == week[3:]  # the order corrected with its end time
    write_extract(tmp_path / "patients_2.csv", PATIENTS.columns, [{"patient_id": "p1", "birth_date": "2012-01-01", "sex": "F"},
                                                                  {"patient_id": "p3", "birth_date": "2010-01-01", "sex": "M"}])
    assert changed("n4") == []  # p1 re-sent unchanged; p3 has no day computed
    write_extract(tmp_path / "patients_3.csv", PATIENTS.columns, [{"patient_id": "p1", "birth_date": "2011-12-01", "sex": "F"}])
    assert changed("n5") == week


def test_a_later_load_quarantining_or_correcting_an_earlier_row_marks_the_earlier_rows_days(con, tmp_path):
    """The earlier row's days change when a later load takes it out of staging: a result id sent
    again for another patient (both rows quarantined as conflicting_record_id), or a correction
    with another collection time. Recomputing them removes the value the earlier row gave."""
    def changed(run_id: str) -> list[date]:
        return load_and_record_changed_days(con, tmp_path, run_id)

    def days(first: int, last: int) -> list[date]:
        return [date(2024, 1, d) for d in range(first, last + 1)]

    write_labs(tmp_path, "labs_1.csv", [lab("r1", "2276-4", "900", "ng/mL", "2024-01-10T06:00:00"),
                                        lab("r2", "777-3", "90", "K/uL", "2024-01-03T06:00:00")])
    assert changed("n1") == []  # no day computed yet: every day is computed from the current rows
    feature_table.build_patient_day(con, date(2024, 1, 1), date(2024, 1, 31))
    write_labs(tmp_path, "labs_1b.csv", [lab("r2", "777-3", "90", "K/uL", "2024-01-03T06:00:00")])  # the same again
    assert changed("n1b") == days(3, 9)  # once days are computed, a record's look-back days are marked

    write_labs(tmp_path, "labs_2.csv", [lab("r1", "2276-4", "50", "ng/mL", "2024-01-20T06:00:00", patient_id="p9")])
    assert changed("n2") == days(10, 16) + days(20, 26)
    assert con.execute("SELECT count(*) FROM quarantine.rejected_rows WHERE reason = 'conflicting_record_id'").fetchone()[0] == 2

    write_labs(tmp_path, "labs_3.csv", [lab("r2", "777-3", "95", "K/uL", "2024-01-05T06:00:00", status="C")])
    assert changed("n3") == days(3, 11)  # the original's days 3..9 and the correction's 5..11

    feature_table.build_patient_day(con, date(2024, 1, 3), date(2024, 1, 16))
    ferritin = con.execute("SELECT count(*) FROM features.patient_day WHERE ferritin__7d__n > 0").fetchone()[0]
    platelets = con.execute("SELECT as_of_date FROM features.patient_day WHERE platelets__7d__n > 0 ORDER BY 1").fetchall()
    assert ferritin == 0
    assert [row[0] for row in platelets] == days(5, 11)
