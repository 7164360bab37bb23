"""Measurements whose times cannot be true, or whose value depends on the decimal separator, are
quarantined with their own reason (sql/staging/measurement_parse.sql): resulted_before_collected,
collected_in_future, ambiguous_value."""

from datetime import datetime, timedelta, timezone

from conftest import lab, load_and_stage, vital, write_labs, write_vitals


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
