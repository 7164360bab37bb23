"""The example research queries (sql/examples) on a demo-like snapshot and its research release.

Every example runs where its header says (snapshot, release) and is refused, with the reason, on
a release it cannot run on. Answers are checked against the generator's truth (truth/*.csv) where
one exists, against a count made here with polars from the tables the example reads, or against
the audit's own tables; and, where de-identification keeps the answer (counts, scores, intervals
within a patient), the release's answer equals the snapshot's. Timestamps are compared as instants;
lead times are stored rounded to 2 decimals and compared to that precision.
"""

import csv
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from pipelines.cli import main
from pipelines.core.warehouse import connect
from pipelines.research import query

from conftest import SITE_TZ

ZONE = ZoneInfo(SITE_TZ)
EXAMPLES = query.examples()
TABLE_NAME = re.compile(r"\b(?:staging|features|screen|audit|quarantine|meta)\.[a-z_]+")


def files(released_hospital):
    published = released_hospital / "published"
    return {"snapshot": published / "warehouse.duckdb", "release": published / "research.duckdb"}


def answer(path, name: str) -> pl.DataFrame:
    with query.open_read_only(path, SITE_TZ) as con:
        return query.run_example(con, query.example(name)).pl()


def table(path, sql: str) -> pl.DataFrame:
    with query.open_read_only(path, SITE_TZ) as con:
        return con.sql(sql).pl()


