"""The synthetic hospital generator: deterministic, contract-shaped, truthful about what it injected.

The checks read the landing files back with their own small parser (Python's csv module and
polars, not the generator's code), so a count that matches here matches what is in the files.
One small hospital (300 patients x 20 days) is generated once per module; the 3000 x 90 run is a
benchmark, not a test.
"""

import csv
import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from pipelines.core.contract import MEDICATIONS
from pipelines.synthetic import GenerationSummary, generate
from pipelines.synthetic.criteria import first_met

REFERENCE = Path(__file__).resolve().parents[1] / "pipelines" / "reference"
PLAUSIBILITY = Path(__file__).resolve().parents[1] / "expectations" / "plausibility.csv"
START = dt.date(2024, 1, 1)
PATIENTS, DAYS, SEED = 300, 20, 11

LAB_COLUMNS = ["patient_id", "encounter_id", "result_id", "code", "name", "value", "unit", "ref_low", "ref_high",
               "collected_at", "resulted_at", "status"]
VITAL_COLUMNS = ["patient_id", "encounter_id", "measurement_id", "code", "value", "unit", "measured_at",
                 "recorded_at"]
TS = "%Y-%m-%dT%H:%M:%S"
NUMBER = re.compile(r"^(?:<=|>=|<|>|LESS THAN |GREATER THAN )?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?$")


