"""Measurements whose times cannot be true, or whose value depends on the decimal separator, are
quarantined with their own reason (sql/staging/measurement_parse.sql): resulted_before_collected,
collected_in_future, resulted_in_future, ambiguous_value."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from pipelines.features import feature_table

from conftest import SITE_TZ, lab, load_and_stage, vital, write_labs, write_vitals


def quarantined(con):
    return {row[0]: row[1:] for row in con.execute(
        "SELECT coalesce(raw_record->>'record_id', raw_record->>'measurement_id'), reason, detail "
        "FROM quarantine.rejected_rows").fetchall()}


def test_a_lab_resulted_before_it_was_collected_is_quarantined(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [
        lab("early", "2276-4", "300", "ng/mL", "2024-01-10T06:00:00", "2024-01-10T05:59:59"),
        lab("same", "2276-4", "300", "ng/mL", "2024-01-10T06:00:00", "2024-01-10T06:00:00"),  # tolerance 0
        lab("later", "2276-4", "300", "ng/mL", "2024-01-10T06:00:00", "2024-01-10T06:00:01"),
        # an offset that puts the result after collection in absolute time is valid
        lab("offset", "2276-4", "300", "ng/mL", "2024-01-10T06:00:00-05:00", "2024-01-10T11:30:00+00:00"),
    ])
    # a vital charted minutes before its rounded measured time is usual charting, not a wrong clock
    write_vitals(tmp_path, "vitals_1.csv", [vital("m1", "37.0", "Cel", "2024-01-10T06:00:00", "2024-01-10T05:52:00")])
    load_and_stage(con, tmp_path)
    assert sorted(r[0] for r in con.execute("SELECT result_id FROM staging.lab_results").fetchall()) == [
        "later", "offset", "same"]
    assert con.execute("SELECT measurement_id FROM staging.vital_signs").fetchall() == [("m1",)]
    reasons = quarantined(con)
    assert {key: reason for key, (reason, _) in reasons.items()} == {"early": "resulted_before_collected"}
    assert "before collected at" in reasons["early"][1]


def test_a_measurement_taken_after_the_run_is_quarantined_and_old_data_is_not(con, tmp_path):
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    write_labs(tmp_path, "labs_1.csv", [
        lab("tomorrow", "2276-4", "300", "ng/mL", tomorrow),
        lab("2999", "2276-4", "300", "ng/mL", "2999-01-10T06:00:00"),
        lab("backfill", "2276-4", "300", "ng/mL", "1995-01-10T06:00:00"),
        # first match wins: a time that is not a timestamp stays invalid_timestamp
        lab("garbled", "2276-4", "300", "ng/mL", "2999-13-40T06:00:00"),
    ])
    write_vitals(tmp_path, "vitals_1.csv", [vital("m1", "37.0", "Cel", "2999-01-10T06:00:00")])
    load_and_stage(con, tmp_path)
    assert con.execute("SELECT result_id FROM staging.lab_results").fetchall() == [("backfill",)]
    assert {key: reason for key, (reason, _) in quarantined(con).items()} == {
        "tomorrow": "collected_in_future", "2999": "collected_in_future", "garbled": "invalid_timestamp",
        "m1": "collected_in_future"}


def test_a_measurement_resulted_after_the_run_is_quarantined(con, tmp_path):
    """A resulted (recorded) time after the run would keep the value out of every day's features:
    quarantined as resulted_in_future. A date-only time is its day: today is not in the future."""
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    today = datetime.now(ZoneInfo(SITE_TZ)).date()
    write_labs(tmp_path, "labs_1.csv", [
        lab("tomorrow", "2276-4", "300", "ng/mL", yesterday, tomorrow),
        lab("2999", "2276-4", "300", "ng/mL", "2024-01-10T06:00:00", "2999-01-10T06:00:00"),
        lab("day after", "2276-4", "300", "ng/mL", today.isoformat(), (today + timedelta(days=2)).isoformat()),
        lab("today", "2276-4", "300", "ng/mL", today.isoformat(), today.isoformat()),
        # first match wins: collected in the future too is collected_in_future
        lab("both", "2276-4", "300", "ng/mL", "2999-01-10T06:00:00", "2999-01-10T07:00:00"),
    ])
    write_vitals(tmp_path, "vitals_1.csv", [vital("m1", "37.0", "Cel", "2024-01-10T06:00:00", "2999-01-10T06:00:00")])
    load_and_stage(con, tmp_path)
    assert con.execute("SELECT result_id FROM staging.lab_results").fetchall() == [("today",)]
    reasons = quarantined(con)
    assert {key: reason for key, (reason, _) in reasons.items()} == {
        "tomorrow": "resulted_in_future", "2999": "resulted_in_future", "day after": "resulted_in_future",
        "both": "collected_in_future", "m1": "resulted_in_future"}
    assert reasons["2999"][1].startswith("resulted at 2999-01-10")
    assert reasons["m1"][1].startswith("recorded at 2999-01-10")
    assert "after this run started" in reasons["m1"][1]


def test_a_date_only_resulted_time_means_its_day(con, tmp_path):
    """'2024-01-10' resulted for a sample collected at 06:00 that day is valid (not resulted before
    collected) and staged as known from the collected time, so the day's features use it; a
    date-only time of an earlier day is still resulted_before_collected, of a later day its midnight."""
    write_labs(tmp_path, "labs_1.csv", [
        lab("same day", "2276-4", "5000", "ng/mL", "2024-01-10T06:00:00", "2024-01-10"),
        lab("day before", "2276-4", "300", "ng/mL", "2024-01-10T06:00:00", "2024-01-09"),
        lab("next day", "777-3", "90", "K/uL", "2024-01-10T06:00:00", "2024-01-11"),
        # a time part, even midnight, is a time: compared exactly
        lab("midnight", "2276-4", "300", "ng/mL", "2024-01-10T06:00:00", "2024-01-10T00:00:00"),
    ])
    write_vitals(tmp_path, "vitals_1.csv", [vital("m1", "39.5", "Cel", "2024-01-10T06:00:00", "2024-01-10")])
    load_and_stage(con, tmp_path)
    new_york = ZoneInfo(SITE_TZ)
    assert dict((r[0], r[1:]) for r in con.execute(
        "SELECT result_id, collected_at, resulted_at FROM staging.lab_results").fetchall()) == {
        "same day": (datetime(2024, 1, 10, 6, tzinfo=new_york), datetime(2024, 1, 10, 6, tzinfo=new_york)),
        "next day": (datetime(2024, 1, 10, 6, tzinfo=new_york), datetime(2024, 1, 11, tzinfo=new_york))}
    assert con.execute("SELECT measured_at = recorded_at FROM staging.vital_signs").fetchall() == [(True,)]
    assert {key: reason for key, (reason, _) in quarantined(con).items()} == {
        "day before": "resulted_before_collected", "midnight": "resulted_before_collected"}
    feature_table.build_patient_day(con, date(2024, 1, 10), date(2024, 1, 11))
    assert con.execute("SELECT as_of_date, ferritin__72h__max, platelets__72h__min, temperature__72h__max "
                       "FROM features.patient_day ORDER BY 1").fetchall() == [
        (date(2024, 1, 10), 5000.0, None, 39.5), (date(2024, 1, 11), 5000.0, 90.0, 39.5)]


def test_a_value_with_one_comma_group_is_quarantined_as_ambiguous(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [
        lab("r1", "2276-4", "1,234", "ng/mL", "2024-01-10T06:00:00"),
        lab("r2", "2276-4", "1,234.5", "ng/mL", "2024-01-10T06:00:00"),
        lab("r3", "2276-4", "hemolyzed", "ng/mL", "2024-01-10T06:00:00"),
        lab("r4", "2276-4", "1.5e3", "ng/mL", "2024-01-10T06:00:00"),
    ])
    load_and_stage(con, tmp_path)
    assert con.execute("SELECT result_id, value_num FROM staging.lab_results ORDER BY 1").fetchall() == [
        ("r2", 1234.5), ("r4", 1500.0)]
    reasons = quarantined(con)
    assert {key: reason for key, (reason, _) in reasons.items()} == {
        "r1": "ambiguous_value", "r3": "unparseable_value"}
    assert reasons["r1"][1].startswith("value 1,234 reads as 1.234 or 1234.0 depending on the decimal separator")


def test_a_measurement_taken_before_1900_is_quarantined_and_the_features_still_build(con, tmp_path):
    """A typo'd or default year (1300, 0001) is no hospital time, and the features' pick keys hold
    times within about 570 years of 1970 only: quarantined as collected_before_1900."""
    write_labs(tmp_path, "labs_1.csv", [
        lab("typo", "2276-4", "300", "ng/mL", "1300-01-10T06:00:00", "2024-01-10T07:00:00"),
        lab("default", "2276-4", "300", "ng/mL", "0001-01-01T00:00:00", "2024-01-10T07:00:00"),
        lab("1900", "2276-4", "300", "ng/mL", "1900-01-02T06:00:00", "1900-01-02T07:00:00"),
    ])
    load_and_stage(con, tmp_path)
    assert {key: reason for key, (reason, _) in quarantined(con).items()} == {
        "typo": "collected_before_1900", "default": "collected_before_1900"}
    assert quarantined(con)["typo"][1].startswith("taken at 1300-01-10")
    assert feature_table.build_patient_day(con, date(1900, 1, 2), date(1900, 1, 2)) == 1
