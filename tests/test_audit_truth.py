"""The quality audit against the synthetic hospital's truth (truth/recognition.csv,
truth/adjudications.csv): every case lands in its category with its lead time, every adjudication
row lands as its truth says, and the performance figures for level 'all' equal a count by hand.

One small hospital (500 patients over 65 days, seed 11; a third of its MAS stays recognised at
admission, a third never recognised, anakinra started for every suspected sJIA) is generated and
run through the whole graph once. It has at least one case of each category but
recognition_window_open, one recognised by in-stay anakinra, and adjudication rows whose
expectation needs the screen landing both ways (asserted below). Episodes are rebuilt here by hand
from screen.at_risk_daily (the gap rule of rules.yaml) and compared with screen.episodes; the
figures are counted with polars from the tables as read and from the truth files, never from the
audit's own columns. Rates, shares and hours are stored rounded (2 or 4 decimals): compared to
that precision.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from pipelines import runner
from pipelines.core.settings import REFERENCE_DIR
from pipelines.core.warehouse import connect
from pipelines.features.rule_set import load_rule_set
from pipelines.synthetic import Scenario, generate

from conftest import SITE_TZ

START = dt.date(2024, 1, 1)
PATIENTS, DAYS, SEED = 500, 65, 11
SCENARIO = Scenario(recognised_at_admission_share=0.34, never_recognised_share=0.34, suspected_sjia_anakinra_share=1.0)
TS = "%Y-%m-%dT%H:%M:%S"
ZONE = ZoneInfo(SITE_TZ)


def audit_parameter(name: str):
    return load_rule_set(REFERENCE_DIR / "rules.yaml").document["audit"][name]["value"]


def cutoff(day: dt.date) -> dt.datetime:
    """When a flag on `day` is known: the start of the next local day."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=ZONE)


def local(text: str) -> dt.datetime | None:
    return dt.datetime.strptime(text, TS).replace(tzinfo=ZONE) if text else None


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    folder = tmp_path_factory.mktemp("audited")
    generate(folder, patients=PATIENTS, days=DAYS, start=START, seed=SEED, scenario=SCENARIO)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(folder / "dagster_home"))
        env.delenv("MASSCREEN_ADJUDICATIONS", raising=False)  # the default: adjudications.csv beside the warehouse
        env.setenv("MASSCREEN_TIMEZONE", SITE_TZ)
        runner.configure(folder / "warehouse.duckdb", landing=folder / "landing")
        result = runner.run_range(START, START + dt.timedelta(days=DAYS - 1))
    assert result.success, result.failures
    tables = {}
    with connect(folder / "warehouse.duckdb", SITE_TZ, read_only=True) as con:
        for name in ("screen.at_risk_daily", "screen.episodes", "audit.recognition", "audit.missed_cases",
                     "audit.adjudications", "audit.adjudication_history", "audit.screen_performance"):
            tables[name] = con.execute(f"SELECT * FROM {name}").pl()
        tables["patient_days"] = con.execute(
            "SELECT as_of_date, count(*) AS n FROM screen.rule_evaluations GROUP BY ALL").pl()
        tables["rejected"] = con.execute(
            "SELECT _source_row, reason FROM quarantine.rejected_rows WHERE table_name = 'adjudications'").pl()
    return folder, tables


def episodes_by_hand(at_risk: pl.DataFrame) -> pl.DataFrame:
    """Flagged days joined into episodes: a gap of at most episode_gap_days unflagged days joins them."""
    gap = audit_parameter("episode_gap_days")
    return (at_risk.select("patient_id", "as_of_date").sort("patient_id", "as_of_date")
            .with_columns(new=(pl.col("as_of_date").diff().over("patient_id").dt.total_days() > gap + 1)
                          .fill_null(True))
            .with_columns(number=pl.col("new").cast(pl.Int64).cum_sum().over("patient_id"))
            .group_by("patient_id", "number")
            .agg(first_flag_date=pl.col("as_of_date").min(), last_flag_date=pl.col("as_of_date").max(),
                 flagged_days=pl.len())
            .with_columns(episode_id=pl.col("patient_id") + "/" + pl.col("first_flag_date").dt.strftime("%Y-%m-%d"))
            .drop("number"))


