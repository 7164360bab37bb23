"""Rule conformance: every rule at its exact boundaries, in either unit, with missing items giving
bounds rather than zeros; context, tiers, evidence and versioning (screen.rule_evaluations and
screen.at_risk_daily)."""

import json
from datetime import date

import pytest

from pipelines.core.settings import REFERENCE_DIR
from pipelines.features import feature_table
from pipelines.features.rule_set import RuleFileError, load_rule_set
from pipelines.screen import screening

from conftest import lab, load_and_stage, vital, write_extract, write_labs, write_vitals

D = date(2024, 1, 10)
T = "2024-01-10T06:00:00"
RULES = load_rule_set(REFERENCE_DIR / "rules.yaml")
CODES = {"ferritin": "2276-4", "platelets": "777-3", "ast": "1920-8", "triglycerides": "2571-8",
         "fibrinogen": "3255-7", "hemoglobin": "718-7", "wbc": "6690-2", "anc": "751-8", "ldh": "2532-0",
         "esr": "4537-7", "crp": "1988-5", "scd25_u": "SCD25U"}
UNITS = {"ferritin": "ng/mL", "platelets": "K/uL", "ast": "U/L", "triglycerides": "mg/dL", "fibrinogen": "mg/dL",
         "hemoglobin": "g/dL", "wbc": "K/uL", "anc": "K/uL", "ldh": "U/L", "esr": "mm/h", "crp": "mg/L",
         "scd25_u": "U/mL"}
SJIA = [("ICD10CM", "M08.20")]
# A febrile sJIA patient with ferritin 1000 and exactly one other 2016 item abnormal (platelets):
# the 2016 criteria are met exactly when the item under test is abnormal too.
BASE = {"ferritin": "1000", "platelets": "150", "ast": "30", "triglycerides": "100", "fibrinogen": "400"}


def evaluate(con, tmp_path, labs: dict, temperature=("39.0", "Cel"), units: dict | None = None,
             diagnoses=SJIA, birth_date="2012-01-01", table="screen.rule_evaluations"):
    """Land one patient's values taken at T, run features and screen for D, return its row."""
    units = {**UNITS, **(units or {})}
    con.execute("INSERT INTO meta.analyte_codes VALUES ('scd25_u', 'lab', 'SCD25U', 'LOCAL', 'U/mL', 'test site mapping')")
    write_labs(tmp_path, "labs_1.csv", [lab(f"r-{name}", CODES[name], value, units[name], T)
                                        for name, value in labs.items() if value is not None])
    if temperature:
        write_vitals(tmp_path, "vitals_1.csv", [vital("m1", temperature[0], temperature[1], T)])
    write_extract(tmp_path / "diagnoses_1.csv", ("patient_id", "encounter_id", "code_system", "code", "recorded_at"),
                  [{"patient_id": "p1", "encounter_id": "e1", "code_system": system, "code": code,
                    "recorded_at": "2024-01-09T10:00:00"} for system, code in diagnoses])
    write_extract(tmp_path / "patients_1.csv", ("patient_id", "birth_date", "sex"),
                  [{"patient_id": "p1", "birth_date": birth_date, "sex": "F"}])
    load_and_stage(con, tmp_path)
    feature_table.build_patient_day(con, D, D)
    screening.build_screen(con, D, D, RULES, keep_rule_tables=True)
    rows = con.execute(f"SELECT * FROM {table}").pl().to_dicts()
    if rows and table == "screen.rule_evaluations":
        # each rule's evidence, kept for every patient-day by keep_rule_tables (written with flagged rows only)
        for rule in RULES.rules:
            rows[0][f"{rule}__evidence"] = con.execute(f"SELECT {rule}__evidence FROM rule_{rule}").fetchone()[0]
    return rows[0] if rows else None


# --- 2016 EULAR/ACR/PRINTO ------------------------------------------------------------------------

@pytest.mark.parametrize("item, value, met", [
    ("platelets", "181", True), ("platelets", "181.1", False), ("platelets", "180.9", True),
    ("ast", "48", False), ("ast", "48.1", True), ("ast", "47.9", False),
    ("triglycerides", "156", False), ("triglycerides", "156.1", True), ("triglycerides", "155.9", False),
    ("fibrinogen", "360", True), ("fibrinogen", "360.1", False), ("fibrinogen", "359.9", True),
])
def test_eular_acr_2016_second_item_at_its_boundary(con, tmp_path, item, value, met):
    base = dict(BASE, ast="60") if item == "platelets" else dict(BASE)
    assert evaluate(con, tmp_path, {**base, item: value})["eular_acr_2016__met"] is met


@pytest.mark.parametrize("value, met", [("684", False), ("684.1", True), ("683.9", False)])
def test_eular_acr_2016_ferritin_is_strictly_above_684(con, tmp_path, value, met):
    assert evaluate(con, tmp_path, {**BASE, "ast": "60", "ferritin": value})["eular_acr_2016__met"] is met


@pytest.mark.parametrize("temperature, met", [
    (("38.5", "Cel"), True), (("38.4", "Cel"), False), (("101.3", "[degF]"), True), (("101.1", "degF"), False),
])
def test_fever_parameter_boundary_in_either_unit(con, tmp_path, temperature, met):
    row = evaluate(con, tmp_path, {**BASE, "ast": "60"}, temperature)
    assert row["fever__met"] is met
    # the 2016 criteria are for a febrile patient: afebrile is outside their population
    assert row["eular_acr_2016__population"] == ("in" if met else "outside")


@pytest.mark.parametrize("item, value, unit, met", [
    ("triglycerides", "1.76", "mmol/L", False),  # 155.9 mg/dL
    ("triglycerides", "1.77", "mmol/L", True),   # 156.8 mg/dL
    ("fibrinogen", "3.6", "g/L", True),          # 360 mg/dL, boundary included
    ("fibrinogen", "3.61", "g/L", False),
])
def test_eular_acr_2016_in_si_units(con, tmp_path, item, value, unit, met):
    assert evaluate(con, tmp_path, {**BASE, item: value}, units={item: unit})["eular_acr_2016__met"] is met


