"""features.patient_day: window bounds, as-of semantics (no look-ahead), and the dynamics."""

from datetime import date

import pytest

from pipelines.core.settings import REFERENCE_DIR
from pipelines.features import feature_table
from pipelines.features.rule_set import RuleFileError, load_rule_set

from conftest import lab, load_and_stage, vital, write_labs, write_vitals

D = date(2024, 1, 10)  # cutoff: 2024-01-11T00:00 site time


def features_for(con, day=D):
    feature_table.build_patient_day(con, day, day)
    row = con.execute("SELECT * FROM features.patient_day WHERE as_of_date = ?", [day]).pl()
    return row.to_dicts()[0] if row.height else None


def test_a_value_exactly_72h_old_is_outside_the_72h_window(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [
        lab("old", "2276-4", "5000", "ng/mL", "2024-01-08T00:00:00"),     # exactly 72 h before cutoff
        lab("inside", "2276-4", "900", "ng/mL", "2024-01-08T00:01:00"),   # 71 h 59 min
    ])
    load_and_stage(con, tmp_path)
    row = features_for(con)
    assert row["ferritin__72h__max"] == 900
    assert row["ferritin__72h__n"] == 1
    assert row["ferritin__7d__max"] == 5000


def test_a_value_taken_at_the_cutoff_belongs_to_the_next_day(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [
        lab("a", "777-3", "200", "K/uL", "2024-01-10T23:59:59"),
        lab("b", "777-3", "90", "K/uL", "2024-01-11T00:00:00"),
    ])
    load_and_stage(con, tmp_path)
    assert features_for(con)["platelets__24h__min"] == 200
    assert features_for(con, date(2024, 1, 11))["platelets__72h__min"] == 90


def test_a_result_known_only_after_the_cutoff_is_not_used(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [
        lab("early", "2276-4", "800", "ng/mL", "2024-01-10T06:00:00", "2024-01-10T10:00:00"),
        lab("late", "2276-4", "9000", "ng/mL", "2024-01-10T20:00:00", "2024-01-11T00:00:00"),
    ])
    load_and_stage(con, tmp_path)
    row = features_for(con)
    assert (row["ferritin__24h__max"], row["ferritin__24h__last"]) == (800, 800)
    # The next day knows it, and uses it by its collected time.
    assert features_for(con, date(2024, 1, 11))["ferritin__72h__max"] == 9000


def test_vital_recorded_after_the_cutoff_is_not_used(con, tmp_path):
    write_vitals(tmp_path, "vitals_1.csv", [
        vital("m1", "38.0", "Cel", "2024-01-10T12:00:00"),
        vital("m2", "40.1", "Cel", "2024-01-10T23:30:00", "2024-01-11T00:30:00"),
    ])
    load_and_stage(con, tmp_path)
    assert features_for(con)["temperature__24h__max"] == 38.0


def test_the_7d_window_is_168_hours_across_a_dst_change(con, tmp_path):
    # New York springs forward on 2024-03-10; cutoff of 2024-03-12 is 2024-03-13T00:00 EDT.
    write_labs(tmp_path, "labs_1.csv", [
        lab("out", "777-3", "400", "K/uL", "2024-03-05T23:00:00"),  # exactly 168 h before (EST)
        lab("in", "777-3", "350", "K/uL", "2024-03-05T23:30:00"),
    ])
    load_and_stage(con, tmp_path)
    assert features_for(con, date(2024, 3, 12))["platelets__7d__max"] == 350


def test_dynamics_relative_to_the_patients_own_week(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [
        lab("f1", "2276-4", "400", "ng/mL", "2024-01-05T06:00:00"),
        lab("f2", "2276-4", "2000", "ng/mL", "2024-01-10T06:00:00"),
        lab("p1", "777-3", "300", "K/uL", "2024-01-05T06:00:00"),
        lab("p2", "777-3", "120", "K/uL", "2024-01-10T06:00:00"),
        lab("g1", "3255-7", "4.0", "g/L", "2024-01-05T06:00:00"),
        lab("g2", "3255-7", "150", "mg/dL", "2024-01-10T06:00:00"),
    ])
    load_and_stage(con, tmp_path)
    row = features_for(con)
    assert row["ferritin__trend__fold_rise"] == pytest.approx(5.0)
    assert row["platelets__trend__pct_drop"] == pytest.approx(60.0)
    assert row["fibrinogen__trend__pct_drop"] == pytest.approx(62.5)
    assert row["ferritin__72h__last_at"].isoformat().startswith("2024-01-10T06:00:00")


def test_only_patients_with_values_in_the_look_back_get_a_row(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [lab("a", "777-3", "200", "K/uL", "2024-01-01T06:00:00")])
    load_and_stage(con, tmp_path)
    assert features_for(con, date(2024, 1, 7)) is not None  # 162 h old: inside 7 d
    assert features_for(con, date(2024, 1, 8)) is None      # 186 h old: outside


