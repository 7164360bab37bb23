"""The quality audit's tables (pipelines/audit/quality_audit.py, sql/screen/episodes.sql, sql/audit/) on tiny explicit
fixtures: flagged days and evaluations written by hand, diagnoses, orders and encounters through the
real landing and staging. Windows come from the packaged rule file (audit section): gap 2 days,
recognition 30 days before the first flag to 7 days after the last, near misses 14 days before to 1
after, oncology regimen 72 hours."""

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from zoneinfo import ZoneInfo

from conftest import SITE_TZ, load_and_stage, write_extract
from pipelines.audit import quality_audit as audit
from pipelines.core.contract import DIAGNOSES, ENCOUNTERS, MEDICATIONS, PATIENTS
from pipelines.core.warehouse import run_script
from pipelines.features.rule_set import active_rule_set

TZ = ZoneInfo(SITE_TZ)
RULE_SET = active_rule_set()
TIERS = [tier["name"] for tier in RULE_SET.tiers]


def cutoff(day: date) -> datetime:
    """When a flag on `day` is first known: the start of the next local day."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), TZ)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def make_screen(con, flags: list[tuple], evaluated: list[tuple[str, date]]) -> None:
    """screen.at_risk_daily from (patient, day, tier, rules) and screen.rule_evaluations from
    (patient, day) (every flagged day is evaluated too), with the columns the audit reads."""
    enum = ", ".join(f"'{name}'" for name in reversed(TIERS))
    con.execute(f"CREATE OR REPLACE TYPE tier_type AS ENUM ({enum})")
    con.execute("""CREATE OR REPLACE TABLE screen.at_risk_daily (patient_id VARCHAR, as_of_date DATE, tier tier_type,
                   tier_rank INTEGER, alert BOOLEAN, rules_fired VARCHAR[], rule_set_version VARCHAR,
                   hscore__lower INTEGER, hscore__upper INTEGER, hlh_2004__criteria_met BIGINT,
                   ms_score__lower DOUBLE, ms_score__upper DOUBLE, eular_acr_2016__met BOOLEAN)""")
    for patient, day, tier, rules in flags:
        alert = next(t["alert"] for t in RULE_SET.tiers if t["name"] == tier)
        con.execute("INSERT INTO screen.at_risk_daily VALUES (?, ?, ?, ?, ?, ?, 'v1', 100, 150, 2, -1.5, 0.5, false)",
                    [patient, day, tier, TIERS.index(tier) + 1, alert, rules])
    rules = list(RULE_SET.rules)
    columns = ", ".join(f"{rule}__met BOOLEAN DEFAULT false, {rule}__possible BOOLEAN DEFAULT false" for rule in rules)
    con.execute(f"CREATE OR REPLACE TABLE screen.rule_evaluations (patient_id VARCHAR, as_of_date DATE, "
                f"eular_acr_2016__met_without_context BOOLEAN DEFAULT false, {columns})")
    days = sorted(set(evaluated) | {(patient, day) for patient, day, _, _ in flags})
    if days:
        con.executemany("INSERT INTO screen.rule_evaluations (patient_id, as_of_date) VALUES (?, ?)", days)


def make_features(con, values: list[tuple[str, date, str, float, float]] = ()) -> None:
    """features.patient_day with every pairing-window minimum and maximum column the near misses
    read, NULL unless given as (patient, day, analyte, minimum, maximum)."""
    window = RULE_SET.pairing_window
    analytes = sorted({item["analyte"] for item in audit.near_miss_items(RULE_SET)})
    columns = ", ".join(f"{a}__{window}__min DOUBLE, {a}__{window}__max DOUBLE" for a in analytes)
    con.execute(f"CREATE OR REPLACE TABLE features.patient_day (patient_id VARCHAR, as_of_date DATE, {columns})")
    for patient, day, analyte, minimum, maximum in values:
        con.execute("INSERT INTO features.patient_day (patient_id, as_of_date) SELECT ?, ? WHERE NOT EXISTS "
                    "(SELECT 1 FROM features.patient_day WHERE patient_id = ? AND as_of_date = ?)",
                    [patient, day, patient, day])
        con.execute(f"UPDATE features.patient_day SET {analyte}__{window}__min = ?, {analyte}__{window}__max = ? "
                    "WHERE patient_id = ? AND as_of_date = ?", [minimum, maximum, patient, day])


def stage_events(con, tmp_path: Path, diagnoses=(), orders=(), encounters=()) -> None:
    landing = tmp_path / "landing"
    patients = sorted({row["patient_id"] for row in (*diagnoses, *orders, *encounters)})
    write_extract(landing / "patients.csv", PATIENTS.columns, [{"patient_id": p} for p in patients])
    write_extract(landing / "diagnoses.csv", DIAGNOSES.columns, list(diagnoses))
    write_extract(landing / "medications.csv", MEDICATIONS.columns, list(orders))
    write_extract(landing / "encounters.csv", ENCOUNTERS.columns, list(encounters))
    load_and_stage(con, landing)


def diagnosis(patient: str, code: str, at: datetime, system: str = "ICD10CM") -> dict:
    return {"patient_id": patient, "code_system": system, "code": code, "recorded_at": iso(at)}


def order(patient: str, name: str, at: datetime, route: str = "") -> dict:
    return {"patient_id": patient, "name": name, "started_at": iso(at), "route": route}


def stay(patient: str, encounter: str, admit: datetime, discharge: datetime | None = None) -> dict:
    return {"patient_id": patient, "encounter_id": encounter, "admit_at": iso(admit),
            "discharge_at": iso(discharge) if discharge else ""}


@pytest.fixture
def warehouse(con):
    run_script(con, "warehouse.sql")
    return con


def build_all(con, adjudications: Path | None = None) -> None:
    audit.build_episodes(con, RULE_SET)
    audit.build_recognition(con, RULE_SET)
    if adjudications is not None:
        audit.load_adjudications(con, adjudications)
    audit.build_adjudications(con, "test")
    audit.build_missed_cases(con, RULE_SET)
    audit.build_screen_performance(con, RULE_SET)


D = date(2024, 3, 1)


def test_flagged_days_at_most_the_gap_apart_are_one_episode_with_a_stable_id(warehouse, tmp_path):
    flags = [("p1", D, "watch", ["dynamic_other"]), ("p1", D + timedelta(1), "criteria_met", ["eular_acr_2016"]),
             ("p1", D + timedelta(4), "watch", ["dynamic_other"]),     # 2 unflagged days: same episode
             ("p1", D + timedelta(8), "watch", ["dynamic_other"]),     # 3 unflagged days: a new one
             ("p2", D + timedelta(20), "score_high", ["hscore"])]
    make_screen(warehouse, flags, [("p2", D + timedelta(22))])
    stage_events(warehouse, tmp_path)
    assert audit.build_episodes(warehouse, RULE_SET) == 3
    rows = warehouse.execute("""SELECT episode_id, first_flag_date, last_flag_date, flagged_days, CAST(highest_tier AS VARCHAR),
                                       highest_tier_rank, alert, first_alert_date, rules_fired, first_flag_at, ongoing
                                FROM screen.episodes ORDER BY episode_id""").fetchall()
    assert rows == [
        ("p1/2024-03-01", D, D + timedelta(4), 3, "criteria_met", 1, True, D + timedelta(1),
         ["dynamic_other", "eular_acr_2016"], cutoff(D), False),
        ("p1/2024-03-09", D + timedelta(8), D + timedelta(8), 1, "watch", TIERS.index("watch") + 1, False, None,
         ["dynamic_other"], cutoff(D + timedelta(8)), False),
        # the last computed day (03-23) is 2 days after its last flag: it may go on
        ("p2/2024-03-21", D + timedelta(20), D + timedelta(20), 1, "score_high", 2, True, D + timedelta(20),
         ["hscore"], cutoff(D + timedelta(20)), True),
    ]
    audit.build_episodes(warehouse, RULE_SET)
    assert [r[0] for r in warehouse.execute("SELECT episode_id FROM screen.episodes ORDER BY 1").fetchall()] == \
        [r[0] for r in rows]


def test_recognition_counts_codes_and_strong_therapies_started_in_a_stay(warehouse, tmp_path):
    admit = datetime(2024, 3, 1, 8, tzinfo=TZ)
    make_screen(warehouse, [], [])
    stage_events(warehouse, tmp_path, diagnoses=[
        diagnosis("p1", "D76.1", admit + timedelta(hours=5)),
        diagnosis("p1", "M08.20", admit),                            # sJIA: context, not recognition
        diagnosis("p2", "288.4", admit, system="ICD9CM"),
        diagnosis("p3", "D76.3", admit + timedelta(days=1)),
    ], orders=[
        order("p1", "Anakinra 100 mg", admit + timedelta(hours=2)),          # in the stay: strong
        order("p4", "anakinra", admit - timedelta(days=90)),                 # long-term, before any stay: no
        order("p5", "etoposide", admit + timedelta(hours=3)),                # with cytarabine 72 h later: chemo
        order("p5", "cytarabine", admit + timedelta(hours=75)),
        order("p6", "etoposide", admit + timedelta(hours=3)),                # cytarabine 72 h + 1 min later: HLH
        order("p6", "cytarabine", admit + timedelta(hours=75, minutes=1)),
        order("p7", "methylprednisolone sodium succinate", admit + timedelta(hours=1), route="IV"),   # weak
        order("p7", "methylprednisolone", admit + timedelta(hours=2), route="oral"),                 # not listed
    ], encounters=[stay(p, f"e-{p}", admit, admit + timedelta(days=10)) for p in ("p1", "p5", "p6", "p7")])
    audit.build_recognition(warehouse, RULE_SET)
    rows = warehouse.execute("""SELECT patient_id, recognised_by, strength, therapy, counts_as_recognition, first_at,
                                       code_or_name, events FROM audit.recognition ORDER BY ALL""").fetchall()
    assert rows == [
        ("p1", "diagnosis_code", "strong", None, True, admit + timedelta(hours=5), "D76.1", 1),
        ("p1", "directed_therapy", "strong", "anakinra", True, admit + timedelta(hours=2), "Anakinra 100 mg", 1),
        ("p2", "diagnosis_code", "strong", None, True, admit, "288.4", 1),
        ("p3", "diagnosis_code", "strong", None, True, admit + timedelta(days=1), "D76.3", 1),
        ("p6", "directed_therapy", "strong", "etoposide", True, admit + timedelta(hours=3), "etoposide", 1),
        ("p7", "directed_therapy", "weak", "methylprednisolone", False, admit + timedelta(hours=1),
         "methylprednisolone sodium succinate", 1),
    ]
    source = warehouse.execute("SELECT _source_file, _source_row FROM audit.recognition WHERE patient_id = 'p2'").fetchone()
    assert source == ("diagnoses.csv", 3)


def test_missed_case_categories_and_lead_times_at_their_boundaries(warehouse, tmp_path):
    day = D + timedelta(days=40)
    first_flag_at = cutoff(day)
    flags = [(p, day, "criteria_met", ["eular_acr_2016"]) for p in ("early", "at", "late", "none", "open", "window")]
    flags += [("open", D + timedelta(days=60), "criteria_met", ["eular_acr_2016"])]
    make_screen(warehouse, flags, [("x", D + timedelta(days=65))])  # the last computed day: 03-01 + 65
    make_features(warehouse)
    stage_events(warehouse, tmp_path, diagnoses=[
        diagnosis("at", "D76.1", first_flag_at),                                    # at the first flag: before
        diagnosis("late", "D76.1", first_flag_at + timedelta(minutes=90)),         # 1.5 h after: late
        diagnosis("early", "D76.1", first_flag_at - timedelta(days=30)),           # 30 days before: belongs
        diagnosis("window", "D76.1", cutoff(day) + timedelta(days=7, seconds=1)),  # 7 days + 1 s after: not its own
    ])
    build_all(warehouse)
    rows = dict(((case, category), lead) for case, category, lead in warehouse.execute(
        "SELECT case_id, category, lead_time_hours FROM audit.missed_cases").fetchall())
    assert rows == {
        ("at/2024-04-10", "recognised_before_flag"): 0.0,
        ("late/2024-04-10", "recognised_late"): 1.5,
        ("early/2024-04-10", "recognised_before_flag"): -720.0,
        ("none/2024-04-10", "possibly_unrecognised"): None,
        ("window/2024-04-10", "possibly_unrecognised"): None,
        ("window/recognised/2024-04-18", "recognised_never_flagged"): None,
        ("open/2024-04-10", "possibly_unrecognised"): None,
        # flagged 03-01 + 60 = 04-30, last computed day 05-05: its window closes after 05-08
        ("open/2024-04-30", "recognition_window_open"): None,
    }


def test_a_recognised_case_never_flagged_lists_near_misses_and_why_each_rule_did_not_fire(warehouse, tmp_path):
    recognised = datetime(2024, 3, 20, 10, tzinfo=TZ)
    make_screen(warehouse, [], [("p1", date(2024, 3, 18)), ("p1", date(2024, 3, 19))])
    warehouse.execute("UPDATE screen.rule_evaluations SET hlh_2004__possible = true WHERE as_of_date = '2024-03-19'")
    make_features(warehouse, [("p1", date(2024, 3, 18), "ferritin", 500.0, 600.0),
                              ("p1", date(2024, 3, 19), "ferritin", 650.0, 650.0),
                              ("p1", date(2024, 3, 19), "platelets", 200.0, 250.0),
                              ("p1", date(2024, 3, 5), "ferritin", 5000.0, 5000.0)])   # 15 days before: outside
    stage_events(warehouse, tmp_path, diagnoses=[diagnosis("p1", "D76.1", recognised)])
    build_all(warehouse)
    category, near_misses, reasons = warehouse.execute(
        "SELECT category, near_misses, rules_not_fired FROM audit.missed_cases").fetchone()
    assert category == "recognised_never_flagged"
    by_item = {(m["rule"], m["item"]): m for m in near_misses}
    ferritin = by_item[("eular_acr_2016", "ferritin")]
    assert (ferritin["value"], ferritin["operator"], ferritin["threshold"], ferritin["distance"], ferritin["as_of_date"]) \
        == (650.0, ">", 684.0, 34.0, date(2024, 3, 19))
    platelets = by_item[("eular_acr_2016", "platelets")]
    assert (platelets["value"], platelets["operator"], platelets["threshold"], platelets["distance"], platelets["met"]) \
        == (200.0, "<=", 181.0, 19.0, False)
    assert by_item[("eular_acr_2016", "ast")]["value"] is None
    # the misses first, closest first (ferritin 34/684 of its threshold away), then the items met
    # (ferritin 650 reaches the lower ferritin cut-offs of other rules)
    misses = [m for m in near_misses if m["met"] is False]
    assert near_misses[:len(misses)] == misses
    assert [m["relative_distance"] for m in misses] == sorted(m["relative_distance"] for m in misses)
    assert (misses[0]["item"], misses[0]["relative_distance"]) == ("ferritin", round(34 / 684, 4))
    assert all(m["distance"] <= 0 for m in near_misses if m["met"])
    reasons = {r["rule"]: (r["reason"], r["days_evaluated"]) for r in reasons}
    assert reasons["hlh_2004"] == ("items_missing", 2)
    assert reasons["eular_acr_2016"] == ("thresholds_not_reached", 2)
    assert set(reasons) == set(RULE_SET.rules)


ADJUDICATION_HEADER = "episode_id,patient_id,as_of_date,verdict,reviewer,reviewed_at,note\n"


def test_adjudications_latest_verdict_wins_invalid_rows_are_quarantined_and_history_kept(warehouse, tmp_path):
    flags = [("p1", D, "criteria_met", ["eular_acr_2016"]), ("p1", D + timedelta(1), "criteria_met", ["eular_acr_2016"]),
             ("p2", D, "watch", ["dynamic_other"])]
    make_screen(warehouse, flags, [])
    make_features(warehouse)
    stage_events(warehouse, tmp_path)
    path = tmp_path / "adjudications.csv"
    path.write_text(ADJUDICATION_HEADER
                    + "p1/2024-03-01,,,confirmed,dr a,2024-03-05T10:00,first look\n"          # 1 overridden
                    + ",p1,2024-03-02,Not MAS,dr b,2024-03-06T10:00,\n"                       # 2 wins (later)
                    + ",p2,2024-03-01,uncertain,dr a,2024-03-05T09:00,\"=HYPERLINK(\"\"x\"\")\"\n"  # 3 applied
                    + ",,,confirmed,dr a,2024-03-05T10:00,\n"                                   # 4 missing_reference
                    + ",p1,2024-03-40,confirmed,dr a,2024-03-05T10:00,\n"                     # 5 invalid_timestamp
                    + "p1/2024-03-01,,,confirmed,dr a,yesterday,\n"                            # 6 invalid_timestamp
                    + "p1/2024-03-01,,,probably,dr a,2024-03-05T10:00,\n"                     # 7 invalid_verdict
                    + "p1/2024-03-01,,,confirmed, ,2024-03-05T10:00,\n"                        # 8 missing_reviewer
                    + "p9/2024-03-01,,,confirmed,dr a,2024-03-05T10:00,\n"                    # 9 unknown_episode
                    + ",p1,2024-03-09,confirmed,dr a,2024-03-05T10:00,\n"                     # 10 unknown_episode
                    + "p1/2024-03-01,p2,,confirmed,dr a,2024-03-05T10:00,\n")                 # 11 conflicting_reference
    build_all(warehouse, path)
    assert warehouse.execute("SELECT episode_id, verdict, reviewer, verdicts, _source_row FROM audit.adjudications "
                             "ORDER BY 1").fetchall() == [("p1/2024-03-01", "not_mas", "dr b", 2, 2),
                                                          ("p2/2024-03-01", "uncertain", "dr a", 1, 3)]
    quarantined = warehouse.execute("SELECT _source_row, reason FROM quarantine.rejected_rows "
                                    "WHERE table_name = 'adjudications' ORDER BY 1").fetchall()
    assert quarantined == [(4, "missing_reference"), (5, "invalid_timestamp"), (6, "invalid_timestamp"),
                           (7, "invalid_verdict"), (8, "missing_reviewer"), (9, "unknown_episode"),
                           (10, "unknown_episode"), (11, "conflicting_reference")]
    outcomes = warehouse.execute("SELECT outcome, count(*) FROM audit.adjudication_history GROUP BY ALL ORDER BY 1").fetchall()
    assert outcomes == [("applied", 2), ("later_verdict_wins", 1), ("quarantined", 8)]
    assert audit.adjudications_reconcile(warehouse) == []
    warehouse.execute("DELETE FROM quarantine.rejected_rows WHERE table_name = 'adjudications' AND _source_row = 4")
    assert audit.adjudications_reconcile(warehouse) == ["8 rows marked quarantined, 7 in quarantine.rejected_rows"]

    # a new version of the file: the old one is kept as history, its quarantine rows leave
    first = path.read_text()
    path.write_text(ADJUDICATION_HEADER + "p1/2024-03-01,,,confirmed,dr c,2024-03-07T10:00,\n")
    build_all(warehouse, path)
    assert warehouse.execute("SELECT episode_id, verdict FROM audit.adjudications").fetchall() == [("p1/2024-03-01", "confirmed")]
    assert warehouse.execute("SELECT count(*) FROM quarantine.rejected_rows WHERE table_name = 'adjudications'").fetchone() == (0,)
    assert warehouse.execute("SELECT outcome, count(*) FROM audit.adjudication_history GROUP BY ALL ORDER BY 1").fetchall() \
        == [("applied", 1), ("older_file_version", 11)]
    assert audit.adjudications_reconcile(warehouse) == []
    # the first content put back makes that version current again (not loaded twice)
    path.write_text(first)
    build_all(warehouse, path)
    assert warehouse.execute("SELECT count(*) FROM audit.adjudication_files").fetchone() == (2,)
    assert warehouse.execute("SELECT verdict FROM audit.adjudications WHERE episode_id = 'p1/2024-03-01'").fetchone() == ("not_mas",)


def test_an_adjudications_file_without_its_columns_is_refused_in_one_line(warehouse, tmp_path):
    path = tmp_path / "adjudications.csv"
    path.write_text("episode,verdict\nx,confirmed\n")
    with pytest.raises(audit.AdjudicationFileError, match="lacks the column"):
        audit.load_adjudications(warehouse, path)
    assert warehouse.execute("SELECT count(*) FROM audit.adjudication_history").fetchone() == (0,)
    assert audit.load_adjudications(warehouse, tmp_path / "absent.csv") == {"file": str(tmp_path / "absent.csv"),
                                                                          "missing": True}


def test_screen_performance_equals_a_count_by_hand(warehouse, tmp_path):
    march = [("a", D + timedelta(i), "criteria_met", ["eular_acr_2016"]) for i in range(3)]       # episode a, alert
    march += [("b", D + timedelta(10), "watch", ["dynamic_other"])]                              # episode b
    march += [("d", D + timedelta(19), "watch", ["dynamic_other"]),                              # episodes d1, d2:
              ("d", D + timedelta(24), "watch", ["dynamic_other"])]                              # one recognition
    april = [("c", date(2024, 4, 2), "score_high", ["hscore"])]                                   # episode c
    evaluated = [(f"q{i}", D + timedelta(i % 28)) for i in range(94)] + [(f"r{i}", date(2024, 4, 1 + i % 28)) for i in range(199)]
    make_screen(warehouse, march + april, evaluated)
    make_features(warehouse)
    stage_events(warehouse, tmp_path, diagnoses=[
        diagnosis("a", "D76.1", cutoff(D) + timedelta(hours=10)),          # late, lead 10 h
        diagnosis("c", "D76.1", cutoff(date(2024, 4, 2)) - timedelta(hours=4)),   # before the flag, lead -4 h
        diagnosis("z", "D76.1", datetime(2024, 3, 15, 12, tzinfo=TZ)),     # never flagged
        diagnosis("d", "D76.1", datetime(2024, 3, 22, 12, tzinfo=TZ)),     # 36 h after d1's flag, 84 h before d2's
    ])
    path = tmp_path / "adjudications.csv"
    path.write_text(ADJUDICATION_HEADER + "a/2024-03-01,,,confirmed,r,2024-03-05T10:00,\n"
                    + "b/2024-03-11,,,not_mas,r,2024-03-15T10:00,\nc/2024-04-02,,,uncertain,r,2024-04-05T10:00,\n")
    build_all(warehouse, path)
    rows = {(r["month"], r["level_kind"], r["level"]): r for r in warehouse.execute(
        "SELECT * FROM audit.screen_performance").pl().to_dicts()}
    assert len(rows) == 2 * (1 + len(TIERS) + len(RULE_SET.rules))
    march_all = rows[(D, "all", "all")]
    assert march_all["patient_days"] == 100          # 94 + 6 flagged days
    assert march_all["flagged_days"] == 6 and march_all["flags_per_1000_patient_days"] == 60.0
    assert march_all["episodes"] == 4 and march_all["episodes_per_1000_patient_days"] == 40.0
    assert (march_all["adjudicated_episodes"], march_all["confirmed"], march_all["not_mas"]) == (2, 1, 1)
    assert march_all["positive_predictive_value"] == 0.5
    # a, d (one recognition for its two episodes) and z (never flagged)
    assert (march_all["recognised_cases"], march_all["recognised_cases_flagged"]) == (3, 2)
    assert march_all["sensitivity"] == round(2 / 3, 4) and march_all["recognised_cases_flagged_first"] == 2
    # lead times of a (10 h), d1 (36 h) and d2 (-84 h)
    assert (march_all["lead_time_cases"], march_all["lead_time_hours_median"]) == (3, 10.0)
    assert (march_all["lead_time_hours_q1"], march_all["lead_time_hours_q3"]) == (-37.0, 23.0)
    march_top = rows[(D, "tier", TIERS[0])]          # criteria_met only: episode a
    assert (march_top["flagged_days"], march_top["episodes"], march_top["positive_predictive_value"]) == (3, 1, 1.0)
    april_all = rows[(date(2024, 4, 1), "all", "all")]
    assert (april_all["patient_days"], april_all["episodes"], april_all["uncertain"]) == (200, 1, 1)
    assert april_all["positive_predictive_value"] is None          # uncertain counts in neither
    assert (april_all["recognised_cases"], april_all["recognised_cases_flagged_first"]) == (1, 0)
    assert april_all["lead_time_hours_median"] == -4.0
    hscore = rows[(date(2024, 4, 1), "rule", "hscore")]
    assert (hscore["flagged_days"], hscore["episodes"]) == (1, 1)
    assert rows[(D, "rule", "hscore")]["episodes"] == 0