@pytest.mark.parametrize("diagnoses, in_context", [
    (SJIA, True), ([("ICD10CM", "M06.1")], True), ([("ICD10CM", "M32.9")], False), ([], False),
])
def test_mas_specific_criteria_apply_only_in_their_context(con, tmp_path, diagnoses, in_context):
    row = evaluate(con, tmp_path, {**BASE, "ast": "60"}, diagnoses=diagnoses)
    assert row["eular_acr_2016__met"] is True
    assert row["eular_acr_2016__context"] == ("known" if in_context else "unknown")
    flagged = con.execute("SELECT tier FROM screen.at_risk_daily").fetchone()[0]
    assert flagged == ("criteria_met" if in_context else "pattern_context_unknown")


def test_missing_2016_items_are_neither_normal_nor_abnormal(con, tmp_path):
    row = evaluate(con, tmp_path, {"ferritin": "1000", "platelets": "150", "ast": "60"})
    assert row["eular_acr_2016__met"]
    assert (row["eular_acr_2016__other_items_met"], row["eular_acr_2016__other_items_unknown"]) == (2, 2)


def test_without_a_temperature_fever_is_unknown_not_absent(con, tmp_path):
    row = evaluate(con, tmp_path, {**BASE, "ast": "60"}, temperature=None)
    assert row["fever__met"] is None and row["fever__possible"] is True
    # the items are met; whether the patient is febrile cannot be told
    assert row["eular_acr_2016__met"] is True and row["eular_acr_2016__population"] == "unknown"
    assert row["ms_score__population"] == "unknown"
    assert row["hlh_2004__evidence"]["fever"]["result"] == "unknown"
    assert con.execute("SELECT tier FROM screen.at_risk_daily").fetchone()[0] == "criteria_met_if_febrile"


def test_an_afebrile_patient_is_outside_the_2016_population(con, tmp_path):
    row = evaluate(con, tmp_path, {**BASE, "ast": "60"}, temperature=("37.0", "Cel"))
    assert row["eular_acr_2016__met"] is True and row["eular_acr_2016__population"] == "outside"
    assert con.execute("SELECT tier FROM screen.at_risk_daily").fetchone()[0] == "outside_population"


# --- HLH-2004 -------------------------------------------------------------------------------------

ALL_HLH = {"hemoglobin": "8.5", "platelets": "90", "anc": "0.9", "triglycerides": "300", "ferritin": "600"}


def test_hlh_2004_counts_computable_criteria_with_bounds(con, tmp_path):
    row = evaluate(con, tmp_path, ALL_HLH)
    # fever, cytopenias, triglycerides, ferritin met; sCD25 not drawn; 3 never computable
    assert (row["hlh_2004__criteria_met"], row["hlh_2004__criteria_unknown"], row["hlh_2004__criteria_max"]) == (4, 4, 8)
    assert row["hlh_2004__met"] is False and row["hlh_2004__possible"] is True
    row = evaluate(con, tmp_path / "b", {**ALL_HLH, "scd25_u": "2400"})
    assert (row["hlh_2004__criteria_met"], row["hlh_2004__met"]) == (5, True)


@pytest.mark.parametrize("labs, criterion, met", [
    ({"ferritin": "500"}, "hlh_2004__ferritin", True),
    ({"ferritin": "499.9"}, "hlh_2004__ferritin", False),
    ({"triglycerides": "3.0", "fibrinogen": "200"}, "hlh_2004__triglycerides_fibrinogen", True),
    ({"triglycerides": "2.99", "fibrinogen": "200"}, "hlh_2004__triglycerides_fibrinogen", False),
    ({"triglycerides": "2.99"}, "hlh_2004__triglycerides_fibrinogen", None),  # fibrinogen unknown
    ({"fibrinogen": "150"}, "hlh_2004__triglycerides_fibrinogen", True),        # and/or
    ({"hemoglobin": "8.99", "platelets": "99.9"}, "hlh_2004__cytopenias", True),
    ({"hemoglobin": "9.0", "platelets": "99.9"}, "hlh_2004__cytopenias", None),   # ANC unknown
    ({"hemoglobin": "9.0", "platelets": "100", "anc": "0.5"}, "hlh_2004__cytopenias", False),
])
def test_hlh_2004_criteria_at_their_boundaries(con, tmp_path, labs, criterion, met):
    units = {"triglycerides": "mmol/L"} if "triglycerides" in labs else {}
    evidence = evaluate(con, tmp_path, labs, units=units)["hlh_2004__evidence"]
    assert hlh_criterion(evidence, criterion) is met


def hlh_criterion(evidence: dict, criterion: str):
    """One HLH-2004 criterion's result from the rule's evidence."""
    name = criterion.removeprefix("hlh_2004__")
    return evidence[name]["met"]


def test_hlh_2004_infants_under_four_weeks_use_the_higher_haemoglobin_cut_off(con, tmp_path):
    labs = {"hemoglobin": "9.5", "platelets": "90"}
    assert evaluate(con, tmp_path, labs, birth_date="2023-12-25")["hlh_2004__evidence"]["cytopenias"]["met"] is True
    assert evaluate(con, tmp_path / "b", labs, birth_date="2023-12-01")["hlh_2004__evidence"]["cytopenias"]["met"] is None