def test_rebuilding_a_day_replaces_it_without_duplicates(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [lab("a", "777-3", "200", "K/uL", "2024-01-10T06:00:00")])
    load_and_stage(con, tmp_path)
    feature_table.build_patient_day(con, date(2024, 1, 9), date(2024, 1, 12))
    feature_table.build_patient_day(con, D, D)
    counts = con.execute("SELECT as_of_date, count(*) FROM features.patient_day GROUP BY ALL ORDER BY 1").fetchall()
    assert counts == [(date(2024, 1, d), 1) for d in (10, 11, 12)]


def rule_file_with(tmp_path, *replacements):
    """The packaged rule file with text replacements (each must apply), written to tmp_path."""
    text = (REFERENCE_DIR / "rules.yaml").read_text()
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    return path


TWELVE_HOURS = ("look_back_windows:\n  24h:",
                "look_back_windows:\n  12h:\n    hours: 12\n    status: engineering\n    reasoning: test\n  24h:")
CURRENT_24H = ("  current:\n    value: 72h", "  current:\n    value: 24h")


def test_windows_and_the_trend_pairing_come_from_the_active_rule_file(con, tmp_path, monkeypatch):
    monkeypatch.setenv("MASSCREEN_RULES", str(rule_file_with(tmp_path, TWELVE_HOURS, CURRENT_24H)))
    write_labs(tmp_path, "labs_1.csv", [
        lab("f1", "2276-4", "400", "ng/mL", "2024-01-05T06:00:00"),
        lab("f2", "2276-4", "2000", "ng/mL", "2024-01-09T06:00:00"),  # in 72h, not in 24h
        lab("f3", "2276-4", "800", "ng/mL", "2024-01-10T06:00:00"),   # 18 h before the cutoff
    ])
    load_and_stage(con, tmp_path)
    row = features_for(con)  # no rule set passed: MASSCREEN_RULES's
    assert (row["ferritin__12h__n"], row["ferritin__24h__n"], row["ferritin__72h__n"]) == (0, 1, 2)
    assert row["ferritin__trend__fold_rise"] == pytest.approx(2.0)  # 24h last 800 / 7d min 400
    assert "ferritin__7d__fold_rise" not in row


def test_a_rule_set_passed_to_the_stage_sets_its_windows(con, tmp_path):
    rule_set = load_rule_set(rule_file_with(tmp_path, TWELVE_HOURS))
    write_labs(tmp_path, "labs_1.csv", [lab("f1", "2276-4", "400", "ng/mL", "2024-01-10T20:00:00")])
    load_and_stage(con, tmp_path)
    feature_table.build_patient_day(con, D, D, rule_set)
    assert con.execute("SELECT ferritin__12h__max, ferritin__trend__fold_rise FROM features.patient_day").fetchone() == (
        400, 1.0)


@pytest.mark.parametrize("old, new, message", [
    ("hours: 24\n", "hours: 0\n", "look_back_windows.24h.hours must be a positive whole number of hours, got 0"),
    ("hours: 72\n", "hours: 7.5\n", "look_back_windows.72h.hours must be a positive whole number of hours, got 7.5"),
    ("hours: 168\n", "hours: '168'\n", "look_back_windows.7d.hours must be a positive whole number"),
    ("look_back_windows:\n  24h:", "look_back_windows:\n  24 H:", "look_back_windows: name '24 H' must be"),
    ("pairing_window:\n  value: 72h", "pairing_window:\n  value: 48h",
     "pairing_window.value must name a look_back_windows entry \\(24h, 72h, 7d\\), got '48h'"),
    ("  current:\n    value: 72h", "  current:\n    value: 3d", "trend_windows.current.value must name"),
    ("  baseline:\n    value: 7d", "  baseline:\n    value: 24h",
     "trend_windows.current \\(72h\\) must not be longer than trend_windows.baseline \\(24h\\)"),
])
def test_a_malformed_window_is_refused_in_one_line_naming_the_key(tmp_path, old, new, message):
    with pytest.raises(RuleFileError, match=message) as refused:
        load_rule_set(rule_file_with(tmp_path, (old, new)))
    assert "\n" not in str(refused.value)


def test_a_change_of_windows_rebuilds_every_stored_day_with_the_new_columns(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [lab("f1", "2276-4", ">400", "ng/mL", "2024-01-10T20:00:00")])
    load_and_stage(con, tmp_path)
    feature_table.build_patient_day(con, D, date(2024, 1, 11))
    # an older layout of the table: without the censoring columns
    con.execute("ALTER TABLE features.patient_day DROP COLUMN ferritin__24h__max_censoring")
    rows = feature_table.build_patient_day(con, date(2024, 1, 11), date(2024, 1, 11),
                                    load_rule_set(rule_file_with(tmp_path, TWELVE_HOURS)))
    assert rows == 1
    assert con.execute("SELECT as_of_date, ferritin__12h__max, ferritin__24h__max_censoring FROM features.patient_day "
                       "ORDER BY 1").fetchall() == [(D, 400, ">"), (date(2024, 1, 11), None, None)]