def same_rows(left: pl.DataFrame, right: pl.DataFrame, drop: tuple[str, ...] = ()) -> bool:
    """The two answers hold the same rows, whatever their order, once the columns de-identification
    changes (pseudonyms, shifted days and times) are dropped."""
    left, right = left.drop(drop), right.drop(drop)
    return left.columns == right.columns and left.sort(left.columns, nulls_last=True).equals(
        right.sort(right.columns, nulls_last=True))


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def cutoff(day) -> datetime:
    """When a day's flag is known: the start of the next local day."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=ZONE)


def read_truth(released_hospital, name: str) -> list[dict]:
    with open(released_hospital / "truth" / name) as handle:
        return list(csv.DictReader(handle))


def test_there_are_at_least_eight_examples_each_with_its_header():
    assert len(EXAMPLES) >= 8
    for example in EXAMPLES:
        header = query.parse_header(example.sql)
        assert set(header) == {"Question", "Reads", "Writes", "Runs on", "Columns", "Caveats"}, example.name
        assert all(header.values()), example.name
        assert example.question.endswith("?"), example.name
        assert "snapshot" in example.runs_on, example.name
        if "release" not in example.runs_on:
            assert "(" in example.where, f"{example.name} says where it runs but not why not on the release"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_each_example_reads_the_tables_its_header_names_and_runs_where_it_says(released_hospital, example):
    paths = files(released_hospital)
    named = set(TABLE_NAME.findall(example.reads))
    used = set(TABLE_NAME.findall(_body(example.sql)))
    assert named == used, f"{example.name}: header names {sorted(named)}, the SQL reads {sorted(used)}"
    for place, path in paths.items():
        if place in example.runs_on:
            assert answer(path, example.name).height > 0, f"{example.name} gives no row on the {place}"
        else:
            with pytest.raises(query.QueryError, match="snapshot only"):
                answer(path, example.name)
            missing = table(path, "SELECT schema_name || '.' || table_name AS name FROM duckdb_tables()")["name"]
            assert named - set(missing), f"{example.name} is said not to run on the {place}, which has its tables"


def _body(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))


def test_patients_per_tier_counts_the_flagged_patients_by_their_most_severe_tier(released_hospital):
    paths = files(released_hospital)
    snapshot = answer(paths["snapshot"], "patients_per_tier")
    flags = table(paths["snapshot"], "SELECT patient_id, CAST(tier AS VARCHAR) AS tier, tier_rank FROM screen.at_risk_daily")
    highest = flags.group_by("patient_id").agg(pl.col("tier_rank").min())
    by_hand = (flags.group_by("tier", "tier_rank").agg(patients_ever=pl.col("patient_id").n_unique(),
                                                       flagged_days=pl.len())
               .join(highest.group_by("tier_rank").agg(patients_highest=pl.len()), on="tier_rank", how="left")
               .with_columns(pl.col("patients_highest").fill_null(0)).sort("tier_rank"))
    got = snapshot.with_columns(pl.col("tier").cast(pl.String)).sort("tier_rank")
    assert got.select(by_hand.columns).equals(by_hand.with_columns(pl.col("patients_highest").cast(pl.Int64),
                                                                   pl.col("patients_ever").cast(pl.Int64),
                                                                   pl.col("flagged_days").cast(pl.Int64)),
                                              null_equal=True)
    assert snapshot["patients_highest"].sum() == flags["patient_id"].n_unique() > 0
    assert same_rows(answer(paths["release"], "patients_per_tier"), snapshot)


def test_flags_per_month_equal_the_audit_on_the_snapshot_and_keep_only_totals_on_the_release(released_hospital):
    paths = files(released_hospital)
    snapshot = answer(paths["snapshot"], "flags_per_1000_patient_days_by_month")
    audit = table(paths["snapshot"], "SELECT strftime(month, '%Y-%m') AS month, patient_days, flagged_days, "
                                     "flags_per_1000_patient_days FROM audit.screen_performance "
                                     "WHERE level_kind = 'all' ORDER BY month")
    assert snapshot.height >= 3  # the 75 days span January to March
    assert snapshot.select(audit.columns).cast(audit.schema).equals(audit)
    release = answer(paths["release"], "flags_per_1000_patient_days_by_month")
    for column in ("patient_days", "flagged_days", "alert_days"):
        assert release[column].sum() == snapshot[column].sum()
    # shifted by up to 182 days either way, each patient's days spread over other months
    assert release.height > snapshot.height
    assert not same_rows(release, snapshot)


def test_score_distributions_by_context_are_the_same_on_the_release(released_hospital):
    paths = files(released_hospital)
    snapshot = answer(paths["snapshot"], "score_distribution_by_context")
    evaluations = table(paths["snapshot"], "SELECT hscore__context, ms_score__context, hscore__lower FROM screen.rule_evaluations")
    days = evaluations.group_by("hscore__context").len().sort("hscore__context")
    hscore = snapshot.filter(pl.col("score") == "hscore").sort("context")
    assert hscore["context"].to_list() == days["hscore__context"].to_list()
    assert hscore["patient_days"].to_list() == days["len"].to_list()
    assert hscore["lower_max"].to_list() == evaluations.group_by("hscore__context").agg(
        pl.col("hscore__lower").max()).sort("hscore__context")["hscore__lower"].to_list()
    assert same_rows(answer(paths["release"], "score_distribution_by_context"), snapshot)


def test_lead_times_to_the_first_code_follow_the_truth_and_the_audit(released_hospital):
    paths = files(released_hospital)
    snapshot = answer(paths["snapshot"], "lead_time_to_diagnosis_code")
    recognition = read_truth(released_hospital, "recognition.csv")
    recognised = {row["patient_id"] for row in recognition if row["recognised_at"]}
    coded_first = {row["patient_id"]: local(row["recognised_at"]) for row in recognition
                   if row["recognised_by"] == "diagnosis_code"}
    assert coded_first and set(snapshot["patient_id"]) <= recognised
    rows = {row["patient_id"]: row for row in snapshot.iter_rows(named=True)}
    for patient, code_at in coded_first.items():
        assert rows[patient]["first_code_at"] == code_at, patient
    # the lead from the code to the cutoff of the patient's first flagged day, counted here
    flags = table(paths["snapshot"], "SELECT patient_id, min(as_of_date) AS first_day FROM screen.at_risk_daily GROUP BY ALL")
    first_day = dict(flags.iter_rows())
    led = 0
    for patient, row in rows.items():
        if patient not in first_day:
            assert row["lead_time_hours"] is None and not row["flagged_before_code"]
            continue
        hours = (row["first_code_at"] - cutoff(first_day[patient])).total_seconds() / 3600
        assert row["lead_time_hours"] == pytest.approx(hours, abs=0.005), patient
        led += row["flagged_before_code"]
    assert led > 0, "no patient was flagged before the code: the hospital does not test the lead"
    # the audit's lead time for the episodes whose counted recognition is that first code
    audit = table(paths["snapshot"], "SELECT c.patient_id, c.lead_time_hours, c.recognised_at, e.first_flag_at "
                                     "FROM audit.missed_cases AS c JOIN screen.episodes AS e USING (episode_id) "
                                     "WHERE c.recognised_by = 'diagnosis_code'")
    compared = 0
    for patient, lead, recognised_at, first_flag_at in audit.iter_rows():
        row = rows[patient]
        if recognised_at == row["first_code_at"] and first_flag_at == row["first_flag_at"]:
            assert row["lead_time_hours"] == pytest.approx(lead, abs=0.005), patient
            compared += 1
    assert compared > 0
    assert same_rows(answer(paths["release"], "lead_time_to_diagnosis_code"), snapshot,
                     drop=("patient_id", "first_code_at", "first_flag_at", "first_alert_at"))


def test_the_2016_criteria_and_what_followed(released_hospital):
    paths = files(released_hospital)
    snapshot = answer(paths["snapshot"], "eular_acr_2016_then_recognition")
    met = table(paths["snapshot"], "SELECT patient_id, min(as_of_date) AS first_met_date, count(*) AS met_days "
                                   "FROM screen.rule_evaluations WHERE eular_acr_2016__met "
                                   "AND eular_acr_2016__context IN ('known', 'suspected') "
                                   "AND eular_acr_2016__population = 'in' GROUP BY ALL")
    assert met.height > 0
    assert same_rows(snapshot.select(met.columns), met)
    # a diagnosis code the generator recorded after the criteria were first met (landing/diagnoses.csv)
    with open(released_hospital / "landing" / "diagnoses.csv") as handle:
        codes = [row for row in csv.DictReader(handle) if row["code"].replace(".", "").startswith(("D761", "D762", "D763"))]
    followed = 0
    for row in snapshot.iter_rows(named=True):
        known_at = cutoff(row["first_met_date"])
        after = sorted(local(c["recorded_at"]) for c in codes
                       if c["patient_id"] == row["patient_id"] and local(c["recorded_at"]) > known_at)
        expected = round((after[0] - known_at).total_seconds() / 3600, 2) if after else None
        assert row["code_after_hours"] == (pytest.approx(expected, abs=0.005) if after else None), row["patient_id"]
        followed += bool(after)
    assert followed > 0
    assert same_rows(answer(paths["release"], "eular_acr_2016_then_recognition"), snapshot,
                     drop=("patient_id", "first_met_date"))


def test_trajectories_around_the_first_flag_are_the_same_on_the_release(released_hospital):
    paths = files(released_hospital)
    snapshot = answer(paths["snapshot"], "trajectories_around_first_flag")
    assert set(snapshot["analyte"]) == {"ferritin", "platelets"}
    assert snapshot["day_from_flag"].min() >= -7 and snapshot["day_from_flag"].max() <= 6
    # the first flagged day itself (day -1), ferritin, counted here from the staged results
    labs = table(paths["snapshot"], """
        SELECT l.patient_id, l.value_num, e.first_flag_at, e.alert, l.collected_at
        FROM staging.lab_results AS l
        JOIN (SELECT patient_id, arg_min(first_flag_at, first_flag_date) AS first_flag_at,
                     arg_min(alert, first_flag_date) AS alert FROM screen.episodes GROUP BY ALL) AS e USING (patient_id)
        WHERE l.analyte = 'ferritin' AND l.value_num IS NOT NULL""")
    day_before = (labs.filter((pl.col("collected_at") >= pl.col("first_flag_at") - timedelta(hours=24))
                              & (pl.col("collected_at") < pl.col("first_flag_at")))
                  .group_by("alert", "patient_id").agg(pl.col("value_num").max()))
    for alert, patients in day_before.group_by("alert"):
        row = snapshot.filter((pl.col("first_episode_alert") == alert[0]) & (pl.col("analyte") == "ferritin")
                              & (pl.col("day_from_flag") == -1))
        assert row["patients"].to_list() == [patients.height]
        assert row["median"].item() in patients["value_num"].to_list()
    assert same_rows(answer(paths["release"], "trajectories_around_first_flag"), snapshot)


def test_near_misses_come_from_the_recognised_cases_never_flagged(released_hospital):
    paths = files(released_hospital)
    snapshot = answer(paths["snapshot"], "near_misses")
    never_flagged = [row for row in read_truth(released_hospital, "recognition.csv")
                     if row["expected_category"] == "recognised_never_flagged"]
    assert never_flagged and 0 < snapshot["cases"].max() <= len(never_flagged)
    misses = table(paths["snapshot"], "SELECT case_id, unnest(near_misses, recursive := true) FROM audit.missed_cases "
                                      "WHERE category = 'recognised_never_flagged'")
    by_hand = misses.group_by("rule", "item").agg(cases=pl.col("case_id").n_unique(),
                                                  cases_item_met=pl.col("case_id").filter(pl.col("met")).n_unique())
    got = snapshot.select("rule", "item", "cases", "cases_item_met")
    assert same_rows(got, by_hand.cast(got.schema))
    assert same_rows(answer(paths["release"], "near_misses"), snapshot)


def test_quarantine_reasons_equal_the_injected_defects(released_hospital):
    paths = files(released_hospital)
    snapshot = answer(paths["snapshot"], "quarantine_reasons_by_source")
    kind = {"lab_results": "labs", "vital_signs": "vitals"}
    got = {(kind[row["table_name"]], row["reason"]): row["rows_quarantined"]
           for row in snapshot.iter_rows(named=True) if row["source"] == "landing"}
    injected = {(row["file_kind"], row["reason"]): int(row["rows"])
                for row in read_truth(released_hospital, "injected_defects.csv") if int(row["rows"])}
    assert got == injected
    # the verdicts file: a row with a truth condition (episode_id_exists, day_flagged) is quarantined
    # with its reason when the condition holds, else as unknown_episode (tests/test_audit_truth.py)
    expected = [row for row in read_truth(released_hospital, "adjudications.csv")
                if row["expected_outcome"] == "quarantined"]
    got = {row["reason"]: row["rows_quarantined"] for row in snapshot.iter_rows(named=True)
           if row["source"] == "adjudications"}
    assert expected and sum(got.values()) == len(expected)
    for reason in {row["expected_reason"] for row in expected}:
        unconditional = sum(1 for row in expected if row["expected_reason"] == reason and not row["condition"])
        assert got.get(reason, 0) >= unconditional, reason


def test_the_command_runs_an_example_on_the_release(released_hospital, capsys):
    paths = files(released_hospital)
    assert main(["query", "--db", str(paths["release"]), "--example", "patients_per_tier"]) == 0
    assert "criteria_met" in capsys.readouterr().out
    assert main(["query", "--db", str(paths["release"]), "--example", "quarantine_reasons_by_source"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "snapshot only" in err[0] and "Traceback" not in err[0]


def test_the_snapshot_and_warehouse_agree_on_an_example(released_hospital):
    """The snapshot is what a reader gets: the example gives the warehouse's own answer."""
    paths = files(released_hospital)
    example = query.example("patients_per_tier")
    with connect(released_hospital / "warehouse.duckdb", SITE_TZ, read_only=True) as con:
        warehouse = con.sql(example.sql).pl()
    assert same_rows(answer(paths["snapshot"], "patients_per_tier"), warehouse)