# --- HScore ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("labs, temperature, units, item, points", [
    ({}, "38.39", {}, "temperature", 0), ({}, "38.4", {}, "temperature", 33),
    ({}, "39.4", {}, "temperature", 33), ({}, "39.41", {}, "temperature", 49),
    ({"ferritin": "1999"}, None, {}, "ferritin", 0), ({"ferritin": "2000"}, None, {}, "ferritin", 35),
    ({"ferritin": "6000"}, None, {}, "ferritin", 35), ({"ferritin": "6001"}, None, {}, "ferritin", 50),
    ({"triglycerides": "1.49"}, None, {"triglycerides": "mmol/L"}, "triglycerides", 0),
    ({"triglycerides": "1.5"}, None, {"triglycerides": "mmol/L"}, "triglycerides", 44),
    ({"triglycerides": "4"}, None, {"triglycerides": "mmol/L"}, "triglycerides", 44),
    ({"triglycerides": "4.01"}, None, {"triglycerides": "mmol/L"}, "triglycerides", 64),
    ({"fibrinogen": "2.5"}, None, {"fibrinogen": "g/L"}, "fibrinogen", 30),
    ({"fibrinogen": "2.51"}, None, {"fibrinogen": "g/L"}, "fibrinogen", 0),
    ({"ast": "29"}, None, {}, "ast", 0), ({"ast": "30"}, None, {}, "ast", 19),
    ({"hemoglobin": "9.2", "wbc": "5.1", "platelets": "111"}, None, {}, "cytopenias", 0),
    ({"hemoglobin": "9.2", "wbc": "5.0", "platelets": "111"}, None, {}, "cytopenias", 24),
    ({"hemoglobin": "9.2", "wbc": "5.0", "platelets": "110"}, None, {}, "cytopenias", 34),
])
def test_hscore_bands(con, tmp_path, labs, temperature, units, item, points):
    row = evaluate(con, tmp_path, labs or {"ldh": "200"}, (temperature, "Cel") if temperature else None, units)
    assert hscore_points(row, item) == points


def hscore_points(row: dict, item: str) -> int:
    """An HScore item's points (lower bound) from the rule's evidence."""
    return row["hscore__evidence"][item]["points_lower"]


def test_hscore_missing_items_widen_the_upper_bound_never_count_as_zero(con, tmp_path):
    row = evaluate(con, tmp_path, {"ferritin": "7000"}, temperature=None)
    assert row["hscore__lower"] == 50
    # + temperature 49 + cytopenias 34 + triglycerides 64 + fibrinogen 30 + AST 19
    # + immunosuppression 18 + organomegaly 38 + haemophagocytosis 35
    assert row["hscore__upper"] == 50 + 49 + 34 + 64 + 30 + 19 + 18 + 38 + 35 == 337
    assert row["hscore__labs_complete"] is False and row["hscore__met"] is False and row["hscore__possible"] is True


def test_hscore_immunosuppression_from_a_long_running_order(con, tmp_path):
    write_extract(tmp_path / "medications_1.csv",
                  ("patient_id", "encounter_id", "code_system", "code", "name", "started_at", "ended_at"),
                  [{"patient_id": "p1", "code_system": "", "code": "", "name": "Azathioprine 50 mg tablet",
                    "started_at": "2023-10-01T08:00:00", "ended_at": ""}])
    row = evaluate(con, tmp_path, {"ferritin": "7000"}, temperature=None)
    assert hscore_points(row, "immunosuppression") == 18
    assert (row["hscore__lower"], row["hscore__upper"]) == (68, 337)


@pytest.mark.parametrize("route, counts", [
    ("PO", True), ("oral", True), ("IV", True), ("", True), ("PER OS", True),
    ("BOTH EYES", False), ("Ophthalmic", False), ("TP", False), ("Inhalation", False), ("IT", False),
    ("intra-articular", False), ("NU", False), ("OD", False), ("PR", False), ("RECTAL", False),
    ("intradermal", False), ("Intralesional", False),
])
def test_hscore_immunosuppression_counts_systemic_routes_only(con, tmp_path, route, counts):
    write_extract(tmp_path / "medications_1.csv",
                  ("patient_id", "encounter_id", "code_system", "code", "name", "route", "started_at", "ended_at"),
                  [{"patient_id": "p1", "code_system": "", "code": "", "name": "Prednisolone acetate 1%",
                    "route": route, "started_at": "2023-10-01T08:00:00", "ended_at": ""}])
    row = evaluate(con, tmp_path, {"ferritin": "7000"}, temperature=None)
    assert (hscore_points(row, "immunosuppression") == 18) is counts
    assert row["hscore__lower"] == (68 if counts else 50)


PUBLISHED_PROBABILITY = {90: "<1", 100: "1", 110: "3", 120: "5", 130: "9", 140: "16", 150: "25", 160: "40",
                         170: "54", 180: "70", 190: "80", 200: "88", 210: "93", 220: "96", 230: "98", 240: "99",
                         250: ">99"}


def test_hscore_probability_is_the_published_lookup(con):
    params = RULES.parameters()
    lookup = lambda score: con.execute("SELECT lookup_between(?, ?, ?)", [  # noqa: E731
        score, params["hscore__probability_scores"], params["hscore__probability_percent"]]).fetchone()[0]
    assert {score: lookup(score) for score in PUBLISHED_PROBABILITY} == PUBLISHED_PROBABILITY
    assert (lookup(0), lookup(169), lookup(337)) == ("<1", "40 to 54", ">99")


# --- MS score -------------------------------------------------------------------------------------

@pytest.mark.parametrize("labs, lab_part, lower, upper, met", [
    # clinical-criteria.md section 4 worked examples: -4.25 with active arthritis; +1.10 with none
    ({"platelets": "450", "ldh": "300", "fibrinogen": "500", "ferritin": "1000"}, -2.95, -4.25, 1.03, False),
    ({"platelets": "100", "ldh": "1000", "fibrinogen": "150", "ferritin": "10000"}, 1.1, -0.2, 5.08, True),
    # the lower bound exactly at the -2.1 cut-off is met (>=); just under is not
    ({"platelets": "300", "ldh": "500", "fibrinogen": "200", "ferritin": "4000"}, -0.8, -2.1, 3.18, True),
    ({"platelets": "300", "ldh": "500", "fibrinogen": "200", "ferritin": "3999"}, -0.8001, -2.1001, 3.1799, False),
])
def test_ms_score_lab_part_and_interval(con, tmp_path, labs, lab_part, lower, upper, met):
    row = evaluate(con, tmp_path, labs)
    assert (row["ms_score__lab_part"], row["ms_score__lower"], row["ms_score__upper"]) == pytest.approx((lab_part, lower, upper))
    assert row["ms_score__met"] is met


def test_ms_score_with_a_missing_lab_is_incomplete_not_zero(con, tmp_path):
    row = evaluate(con, tmp_path, {"platelets": "100", "ldh": "1000", "ferritin": "10000"})
    assert row["ms_score__labs_complete"] is False and row["ms_score__lower"] is None and row["ms_score__met"] is False