def expected_cases(folder, tables) -> list[dict]:
    """One expected audit case per truth row: category, episode, recognition, lead time in hours."""
    recognition = pl.read_csv(folder / "truth" / "recognition.csv", infer_schema=False)
    stays = pl.read_csv(folder / "landing" / "encounters.csv", infer_schema=False)
    episodes = episodes_by_hand(tables["screen.at_risk_daily"])
    last_day = tables["patient_days"]["as_of_date"].max()
    after = dt.timedelta(days=audit_parameter("recognition_after_flag_days"))
    end = START + dt.timedelta(days=DAYS - 1)
    cases = []
    for row in recognition.join(stays, on=["patient_id", "encounter_id"]).iter_rows(named=True):  # a few cases
        admit = dt.date.fromisoformat(row["admit_at"][:10])
        discharge = dt.date.fromisoformat(row["discharge_at"][:10]) if row["discharge_at"] else end
        mine = episodes.filter(pl.col("patient_id") == row["patient_id"]).sort("first_flag_date")
        during = mine.filter((pl.col("first_flag_date") <= discharge) & (pl.col("last_flag_date") >= admit))
        recognised_at = local(row["recognised_at"])
        case = {**row, "recognised_at": recognised_at, "episode_id": None, "lead_time_hours": None}
        if row["expected_category"] == "recognised_never_flagged":
            assert mine.height == 0, (row, mine)
            case["category"] = "recognised_never_flagged"
        else:
            assert during.height >= 1, row  # every MAS stay is flagged
            episode = during.row(0, named=True)
            first_flag_at = cutoff(episode["first_flag_date"])
            case["episode_id"] = episode["episode_id"]
            if recognised_at is None:
                closed = cutoff(episode["last_flag_date"]) + after <= cutoff(last_day)
                case["category"] = "possibly_unrecognised" if closed else "recognition_window_open"
            else:
                case["category"] = "recognised_before_flag" if recognised_at <= first_flag_at else "recognised_late"
                case["lead_time_hours"] = (recognised_at - first_flag_at).total_seconds() / 3600
            case["first_flag_date"] = episode["first_flag_date"]
        cases.append(case)
    return cases


def test_episodes_are_the_flagged_days_joined_across_short_gaps(audited):
    _, tables = audited
    by_hand = episodes_by_hand(tables["screen.at_risk_daily"])
    got = tables["screen.episodes"].select("episode_id", "patient_id", "first_flag_date", "last_flag_date",
                                           "flagged_days")
    assert sorted(got.rows()) == sorted(by_hand.select(got.columns).rows())
    first_flag_at = tables["screen.episodes"].select("first_flag_date", "first_flag_at").rows()
    assert all(at == cutoff(day) for day, at in first_flag_at)


def test_each_truth_case_lands_in_its_category_with_its_lead_time(audited):
    folder, tables = audited
    cases = expected_cases(folder, tables)
    assert {"recognised_before_flag", "recognised_late", "possibly_unrecognised",
            "recognised_never_flagged"} <= {c["category"] for c in cases}
    assert {"anakinra", "emapalumab", "D76.1"} <= {c["recognition_code_or_name"] for c in cases}
    missed = tables["audit.missed_cases"]
    for case in cases:  # a handful
        if case["episode_id"]:
            rows = missed.filter(pl.col("episode_id") == case["episode_id"])
            assert rows.height == 1, case
            got = rows.row(0, named=True)
            assert got["case_id"] == case["episode_id"]
        else:
            rows = missed.filter((pl.col("patient_id") == case["patient_id"]) & pl.col("episode_id").is_null())
            assert rows.height == 1, case
            got = rows.row(0, named=True)
            assert got["case_id"] == f"{case['patient_id']}/recognised/{case['recognised_at'].date().isoformat()}"
        assert got["category"] == case["category"], (case, got)
        assert got["patient_id"] == case["patient_id"]
        assert got["recognised_at"] == case["recognised_at"], (case, got)
        assert got["recognised_by"] == case["recognised_by"]
        assert (got["recognition_code_or_name"] or "").replace(".", "") == \
            (case["recognition_code_or_name"] or "").replace(".", "")
        if case["lead_time_hours"] is None:
            assert got["lead_time_hours"] is None
        else:
            # stored rounded to 2 decimals (sql/audit/missed_cases.sql)
            assert got["lead_time_hours"] == pytest.approx(case["lead_time_hours"], abs=0.005), (case, got)
    # nobody outside the truth is recognised: no long-term anakinra before the period, no etoposide
    # of a leukaemia regimen (with cytarabine); the recognition table says the same
    truth_recognised = {c["patient_id"] for c in cases if c["recognised_at"] is not None}
    assert set(missed.filter(pl.col("recognised_at").is_not_null())["patient_id"]) == truth_recognised
    counted = tables["audit.recognition"].filter(pl.col("counts_as_recognition"))
    assert set(counted["patient_id"]) == truth_recognised
    first = counted.group_by("patient_id").agg(pl.col("first_at").min())
    assert dict(first.iter_rows()) == {c["patient_id"]: c["recognised_at"] for c in cases if c["recognised_at"]}


