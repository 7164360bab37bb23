"""Recognition and review in the synthetic hospital: when clinicians recorded that a stay was
MAS/HLH (a diagnosis code or a strong directed therapy), and the quality team's adjudications.

Who is recognised how (the shares and counts are fields of generator.Scenario, assumptions of the
scenario, not clinical figures; draws come after every other draw of the scenario generator):
  MAS stays, recognised on time: D76.1 recorded at admission (transferred in with the diagnosis),
      drawn from the MAS stays whose rheumatic context is coded (not MAS at sJIA onset);
  MAS stays, recognised late: D76.1 recorded at the truth's diagnosis_at (every other MAS stay);
      anakinra started in the stay for suspected sJIA (medications.py) is a strong directed therapy
      and is their recognition when it comes first;
  MAS stays, never recognised: no D76.1 and no directed therapy in the stay, drawn from the MAS
      stays without in-stay anakinra (their values still turn at diagnosis_at: whatever the team
      did then was not recorded as MAS);
  recognised, never flagged: patients with one ordinary stay (benign labs) and nothing else in the
      period, with D76.1 recorded during the stay or emapalumab started during it.
Long-term anakinra started before the period (no encounter) and etoposide in a haematological
malignancy regimen (with cytarabine) are not recognition, and no truth row names them.

truth/recognition.csv, one row per stay a case of the audit is expected for:
  patient_id, encounter_id, expected_category: 'recognised' (a MAS stay recognised during the stay:
      recognised_before_flag or recognised_late, told apart by the screen's first flag),
      'possibly_unrecognised' (a MAS stay never recognised; recognition_window_open while its
      window is still open), 'recognised_never_flagged' (an ordinary stay);
  recognised_at: the first D76.1 or strong directed therapy (anakinra, emapalumab) started inside
      the stay, read back from the landing frames as written (empty when never recognised);
  recognised_by ('diagnosis_code' | 'directed_therapy'), recognition_code_or_name (D76.1, anakinra,
      emapalumab).

out_dir/adjudications.csv, the quality team's file (columns episode_id, patient_id, as_of_date,
verdict, reviewer, reviewed_at, note; dates local): every MAS stay referenced by patient_id and the
local date of its diagnosis_at (a flagged day), verdict confirmed; the first of them reviewed twice
(a later 'Confirmed' written above an earlier 'uncertain': the later review wins); confounder stays
referenced by patient_id and the local date of their peak activity, verdict not_mas (whether that
day was flagged is the screen's to say); then invalid rows, one per quarantine reason
(missing_reference, unknown_episode, invalid_verdict, missing_reviewer, invalid_timestamp), each
with that one fault on an otherwise valid reference to the first MAS stay, and two for
conflicting_reference: the first MAS stay's patient and day with the episode_id of the last MAS
stay guessed (the generator cannot know episode ids, patient_id/first flag date: one row guesses
the day before its criteria_first_met_at, one that day); one valid row's note looks like a
spreadsheet formula. Without a MAS stay the file holds its header only.
truth/adjudications.csv: source_row (1-based record ordinal in adjudications.csv), patient_id,
as_of_date, expected_outcome ('applied' | 'later_verdict_wins' | 'quarantined'), expected_verdict
(lower case; empty when quarantined), expected_reason (quarantine reason; empty otherwise),
condition: what the expectation needs of the screen, '' (nothing), 'day_flagged' (an episode of
the patient holds as_of_date) or 'episode_id_exists'; when it does not hold, the row is
quarantined as unknown_episode instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from pipelines.synthetic import writer
from pipelines.synthetic.medications import NO_END
from pipelines.synthetic.population import CHEMO, HEME_CHEMO, LIVER, MAS, ORD, P_ORD, SEPSIS, Encounters, Patients
from pipelines.synthetic.timeline import DAY, HOUR, clear_of_dst_gap

MAS_CODE = "D76.1"
RECOGNITION_CODES = ("D76.1", "D76.2", "D76.3")
STRONG_THERAPIES = ("anakinra", "emapalumab")  # the directed therapies this hospital orders in a stay
ADJUDICATION_COLUMNS = ("episode_id", "patient_id", "as_of_date", "verdict", "reviewer", "reviewed_at", "note")
TRUTH_ADJUDICATION_COLUMNS = ("source_row", "patient_id", "as_of_date", "expected_outcome", "expected_verdict",
                              "expected_reason", "condition")
FORMULA_NOTE = '=HYPERLINK("http://example.invalid/case","open case")'


@dataclass
class RecognitionPlan:
    """Per encounter: MAS stays coded at admission (on time) or never recognised; ordinary stays
    with D76.1 or emapalumab, with the minute it happens; confounder stays the quality team reviews."""

    coded_at_admission: np.ndarray  # bool per encounter
    never_recognised: np.ndarray  # bool per encounter
    coded_stays: np.ndarray  # encounter indices (ordinary) with D76.1
    coded_at: np.ndarray  # minutes
    emapalumab_stays: np.ndarray  # encounter indices (ordinary) with emapalumab
    emapalumab_at: np.ndarray  # minutes
    reviewed_confounders: np.ndarray  # encounter indices
    reviewed_confounder_day: np.ndarray  # local day number (days since start) of their peak activity


def _lowest(key: np.ndarray, candidates: np.ndarray, wanted: int) -> np.ndarray:
    """The `wanted` candidates (indices) with the lowest key, sorted by index."""
    return np.sort(candidates[np.argsort(key[candidates], kind="stable")][:max(min(wanted, candidates.size), 0)])


def plan_recognition(rng: np.random.Generator, pats: Patients, enc: Encounters, suspected: np.ndarray,
                     at_sjia_onset: np.ndarray, days: int, scenario) -> RecognitionPlan:
    """Draw who is recognised how (module docstring). A fixed number of draws whatever the scenario:
    four uniforms per encounter and two per patient."""
    end = days * DAY
    key_never, key_on_time, key_review, u_review = (rng.random(enc.n) for _ in range(4))
    key_unflagged, u_when = rng.random(pats.n), rng.random(pats.n)

    mas = np.nonzero(enc.category == MAS)[0]
    in_stay_anakinra = suspected[enc.patient[mas]]
    never = _lowest(key_never, mas[~in_stay_anakinra], int(round(scenario.never_recognised_share * mas.size)))
    on_time_candidates = mas[~np.isin(mas, never) & ~at_sjia_onset[enc.patient[mas]]]
    on_time = _lowest(key_on_time, on_time_candidates, int(round(scenario.recognised_at_admission_share * mas.size)))
    coded_at_admission = np.zeros(enc.n, dtype=bool)
    coded_at_admission[on_time] = True
    never_recognised = np.zeros(enc.n, dtype=bool)
    never_recognised[never] = True

    # patients with one ordinary stay, nothing else in the period, admitted at least a day before its end
    stays = np.bincount(enc.patient, minlength=pats.n)
    single = (pats.group == P_ORD) & (stays == 1)
    ordinary = np.nonzero((enc.category == ORD) & single[enc.patient] & (enc.admit < end - DAY))[0]
    patients_ranked = enc.patient[ordinary][np.argsort(key_unflagged[enc.patient[ordinary]], kind="stable")]
    n_code = min(scenario.ordinary_stays_coded_mas, patients_ranked.size)
    n_emap = min(scenario.ordinary_stays_on_emapalumab, patients_ranked.size - n_code)
    stay_of = np.full(pats.n, -1, dtype=np.int64)
    stay_of[enc.patient[ordinary]] = ordinary
    coded = np.sort(stay_of[patients_ranked[:n_code]])
    emap = np.sort(stay_of[patients_ranked[n_code:n_code + n_emap]])

    def during(e: np.ndarray) -> np.ndarray:  # a moment of the stay, at least an hour in, before the period's end
        last = np.minimum(enc.discharge[e], end) - HOUR
        first = enc.admit[e] + HOUR
        return clear_of_dst_gap(first + ((last - first) * u_when[enc.patient[e]]).astype(np.int64))

    # confounder stays reviewed: the local day of peak activity (onset + ramp), kept inside the stay and period
    confounders = np.nonzero(np.isin(enc.category, [SEPSIS, LIVER, CHEMO, HEME_CHEMO]))[0]
    peak = np.minimum(enc.onset[confounders] + enc.ramp[confounders],
                      np.minimum(enc.discharge[confounders], end) - HOUR)
    peak = np.maximum(peak, enc.admit[confounders])
    reviewable = confounders[peak < end]
    reviewed = _lowest(key_review, reviewable, scenario.adjudicated_confounder_stays)
    peak_of = np.zeros(enc.n)
    peak_of[confounders] = peak
    return RecognitionPlan(coded_at_admission, never_recognised, coded, during(coded), emap, during(emap),
                           reviewed, (peak_of[reviewed] // DAY).astype(np.int64))


def emapalumab_orders(plan: RecognitionPlan, enc: Encounters) -> pl.DataFrame:
    """Orders (medications.make_orders' shape) for emapalumab started during the planned stays."""
    e = plan.emapalumab_stays
    return pl.DataFrame({
        "patient": enc.patient[e].astype(np.int64), "enc": e.astype(np.int64),
        "name": np.full(e.size, "emapalumab").astype(str), "route": np.full(e.size, "intravenous").astype(str),
        "started": plan.emapalumab_at.astype(np.int64), "ended": np.full(e.size, NO_END, dtype=np.int64),
    })


def recognition_truth(plan: RecognitionPlan, enc: Encounters, encounters: pl.DataFrame, diagnoses: pl.DataFrame,
                      medications: pl.DataFrame) -> pl.DataFrame:
    """truth/recognition.csv from the landing frames as written (encounters, diagnoses and
    medications in the canonical contract, text columns): the first recognition event per stay."""
    mas = np.nonzero(enc.category == MAS)[0]
    unflagged = np.concatenate([plan.coded_stays, plan.emapalumab_stays])
    expected = np.concatenate([np.where(plan.never_recognised[mas], "possibly_unrecognised", "recognised"),
                               np.full(unflagged.size, "recognised_never_flagged")]).astype(str)
    stays = pl.DataFrame({"enc": np.concatenate([mas, unflagged]).astype(np.int64), "expected_category": expected})
    stays = stays.select(writer.padded("enc", "E", 7).alias("encounter_id"), "expected_category").join(
        encounters.select("patient_id", "encounter_id", "admit_at", "discharge_at"), on="encounter_id")
    codes = diagnoses.filter(pl.col("code").is_in(RECOGNITION_CODES)).select(
        "patient_id", "encounter_id", pl.col("recorded_at").alias("at"), pl.lit("diagnosis_code").alias("by"),
        pl.col("code").alias("what"))
    inside = (pl.col("started_at") >= pl.col("admit_at")) & (
        (pl.col("discharge_at") == "") | (pl.col("started_at") < pl.col("discharge_at")))
    therapies = stays.join(medications.filter(pl.col("name").is_in(STRONG_THERAPIES)), on="patient_id").filter(
        inside).select("patient_id", pl.col("encounter_id"), pl.col("started_at").alias("at"),
                       pl.lit("directed_therapy").alias("by"), pl.col("name").alias("what"))
    first = pl.concat([codes, therapies]).sort("at", "by", "what").group_by(
        "patient_id", "encounter_id", maintain_order=True).first()
    return stays.join(first, on=["patient_id", "encounter_id"], how="left").sort("patient_id", "encounter_id").select(
        "patient_id", "encounter_id", "expected_category", pl.col("at").fill_null("").alias("recognised_at"),
        pl.col("by").fill_null("").alias("recognised_by"),
        pl.col("what").fill_null("").alias("recognition_code_or_name"))


def adjudication_files(plan: RecognitionPlan, enc: Encounters, episodes: pl.DataFrame, start: dt.date,
                       days: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(adjudications.csv, truth/adjudications.csv) as text frames; `episodes` is truth/mas_episodes.csv
    (sorted by diagnosis). Reviews are dated after the period: day `days` + 2 from 09:00 on, a
    minute apart (MAS stays from 09:10, confounders from 10:40, invalid rows from 12:20)."""
    if episodes.height == 0:
        return (pl.DataFrame(schema={c: pl.String for c in ADJUDICATION_COLUMNS}),
                pl.DataFrame(schema={c: pl.String for c in TRUTH_ADJUDICATION_COLUMNS}))
    review_start = dt.datetime.combine(start + dt.timedelta(days=days + 2), dt.time(9))

    def reviewed(minute: pl.Expr) -> pl.Expr:
        return (pl.lit(review_start) + pl.duration(minutes=minute)).dt.strftime("%Y-%m-%dT%H:%M:%S")

    def rows(frame: pl.DataFrame, outcome: str, verdict: str = "", reason: str = "", condition: str = "") -> pl.DataFrame:
        return frame.select(*ADJUDICATION_COLUMNS, expected_outcome=pl.lit(outcome), expected_verdict=pl.lit(verdict),
                            expected_reason=pl.lit(reason), condition=pl.lit(condition))

    n = episodes.height
    index = pl.int_range(pl.len())
    # every MAS stay confirmed on the local day of its diagnosis (verdicts are case-insensitive)
    mas = episodes.select(
        episode_id=pl.lit(""), patient_id="patient_id", as_of_date=pl.col("diagnosis_at").str.slice(0, 10),
        verdict=pl.when(index == 0).then(pl.lit("Confirmed")).otherwise(pl.lit("confirmed")),
        reviewer=pl.lit("reviewer_a"), reviewed_at=reviewed(10 + index),
        note=pl.when(index == n - 1).then(pl.lit(FORMULA_NOTE)).otherwise(pl.lit("")))
    first = mas.row(0, named=True)
    # the first MAS stay reviewed once more, earlier, written below: the later review (above) wins
    again = mas.head(1).with_columns(verdict=pl.lit("uncertain"), reviewer=pl.lit("reviewer_b"),
                                     reviewed_at=reviewed(pl.lit(0)), note=pl.lit(""))
    confounders = pl.DataFrame({"enc": plan.reviewed_confounders.astype(np.int64),
                                "day": plan.reviewed_confounder_day.astype(np.int64),
                                "patient": enc.patient[plan.reviewed_confounders].astype(np.int64)}).select(
        episode_id=pl.lit(""), patient_id=writer.padded("patient", "P", 6),
        as_of_date=(pl.lit(start) + pl.duration(days=pl.col("day"))).dt.strftime("%Y-%m-%d"),
        verdict=pl.lit("not_mas"), reviewer=pl.lit("reviewer_b"), reviewed_at=reviewed(100 + index), note=pl.lit(""))
    # one fault each on an otherwise valid reference to the first MAS stay
    base = dict(first, verdict="confirmed", note="")
    # conflicting: the last MAS stay's episode id, guessed, with the first's patient (another patient
    # when there is one MAS stay only) and day
    last = episodes.row(n - 1, named=True)
    met = dt.date.fromisoformat(last["criteria_first_met_at"][:10])
    conflict_patient = first["patient_id"] if n > 1 else f"P{int(first['patient_id'][1:]) + 1:06d}"
    faults = (
        ("missing_reference", "", dict(as_of_date="")),
        ("conflicting_reference", "episode_id_exists",
         dict(episode_id=f"{last['patient_id']}/{met - dt.timedelta(days=1)}", patient_id=conflict_patient)),
        ("conflicting_reference", "episode_id_exists",
         dict(episode_id=f"{last['patient_id']}/{met}", patient_id=conflict_patient)),
        ("unknown_episode", "", dict(as_of_date=(start - dt.timedelta(days=1)).isoformat())),
        ("invalid_verdict", "", dict(verdict="probably")),
        ("missing_reviewer", "", dict(reviewer="")),
        ("invalid_timestamp", "", dict(reviewed_at=f"{review_start.year}-02-30T09:00:00")),
    )
    invalid = [rows(pl.DataFrame([{**base, "reviewed_at": (review_start + dt.timedelta(minutes=200 + i))
                                   .strftime("%Y-%m-%dT%H:%M:%S"), **fault}]), "quarantined", reason=reason,
                    condition=condition)
               for i, (reason, condition, fault) in enumerate(faults)]  # the quarantine reasons
    both = pl.concat([rows(mas, "applied", "confirmed"), rows(again, "later_verdict_wins", "uncertain"),
                      rows(confounders, "applied", "not_mas", condition="day_flagged"), *invalid])
    file = both.select(ADJUDICATION_COLUMNS)
    truth = both.select(source_row=(index + 1).cast(pl.String), patient_id="patient_id", as_of_date="as_of_date",
                        expected_outcome="expected_outcome", expected_verdict="expected_verdict",
                        expected_reason="expected_reason", condition="condition")
    return file, truth


def write_csv(frame: pl.DataFrame, path) -> None:
    """A text frame as RFC 4180 CSV (fields quoted only when needed, quotes doubled; an empty
    field is written empty), '\\n' lines."""
    frame.with_columns(pl.all().replace("", None)).write_csv(path, line_terminator="\n", quote_style="necessary")


__all__ = ["RecognitionPlan", "plan_recognition", "emapalumab_orders", "recognition_truth", "adjudication_files",
           "write_csv"]