# --- Ratio, isolated markers, OHI -----------------------------------------------------------------

@pytest.mark.parametrize("esr, met", [("100", True), ("100.1", False), ("0", False)])
def test_ferritin_esr_ratio_at_21_5(con, tmp_path, esr, met):
    row = evaluate(con, tmp_path, {"ferritin": "2150", "esr": esr})
    assert row["ferritin_esr_ratio__met"] is met
    if esr == "0":
        assert row["ferritin_esr_ratio__value"] is None


@pytest.mark.parametrize("ferritin, met", [("10000", False), ("10000.1", True)])
def test_ferritin_above_10000(con, tmp_path, ferritin, met):
    assert evaluate(con, tmp_path, {"ferritin": ferritin})["ferritin_above_10000__met"] is met


@pytest.mark.parametrize("scd25, ferritin, met", [("3900.1", "1000.1", True), ("3900", "1000.1", False),
                                                  ("3900.1", "1000", False)])
def test_ohi_needs_both_above_their_cut_offs(con, tmp_path, scd25, ferritin, met):
    assert evaluate(con, tmp_path, {"scd25_u": scd25, "ferritin": ferritin})["ohi__met"] is met


# --- Dynamics -------------------------------------------------------------------------------------

def _week_before(tmp_path, rows: dict):
    write_labs(tmp_path, "labs_0.csv", [lab(f"w-{name}", CODES[name], value, UNITS[name], "2024-01-05T06:00:00")
                                        for name, value in rows.items()])


@pytest.mark.parametrize("ferritin_before, ferritin_now, platelets_before, platelets_now, met", [
    ("300", "600", "250", "175", True),    # fold 2.0, drop 30 %: both boundaries included
    ("300", "599", "250", "175", False),   # fold just under 2
    ("300", "600", "250", "176", False),   # drop just under 30 %
    ("240", "480", "250", "150", False),   # below the ferritin floor of 500
    ("300", "600", "302", "211", True),    # platelets at their floor (<= 211), drop 30.1 %
    ("300", "600", "400", "211.1", False),  # a 47 % fall still above the platelet floor
])
def test_dynamic_ferritin_platelets_at_its_boundaries(con, tmp_path, ferritin_before, ferritin_now,
                                                      platelets_before, platelets_now, met):
    _week_before(tmp_path, {"ferritin": ferritin_before, "platelets": platelets_before})
    row = evaluate(con, tmp_path, {"ferritin": ferritin_now, "platelets": platelets_now}, temperature=None)
    assert row["dynamic_ferritin_platelets__met"] is met


@pytest.mark.parametrize("esr_now, crp_now, met", [("70", "50", True), ("71", "50", False), ("70", "49.9", False)])
def test_esr_falling_while_crp_stays_high(con, tmp_path, esr_now, crp_now, met):
    _week_before(tmp_path, {"esr": "100", "crp": "80"})
    row = evaluate(con, tmp_path, {"esr": esr_now, "crp": crp_now}, temperature=None)
    assert row["dynamic_other__met"] is met


# --- Units, tiers, evidence, versions -------------------------------------------------------------

def test_the_same_patient_in_si_and_conventional_units_gives_the_same_evaluation(con, tmp_path):
    labs = {**ALL_HLH, "ast": "60", "fibrinogen": "140", "ldh": "900"}
    conventional = evaluate(con, tmp_path, labs)
    si = evaluate(con, tmp_path / "si", {**labs, "triglycerides": str(300 / 88.57), "fibrinogen": "1.4",
                                         "hemoglobin": "85"},
                  units={"triglycerides": "mmol/L", "fibrinogen": "g/L", "hemoglobin": "g/L"})
    assert si.keys() == conventional.keys()
    for key, value in conventional.items():
        if isinstance(value, float):
            assert si[key] == pytest.approx(value, rel=1e-6), key
        else:
            assert si[key] == value, key


def test_at_risk_row_carries_tier_rules_evidence_and_version(con, tmp_path):
    row = evaluate(con, tmp_path, {**BASE, "ast": "60"}, table="screen.at_risk_daily")
    assert row["tier"] == "criteria_met"
    assert row["rules_fired"] == ["eular_acr_2016"]
    assert row["contexts"] == ["sjia"]
    assert (row["tier_rank"], row["alert"]) == (1, True)
    evidence = json.loads(row["evidence"])
    rule = evidence["eular_acr_2016"]
    assert (rule["met"], rule["context"], rule["population"]) == (True, "known", "in")
    items = rule["items"]
    assert items["ferritin"] == {"value": 1000.0, "censoring": None, "unit": "ng/mL",
                                 "taken_at": items["ferritin"]["taken_at"], "operator": ">", "threshold": 684.0,
                                 "met": True, "result": "met"}
    assert items["ferritin"]["taken_at"].startswith("2024-01-10 06:00:00")
    assert items["triglycerides"]["result"] == "not met" and items["fever"]["result"] == "met"
    assert [(c["context"], c["how"], c["code_or_name"]) for c in evidence["contexts"]] == [("sjia", "diagnosis", "M08.20")]
    # every rule is in the evidence, fired or not, with its items
    assert set(evidence) == {"contexts", *RULES.rules}
    assert evidence["hscore"]["items"]["ferritin"]["bands"][0] == {"operator": ">=", "threshold": 2000.0, "points": 35}
    assert row["rule_set_version"] == RULES.version


def test_a_patient_meeting_no_rule_is_evaluated_but_not_flagged(con, tmp_path):
    assert evaluate(con, tmp_path, {"ferritin": "100", "platelets": "250"}, table="screen.at_risk_daily") is None
    assert con.execute("SELECT count(*) FROM screen.rule_evaluations").fetchone()[0] == 1


def test_tiers_take_the_first_tier_whose_rules_hold(tmp_path):
    tier_sql = RULES.render("{{tier}}")
    assert tier_sql.startswith("CASE WHEN (eular_acr_2016__met AND eular_acr_2016__context IN ('known', 'suspected') "
                               "AND eular_acr_2016__population IN ('in'))")
    assert tier_sql.endswith("OR (ferritin_esr_ratio__met AND ferritin_esr_ratio__context IN ('known', 'suspected')) "
                             "THEN 'watch' END")