@pytest.fixture(scope="module")
def hospital(tmp_path_factory) -> tuple[Path, GenerationSummary]:
    out = tmp_path_factory.mktemp("hospital")
    return out, generate(out, patients=PATIENTS, days=DAYS, start=START, seed=SEED)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _read(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- an independent reading of the landing files ------------------------------------------------

def _references():
    codes = {(r["code"], r["kind"]): r["analyte"] for r in _read(REFERENCE / "analytes.csv")}
    units = pl.DataFrame(_read(REFERENCE / "units.csv")).select(
        "analyte", pl.col("unit_spelling").alias("unit_key"),
        *[pl.col(c).cast(pl.Float64) for c in ("offset_before", "numerator", "denominator")])
    bounds = pl.DataFrame(_read(PLAUSIBILITY)).select(
        "analyte", pl.col("low").cast(pl.Float64), pl.col("high").cast(pl.Float64))
    return codes, units, bounds


def read_extracts(landing: Path, kind: str) -> tuple[pl.DataFrame, int]:
    """All records of one kind (well-formed lines, with file name), and the count of malformed lines."""
    columns = LAB_COLUMNS if kind == "labs" else VITAL_COLUMNS
    records, malformed = [], 0
    for path in sorted(landing.glob(f"{kind}_*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == columns, path.name
        records += [[path.name, *row] for row in rows[1:] if len(row) == len(columns)]
        malformed += sum(len(row) != len(columns) for row in rows[1:])
    frame = pl.DataFrame(records, schema=["file", *columns], orient="row")
    if kind == "vitals":
        frame = frame.rename({"measurement_id": "result_id", "measured_at": "collected_at",
                              "recorded_at": "resulted_at"}).with_columns(status=pl.lit("F"), name=pl.lit(""))
    return frame, malformed


def classify(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    """Add `reason` (quarantine reason or null) and `canonical` (value in the canonical unit)."""
    codes, units, bounds = _references()
    code_kind = "lab" if kind == "labs" else "vital"
    analyte_of = {code: analyte for (code, k), analyte in codes.items() if k == code_kind}
    number_text = pl.col("value").str.replace(r"^(<=|>=|<|>|LESS THAN |GREATER THAN )", "")
    frame = frame.with_columns(
        analyte=pl.col("code").replace_strict(analyte_of, default=None, return_dtype=pl.String),
        unit_key=pl.col("unit").str.strip_chars().str.to_lowercase().str.replace_all("µ", "u", literal=True)
        .str.replace_all("μ", "u", literal=True).str.replace_all(" ", "", literal=True),
        taken=pl.col("collected_at").str.strptime(pl.Datetime, TS, strict=False),
        available=pl.col("resulted_at").str.strptime(pl.Datetime, TS, strict=False),
        number=pl.when(pl.col("value").str.contains(NUMBER.pattern) & pl.col("value").str.contains(r"\d"))
        .then(number_text.str.replace_all(",", "").cast(pl.Float64, strict=False)),
    ).join(units, on=["analyte", "unit_key"], how="left").join(bounds, on="analyte", how="left")
    canonical = ((pl.col("number") - pl.col("offset_before")) * pl.col("numerator") / pl.col("denominator")).round(6)
    frame = frame.with_columns(canonical=canonical)
    reason = (
        pl.when((pl.col("patient_id") == "") | (pl.col("result_id") == "") | (pl.col("code") == "")
                | (pl.col("collected_at") == "") | (pl.col("value") == "")).then(pl.lit("missing_required"))
        .when(pl.col("taken").is_null() | pl.col("available").is_null()).then(pl.lit("invalid_timestamp"))
        .when(pl.col("analyte").is_null()).then(pl.lit("unmapped_code"))
        .when(pl.col("number").is_null()).then(pl.lit("unparseable_value"))
        .when(pl.col("canonical").is_null()).then(pl.lit("unknown_unit"))
        .when((pl.col("canonical") < pl.col("low")) | (pl.col("canonical") > pl.col("high")))
        .then(pl.lit("implausible_value"))
    )
    return frame.with_columns(reason=reason)


def superseded_counts(valid: pl.DataFrame) -> dict[str, int]:
    """Exact duplicate lines, then per result id: cancelled pairs (both rows) or older versions."""
    line_columns = [c for c in valid.columns if c in LAB_COLUMNS or c == "result_id"]
    distinct = valid.unique(subset=line_columns)
    per_id = distinct.group_by("result_id").agg(n=pl.len(), cancelled=(pl.col("status") == "X").any())
    return {
        "duplicate": valid.height - distinct.height,
        "cancelled": int(per_id.filter("cancelled")["n"].sum()),
        "older_version": int((per_id.filter(~pl.col("cancelled"))["n"] - 1).sum()),
    }


def current(valid: pl.DataFrame) -> pl.DataFrame:
    """One row per result: the latest resulted version; cancelled results removed."""
    cancelled = valid.filter(pl.col("status") == "X")["result_id"].unique()
    return (valid.filter(~pl.col("result_id").is_in(cancelled.implode()))
            .sort("available").group_by("result_id").last())


# --- tests ----------------------------------------------------------------------------------------

def test_same_arguments_same_bytes_and_another_seed_differs(hospital, tmp_path):
    out, summary = hospital
    again = generate(tmp_path / "again", patients=PATIENTS, days=DAYS, start=START, seed=SEED)
    assert again == summary
    assert _tree(tmp_path / "again") == _tree(out)
    other = generate(tmp_path / "other", patients=PATIENTS, days=DAYS, start=START, seed=SEED + 1)
    differing = [name for name, data in _tree(tmp_path / "other").items() if _tree(out).get(name) != data]
    assert len(differing) > len(other.files) // 2


def test_files_follow_the_contract(hospital):
    out, summary = hospital
    landing = out / "landing"
    days = [(START + dt.timedelta(days=d)).isoformat() for d in range(DAYS)]
    expected = {"patients.csv", "encounters.csv", "diagnoses.csv", "medications.csv"} | {f"labs_{d}.csv" for d in days} \
        | {f"vitals_{d}.csv" for d in days}
    assert {p.name for p in landing.iterdir()} == expected
    headers = {
        "patients.csv": ["patient_id", "birth_date", "sex"],
        "encounters.csv": ["patient_id", "encounter_id", "admit_at", "discharge_at", "encounter_type", "care_unit"],
        "diagnoses.csv": ["patient_id", "encounter_id", "code_system", "code", "recorded_at"],
        "medications.csv": list(MEDICATIONS.columns),
    }
    for name, header in headers.items():
        with (landing / name).open(newline="", encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == header
    patients = _read(landing / "patients.csv")
    assert len(patients) == summary.patients == PATIENTS
    assert {p["sex"] for p in patients} == {"F", "M"}
    encounters = pl.DataFrame(_read(landing / "encounters.csv"))
    assert encounters.height == summary.encounters
    admit = encounters["admit_at"].str.strptime(pl.Datetime, TS)
    discharge = encounters["discharge_at"].str.strptime(pl.Datetime, TS, strict=False)
    assert admit.null_count() == 0 and ((discharge > admit) | discharge.is_null()).all()
    assert set(encounters["encounter_type"]) == {"inpatient"}

    labs, malformed = read_extracts(landing, "labs")
    vitals, vitals_malformed = read_extracts(landing, "vitals")
    assert labs.height + malformed == summary.lab_rows and vitals.height + vitals_malformed == summary.vital_rows
    assert set(labs["status"]) <= {"F", "C", "P", "X"} and set(vitals["code"]) == {"8310-5"}
    # each file holds the rows resulted (recorded) on its day, plus the overlap with the day before
    for frame, kind in ((labs, "labs"), (vitals, "vitals")):
        day = frame["resulted_at"].str.slice(0, 10)
        file_day = frame["file"].str.slice(len(kind) + 1, 10)
        previous = (file_day.str.strptime(pl.Date, "%Y-%m-%d") - dt.timedelta(days=1)).dt.strftime("%Y-%m-%d")
        assert ((day == file_day) | (day == previous)).all()
        assert (day == file_day).mean() > 0.95
    # no timestamp in the 02:00-02:59 hour (the spring-forward gap of US and EU zones)
    stamps = pl.concat([labs["collected_at"], labs["resulted_at"], vitals["collected_at"], vitals["resulted_at"]])
    parsed = stamps.str.strptime(pl.Datetime, TS, strict=False).drop_nulls()
    assert parsed.len() > 0.99 * stamps.len() and (parsed.dt.hour() != 2).all()


def test_truth_is_kept_out_of_landing(hospital):
    out, summary = hospital
    assert {p.name for p in (out / "truth").iterdir()} == {
        "mas_episodes.csv", "cohorts.csv", "confounders.csv", "injected_defects.csv", "superseded.csv",
        "recognition.csv", "adjudications.csv"}
    landing_text = b"".join(p.read_bytes() for p in (out / "landing").iterdir())
    for word in (b"underlying", b"onset_at", b"diagnosis_at", b"mas_episodes", b"injected", b"confounder",
                 b"cohort", b"context_at_onset", b"suspected", b"expected", b"recognised", b"verdict"):
        assert word not in landing_text
    # the quality team's verdicts file sits beside the warehouse, not in landing/ (it is no extract)
    assert all(f.startswith(("landing/", "truth/")) or f == "adjudications.csv" for f in summary.files)
    assert len(summary.files) == len(list((out / "landing").iterdir())) + 7 + 1


def test_injected_defects_and_superseded_rows_match_an_independent_reading(hospital):
    out, summary = hospital
    truth = {(r["file_kind"], r["reason"]): int(r["rows"]) for r in _read(out / "truth" / "injected_defects.csv")}
    truth_superseded = {(r["file_kind"], r["reason"]): int(r["rows"]) for r in _read(out / "truth" / "superseded.csv")}
    for kind in ("labs", "vitals"):
        frame, malformed = read_extracts(out / "landing", kind)
        classified = classify(frame, kind)
        found = classified.group_by("reason").len().drop_nulls()
        found = {kind_reason: 0 for kind_reason in truth if kind_reason[0] == kind} | {
            (kind, r): n for r, n in found.iter_rows()}
        found[(kind, "malformed_row")] = malformed
        assert found == {k: v for k, v in truth.items() if k[0] == kind}, kind
        assert sum(found.values()) > 0
        counted = superseded_counts(classified.filter(pl.col("reason").is_null()))
        assert counted == {r: truth_superseded[(kind, r)] for r in ("duplicate", "older_version", "cancelled")}
    labs = truth_superseded[("labs", "duplicate")] + truth_superseded[("labs", "older_version")]
    assert labs > 0 and truth_superseded[("labs", "cancelled")] > 0
    # every quarantine reason is represented in labs; defects are a small share of the rows
    assert all(truth[("labs", r)] > 0 for r in ("malformed_row", "missing_required", "invalid_timestamp",
                                                  "unmapped_code", "unparseable_value", "unknown_unit",
                                                  "implausible_value"))
    total = sum(v for (k, _), v in truth.items() if k == "labs")
    assert 0.001 <= total / summary.lab_rows <= 0.005
    assert summary.injected_defects["labs"] == {r: n for (k, r), n in truth.items() if k == "labs"}


def test_every_mas_episode_meets_the_criteria_in_the_files_before_diagnosis(hospital):
    out, summary = hospital
    episodes = pl.DataFrame(_read(out / "truth" / "mas_episodes.csv")).with_columns(
        [pl.col(c).str.strptime(pl.Datetime, TS) for c in ("onset_at", "diagnosis_at", "criteria_first_met_at")])
    assert episodes.height == summary.mas_episodes >= 1
    assert set(episodes["underlying"]) <= {"sjia", "aosd", "sle"}
    mas = episodes["encounter_id"].implode()
    labs = current(classify(read_extracts(out / "landing", "labs")[0], "labs").filter(pl.col("reason").is_null()))
    vitals = current(classify(read_extracts(out / "landing", "vitals")[0], "vitals").filter(pl.col("reason").is_null()))
    lab_rows = labs.filter(pl.col("encounter_id").is_in(mas)).select(
        "encounter_id", "analyte", pl.col("canonical").alias("value"),
        pl.col("taken").alias("collected_at"), pl.col("available").alias("resulted_at"))
    temp_rows = vitals.filter(pl.col("encounter_id").is_in(mas)).select(
        "encounter_id", pl.col("canonical").alias("temp_c"),
        pl.col("taken").alias("measured_at"), pl.col("available").alias("recorded_at"))
    met = first_met(lab_rows, temp_rows).join(episodes, on="encounter_id", how="right")
    assert met["first_met_at"].null_count() == 0
    assert (met["first_met_at"] == met["criteria_first_met_at"]).all()
    lag = met["diagnosis_at"] - met["first_met_at"]
    assert (lag >= dt.timedelta(hours=24)).all() and (lag <= dt.timedelta(hours=96)).all()
    assert (met["first_met_at"] >= met["onset_at"]).all()

    # Spelled out once more without the helper, at the moment the truth names.
    for episode in met.iter_rows(named=True):  # a handful of episodes
        t = episode["first_met_at"]
        rows = lab_rows.filter((pl.col("encounter_id") == episode["encounter_id"]) & (pl.col("resulted_at") <= t)
                               & (pl.col("collected_at") >= t - dt.timedelta(hours=72)))
        values = {a: rows.filter(pl.col("analyte") == a)["value"]
                  for a in ("ferritin", "platelets", "ast", "triglycerides", "fibrinogen")}
        extreme = {a: (v.max(), v.min()) for a, v in values.items()}
        assert extreme["ferritin"][0] is not None and extreme["ferritin"][0] > 684
        others = [extreme["platelets"][1] is not None and extreme["platelets"][1] <= 181,
                  extreme["ast"][0] is not None and extreme["ast"][0] > 48,
                  extreme["triglycerides"][0] is not None and extreme["triglycerides"][0] > 156,
                  extreme["fibrinogen"][1] is not None and extreme["fibrinogen"][1] <= 360]
        assert sum(others) >= 2
        fever = temp_rows.filter((pl.col("encounter_id") == episode["encounter_id"]) & (pl.col("recorded_at") <= t)
                                 & (pl.col("measured_at") >= t - dt.timedelta(hours=24)))["temp_c"].max()
        assert fever is not None and fever >= 38.5
    # and D76.1 is coded in the landing diagnoses of the MAS stays recognised by a code
    # (at diagnosis or at admission; never for the stays never recognised: see the recognition test)
    dx = pl.DataFrame(_read(out / "landing" / "diagnoses.csv")).filter(pl.col("code") == "D76.1")
    recognition = pl.DataFrame(_read(out / "truth" / "recognition.csv"))
    coded = recognition.filter(pl.col("expected_category") == "recognised")
    assert set(dx["encounter_id"]) & set(episodes["encounter_id"]) == set(coded["encounter_id"])


def test_population_and_valid_variation_look_like_a_hospital(hospital):
    out, summary = hospital
    assert 0.08 <= sum(summary.confounders.values()) / summary.encounters <= 0.2
    assert all(summary.confounders[k] > 0 for k in ("sepsis", "liver_injury", "heme_malignancy", "chemotherapy"))
    confounders = _read(out / "truth" / "confounders.csv")
    assert {r["kind"] for r in confounders} == set(summary.confounders)
    labs = classify(read_extracts(out / "landing", "labs")[0], "labs").filter(pl.col("reason").is_null())
    values = labs["value"]
    # thousands separators only where unambiguous ('1,234.5', '1,234,567'; rare): never one group
    # alone, which staging quarantines as ambiguous_value (1.234 or 1234?)
    assert not values.str.contains(r"^\d{1,3},\d{3}$").any()
    assert values.str.starts_with(".").any()  # leading decimal point
    assert values.str.contains(r"^(<|>|LESS THAN|GREATER THAN)").any()  # censored, still valid
    units = set(labs["unit"])
    assert {"10*3/uL", "K/uL", "µg/L", "mmol/L", "g/L", "IU/L"} <= units
    assert set(labs.filter(pl.col("analyte") == "triglycerides")["code"]) == {"2571-8", "14927-8"}
    vitals = classify(read_extracts(out / "landing", "vitals")[0], "vitals").filter(pl.col("reason").is_null())
    fahrenheit = vitals["unit_key"].is_in(["[degf]", "deg.f", "?f", "degf", "°f"])
    assert 0.02 < fahrenheit.mean() < 0.3
    # morning draws: most lab rows are collected between 05:00 and 07:00
    hours = labs["taken"].dt.hour()
    assert ((hours >= 5) & (hours < 7)).mean() > 0.6


# --- cohorts, MAS at sJIA onset, medications, flares -----------------------------------------------

COHORT_NAMES = {"mas", "sjia_flare", "aosd_flare", "sle_flare", "sepsis", "liver_injury",
                "heme_malignancy_chemotherapy", "heme_malignancy", "solid_tumour_chemotherapy", "infection",
                "ordinary"}
# Ingredient RXCUIs verified in clinical-criteria.md section 9; every other drug is sent by name only.
VERIFIED_RXCUI = {"prednisone": "8640", "prednisolone": "8638", "etoposide": "4179"}


@pytest.fixture(scope="module")
def larger(tmp_path_factory) -> tuple[Path, GenerationSummary]:
    """1,500 patients x 30 days: enough rheumatic patients and MAS episodes for the scenario checks."""
    out = tmp_path_factory.mktemp("larger")
    return out, generate(out, patients=1500, days=30, start=START, seed=SEED)


def test_cohorts_name_every_encounter_once_and_agree_with_the_other_truth_files(larger):
    out, summary = larger
    cohorts = pl.DataFrame(_read(out / "truth" / "cohorts.csv"))
    encounters = pl.DataFrame(_read(out / "landing" / "encounters.csv"))
    assert cohorts.columns == ["patient_id", "encounter_id", "cohort", "underlying"]
    assert sorted(cohorts.select("patient_id", "encounter_id").rows()) == \
        sorted(encounters.select("patient_id", "encounter_id").rows())
    assert set(cohorts["cohort"]) == COHORT_NAMES  # every cohort present in this hospital
    assert summary.cohorts == {k: v for k, v in cohorts["cohort"].value_counts().iter_rows()}
    rheumatic = cohorts.filter(pl.col("underlying") != "")
    assert set(rheumatic["cohort"]) == {"mas", "sjia_flare", "aosd_flare", "sle_flare"}
    flares = rheumatic.filter(pl.col("cohort") != "mas")
    assert (flares["cohort"] == flares["underlying"] + "_flare").all()
    episodes = pl.DataFrame(_read(out / "truth" / "mas_episodes.csv"))
    assert sorted(rheumatic.filter(pl.col("cohort") == "mas").select("encounter_id", "underlying").rows()) == \
        sorted(episodes.select("encounter_id", "underlying").rows())
    by_encounter = dict(cohorts.select("encounter_id", "cohort").iter_rows())
    kinds = {"sepsis": {"sepsis"}, "liver_injury": {"liver_injury"},
             "heme_malignancy": {"heme_malignancy", "heme_malignancy_chemotherapy"},
             "chemotherapy": {"heme_malignancy_chemotherapy", "solid_tumour_chemotherapy"}}
    confounders = _read(out / "truth" / "confounders.csv")
    assert all(by_encounter[r["encounter_id"]] in kinds[r["kind"]] for r in confounders)
    for kind, names in kinds.items():
        assert sum(r["kind"] == kind for r in confounders) == sum(c in names for c in cohorts["cohort"])


def _onset_codes(out: Path) -> pl.DataFrame:
    """Per MAS episode: context_at_onset, discharge of the stay, first sJIA code (M08.2x) of the patient."""
    episodes = pl.DataFrame(_read(out / "truth" / "mas_episodes.csv"))
    stays = pl.DataFrame(_read(out / "landing" / "encounters.csv")).select("encounter_id", "discharge_at")
    dx = pl.DataFrame(_read(out / "landing" / "diagnoses.csv")).filter(pl.col("code").str.starts_with("M08.2"))
    first_code = dx.group_by("patient_id").agg(pl.col("recorded_at").min().alias("first_sjia_code_at"))
    return episodes.join(stays, on="encounter_id").join(first_code, on="patient_id", how="left")


def test_mas_at_sjia_onset_has_no_sjia_code_before_discharge(larger, tmp_path):
    from pipelines.synthetic import Scenario

    out, summary = larger
    default = _onset_codes(out)
    at_onset = default.filter(pl.col("context_at_onset") != "coded")
    assert set(default["context_at_onset"]) <= {"coded", "suspected_therapy", "none"}
    sjia_mas = (default["underlying"] == "sjia").sum()
    assert at_onset.height == min(round(0.2 * summary.mas_episodes), sjia_mas) >= 1
    assert (at_onset["underlying"] == "sjia").all()
    # no sJIA code before the stay's discharge (none at all when the stay outlasts the period)
    assert ((at_onset["first_sjia_code_at"] >= at_onset["discharge_at"]) | at_onset["first_sjia_code_at"].is_null()
            | (at_onset["discharge_at"] == "")).all()
    coded_sjia = default.filter((pl.col("context_at_onset") == "coded") & (pl.col("underlying") == "sjia"))
    assert (coded_sjia["first_sjia_code_at"] < coded_sjia["onset_at"]).all()

    # the share is a scenario parameter; the rest of the hospital does not move with it
    generate(tmp_path / "all", patients=1500, days=30, start=START, seed=SEED,
             scenario=Scenario(mas_at_sjia_onset_share=1.0))
    every = _onset_codes(tmp_path / "all")
    assert ((every["context_at_onset"] != "coded") == (every["underlying"] == "sjia")).all()
    for name in ("labs_2024-01-15.csv", "vitals_2024-01-15.csv", "encounters.csv", "patients.csv"):
        assert (tmp_path / "all" / "landing" / name).read_bytes() == (out / "landing" / name).read_bytes()
    with pytest.raises(ValueError, match="mas_at_sjia_onset_share"):
        Scenario(mas_at_sjia_onset_share=1.5)


def test_medications_follow_the_contract_and_the_scenario(larger, tmp_path):
    from pipelines.synthetic import Scenario

    out, _ = larger
    meds = pl.DataFrame(_read(out / "landing" / "medications.csv"))
    with (out / "landing" / "medications.csv").open(newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == list(MEDICATIONS.columns)
    coded = meds.filter(pl.col("code") != "")
    assert set(coded["code_system"]) == {"RXNORM"}
    assert all(VERIFIED_RXCUI.get(name) == code for name, code in coded.select("name", "code").iter_rows())
    assert (meds.filter(pl.col("name").is_in(list(VERIFIED_RXCUI)))["code"] != "").all()
    assert (meds.filter(pl.col("code") == "")["code_system"] == "").all()
    assert set(meds["dose"]) == {""}  # no dose is invented
    started = meds["started_at"].str.strptime(pl.Datetime, TS)
    ended = meds["ended_at"].str.strptime(pl.Datetime, TS, strict=False)
    assert started.null_count() == 0 and ((ended > started) | ended.is_null()).all()
    assert (started < dt.datetime(2024, 1, 31)).all()

    cohorts = pl.DataFrame(_read(out / "truth" / "cohorts.csv"))
    stays = pl.DataFrame(_read(out / "landing" / "encounters.csv")).join(cohorts, on=["patient_id", "encounter_id"])
    first_admit = stays.group_by("patient_id").agg(pl.col("admit_at").min().alias("first_admit_at"))
    underlying = cohorts.filter(pl.col("underlying") != "").group_by("patient_id").agg(pl.col("underlying").first())
    # long-term orders: no encounter, started before the first stay, still running
    long_term = meds.filter(pl.col("encounter_id") == "").join(first_admit, on="patient_id").join(
        underlying, on="patient_id", how="left")
    assert set(long_term["name"]) == {"anakinra", "tocilizumab", "prednisone"}
    assert (long_term["started_at"] < long_term["first_admit_at"]).all() and set(long_term["ended_at"]) == {""}
    biologic = long_term.filter(pl.col("name") != "prednisone")
    assert set(biologic["underlying"]) == {"sjia", "aosd"} and set(biologic["route"]) <= {"subcutaneous", "intravenous"}
    assert set(long_term.filter(pl.col("name") == "prednisone")["route"]) == {"oral"}
    # during a stay: anakinra for suspected sJIA before the MAS diagnosis, eye drops, chemotherapy
    in_stay = meds.filter(pl.col("encounter_id") != "").join(stays, on=["patient_id", "encounter_id"])
    assert (in_stay["started_at"] > in_stay["admit_at"]).all()
    episodes = pl.DataFrame(_read(out / "truth" / "mas_episodes.csv"))
    suspected = episodes.filter(pl.col("context_at_onset") == "suspected_therapy")
    anakinra = in_stay.filter(pl.col("name") == "anakinra").join(episodes, on=["patient_id", "encounter_id"])
    assert sorted(anakinra["encounter_id"]) == sorted(suspected["encounter_id"])
    assert (anakinra["started_at"] < anakinra["diagnosis_at"]).all()
    drops = in_stay.filter(pl.col("route") == "ophthalmic")
    assert drops.height >= 1 and set(drops["name"]) == {"prednisolone"} and set(drops["cohort"]) == {"ordinary"}
    chemo = in_stay.filter(pl.col("cohort").str.ends_with("chemotherapy"))
    assert set(chemo["route"]) == {"intravenous"}
    chemo_stays = stays.filter(pl.col("cohort").str.ends_with("chemotherapy") & (pl.col("admit_at") < "2024-01-30"))
    assert set(chemo_stays["encounter_id"]) <= set(chemo["encounter_id"])
    assert set(in_stay["cohort"]) <= {"mas", "ordinary", "heme_malignancy_chemotherapy", "solid_tumour_chemotherapy"}

    # every share is a parameter: with all at 0 only the chemotherapy orders remain
    generate(tmp_path / "none", patients=1500, days=30, start=START, seed=SEED, scenario=Scenario(
        long_term_biologic_share=0, suspected_sjia_anakinra_share=0, sle_prednisone_share=0,
        other_prednisone_share=0, eye_drops_share=0, ordinary_stays_on_emapalumab=0))
    bare = pl.DataFrame(_read(tmp_path / "none" / "landing" / "medications.csv"))
    assert bare.height == chemo.height and set(bare["route"]) == {"intravenous"}
    assert "suspected_therapy" not in {r["context_at_onset"] for r in _read(tmp_path / "none" / "truth" / "mas_episodes.csv")}


def test_flares_cross_the_ferritin_esr_cut_off_as_often_as_its_published_specificity():
    """Eloseily 2019: ferritin/ESR >= 21.5 has 78% specificity against active sJIA, so about 22% of
    flare draws should sit at or above it (clinical-criteria.md section 5)."""
    import numpy as np

    from pipelines.synthetic.population import FLARE, NEVER, Encounters
    from pipelines.synthetic.trajectories import LATENT, draw_lab_noise, draw_levels, lab_values

    rng = np.random.default_rng(5)
    n = 20000
    enc = Encounters(*(np.zeros(n, dtype=np.int64) for _ in range(2)), np.full(n, FLARE), np.zeros(n, np.int64),
                     np.full(n, 10 * 1440), np.full(n, NEVER), np.ones(n), np.full(n, NEVER), np.ones(n),
                     np.zeros(n, np.int64), np.zeros(n, bool), np.full(n, 4))
    values = lab_values(enc, draw_levels(rng, enc), np.arange(n), np.zeros(n), draw_lab_noise(rng, n), enc.resolve)
    ratio = values[:, LATENT.index("ferritin")] / values[:, LATENT.index("esr")]
    assert 0.19 <= (ratio >= 21.5).mean() <= 0.25


def test_tier_performance_counts_each_tier_cumulatively_within_the_windows(con, tmp_path):
    from pipelines.summary import tier_performance, tier_performance_table

    con.execute("CREATE SCHEMA IF NOT EXISTS staging; CREATE SCHEMA IF NOT EXISTS screen")
    con.execute("CREATE TABLE staging.encounters (patient_id VARCHAR, encounter_id VARCHAR, admit_at TIMESTAMPTZ, "
                "discharge_at TIMESTAMPTZ)")
    con.execute("CREATE TABLE screen.at_risk_daily (patient_id VARCHAR, as_of_date DATE, tier VARCHAR)")
    con.execute("""INSERT INTO staging.encounters VALUES
        ('m1', 'e1', '2024-01-01 10:00', '2024-01-20 12:00'), ('m2', 'e2', '2024-01-01 10:00', NULL),
        ('f1', 'e3', '2024-01-05 10:00', '2024-01-08 12:00'), ('f2', 'e4', '2024-01-05 10:00', '2024-01-08 12:00'),
        ('f2', 'e5', '2024-01-15 10:00', '2024-01-18 12:00'), ('s1', 'e6', '2024-01-05 10:00', '2024-01-08 12:00')""")
    # m1: 'low' flag on 01-03 (cutoff 01-04 00:00, 60 h before diagnosis), 'high' on 01-05 (12 h before);
    # m2 (MAS at sJIA onset): 'high' only after diagnosis, 'low' 9 days before onset (outside the window);
    # f1: 'low' during the stay; f2: 'high' on 01-10, between two flare stays (not during one);
    # s1: 'mid' during its sepsis stay.
    con.execute("""INSERT INTO screen.at_risk_daily VALUES
        ('m1', '2024-01-03', 'low'), ('m1', '2024-01-05', 'high'), ('m2', '2024-01-12', 'high'),
        ('m2', '2023-12-25', 'low'), ('f1', '2024-01-07', 'low'), ('f2', '2024-01-10', 'high'),
        ('s1', '2024-01-06', 'mid')""")
    truth = tmp_path / "truth"
    truth.mkdir()
    (truth / "mas_episodes.csv").write_text(
        "patient_id,encounter_id,underlying,onset_at,diagnosis_at,criteria_first_met_at,context_at_onset\n"
        "m1,e1,aosd,2024-01-03T00:00:00,2024-01-06T12:00:00,2024-01-04T00:00:00,coded\n"
        "m2,e2,sjia,2024-01-04T00:00:00,2024-01-08T00:00:00,2024-01-06T00:00:00,none\n")
    (truth / "cohorts.csv").write_text(
        "patient_id,encounter_id,cohort,underlying\nm1,e1,mas,aosd\nm2,e2,mas,sjia\nf1,e3,sjia_flare,sjia\n"
        "f2,e4,aosd_flare,aosd\nf2,e5,aosd_flare,aosd\ns1,e6,sepsis,\n")
    rows = tier_performance(con, truth, ["high", "mid", "low"], ["high", "mid"])
    got = {(r["level"], r["group_name"]): (r["flagged"], r["total"], r["median_lead_hours"]) for r in rows}
    assert got[("high", "mas")] == (1, 2, 12.0)
    assert got[("low", "mas")] == (1, 2, 60.0)  # the first flag in the window counts, whatever its tier
    assert got[("alert tiers", "mas")] == (1, 2, 12.0)
    assert got[("low", "mas_at_sjia_onset")] == (0, 1, None)
    assert got[("high", "flare")] == (0, 2, None) and got[("low", "flare")] == (1, 2, None)
    assert got[("low", "sjia_flare")] == (1, 1, None) and got[("low", "aosd_flare")] == (0, 1, None)
    assert got[("high", "sepsis")] == (0, 1, None) and got[("mid", "sepsis")] == (1, 1, None)
    assert got[("alert tiers", "sepsis")] == (1, 1, None)
    table = tier_performance_table(rows)
    assert table[0] == "| group | high | >= mid | >= low | alert tiers |"
    assert "| MAS episodes flagged before diagnosis | 1/2 (50.0%) | 1/2 (50.0%) | 1/2 (50.0%) | 1/2 (50.0%) |" in table


# --- recognition truth and the quality team's adjudications ---------------------------------------

RECOGNITION_CODES = {"D76.1", "D76.2", "D76.3"}


def _recognition_events(out: Path) -> pl.DataFrame:
    """Every recognition event read back from the landing files: an MAS/HLH code, or anakinra or
    emapalumab started inside one of the patient's stays (admit <= start < discharge or open)."""
    stays = pl.DataFrame(_read(out / "landing" / "encounters.csv"))
    codes = pl.DataFrame(_read(out / "landing" / "diagnoses.csv")).filter(pl.col("code").is_in(RECOGNITION_CODES))
    meds = pl.DataFrame(_read(out / "landing" / "medications.csv")).filter(
        pl.col("name").is_in(["anakinra", "emapalumab"])).drop("encounter_id")
    therapies = meds.join(stays, on="patient_id").filter(
        (pl.col("started_at") >= pl.col("admit_at"))
        & ((pl.col("discharge_at") == "") | (pl.col("started_at") < pl.col("discharge_at"))))
    return pl.concat([
        codes.select("patient_id", "encounter_id", pl.col("recorded_at").alias("at"), pl.lit("diagnosis_code").alias("by"),
                     pl.col("code").alias("what")),
        therapies.select("patient_id", "encounter_id", pl.col("started_at").alias("at"),
                         pl.lit("directed_therapy").alias("by"), pl.col("name").alias("what"))])


def test_recognition_truth_names_each_case_and_its_first_recognition(larger, tmp_path):
    from pipelines.synthetic import Scenario

    out, summary = larger
    truth = pl.DataFrame(_read(out / "truth" / "recognition.csv"))
    assert truth.columns == ["patient_id", "encounter_id", "expected_category", "recognised_at", "recognised_by",
                             "recognition_code_or_name"]
    episodes = pl.DataFrame(_read(out / "truth" / "mas_episodes.csv"))
    cohorts = pl.DataFrame(_read(out / "truth" / "cohorts.csv"))
    stays = pl.DataFrame(_read(out / "landing" / "encounters.csv"))
    mas = truth.join(episodes, on=["patient_id", "encounter_id"], how="inner").join(stays, on=["patient_id", "encounter_id"])
    assert sorted(mas["encounter_id"]) == sorted(episodes["encounter_id"])  # every MAS stay, once
    assert set(mas["expected_category"]) == {"recognised", "possibly_unrecognised"}
    n = summary.mas_episodes

    # the first event read back from the files is the truth's, for every case; nobody else is recognised
    events = _recognition_events(out)
    first = events.sort("at", "by", "what").group_by("patient_id", "encounter_id", maintain_order=True).first()
    named = truth.filter(pl.col("recognised_at") != "")
    assert sorted(first.rows()) == sorted(named.select(
        "patient_id", "encounter_id", pl.col("recognised_at").alias("at"), pl.col("recognised_by").alias("by"),
        pl.col("recognition_code_or_name").alias("what")).rows())
    assert set(events["patient_id"]) == set(named["patient_id"])  # no long-term anakinra, no etoposide

    # never recognised: no code, no directed therapy in the stay; a share of the stays without in-stay anakinra
    never = mas.filter(pl.col("expected_category") == "possibly_unrecognised")
    assert (never["recognised_at"] == "").all() and (never["context_at_onset"] != "suspected_therapy").all()
    eligible = (mas["context_at_onset"] != "suspected_therapy").sum()
    assert never.height == min(round(0.15 * n), eligible) >= 1
    # recognised by a code at admission (on time, context coded) or at diagnosis (late), or by anakinra first
    recognised = mas.filter(pl.col("expected_category") == "recognised")
    by_code = recognised.filter(pl.col("recognised_by") == "diagnosis_code")
    on_time = by_code.filter(pl.col("recognised_at") < pl.col("onset_at"))
    hours_in = (on_time["recognised_at"].str.strptime(pl.Datetime, TS) - on_time["admit_at"].str.strptime(pl.Datetime, TS))
    assert ((hours_in > dt.timedelta(0)) & (hours_in < dt.timedelta(hours=13))).all()
    assert on_time.height == min(round(0.2 * n), (mas["context_at_onset"] == "coded").sum() - never.filter(
        pl.col("context_at_onset") == "coded").height) >= 1
    assert (on_time["context_at_onset"] == "coded").all()
    late = by_code.filter(pl.col("recognised_at") >= pl.col("onset_at"))
    assert (late["recognised_at"] == late["diagnosis_at"]).all() and late.height >= 1
    by_therapy = recognised.filter(pl.col("recognised_by") == "directed_therapy")
    assert set(by_therapy["context_at_onset"]) <= {"suspected_therapy"}
    assert (by_therapy["recognised_at"] < by_therapy["diagnosis_at"]).all()

    # recognised, never flagged: patients with one ordinary stay, the event inside it
    unflagged = truth.filter(pl.col("expected_category") == "recognised_never_flagged").join(
        stays, on=["patient_id", "encounter_id"]).join(cohorts, on=["patient_id", "encounter_id"])
    assert sorted(unflagged["recognition_code_or_name"]) == ["D76.1", "D76.1", "emapalumab"]
    assert set(unflagged["cohort"]) == {"ordinary"}
    assert all(stays.filter(pl.col("patient_id") == p).height == 1 for p in unflagged["patient_id"])
    assert ((unflagged["recognised_at"] > unflagged["admit_at"])
            & ((unflagged["recognised_at"] < unflagged["discharge_at"]) | (unflagged["discharge_at"] == ""))).all()
    # etoposide is still ordered, in a haematological malignancy regimen with cytarabine
    meds = pl.DataFrame(_read(out / "landing" / "medications.csv"))
    etoposide = meds.filter(pl.col("name") == "etoposide")["encounter_id"]
    assert etoposide.len() >= 1
    assert set(etoposide) <= set(meds.filter(pl.col("name") == "cytarabine")["encounter_id"])

    # every share and count is a scenario parameter; the rest of the hospital does not move with them
    generate(tmp_path / "none", patients=1500, days=30, start=START, seed=SEED, scenario=Scenario(
        recognised_at_admission_share=0, never_recognised_share=1.0, ordinary_stays_coded_mas=0,
        ordinary_stays_on_emapalumab=0, adjudicated_confounder_stays=0))
    bare = pl.DataFrame(_read(tmp_path / "none" / "truth" / "recognition.csv"))
    # only the stays with in-stay anakinra stay recognised (by it), every other MAS stay is never recognised
    suspected = episodes.filter(pl.col("context_at_onset") == "suspected_therapy")["encounter_id"]
    assert sorted(bare.filter(pl.col("expected_category") == "recognised")["encounter_id"]) == sorted(suspected)
    assert set(bare.filter(pl.col("expected_category") == "recognised")["recognised_by"]) <= {"directed_therapy"}
    assert bare.height == n
    assert "emapalumab" not in _read(tmp_path / "none" / "landing" / "medications.csv").__repr__()
    for name in ("labs_2024-01-15.csv", "vitals_2024-01-15.csv", "encounters.csv", "patients.csv"):
        assert (tmp_path / "none" / "landing" / name).read_bytes() == (out / "landing" / name).read_bytes()
    with pytest.raises(ValueError, match="ordinary_stays_coded_mas"):
        Scenario(ordinary_stays_coded_mas=-1)


def test_adjudications_file_holds_valid_rows_a_later_verdict_and_one_invalid_row_per_reason(larger):
    out, _ = larger
    with (out / "adjudications.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["episode_id", "patient_id", "as_of_date", "verdict", "reviewer", "reviewed_at", "note"]
    rows = [dict(zip(rows[0], row)) for row in rows[1:]]
    truth = _read(out / "truth" / "adjudications.csv")
    assert [int(t["source_row"]) for t in truth] == list(range(1, len(rows) + 1))
    assert all(t["patient_id"] == r["patient_id"] and t["as_of_date"] == r["as_of_date"] for t, r in zip(truth, rows))
    reasons = [t["expected_reason"] for t in truth if t["expected_outcome"] == "quarantined"]
    assert sorted(reasons) == sorted(["missing_reference", "conflicting_reference", "conflicting_reference",
                                      "unknown_episode", "invalid_verdict", "missing_reviewer", "invalid_timestamp"])
    # a conflicting reference names an episode id the generator can only guess: its truth says so
    conflicting = [(r, t) for r, t in zip(rows, truth) if t["expected_reason"] == "conflicting_reference"]
    assert all(t["condition"] == "episode_id_exists" and r["episode_id"] and r["patient_id"] != r["episode_id"][:7]
               for r, t in conflicting)
    assert {t["condition"] for t in truth} == {"", "day_flagged", "episode_id_exists"}
    # every MAS stay confirmed on the local day of its diagnosis; the first reviewed twice, the later review above
    episodes = pl.DataFrame(_read(out / "truth" / "mas_episodes.csv"))
    confirmed = [(r["patient_id"], r["as_of_date"]) for r, t in zip(rows, truth) if t["expected_verdict"] == "confirmed"]
    assert sorted(confirmed) == sorted(episodes.select("patient_id", pl.col("diagnosis_at").str.slice(0, 10)).rows())
    assert all(r["verdict"].lower() == t["expected_verdict"] for r, t in zip(rows, truth) if t["expected_verdict"])
    twice = [(r, t) for r, t in zip(rows, truth) if (r["patient_id"], r["as_of_date"]) == confirmed[0]
             and t["expected_outcome"] != "quarantined"]
    assert [t["expected_outcome"] for _, t in twice] == ["applied", "later_verdict_wins"]
    assert twice[0][0]["reviewed_at"] > twice[1][0]["reviewed_at"]
    cohorts = {r["patient_id"]: r["cohort"] for r in _read(out / "truth" / "cohorts.csv")}
    not_mas = [r for r, t in zip(rows, truth) if t["condition"] == "day_flagged"]
    assert len(not_mas) == 3 and all(r["verdict"] == "not_mas" for r in not_mas)
    assert all(cohorts[r["patient_id"]] in {"sepsis", "liver_injury", "heme_malignancy_chemotherapy",
                                            "heme_malignancy", "solid_tumour_chemotherapy"} for r in not_mas)
    assert sum(r["note"].startswith("=HYPERLINK(") for r in rows) == 1