def expected_adjudications(folder, tables) -> pl.DataFrame:
    """truth/adjudications.csv with its conditions settled by the hand-built episodes (a row whose
    condition fails is quarantined as unknown_episode), and the episode each row resolves to."""
    truth = pl.read_csv(folder / "truth" / "adjudications.csv", infer_schema=False).with_columns(
        pl.col("source_row").cast(pl.Int64), pl.col("condition").fill_null(""),
        day=pl.col("as_of_date").str.to_date(strict=False))
    episodes = episodes_by_hand(tables["screen.at_risk_daily"])
    resolved = truth.join(episodes, on="patient_id", how="left").filter(
        pl.col("day").is_between(pl.col("first_flag_date"), pl.col("last_flag_date")))
    truth = truth.join(resolved.select("source_row", "episode_id", "first_flag_date"), on="source_row", how="left")
    file = pl.read_csv(folder / "adjudications.csv", infer_schema=False).with_row_index("source_row", offset=1)
    named = file.select(pl.col("source_row").cast(pl.Int64), named_episode=pl.col("episode_id"))
    truth = truth.join(named, on="source_row").with_columns(
        named_exists=pl.col("named_episode").is_in(episodes["episode_id"].implode()))
    fails = (((pl.col("condition") == "day_flagged") & pl.col("episode_id").is_null())
             | ((pl.col("condition") == "episode_id_exists") & ~pl.col("named_exists")))
    return truth.with_columns(
        pl.col("condition").alias("truth_condition"),
        condition_holds=~fails,
        expected_outcome=pl.when(fails).then(pl.lit("quarantined")).otherwise("expected_outcome"),
        expected_verdict=pl.when(fails).then(pl.lit(None)).otherwise("expected_verdict"),
        expected_reason=pl.when(fails).then(pl.lit("unknown_episode")).otherwise("expected_reason"))


def test_each_adjudication_row_lands_as_expected(audited):
    folder, tables = audited
    expected = expected_adjudications(folder, tables)
    # the rows that decide the figures below: confirmed and not-MAS verdicts both applied
    applied = expected.filter(pl.col("expected_outcome") == "applied")
    assert {"confirmed", "not_mas"} <= set(applied["expected_verdict"])
    # the rows whose expectation needs the screen land both ways here: a confounder's day flagged or
    # not, a guessed episode id right (conflicting_reference) or not (unknown_episode)
    for condition in ("day_flagged", "episode_id_exists"):
        assert set(expected.filter(pl.col("truth_condition") == condition)["condition_holds"]) == {True, False}
    assert set(expected["expected_reason"].drop_nulls()) == {
        "missing_reference", "conflicting_reference", "unknown_episode", "invalid_verdict", "missing_reviewer",
        "invalid_timestamp"}
    history = tables["audit.adjudication_history"]
    assert history.height == expected.height  # one file version, every row kept
    outcome = dict(history.select("_source_row", "outcome").iter_rows())
    assert outcome == dict(expected.select("source_row", "expected_outcome").iter_rows())
    assert dict(history.filter(pl.col("outcome") == "quarantined").select("_source_row", "reason").iter_rows()) == \
        dict(expected.filter(pl.col("expected_outcome") == "quarantined").select("source_row", "expected_reason")
             .iter_rows())
    resolved = history.filter(pl.col("outcome") != "quarantined").select("_source_row", "resolved_episode_id")
    assert sorted(resolved.rows()) == sorted(expected.filter(pl.col("expected_outcome") != "quarantined")
                                             .select("source_row", "episode_id").rows())
    rejected = dict(tables["rejected"].iter_rows())
    assert rejected == dict(expected.filter(pl.col("expected_outcome") == "quarantined")
                            .select("source_row", "expected_reason").iter_rows())
    current = tables["audit.adjudications"]
    assert sorted(current.select("_source_row", "episode_id", "verdict").rows()) == sorted(
        applied.select("source_row", "episode_id", "expected_verdict").rows())
    # the episode reviewed twice: the later review wins, both counted
    twice = expected.filter(pl.col("expected_outcome") == "later_verdict_wins")["episode_id"].to_list()
    assert len(twice) == 1 and twice[0] is not None
    assert current.filter(pl.col("episode_id") == twice[0])["verdicts"].to_list() == [2]
    # a note that looks like a spreadsheet formula is kept as the reviewer wrote it
    notes = [n for n in current["note"].to_list() if n and "HYPERLINK" in n]
    assert notes == ['=HYPERLINK("http://example.invalid/case","open case")']