def test_changing_a_threshold_changes_the_rule_set_version(tmp_path):
    changed = tmp_path / "rules.yaml"
    changed.write_text((REFERENCE_DIR / "rules.yaml").read_text().replace("threshold: 684", "threshold: 685"))
    assert load_rule_set(changed).version != RULES.version
    assert load_rule_set(changed).parameters()["eular_acr_2016__ferritin__threshold"] == 685


@pytest.mark.parametrize("old, new, message", [
    ('op: ">", threshold: 684', 'op: "=>", threshold: 684', "eular_acr_2016, item ferritin: op must be one of"),
    ("applies_to: [sjia, aosd]\n    context_note", "applies_to: [sjia, gout]\n    context_note", "unknown context"),
    ("{rules: [ohi], population", "{rules: [ohx], population", "tier score_high names unknown rule"),
    ("unit: mmol/L\n        also_stated", "unit: mmol/h\n        also_stated", "no conversion for triglycerides in mmol/h"),
    ("also_stated: [{threshold: 265, unit: mg/dL}]", "also_stated: [{threshold: 265, unit: mg/hour}]",
     "no conversion for triglycerides in mg/hour"),
    ("hscore, hscore_icu, ohi, ferritin_esr_ratio], population: [outside, unknown]",
     "hscore, hscore_icu, ferritin_esr_ratio], population: [outside, unknown]",
     "rule ohi met with context known and population outside is in no tier"),
    ("context: [known, suspected], population: [in]}\n      - {rules: [hlh_2004",
     "context: [known, probable], population: [in]}\n      - {rules: [hlh_2004", "context must be among"),
    ("suspects: [sjia, aosd]", "suspects: [sjia, gout]", "suspected_from_therapies.il1_il6_blockade"),
    ("min_age_years: 18\n      status: S", "min_age: 18\n      status: S", "population keys must be among"),
])
def test_a_malformed_rule_file_is_refused_with_the_place_named(tmp_path, old, new, message):
    text = (REFERENCE_DIR / "rules.yaml").read_text()
    assert old in text
    broken = tmp_path / "rules.yaml"
    broken.write_text(text.replace(old, new, 1))
    with pytest.raises(RuleFileError, match=message):
        load_rule_set(broken)


# --- Censored results are intervals ---------------------------------------------------------------

@pytest.mark.parametrize("ferritin, censoring, met, possible", [
    (">10000", ">", True, True), ("GREATER THAN 10000", ">", True, True), (">9000", ">", False, True),
    ("<20000", "<", False, True), ("<10000", "<", False, False), ("<=10000", "<=", False, False),
    (">=10000", ">=", False, True),
])
def test_a_censored_ferritin_meets_above_10000_as_its_interval(con, tmp_path, ferritin, censoring, met, possible):
    row = evaluate(con, tmp_path, {"ferritin": ferritin}, temperature=None)
    assert (row["ferritin_above_10000__met"], row["ferritin_above_10000__possible"]) == (met, possible)
    item = row["ferritin_above_10000__evidence"]["ferritin"]
    assert (item["value"], item["censoring"]) == (float(ferritin.lstrip("<>=GREATHN ")), censoring)
    assert item["result"] == ("met" if met else "unknown" if possible else "not met")


def test_a_censored_value_below_a_cut_off_does_not_meet_it(con, tmp_path):
    row = evaluate(con, tmp_path, {"ferritin": "<500"}, temperature=None)
    assert row["hlh_2004__evidence"]["ferritin"]["met"] is False  # HLH-2004: ferritin >= 500
    row = evaluate(con, tmp_path / "b", {"ferritin": "1000", "platelets": "<200"}, temperature=None)
    assert row["eular_acr_2016__evidence"]["platelets"]["met"] is None  # <= 181: the interval straddles it


@pytest.mark.parametrize("ferritin, lower, upper", [
    ("GREATER THAN 6000", 50, 50), (">6000", 50, 50), (">2000", 35, 50), ("<3000", 0, 35), ("<500", 0, 0),
])
def test_a_censored_ferritin_scores_the_hscore_bands_its_interval_reaches(con, tmp_path, ferritin, lower, upper):
    row = evaluate(con, tmp_path, {"ferritin": ferritin}, temperature=None)
    item = row["hscore__evidence"]["ferritin"]
    assert (item["points_lower"], item["points_upper"]) == (lower, upper)
    assert row["hscore__lower"] == lower
    # + temperature 49 + cytopenias 34 + triglycerides 64 + fibrinogen 30 + AST 19 + 18 + 38 + 35
    assert row["hscore__upper"] == upper + 49 + 34 + 64 + 30 + 19 + 18 + 38 + 35


def test_a_censored_ms_score_lab_widens_its_interval(con, tmp_path):
    labs = {"platelets": "100", "ldh": "1000", "fibrinogen": "150", "ferritin": ">10000"}
    row = evaluate(con, tmp_path, labs)
    # ferritin at least 10000: the lower bound is the worked example's; the upper bound is open
    assert row["ms_score__lower"] == pytest.approx(-0.2) and row["ms_score__upper"] is None
    assert row["ms_score__met"] is True and row["ms_score__possible"] is True
    assert row["ms_score__evidence"]["ferritin"]["censoring"] == ">"


@pytest.mark.parametrize("ferritin, esr, met, possible", [
    (">2150", "100", True, True), ("2150", ">100", False, False), ("2150", ">90", False, True),
    ("2150", "<100", True, True), (">2150", ">100", False, True),
    ("<2150", "100", False, False),
])
def test_a_censored_ferritin_esr_ratio_is_an_interval(con, tmp_path, ferritin, esr, met, possible):
    row = evaluate(con, tmp_path, {"ferritin": ferritin, "esr": esr}, temperature=None)
    assert (row["ferritin_esr_ratio__met"], row["ferritin_esr_ratio__possible"]) == (met, possible)


# --- The source's own numbers ---------------------------------------------------------------------

