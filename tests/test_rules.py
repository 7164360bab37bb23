"""screen.at_risk_daily: each rule at its exact boundary, units, missing items, evidence, version."""

import shutil
from datetime import date
from pathlib import Path

import pytest

from pipelines import stages
from pipelines.rule_set import RuleFileError, load_rule_set
from pipelines.settings import REFERENCE_DIR

from conftest import lab, load_and_stage, vital, write_labs, write_vitals

D = date(2024, 1, 10)
T = "2024-01-10T06:00:00"
RULES = load_rule_set(REFERENCE_DIR / "rules.yaml")
CODES = {"ferritin": ("2276-4", "ng/mL"), "platelets": ("777-3", "K/uL"), "ast": ("1920-8", "U/L"),
         "triglycerides": ("2571-8", "mg/dL"), "fibrinogen": ("3255-7", "mg/dL")}
# One febrile patient with ferritin 1000 and exactly one other 2016 item abnormal (platelets),
# so the criteria are met exactly when the item under test is abnormal too.
BASE = {"ferritin": "1000", "platelets": "150", "ast": "30", "triglycerides": "100", "fibrinogen": "400"}


def screen(con, tmp_path, labs: dict, temperature: tuple[str, str] | None = ("39.0", "Cel"), units: dict = {}):
    rows = [lab(f"r-{name}", CODES[name][0], value, units.get(name, CODES[name][1]), T)
            for name, value in labs.items() if value is not None]
    write_labs(tmp_path, "labs_1.csv", rows)
    if temperature:
        write_vitals(tmp_path, "vitals_1.csv", [vital("m1", temperature[0], temperature[1], T)])
    load_and_stage(con, tmp_path)
    stages.build_patient_day(con, D, D)
    stages.build_at_risk_daily(con, D, D, RULES)
    rows = con.execute("SELECT * FROM screen.at_risk_daily").pl().to_dicts()
    return rows[0] if rows else None


def eular_met(row) -> bool:
    return bool(row) and row["eular_acr_2016_met"]


@pytest.mark.parametrize("item, value, met", [
    ("platelets", "181", True), ("platelets", "181.1", False), ("platelets", "180.9", True),
    ("ast", "48", False), ("ast", "48.1", True), ("ast", "47.9", False),
    ("triglycerides", "156", False), ("triglycerides", "156.1", True), ("triglycerides", "155.9", False),
    ("fibrinogen", "360", True), ("fibrinogen", "360.1", False), ("fibrinogen", "359.9", True),
])
def test_eular_acr_2016_second_item_at_its_boundary(con, tmp_path, item, value, met):
    base = dict(BASE, ast="60") if item == "platelets" else dict(BASE)
    assert eular_met(screen(con, tmp_path, {**base, item: value})) is met


@pytest.mark.parametrize("value, met", [("684", False), ("684.1", True), ("683.9", False)])
def test_eular_acr_2016_ferritin_is_strictly_above_684(con, tmp_path, value, met):
    assert eular_met(screen(con, tmp_path, {**BASE, "ast": "60", "ferritin": value})) is met


@pytest.mark.parametrize("temperature, met", [
    (("38.5", "Cel"), True), (("38.4", "Cel"), False), (("101.3", "[degF]"), True), (("101.1", "degF"), False),
])
def test_fever_parameter_boundary_in_either_unit(con, tmp_path, temperature, met):
    assert eular_met(screen(con, tmp_path, {**BASE, "ast": "60"}, temperature)) is met


@pytest.mark.parametrize("item, value, unit, met", [
    ("triglycerides", "1.76", "mmol/L", False),  # 155.9 mg/dL
    ("triglycerides", "1.77", "mmol/L", True),   # 156.8 mg/dL
    ("fibrinogen", "3.6", "g/L", True),          # 360 mg/dL, boundary included
    ("fibrinogen", "3.61", "g/L", False),
])
def test_the_same_rule_in_si_units(con, tmp_path, item, value, unit, met):
    assert eular_met(screen(con, tmp_path, {**BASE, item: value}, units={item: unit})) is met


def test_missing_items_are_neither_normal_nor_abnormal(con, tmp_path):
    row = screen(con, tmp_path, {"ferritin": "1000", "platelets": "150", "ast": "60",
                                 "triglycerides": None, "fibrinogen": None})
    assert row["eular_acr_2016_met"]
    assert (row["eular_acr_2016_other_items_met"], row["eular_acr_2016_other_items_missing"]) == (2, 2)


def test_without_a_temperature_the_2016_criteria_do_not_fire(con, tmp_path):
    assert screen(con, tmp_path, {**BASE, "ast": "60"}, temperature=None) is None


def test_evidence_carries_values_units_times_and_version(con, tmp_path):
    row = screen(con, tmp_path, {**BASE, "ast": "60"})
    import json
    evidence = json.loads(row["evidence"])["eular_acr_2016"]
    assert evidence["ferritin"] == {"value": 1000.0, "unit": "ng/mL", "taken_at": evidence["ferritin"]["taken_at"],
                                    "op": ">", "threshold": 684.0, "met": True}
    assert evidence["ferritin"]["taken_at"].startswith("2024-01-10 06:00:00")
    assert evidence["triglycerides"]["met"] is False
    assert row["rules_fired"] == ["eular_acr_2016"]
    assert row["rule_set_version"] == RULES.version


def _dynamic_labs(tmp_path, ferritin_before, ferritin_now, platelets_before, platelets_now):
    write_labs(tmp_path, "labs_0.csv", [
        lab("f0", "2276-4", ferritin_before, "ng/mL", "2024-01-05T06:00:00"),
        lab("p0", "777-3", platelets_before, "K/uL", "2024-01-05T06:00:00"),
    ])
    return {"ferritin": ferritin_now, "platelets": platelets_now, "ast": "30", "triglycerides": "100",
            "fibrinogen": "400"}


@pytest.mark.parametrize("ferritin_before, ferritin_now, platelets_before, platelets_now, met", [
    ("300", "600", "300", "210", True),    # fold 2.0, drop 30 %: both boundaries included
    ("300", "599", "300", "210", False),   # fold just under 2
    ("300", "600", "300", "211", False),   # drop just under 30 %
    ("240", "480", "300", "150", False),   # below the ferritin floor of 500
])
def test_dynamic_rule_at_its_boundaries(con, tmp_path, ferritin_before, ferritin_now, platelets_before,
                                        platelets_now, met):
    labs = _dynamic_labs(tmp_path, ferritin_before, ferritin_now, platelets_before, platelets_now)
    row = screen(con, tmp_path, labs, temperature=None)
    assert (row is not None and row["dynamic_ferritin_platelets_met"]) is met


def test_changing_a_threshold_changes_the_rule_set_version(tmp_path):
    changed = tmp_path / "rules.yaml"
    changed.write_text((REFERENCE_DIR / "rules.yaml").read_text().replace("threshold: 684", "threshold: 685"))
    assert load_rule_set(changed).version != RULES.version
    assert load_rule_set(changed).parameters()["eular_acr_2016__ferritin__threshold"] == 685


def test_a_rule_file_with_an_unknown_boundary_is_refused(tmp_path):
    broken = tmp_path / "rules.yaml"
    broken.write_text((REFERENCE_DIR / "rules.yaml").read_text().replace('op: ">", threshold: 684', 'op: "=>", threshold: 684'))
    with pytest.raises(RuleFileError, match="eular_acr_2016, item ferritin: op must be one of"):
        load_rule_set(broken)
