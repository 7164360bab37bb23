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
    expected = {"patients.csv", "encounters.csv", "diagnoses.csv"} | {f"labs_{d}.csv" for d in days} \
        | {f"vitals_{d}.csv" for d in days}
    assert {p.name for p in landing.iterdir()} == expected
    headers = {
        "patients.csv": ["patient_id", "birth_date", "sex"],
        "encounters.csv": ["patient_id", "encounter_id", "admit_at", "discharge_at", "encounter_type", "care_unit"],
        "diagnoses.csv": ["patient_id", "encounter_id", "code_system", "code", "recorded_at"],
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
        "mas_episodes.csv", "confounders.csv", "injected_defects.csv", "superseded.csv"}
    landing_text = b"".join(p.read_bytes() for p in (out / "landing").iterdir())
    for word in (b"underlying", b"onset_at", b"diagnosis_at", b"mas_episodes", b"injected", b"confounder"):
        assert word not in landing_text
    assert all(f.startswith(("landing/", "truth/")) for f in summary.files)
    assert len(summary.files) == len(list((out / "landing").iterdir())) + 4


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
    # and D76.1 is coded at diagnosis in the landing diagnoses
    dx = pl.DataFrame(_read(out / "landing" / "diagnoses.csv")).filter(pl.col("code") == "D76.1")
    assert sorted(dx["encounter_id"]) == sorted(episodes["encounter_id"])


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