@pytest.mark.parametrize("value, unit, met", [
    ("265", "mg/dL", True), ("264.9", "mg/dL", False), ("3.0", "mmol/L", True), ("2.99", "mmol/L", False),
])
def test_hlh_2004_triglycerides_at_the_stated_cut_off_in_either_unit(con, tmp_path, value, unit, met):
    row = evaluate(con, tmp_path, {"triglycerides": value}, units={"triglycerides": unit})
    assert row["hlh_2004__evidence"]["triglycerides_fibrinogen"]["triglycerides"]["met"] is met
    assert RULES.parameters()["hlh_2004__triglycerides__threshold"] == 265


def test_the_infant_haemoglobin_cut_off_follows_the_age_when_the_sample_was_taken(con, tmp_path):
    # born 2023-12-13: 27 days old at the draw on 2024-01-09, 28 on the as-of day 2024-01-10
    write_labs(tmp_path, "labs_0.csv", [lab("hb", CODES["hemoglobin"], "9.5", "g/dL", "2024-01-09T06:00:00")])
    row = evaluate(con, tmp_path, {"platelets": "90"}, birth_date="2023-12-13")
    cytopenias = row["hlh_2004__evidence"]["cytopenias"]
    assert cytopenias["age_days_at_hemoglobin"] == 27 and cytopenias["hemoglobin"]["threshold"] == 10.0
    assert cytopenias["met"] is True


def test_the_age_at_the_haemoglobin_counts_calendar_days_where_midnight_was_skipped(tmp_path):
    """Born on a day whose local midnight did not exist (Sao Paulo began daylight saving time at
    00:00 on 2018-11-04): the age in days is the difference of the local dates, as on any other
    day (a day count between times would give one day fewer, which can move an infant across the
    four-week haemoglobin cut-off)."""
    from pipelines.core.warehouse import connect
    from pipelines.staging import staged_tables

    with connect(tmp_path / "warehouse.duckdb", "America/Sao_Paulo") as con:
        staged_tables.refresh_reference_tables(con)
        row = evaluate(con, tmp_path, {"hemoglobin": "9.5", "platelets": "90"}, birth_date="2018-11-04")
    assert row["hlh_2004__evidence"]["cytopenias"]["age_days_at_hemoglobin"] == (D - date(2018, 11, 4)).days


# --- HScore immunosuppression: a long-term drug re-ordered on admission ---------------------------

@pytest.mark.parametrize("home_ended, reordered, counts", [
    ("2024-01-08T10:00:00", "2024-01-08T12:00:00", True),   # stopped and re-ordered the same day
    ("2024-01-06T10:00:00", "2024-01-08T09:00:00", True),   # 47 h gap: one course
    ("2024-01-01T10:00:00", "2024-01-08T12:00:00", False),  # a week without it: a new course of 2 days
])
def test_a_long_term_drug_re_ordered_on_admission_keeps_its_course(con, tmp_path, home_ended, reordered, counts):
    columns = ("patient_id", "encounter_id", "code_system", "code", "name", "route", "started_at", "ended_at")
    write_extract(tmp_path / "medications_1.csv", columns, [
        {"patient_id": "p1", "code_system": "", "code": "", "name": "prednisone 10 mg tablet", "route": "PO",
         "started_at": "2023-10-01T08:00:00", "ended_at": home_ended},
        {"patient_id": "p1", "code_system": "", "code": "", "name": "Prednisone", "route": "oral",
         "started_at": reordered, "ended_at": ""}])
    row = evaluate(con, tmp_path, {"ferritin": "7000"}, temperature=None, birth_date="1980-01-01")
    assert row["hscore__evidence"]["immunosuppression"]["known"] is counts
    assert row["hscore__lower"] == (68 if counts else 50)


# --- Known, suspected or unknown context ----------------------------------------------------------

@pytest.mark.parametrize("diagnoses, rule, context", [
    ([("SNOMED", "201796004")], "eular_acr_2016", "known"),       # sJIA in SNOMED CT
    ([("SNOMED", "239920006")], "eular_acr_2016", "known"),       # AOSD in SNOMED CT
    ([("SNOMED", "2017960041")], "eular_acr_2016", "unknown"),    # SNOMED matches exactly, never by prefix
    ([("ICD9CM", "710.0")], "eular_acr_2016", "unknown"),         # SLE (ICD-9-CM): not a 2016 context...
    ([("ICD9CM", "710.0")], "hscore", "known"),                   # ...but a rheumatic context
    ([("ICD10CM", "M08.2A")], "eular_acr_2016", "known"),
])
def test_context_is_known_from_every_code_system(con, tmp_path, diagnoses, rule, context):
    row = evaluate(con, tmp_path, {**BASE, "ast": "60"}, diagnoses=diagnoses)
    assert row[f"{rule}__context"] == context


@pytest.mark.parametrize("name, started_at, context, tier", [
    ("Anakinra 100 mg/0.67 mL syringe", "2024-01-08T10:00:00", "suspected", "criteria_met"),
    ("tocilizumab", "2024-01-08T10:00:00", "suspected", "criteria_met"),
    ("Anakinra", "2024-01-11T10:00:00", "unknown", "pattern_context_unknown"),  # ordered after the day
    ("methotrexate", "2024-01-08T10:00:00", "unknown", "pattern_context_unknown"),
])
def test_il1_or_il6_blockade_makes_the_context_suspected(con, tmp_path, name, started_at, context, tier):
    write_extract(tmp_path / "medications_1.csv",
                  ("patient_id", "encounter_id", "code_system", "code", "name", "started_at", "ended_at"),
                  [{"patient_id": "p1", "code_system": "", "code": "", "name": name, "started_at": started_at,
                    "ended_at": ""}])
    row = evaluate(con, tmp_path, {**BASE, "ast": "60"}, diagnoses=[])
    assert row["eular_acr_2016__context"] == context
    assert con.execute("SELECT tier FROM screen.at_risk_daily").fetchone()[0] == tier
    if context == "suspected":
        assert row["suspected_contexts"] == ["aosd", "sjia"]
        assert [e["how"] for e in row["context_evidence"]] == ["therapy", "therapy"]