def test_screen_performance_for_all_equals_a_count_by_hand(audited):
    folder, tables = audited
    month = pl.col("as_of_date").dt.truncate("1mo")
    patient_days = tables["patient_days"].group_by(month.alias("month")).agg(patient_days=pl.col("n").sum())
    flagged = tables["screen.at_risk_daily"].group_by(month.alias("month")).agg(flagged_days=pl.len())
    episodes = episodes_by_hand(tables["screen.at_risk_daily"]).with_columns(
        month=pl.col("first_flag_date").dt.truncate("1mo"))
    per_month = episodes.group_by("month").agg(episodes=pl.len())
    verdicts = expected_adjudications(folder, tables).filter(pl.col("expected_outcome") == "applied").with_columns(
        month=pl.col("first_flag_date").dt.truncate("1mo")).group_by("month").agg(
        adjudicated_episodes=pl.col("episode_id").n_unique(),
        confirmed=(pl.col("expected_verdict") == "confirmed").sum(),
        not_mas=(pl.col("expected_verdict") == "not_mas").sum(),
        uncertain=(pl.col("expected_verdict") == "uncertain").sum())
    cases = pl.DataFrame([{"recognised_month": c["recognised_at"].date().replace(day=1),
                           "flagged": c["episode_id"] is not None, "lead": c["lead_time_hours"],
                           "flagged_first": c["episode_id"] is not None and c["lead_time_hours"] > 0,
                           "flag_month": c.get("first_flag_date") and c["first_flag_date"].replace(day=1)}
                          for c in expected_cases(folder, tables) if c["recognised_at"] is not None])
    recognised = cases.group_by(pl.col("recognised_month").alias("month")).agg(
        recognised_cases=pl.len(), recognised_cases_flagged=pl.col("flagged").sum(),
        recognised_cases_flagged_first=pl.col("flagged_first").sum())
    leads = cases.filter(pl.col("lead").is_not_null()).group_by(pl.col("flag_month").alias("month")).agg(
        lead_time_cases=pl.len(), lead_time_hours_median=pl.col("lead").median(),
        lead_time_hours_q1=pl.col("lead").quantile(0.25, interpolation="linear"),
        lead_time_hours_q3=pl.col("lead").quantile(0.75, interpolation="linear"))
    by_hand = patient_days
    for frame in (flagged, per_month, verdicts, recognised, leads):
        by_hand = by_hand.join(frame, on="month", how="left")
    by_hand = by_hand.with_columns(pl.col("flagged_days", "episodes", "adjudicated_episodes", "confirmed", "not_mas",
                                          "uncertain", "recognised_cases", "recognised_cases_flagged",
                                          "recognised_cases_flagged_first", "lead_time_cases").fill_null(0))
    performance = tables["audit.screen_performance"].filter(pl.col("level_kind") == "all")
    assert set(performance["level"]) == {"all"}
    got = {row["month"]: row for row in performance.iter_rows(named=True)}
    assert set(got) == set(by_hand["month"])
    assert by_hand["lead_time_cases"].sum() >= 2 and by_hand["not_mas"].sum() >= 1
    for want in by_hand.iter_rows(named=True):  # one row per month
        row = got[want["month"]]
        for column in ("patient_days", "flagged_days", "episodes", "adjudicated_episodes", "confirmed", "not_mas",
                       "uncertain", "recognised_cases", "recognised_cases_flagged", "recognised_cases_flagged_first",
                       "lead_time_cases"):
            assert row[column] == want[column], (want["month"], column, row[column], want[column])
        # rates are stored rounded: per 1,000 and hours to 2 decimals, shares to 4
        assert row["flags_per_1000_patient_days"] == pytest.approx(
            1000 * want["flagged_days"] / want["patient_days"], abs=0.005)
        assert row["episodes_per_1000_patient_days"] == pytest.approx(
            1000 * want["episodes"] / want["patient_days"], abs=0.005)
        reviewed = want["confirmed"] + want["not_mas"]
        assert row["positive_predictive_value"] == (
            pytest.approx(want["confirmed"] / reviewed, abs=5e-5) if reviewed else None)
        cases_n = want["recognised_cases"]
        assert row["sensitivity"] == (
            pytest.approx(want["recognised_cases_flagged"] / cases_n, abs=5e-5) if cases_n else None)
        for column in ("lead_time_hours_median", "lead_time_hours_q1", "lead_time_hours_q3"):
            assert row[column] == (pytest.approx(want[column], abs=0.005) if want[column] is not None else None), column