# --- Populations ----------------------------------------------------------------------------------

HSCORE_HIGH = {"ferritin": "7000", "triglycerides": "400", "fibrinogen": "200", "ast": "60", "hemoglobin": "8",
               "wbc": "3", "platelets": "90"}


@pytest.mark.parametrize("birth_date, population, tier", [
    ("1980-01-01", "in", "score_high"),
    # a child or a patient of unknown age is not paged for the HScore; the 2016 pattern (SLE is not
    # its context) still gives the row a tier
    ("2012-01-01", "outside", "pattern_context_unknown"), ("", "unknown", "pattern_context_unknown"),
])
def test_the_hscore_population_is_adults(con, tmp_path, birth_date, population, tier):
    row = evaluate(con, tmp_path, HSCORE_HIGH, temperature=("39.0", "Cel"), diagnoses=[("ICD10CM", "M32.9")],
                   birth_date=birth_date)
    assert row["hscore__met"] is True and row["hscore__population"] == population
    # HLH-2004 (no population limit) is not met without sCD25: fever, cytopenias, lipids, ferritin = 4
    assert row["hlh_2004__criteria_met"] == 4
    assert con.execute("SELECT tier FROM screen.at_risk_daily").fetchone()[0] == tier


@pytest.mark.parametrize("care_unit, population", [("MICU", "in"), ("Medical ICU", "in"), ("ward 4", "outside")])
def test_the_icu_variants_need_an_intensive_care_stay(con, tmp_path, care_unit, population):
    write_extract(tmp_path / "encounters_1.csv",
                  ("patient_id", "encounter_id", "admit_at", "discharge_at", "encounter_type", "care_unit"),
                  [{"patient_id": "p1", "encounter_id": "e1", "admit_at": "2024-01-08T10:00:00", "discharge_at": "",
                    "encounter_type": "inpatient", "care_unit": care_unit}])
    labs = {**HSCORE_HIGH, "ferritin": "3000", "scd25_u": "2400"}
    row = evaluate(con, tmp_path, labs, temperature=("38.2", "Cel"), diagnoses=[], birth_date="1980-01-01")
    assert row["hscore_icu__population"] == population and row["hlh_2004_icu__population"] == population
    # ferritin 3000 and fever 38.2 meet the ICU re-cut: fever, cytopenias, lipids, ferritin, sCD25 = 5
    assert (row["hlh_2004_icu__criteria_met"], row["hlh_2004_icu__met"]) == (5, True)
    assert (row["hlh_2004__criteria_met"], row["hlh_2004__met"]) == (4, False)  # 38.2 is not fever at 38.5
    row = evaluate(con, tmp_path / "b", {**labs, "ferritin": "2999"}, temperature=("38.2", "Cel"), diagnoses=[],
                   birth_date="1980-01-01")
    assert (row["hlh_2004_icu__criteria_met"], row["hlh_2004_icu__met"]) == (4, False)


# --- Trends need an abnormal latest value ---------------------------------------------------------

@pytest.mark.parametrize("before, now, met", [
    ({"ast": "11"}, {"ast": "24"}, False),            # doubled, still normal
    ({"ast": "30"}, {"ast": "61"}, True),             # doubled and above 48 U/L
    ({"fibrinogen": "800"}, {"fibrinogen": "500"}, False),  # fell by 37.5 % but still high
    ({"fibrinogen": "500"}, {"fibrinogen": "300"}, True),
    ({"ldh": "300"}, {"ldh": "800"}, False), ({"ldh": "400"}, {"ldh": "900"}, True),
])
def test_a_trend_needs_its_latest_value_past_the_floor(con, tmp_path, before, now, met):
    _week_before(tmp_path, before)
    assert evaluate(con, tmp_path, now, temperature=None)["dynamic_other__met"] is met


# --- Tier is ordered ------------------------------------------------------------------------------

def test_tier_sorts_by_severity(con, tmp_path):
    evaluate(con, tmp_path, {**BASE, "ast": "60"}, table="screen.at_risk_daily")
    con.execute("INSERT INTO screen.at_risk_daily BY NAME SELECT * REPLACE ('watch' AS tier, 7 AS tier_rank, "
                "'p2' AS patient_id) FROM screen.at_risk_daily")
    assert con.execute("SELECT max(tier), min(tier) FROM screen.at_risk_daily").fetchone() == ("criteria_met", "watch")
    assert [r[0] for r in con.execute("SELECT tier FROM screen.at_risk_daily ORDER BY tier DESC").fetchall()] == [
        "criteria_met", "watch"]
    assert [t["name"] for t in RULES.tiers][0] == "criteria_met"


def test_a_warehouse_written_by_an_older_rule_file_takes_the_new_layout(con, tmp_path):
    evaluate(con, tmp_path, {**BASE, "ast": "60"})
    # an older layout: fewer tiers in the ENUM, a column since retired, one since added missing
    con.execute("CREATE OR REPLACE TABLE screen.at_risk_daily AS SELECT * EXCLUDE (tier, alert), "
                "CAST(tier AS VARCHAR)::ENUM('watch', 'criteria_met') AS tier, 1.0 AS retired_column "
                "FROM screen.at_risk_daily")
    screening.build_screen(con, D, D, RULES)
    row = con.execute("SELECT tier, alert, retired_column FROM screen.at_risk_daily").fetchone()
    assert row == ("criteria_met", True, None)
    assert "pattern_context_unknown" in con.execute(
        "SELECT data_type FROM information_schema.columns WHERE table_name = 'at_risk_daily' AND column_name = 'tier'"
    ).fetchone()[0]


def test_tiers_of_an_older_rule_file_stay_readable_below_the_current_ones(con, tmp_path):
    evaluate(con, tmp_path, {**BASE, "ast": "60"})
    con.execute("CREATE OR REPLACE TABLE screen.at_risk_daily AS SELECT * EXCLUDE (tier), "
                "'trend_alarming'::ENUM('watch', 'trend_alarming', 'criteria_met') AS tier FROM screen.at_risk_daily")
    con.execute("UPDATE screen.at_risk_daily SET as_of_date = as_of_date - 1")  # an older day, not rewritten
    screening.build_screen(con, D, D, RULES)
    rows = con.execute("SELECT as_of_date, tier FROM screen.at_risk_daily ORDER BY tier").fetchall()
    assert rows == [(date(2024, 1, 9), "trend_alarming"), (date(2024, 1, 10), "criteria_met")]
    assert con.execute("SELECT max(tier) FROM screen.at_risk_daily").fetchone()[0] == "criteria_met"


@pytest.mark.parametrize("name, counts", [
    ("prednisolone acetate 1% ophthalmic suspension", False), ("hydrocortisone 1% cream", False),
    ("prednisolone 5 mg tablet", True),
])
def test_a_local_dosage_form_in_the_name_does_not_count_without_a_route(con, tmp_path, name, counts):
    write_extract(tmp_path / "medications_1.csv",
                  ("patient_id", "encounter_id", "code_system", "code", "name", "started_at", "ended_at"),
                  [{"patient_id": "p1", "code_system": "", "code": "", "name": name,
                    "started_at": "2023-10-01T08:00:00", "ended_at": ""}])
    row = evaluate(con, tmp_path, {"ferritin": "7000"}, temperature=None)
    assert row["hscore__evidence"]["immunosuppression"]["known"] is counts


def test_a_re_order_under_another_code_system_keeps_the_course(con, tmp_path):
    columns = ("patient_id", "encounter_id", "code_system", "code", "name", "route", "started_at", "ended_at")
    write_extract(tmp_path / "medications_1.csv", columns, [
        {"patient_id": "p1", "code_system": "RXNORM", "code": "8640", "name": "prednisone", "route": "PO",
         "started_at": "2023-10-01T08:00:00", "ended_at": "2024-01-08T10:00:00"},
        {"patient_id": "p1", "code_system": "NDC", "code": "0054-4728-25", "name": "predniSONE 20 mg tablet",
         "route": "PO", "started_at": "2024-01-08T12:00:00", "ended_at": ""}])
    row = evaluate(con, tmp_path, {"ferritin": "7000"}, temperature=None, birth_date="1980-01-01")
    assert row["hscore__evidence"]["immunosuppression"]["known"] is True


@pytest.mark.parametrize("care_unit, in_icu", [("", None), ("CSRU", True), ("Intensive Care Unit", True)])
def test_an_encounter_without_a_care_unit_leaves_the_icu_stay_unknown(con, tmp_path, care_unit, in_icu):
    write_extract(tmp_path / "encounters_1.csv",
                  ("patient_id", "encounter_id", "admit_at", "discharge_at", "encounter_type", "care_unit"),
                  [{"patient_id": "p1", "encounter_id": "e1", "admit_at": "2024-01-08T10:00:00", "discharge_at": "",
                    "encounter_type": "inpatient", "care_unit": care_unit}])
    row = evaluate(con, tmp_path, {"ferritin": "3000"}, diagnoses=[], birth_date="1980-01-01")
    assert row["in_icu"] is in_icu
    assert row["hscore_icu__population"] == {None: "unknown", True: "in"}[in_icu]


@pytest.mark.parametrize("name", ["Kineret 100 mg/0.67 mL", "ACTEMRA 162 mg/0.9 mL", "Ilaris"])
def test_brand_names_of_il1_or_il6_blockade_make_the_context_suspected(con, tmp_path, name):
    write_extract(tmp_path / "medications_1.csv",
                  ("patient_id", "encounter_id", "code_system", "code", "name", "started_at", "ended_at"),
                  [{"patient_id": "p1", "code_system": "", "code": "", "name": name,
                    "started_at": "2024-01-08T10:00:00", "ended_at": ""}])
    assert evaluate(con, tmp_path, {**BASE, "ast": "60"}, diagnoses=[])["eular_acr_2016__context"] == "suspected"


def test_rules_fired_lists_only_results_a_tier_counts(con, tmp_path):
    # a low ESR passes the ratio, but without a rheumatic context the ratio flags no one
    row = evaluate(con, tmp_path, {"ferritin": "12000", "esr": "10"}, temperature=None, diagnoses=[],
                   birth_date="2012-01-01", table="screen.at_risk_daily")
    assert row["tier"] == "marker_in_children" and row["rules_fired"] == ["ferritin_above_10000"]


@pytest.mark.parametrize("values, lower, upper, above_10000", [
    ((">2000", "2500"), 35, 50, None),       # the exact 2500 is the maximum; '>2000' could be anything above
    ((">9000", "9500"), 50, 50, None),      # above 10,000 is possible, not sure
    (("2500", "3000"), 35, 35, False),       # exact values only: the bounds meet
])
def test_a_censored_value_beside_a_larger_exact_one_keeps_the_bounds_true(con, tmp_path, values, lower, upper,
                                                                          above_10000):
    write_labs(tmp_path, "labs_0.csv", [lab("f0", CODES["ferritin"], values[0], "ng/mL", "2024-01-09T06:00:00")])
    row = evaluate(con, tmp_path, {"ferritin": values[1]}, temperature=None)
    item = row["hscore__evidence"]["ferritin"]
    assert (item["points_lower"], item["points_upper"]) == (lower, upper)
    assert row["ferritin_above_10000__evidence"]["ferritin"]["met"] is above_10000
    assert row["ferritin_above_10000__possible"] is (above_10000 is None)


def test_a_text_tier_of_an_earlier_release_becomes_the_ordered_enum(con, tmp_path):
    evaluate(con, tmp_path, {**BASE, "ast": "60"})
    con.execute("CREATE OR REPLACE TABLE screen.at_risk_daily AS SELECT * EXCLUDE (tier), "
                "'trend_alarming' AS tier FROM screen.at_risk_daily")
    con.execute("UPDATE screen.at_risk_daily SET as_of_date = as_of_date - 1")
    screening.build_screen(con, D, D, RULES)
    assert con.execute("SELECT list(CAST(tier AS VARCHAR) ORDER BY tier DESC) FROM screen.at_risk_daily").fetchone()[0] == [
        "criteria_met", "trend_alarming"]
