"""`generate`: a deterministic synthetic hospital, written as canonical extracts plus ground truth.

Same arguments, same bytes: every random draw comes from one `numpy.random.default_rng(seed)` in a
fixed order, every table is sorted before it is written, and numbers are written from integers
(never from float formatting).

out_dir/landing/ (the canonical extract contract, pipelines/core/contract.py):
  patients.csv        patient_id, birth_date, sex (F|M)
  encounters.csv      patient_id, encounter_id, admit_at, discharge_at (empty: still admitted at the
                      end of the period), encounter_type (inpatient), care_unit
  diagnoses.csv       patient_id, encounter_id, code_system (ICD10CM), code, recorded_at (MAS: D76.1
                      at diagnosis_at, at admission or not at all, see recognition.py)
  medications.csv     patient_id, encounter_id, code_system (RXNORM or empty), code, name, dose, dose_unit,
                      route, started_at, ended_at (empty: running): who gets what, see medications.py
  labs_YYYY-MM-DD.csv one per day of resulted_at: patient_id, encounter_id, result_id, code, name,
                      value, unit, ref_low, ref_high, collected_at, resulted_at, status (F|C|P|X)
  vitals_YYYY-MM-DD.csv one per day of recorded_at: patient_id, encounter_id, measurement_id, code
                      (8310-5), value, unit, measured_at, recorded_at
  Every day of the period has both files (header only when empty). Timestamps are site-local,
  'YYYY-MM-DDTHH:MM:SS', never in the 02:00-02:59 hour.
out_dir/truth/:
  mas_episodes.csv    patient_id, encounter_id, underlying (sjia|aosd|sle), onset_at, diagnosis_at,
                      criteria_first_met_at (the first moment criteria.first_met holds in the rows as
                      sent; diagnosis_at is 24-96 h later: the values turn then, and D76.1 is recorded
                      then unless recognition.csv says otherwise), context_at_onset: what a screen could know
                      of the rheumatic context before the diagnosis: coded (its ICD-10-CM code is
                      recorded at admission), suspected_therapy (MAS at sJIA onset, no code before
                      discharge, but anakinra started during the stay before the diagnosis), none
                      (MAS at sJIA onset, nothing before discharge)
  cohorts.csv         patient_id, encounter_id, cohort, underlying: one row per encounter. cohort is one
                      of COHORTS (mas, sjia_flare, aosd_flare, sle_flare, sepsis, liver_injury,
                      heme_malignancy_chemotherapy, heme_malignancy, solid_tumour_chemotherapy,
                      infection, ordinary); underlying (sjia|aosd|sle) for mas and the flares, else empty
  confounders.csv     patient_id, encounter_id, kind (sepsis|liver_injury|heme_malignancy|chemotherapy):
                      the confounder encounters of cohorts.csv, one row per kind
  injected_defects.csv file_kind (labs|vitals), reason, rows: every quarantine reason for both kinds
  superseded.csv      file_kind, reason (duplicate|older_version|cancelled), rows
  recognition.csv     patient_id, encounter_id, expected_category, recognised_at, recognised_by,
                      recognition_code_or_name: the audit case expected for each MAS stay and each
                      recognised ordinary stay (recognition.py)
  adjudications.csv   source_row, patient_id, as_of_date, expected_outcome, expected_verdict,
                      expected_reason: what becomes of each row of out_dir/adjudications.csv
out_dir/adjudications.csv: the quality team's verdicts file (the audit's default path beside a
  warehouse at out_dir/warehouse.duckdb): valid rows, one review superseded by a later one, and one
  invalid row per quarantine reason (recognition.py). Rewritten on every run, like landing/.

Scenario assumptions (engineering choices of this hospital, not clinical facts) are the fields of
`Scenario`, passed as `generate(..., scenario=Scenario(...))`:
  mas_at_sjia_onset_share  share of all MAS episodes that present at the onset of sJIA (default 0.2,
                           about a fifth: an assumption of this scenario, not a clinical figure). Those patients
                           are sJIA patients with no earlier code: their M08.20 is recorded at the
                           MAS stay's discharge (not at all if the stay outlasts the period).
  long_term_biologic_share  share of known sJIA/AOSD patients on long-term IL-1 or IL-6 blockade (0.5)
  il6_share_of_biologics   of those, the share on tocilizumab rather than anakinra (0.3)
  suspected_sjia_anakinra_share  share of MAS-at-sJIA-onset patients started on anakinra during the
                           stay before the MAS diagnosis (0.5)
  sle_prednisone_share     share of SLE patients on long-term oral prednisone (0.5)
  other_prednisone_share   share of patients without a rheumatic disease on it (0.03)
  eye_drops_share          share of ordinary stays with prednisolone eye drops (0.02)
  recognised_at_admission_share  share of MAS stays (of those whose rheumatic context is coded) with
                           D76.1 recorded at admission, transferred in with the diagnosis (0.2)
  never_recognised_share   share of MAS stays (of those without in-stay anakinra) with no D76.1 and
                           no directed therapy (0.15)
  ordinary_stays_coded_mas, ordinary_stays_on_emapalumab  patients with one ordinary stay (benign
                           labs) and D76.1 recorded, or emapalumab started, during it (2 and 1)
  adjudicated_confounder_stays  confounder stays the quality team reviews as not MAS (3)
  (shares of all MAS stays, rounded, capped at the stays that qualify; recognition.py says how.)
Draws for the scenario come from a second generator seeded from (seed, 1), so the rest of the
hospital is the same with or without them; the recognition draws come after every other one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.synthetic import criteria
from pipelines.synthetic.catalog import (
    LAB_ANALYTES, LAB_INDEX, LAB_REASONS, SUPERSEDED_REASONS, TEMPERATURE, VITAL_REASONS,
)
from pipelines.synthetic.medications import make_orders, medications_frame
from pipelines.synthetic.messiness import lab_mess, make_overlaps, vital_mess
from pipelines.synthetic.orders import make_draws, make_lab_rows, make_readings
from pipelines.synthetic.population import (
    AOSD, CARE_UNITS, CHEMO, FLARE, HEME, HEME_CHEMO, HEME_CODES, LIVER, MAS, ORD, ORD_INF, SEPSIS, SJIA, SLE,
    SOLID_CODES, UNDERLYING_NAMES, make_encounters, make_patients,
)
from pipelines.synthetic.presentation import present
from pipelines.synthetic.recognition import (
    adjudication_files, emapalumab_orders, plan_recognition, recognition_truth, write_csv,
)
from pipelines.synthetic.timeline import DAY, HOUR, as_datetime, clear_of_dst_gap, iso
from pipelines.synthetic.trajectories import (
    draw_lab_noise, draw_levels, draw_temperature_noise, lab_values, temperatures,
)
from pipelines.synthetic import writer

CRITERIA_ANALYTES = ("ferritin", "platelets", "ast", "triglycerides", "fibrinogen")
CONFOUNDER_KINDS = ("sepsis", "liver_injury", "heme_malignancy", "chemotherapy")
COHORTS = ("mas", "sjia_flare", "aosd_flare", "sle_flare", "sepsis", "liver_injury", "heme_malignancy_chemotherapy",
           "heme_malignancy", "solid_tumour_chemotherapy", "infection", "ordinary")
CONTEXT_AT_ONSET = ("coded", "suspected_therapy", "none")
STATUS = ("F", "C", "P", "X")


@dataclass(frozen=True)
class Scenario:
    """Scenario assumptions of the generated hospital (shares in [0, 1], counts >= 0); see the module
    docstring."""

    mas_at_sjia_onset_share: float = 0.2
    long_term_biologic_share: float = 0.5
    il6_share_of_biologics: float = 0.3
    suspected_sjia_anakinra_share: float = 0.5
    sle_prednisone_share: float = 0.5
    other_prednisone_share: float = 0.03
    eye_drops_share: float = 0.02
    recognised_at_admission_share: float = 0.2
    never_recognised_share: float = 0.15
    ordinary_stays_coded_mas: int = 2
    ordinary_stays_on_emapalumab: int = 1
    adjudicated_confounder_stays: int = 3

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if isinstance(value, int) and not isinstance(value, bool):
                if value < 0:
                    raise ValueError(f"Scenario.{name} must be a count of at least 0, not {value}")
            elif not 0.0 <= value <= 1.0:
                raise ValueError(f"Scenario.{name} must be a share between 0 and 1, not {value}")


@dataclass(frozen=True)
class GenerationSummary:
    """What one `generate` call wrote. Row counts are lines in the files (defects, duplicates and
    superseded versions included); `files` are paths relative to the output folder."""

    patients: int
    encounters: int
    lab_rows: int
    vital_rows: int
    diagnosis_rows: int
    medication_rows: int
    mas_episodes: int
    confounders: dict[str, int] = field(default_factory=dict)  # encounters per kind (truth/confounders.csv)
    cohorts: dict[str, int] = field(default_factory=dict)  # encounters per cohort (truth/cohorts.csv)
    injected_defects: dict[str, dict[str, int]] = field(default_factory=dict)  # file kind -> reason -> rows
    superseded: dict[str, dict[str, int]] = field(default_factory=dict)  # file kind -> reason -> rows
    files: tuple[str, ...] = ()


class GenerationError(RuntimeError):
    """The generated data would not keep a promise the truth files make (a bug, never expected)."""


def generate(out_dir: Path, patients: int, days: int, start: dt.date, seed: int,
             scenario: Scenario = Scenario()) -> GenerationSummary:
    """Write the hospital's landing/ and truth/ files under `out_dir` (formats: module docstring).

    patients, days: size of the hospital and length of the period (days from `start`, local time);
    seed: every draw; scenario: the scenario assumptions. Raises ValueError for a size below 1 and
    GenerationError when the data would contradict its truth files."""
    if patients < 1 or days < 1:
        raise ValueError("patients and days must be at least 1")
    out_dir = Path(out_dir)
    rng = np.random.default_rng(seed)
    scenario_rng = np.random.default_rng((seed, 1))
    end = days * DAY

    # --- who, when, what was measured ---------------------------------------------------------
    pats = make_patients(rng, patients, days)
    enc = make_encounters(rng, pats, days)
    at_sjia_onset = _mas_at_sjia_onset(scenario_rng, pats, scenario.mas_at_sjia_onset_share)
    underlying_e = pats.underlying[enc.patient].astype(np.int64)
    levels = draw_levels(rng, enc)
    draws = make_draws(rng, enc, days)
    labs = make_lab_rows(rng, enc, draws, days)
    reads = make_readings(rng, enc, days)
    lab_noise = draw_lab_noise(rng, draws.enc.size)
    temp_draws = draw_temperature_noise(rng, enc, reads.enc.size)
    lab_u = rng.random((labs.enc.size, 4))  # unit, censoring, style, name
    vit_u = rng.random((reads.enc.size, 3))  # unit, censoring, style

    # IDs follow collection order (accession numbers), readings follow measurement order.
    lab_order = np.lexsort((labs.analyte, labs.enc, labs.collected))
    for name in ("draw", "enc", "analyte", "collected", "resulted"):
        setattr(labs, name, getattr(labs, name)[lab_order])
    lab_u = lab_u[lab_order]
    read_order = np.lexsort((reads.enc, reads.measured))
    for name in ("enc", "measured", "recorded"):
        setattr(reads, name, getattr(reads, name)[read_order])
    temp_draws.noise, temp_draws.u_fever, temp_draws.u_level = (
        temp_draws.noise[read_order], temp_draws.u_fever[read_order], temp_draws.u_level[read_order])
    vit_u = vit_u[read_order]

    # --- MAS truth: first moment the criteria are met in the rows as sent, then diagnosis ------
    is_mas_enc = enc.category == MAS
    crit_idx = [LAB_INDEX[a] for a in CRITERIA_ANALYTES]
    lab_protected = is_mas_enc[labs.enc] & np.isin(labs.analyte, crit_idx)
    vit_protected = is_mas_enc[reads.enc]
    resolve = enc.resolve.copy()

    values = lab_values(enc, levels, draws.enc, draws.t, lab_noise, resolve)[labs.draw, labs.analyte]
    temps = temperatures(enc, underlying_e, reads.enc, reads.measured, temp_draws, resolve)
    lab_canon, _ = _present_labs(values, labs.analyte, lab_u, np.full(values.size, -1))
    temp_canon = present(TEMPERATURE, temps, vit_u[:, 0], vit_u[:, 1], vit_u[:, 2]).canonical
    first = _first_met(labs, lab_canon, lab_protected, reads, temp_canon, vit_protected, start)
    mas_encs = np.nonzero(is_mas_enc)[0]
    first_met = np.full(enc.n, -1, dtype=np.int64)
    if first.height:
        first_met[first["enc"].to_numpy()] = first["minute"].to_numpy()
    delay = rng.integers(24 * HOUR, 96 * HOUR + 1, size=enc.n)
    diagnosis = clear_of_dst_gap(first_met + delay)
    lag = diagnosis - first_met
    bad = is_mas_enc & ((first_met < 0) | (diagnosis >= enc.discharge) | (diagnosis >= end)
                        | (first_met < enc.onset) | (lag < 24 * HOUR) | (lag > 96 * HOUR))
    if bad.any():
        raise GenerationError(f"MAS encounters {np.nonzero(bad)[0].tolist()} do not meet the criteria as designed")
    resolve[mas_encs] = diagnosis[mas_encs]

    # Treatment after diagnosis changes only later values; rows before stay exactly as checked.
    values = lab_values(enc, levels, draws.enc, draws.t, lab_noise, resolve)[labs.draw, labs.analyte]
    temps = temperatures(enc, underlying_e, reads.enc, reads.measured, temp_draws, resolve)
    checked = lab_protected & (labs.collected < diagnosis[labs.enc])
    if not np.array_equal(_present_labs(values, labs.analyte, lab_u, np.full(values.size, -1))[0][checked],
                          lab_canon[checked]):
        raise GenerationError("values before a MAS diagnosis changed after the diagnosis was set")

    # --- messiness -----------------------------------------------------------------------------
    overlaps = make_overlaps(rng, days)
    lm = lab_mess(rng, labs.analyte, values, labs.collected, labs.resulted, lab_protected, overlaps, days)
    vm = vital_mess(rng, reads.recorded, vit_protected, overlaps)

    # --- lab lines -----------------------------------------------------------------------------
    n_lab = labs.enc.size
    base = np.arange(n_lab)
    overlap_rows = np.nonzero(lm.in_overlap)[0]
    src = np.concatenate([base, lm.corrected, lm.preliminary, lm.cancelled, lm.dup_within, overlap_rows])
    status = np.concatenate([np.zeros(n_lab), np.full(lm.corrected.size, 1), np.full(lm.preliminary.size, 2),
                             np.full(lm.cancelled.size, 3), np.zeros(lm.dup_within.size),
                             np.zeros(overlap_rows.size)]).astype(np.int64)
    resulted = np.concatenate([labs.resulted, lm.corrected_at, lm.preliminary_at, lm.cancelled_at,
                               labs.resulted[lm.dup_within], labs.resulted[overlap_rows]])
    factor = np.concatenate([np.ones(n_lab), lm.corrected_factor, lm.preliminary_factor,
                             np.ones(lm.cancelled.size + lm.dup_within.size + overlap_rows.size)])
    copy_order = np.concatenate([np.zeros(n_lab + lm.corrected.size + lm.preliminary.size + lm.cancelled.size),
                                 np.ones(lm.dup_within.size), np.zeros(overlap_rows.size)]).astype(np.int64)
    file_day = resulted // DAY + np.concatenate([np.zeros(src.size - overlap_rows.size), np.ones(overlap_rows.size)]
                                                ).astype(np.int64)
    analyte = labs.analyte[src]
    defect = lm.defect[src]
    value = values[src] * factor
    force = np.full(src.size, -1)
    implausible = defect == 1 + LAB_REASONS.index("implausible_value")
    counts = (analyte == LAB_INDEX["platelets"]) | (analyte == LAB_INDEX["wbc"])
    value = np.where(implausible & counts, value * 1000, np.where(implausible, value * 10, value))
    force = np.where(implausible & counts, 1, np.where(implausible, 0, force))  # K/uL; g/dL
    _, shown = _present_labs(value, analyte, lab_u[src], force)
    lab_frame = pl.DataFrame({
        "patient": enc.patient[labs.enc[src]], "enc": labs.enc[src], "rid": src, "analyte": analyte,
        "collected": labs.collected[src], "resulted": resulted, "status_i": status, "defect": defect,
        "variant2": lm.variant[src], "file_day": file_day, "order": status * 2 + copy_order, **shown,
    }).with_columns(status=pl.col("status_i").replace_strict(dict(enumerate(STATUS)), return_dtype=pl.String))
    lab_lines = writer.render_labs(lab_frame, start)

    # --- vital lines ---------------------------------------------------------------------------
    n_vit = reads.enc.size
    v_overlap = np.nonzero(vm.in_overlap)[0]
    vsrc = np.concatenate([np.arange(n_vit), vm.dup_within, v_overlap])
    v_file_day = reads.recorded[vsrc] // DAY + np.concatenate(
        [np.zeros(n_vit + vm.dup_within.size), np.ones(v_overlap.size)]).astype(np.int64)
    vdefect = vm.defect[vsrc]
    vvalue = temps[vsrc]
    v_implausible = vdefect == 1 + VITAL_REASONS.index("implausible_value")
    vvalue = np.where(v_implausible, np.where(vm.variant[vsrc] < 0.5, vvalue * 9 / 5 + 32, vvalue / 10), vvalue)
    vforce = np.where(v_implausible, 0, -1)
    p = present(TEMPERATURE, vvalue, vit_u[vsrc, 0], vit_u[vsrc, 1], vit_u[vsrc, 2], vforce)
    vital_frame = pl.DataFrame({
        "patient": enc.patient[reads.enc[vsrc]], "enc": reads.enc[vsrc], "rid": vsrc,
        "measured": reads.measured[vsrc], "recorded": reads.recorded[vsrc], "defect": vdefect,
        "variant2": vm.variant[vsrc], "file_day": v_file_day,
        "order": np.concatenate([np.zeros(n_vit), np.ones(vm.dup_within.size),
                                 np.zeros(v_overlap.size)]).astype(np.int64),
        "opt_g": p.option, "scaled": p.scaled, "decimals": p.decimals, "thousands": p.thousands,
        "leading_dot": p.leading_dot,
    })
    vital_lines = writer.render_vitals(vital_frame, start)

    # --- write -----------------------------------------------------------------------------------
    landing, truth = out_dir / "landing", out_dir / "truth"
    landing.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    _remove_stale(landing, truth)
    paths = []
    paths.append(writer.write_frame(_patients_frame(pats, start), landing / "patients.csv"))
    enc_frame = _encounters_frame(enc, start, end)
    paths.append(writer.write_frame(enc_frame, landing / "encounters.csv"))
    orders, suspected = make_orders(scenario_rng, pats, enc, diagnosis, at_sjia_onset, scenario)
    plan = plan_recognition(scenario_rng, pats, enc, suspected, at_sjia_onset, days, scenario)
    dx_frame = _diagnoses_frame(rng, pats, enc, diagnosis, at_sjia_onset, plan, start, end)
    paths.append(writer.write_frame(dx_frame, landing / "diagnoses.csv"))
    med_frame = medications_frame(pl.concat([orders, emapalumab_orders(plan, enc)]), start, end)
    paths.append(writer.write_frame(med_frame, landing / "medications.csv"))
    paths += writer.write_daily(lab_lines, landing, "labs", writer.LAB_COLUMNS, start, days)
    paths += writer.write_daily(vital_lines, landing, "vitals", writer.VITAL_COLUMNS, start, days)

    episodes = pl.DataFrame({
        "patient": enc.patient[mas_encs], "enc": mas_encs, "underlying": underlying_e[mas_encs],
        "onset": clear_of_dst_gap(np.round(enc.onset[mas_encs]).astype(np.int64)), "diagnosis": diagnosis[mas_encs],
        "first": first_met[mas_encs], "context": np.where(at_sjia_onset[enc.patient[mas_encs]],
                                                                   np.where(suspected[enc.patient[mas_encs]], 1, 2), 0),
    }).sort("diagnosis", "enc").select(
        writer.padded("patient", "P", 6).alias("patient_id"), writer.padded("enc", "E", 7).alias("encounter_id"),
        pl.col("underlying").replace_strict(dict(enumerate(UNDERLYING_NAMES)), return_dtype=pl.String),
        iso(pl.col("onset"), start).alias("onset_at"), iso(pl.col("diagnosis"), start).alias("diagnosis_at"),
        iso(pl.col("first"), start).alias("criteria_first_met_at"),
        pl.col("context").replace_strict(dict(enumerate(CONTEXT_AT_ONSET)), return_dtype=pl.String)
        .alias("context_at_onset"),
    )
    paths.append(writer.write_frame(episodes, truth / "mas_episodes.csv"))
    cohorts = _cohorts_frame(enc, underlying_e)
    paths.append(writer.write_frame(cohorts, truth / "cohorts.csv"))
    confounders = _confounders_frame(enc)
    paths.append(writer.write_frame(confounders, truth / "confounders.csv"))

    defects = {
        "labs": {r: int((lm.defect == 1 + i).sum()) for i, r in enumerate(LAB_REASONS)},
        "vitals": {r: int((vm.defect == 1 + VITAL_REASONS.index(r)).sum()) if r in VITAL_REASONS else 0
                   for r in LAB_REASONS},
    }
    superseded = {
        "labs": {"duplicate": int(lm.dup_within.size + overlap_rows.size),
                 "older_version": int(lm.corrected.size + lm.preliminary.size),
                 "cancelled": int(2 * lm.cancelled.size)},
        "vitals": {"duplicate": int(vm.dup_within.size + v_overlap.size), "older_version": 0, "cancelled": 0},
    }
    paths.append(writer.write_frame(_counts_frame(defects), truth / "injected_defects.csv"))
    paths.append(writer.write_frame(_counts_frame(superseded), truth / "superseded.csv"))
    recognition = recognition_truth(plan, enc, enc_frame, dx_frame, med_frame)
    paths.append(writer.write_frame(recognition, truth / "recognition.csv"))
    adjudications, expected = adjudication_files(plan, enc, episodes, start, days)
    write_csv(adjudications, out_dir / "adjudications.csv")
    paths.append(out_dir / "adjudications.csv")
    paths.append(writer.write_frame(expected, truth / "adjudications.csv"))

    return GenerationSummary(
        patients=pats.n, encounters=enc.n, lab_rows=lab_lines.height, vital_rows=vital_lines.height,
        diagnosis_rows=dx_frame.height, medication_rows=med_frame.height, mas_episodes=int(mas_encs.size),
        confounders={k: int((confounders["kind"] == k).sum()) for k in CONFOUNDER_KINDS},
        cohorts={k: int((cohorts["cohort"] == k).sum()) for k in COHORTS},
        injected_defects=defects, superseded=superseded,
        files=tuple(p.relative_to(out_dir).as_posix() for p in paths),
    )


def _present_labs(value: np.ndarray, analyte: np.ndarray, u: np.ndarray, force: np.ndarray):
    """Present every lab row (loop over the 13 analytes). Returns canonical read-back and columns."""
    n = value.size
    opt_offsets = writer.option_offsets(LAB_ANALYTES)
    censor_offsets, _ = writer.censor_texts(LAB_ANALYTES)
    name_offsets, _, _ = writer.name_tables()
    cols = {"opt_g": np.zeros(n, np.int64), "scaled": np.zeros(n, np.int64), "decimals": np.zeros(n, np.int64),
            "censor_g": np.full(n, -1, np.int64), "thousands": np.zeros(n, bool), "leading_dot": np.zeros(n, bool),
            "name_g": np.zeros(n, np.int64)}
    canonical = np.zeros(n)
    for i, a in enumerate(LAB_ANALYTES):
        m = analyte == i
        if not m.any():
            continue
        p = present(a, value[m], u[m, 0], u[m, 1], u[m, 2], force[m])
        canonical[m] = p.canonical
        cols["opt_g"][m] = opt_offsets[i] + p.option
        cols["scaled"][m] = p.scaled
        cols["decimals"][m] = p.decimals
        cols["censor_g"][m] = np.where(p.censor >= 0, censor_offsets[i] + p.censor, -1)
        cols["thousands"][m] = p.thousands
        cols["leading_dot"][m] = p.leading_dot
        weights = np.cumsum([w for _, w in a.names])
        cols["name_g"][m] = name_offsets[i] + np.minimum(
            np.searchsorted(weights / weights[-1], u[m, 3], side="right"), len(weights) - 1)
    return canonical, cols


def _first_met(labs, lab_canon, lab_protected, reads, temp_canon, vit_protected, start) -> pl.DataFrame:
    names = {i: a.key for i, a in enumerate(LAB_ANALYTES)}
    lab_df = pl.DataFrame({
        "enc": labs.enc[lab_protected],
        "analyte": pl.Series(labs.analyte[lab_protected]).replace_strict(names, return_dtype=pl.String),
        "value": lab_canon[lab_protected],
        "collected_at": as_datetime(labs.collected[lab_protected], start),
        "resulted_at": as_datetime(labs.resulted[lab_protected], start),
    })
    temp_df = pl.DataFrame({
        "enc": reads.enc[vit_protected], "temp_c": temp_canon[vit_protected],
        "measured_at": as_datetime(reads.measured[vit_protected], start),
        "recorded_at": as_datetime(reads.recorded[vit_protected], start),
    })
    met = criteria.first_met(lab_df, temp_df, key="enc")
    base = np.datetime64(start.isoformat(), "m")
    minutes = ((met["first_met_at"].to_numpy().astype("datetime64[m]") - base).astype(np.int64))
    return pl.DataFrame({"enc": met["enc"].to_numpy(), "minute": minutes})


def _remove_stale(landing: Path, truth: Path) -> None:
    """Drop files an earlier run of the generator left (e.g. a longer period); nothing else."""
    for folder, patterns in ((landing, ("labs_*.csv", "vitals_*.csv", "patients.csv", "encounters.csv",
                                        "diagnoses.csv", "medications.csv")),
                             (truth, ("mas_episodes.csv", "cohorts.csv", "confounders.csv",
                                      "injected_defects.csv", "superseded.csv", "recognition.csv",
                                      "adjudications.csv"))):
        for pattern in patterns:
            for path in sorted(folder.glob(pattern)):
                path.unlink()


def _patients_frame(pats, start: dt.date) -> pl.DataFrame:
    base = np.datetime64(start.isoformat(), "D")
    birth = (base - pats.birth_offset_days.astype("timedelta64[D]")).astype("datetime64[D]")
    return pl.DataFrame({"i": np.arange(pats.n), "birth": birth, "female": pats.female}).select(
        writer.padded("i", "P", 6).alias("patient_id"),
        pl.col("birth").dt.strftime("%Y-%m-%d").alias("birth_date"),
        pl.when(pl.col("female")).then(pl.lit("F")).otherwise(pl.lit("M")).alias("sex"),
    )


def _encounters_frame(enc, start: dt.date, end: int) -> pl.DataFrame:
    return pl.DataFrame({
        "patient": enc.patient, "enc": np.arange(enc.n), "admit": enc.admit, "discharge": enc.discharge,
        "unit": enc.care_unit,
    }).sort("patient", "admit").select(
        writer.padded("patient", "P", 6).alias("patient_id"), writer.padded("enc", "E", 7).alias("encounter_id"),
        iso(pl.col("admit"), start).alias("admit_at"),
        pl.when(pl.col("discharge") < end).then(iso(pl.col("discharge"), start)).otherwise(pl.lit(""))
        .alias("discharge_at"),
        pl.lit("inpatient").alias("encounter_type"),
        pl.col("unit").replace_strict(dict(enumerate(CARE_UNITS)), return_dtype=pl.String).alias("care_unit"),
    )


ORD_CODES_ADULT = ("I50.9", "S72.001A", "I63.9", "I21.4", "J44.1", "R55", "K85.90", "K56.609", "N17.9", "E87.1")
ORD_CODES_CHILD = ("K35.80", "S06.0X0A", "E10.10", "R56.9", "J45.901")
INFECTION_CODES_ADULT = ("J18.9", "N39.0", "L03.115", "K57.32", "A08.4")
INFECTION_CODES_CHILD = ("J18.9", "J21.9", "A08.4", "N39.0", "H66.90")
UNDERLYING_CODES = ("M08.20", "M06.1", "M32.9")


def _diagnoses_frame(rng, pats, enc, diagnosis, at_sjia_onset, plan, start: dt.date, end: int) -> pl.DataFrame:
    """Coded diagnoses per encounter, recorded during the stay; MAS adds D76.1 at diagnosis (at
    admission when `plan` says recognised on time, never when it says never recognised), and the
    plan's ordinary stays get D76.1 at its time. MAS at sJIA onset (`at_sjia_onset`, per patient):
    the sJIA code of that stay is recorded at discharge."""
    m = enc.n
    cat = enc.category
    child = pats.age_years[enc.patient] < 18
    u = rng.random((m, 3))
    at_admission = clear_of_dst_gap(enc.admit + rng.integers(HOUR, 12 * HOUR, size=m))
    recorded = np.where((cat == MAS) & at_sjia_onset[enc.patient], enc.discharge, at_admission)

    def pick(codes_adult, codes_child):
        a = np.array(codes_adult)[np.minimum((u[:, 0] * len(codes_adult)).astype(int), len(codes_adult) - 1)]
        c = np.array(codes_child)[np.minimum((u[:, 0] * len(codes_child)).astype(int), len(codes_child) - 1)]
        return np.where(child, c, a)

    underlying = pats.underlying[enc.patient]
    primary = np.select(
        [cat == ORD, cat == ORD_INF, cat == SEPSIS, cat == LIVER, (cat == HEME) | (cat == HEME_CHEMO), cat == CHEMO],
        [pick(ORD_CODES_ADULT, ORD_CODES_CHILD), pick(INFECTION_CODES_ADULT, INFECTION_CODES_CHILD),
         np.full(m, "A41.9"), np.full(m, "K72.00"), np.array(HEME_CODES)[pats.heme_code[enc.patient]],
         np.array(SOLID_CODES)[pats.solid_code[enc.patient]]],
        np.array(UNDERLYING_CODES)[np.maximum(underlying, 0)],
    )
    rows = [(np.arange(m), primary, recorded)]
    severe = (cat == SEPSIS) & (u[:, 1] < 0.5)
    rows.append((np.nonzero(severe)[0], np.full(severe.sum(), "R65.20"), at_admission[severe] + 30))
    chemo = (cat == CHEMO) | (cat == HEME_CHEMO)
    rows.append((np.nonzero(chemo)[0], np.full(chemo.sum(), "Z51.11"), at_admission[chemo] + 45))
    mas = np.nonzero((cat == MAS) & ~plan.never_recognised)[0]
    rows.append((mas, np.full(mas.size, "D76.1"),
                 np.where(plan.coded_at_admission[mas], at_admission[mas] + 15, diagnosis[mas])))
    rows.append((plan.coded_stays, np.full(plan.coded_stays.size, "D76.1"), plan.coded_at))
    e = np.concatenate([r[0] for r in rows])
    frame = pl.DataFrame({
        "patient": enc.patient[e], "enc": e, "code": np.concatenate([r[1] for r in rows]).astype(str),
        "t": clear_of_dst_gap(np.concatenate([r[2] for r in rows])),
    }).filter(pl.col("t") < end)
    return frame.sort("t", "patient", "code").select(
        writer.padded("patient", "P", 6).alias("patient_id"), writer.padded("enc", "E", 7).alias("encounter_id"),
        pl.lit("ICD10CM").alias("code_system"), "code", iso(pl.col("t"), start).alias("recorded_at"),
    )


def _mas_at_sjia_onset(rng, pats, share: float) -> np.ndarray:
    """Per patient: MAS presents at the onset of sJIA. round(share x MAS patients) of them, drawn
    from the sJIA patients with MAS (all of those if there are fewer)."""
    candidates = np.nonzero(pats.is_mas & (pats.underlying == SJIA))[0]
    wanted = min(int(round(share * pats.is_mas.sum())), candidates.size)
    out = np.zeros(pats.n, dtype=bool)
    out[rng.choice(candidates, size=wanted, replace=False)] = True
    return out


def _cohorts_frame(enc, underlying_e) -> pl.DataFrame:
    """truth/cohorts.csv: one row per encounter, its cohort and (rheumatic cohorts) underlying disease."""
    cat = enc.category
    flare = np.select([underlying_e == SJIA, underlying_e == AOSD], ["sjia_flare", "aosd_flare"], "sle_flare")
    cohort = np.select(
        [cat == MAS, (cat == FLARE) | (cat == SLE), cat == SEPSIS, cat == LIVER, cat == HEME_CHEMO, cat == HEME,
         cat == CHEMO, cat == ORD_INF],
        ["mas", flare, "sepsis", "liver_injury", "heme_malignancy_chemotherapy", "heme_malignancy",
         "solid_tumour_chemotherapy", "infection"], "ordinary")
    rheumatic = (cat == MAS) | (cat == FLARE) | (cat == SLE)
    return pl.DataFrame({
        "patient": enc.patient, "enc": np.arange(enc.n), "cohort": cohort.astype(str),
        "underlying": np.where(rheumatic, np.array(UNDERLYING_NAMES)[np.maximum(underlying_e, 0)], ""),
    }).sort("patient", "enc").select(
        writer.padded("patient", "P", 6).alias("patient_id"), writer.padded("enc", "E", 7).alias("encounter_id"),
        "cohort", "underlying")


def _confounders_frame(enc) -> pl.DataFrame:
    cat = enc.category
    kinds = [(cat == SEPSIS, "sepsis"), (cat == LIVER, "liver_injury"),
             ((cat == HEME) | (cat == HEME_CHEMO), "heme_malignancy"),
             ((cat == CHEMO) | (cat == HEME_CHEMO), "chemotherapy")]
    e = np.concatenate([np.nonzero(mask)[0] for mask, _ in kinds])
    kind = np.concatenate([np.full(mask.sum(), name) for mask, name in kinds]).astype(str)
    return pl.DataFrame({"patient": enc.patient[e], "enc": e, "kind": kind}).sort("patient", "enc", "kind").select(
        writer.padded("patient", "P", 6).alias("patient_id"), writer.padded("enc", "E", 7).alias("encounter_id"),
        "kind")


def _counts_frame(counts: dict[str, dict[str, int]]) -> pl.DataFrame:
    rows = [(kind, reason, str(n)) for kind, by_reason in counts.items() for reason, n in by_reason.items()]
    return pl.DataFrame(rows, schema=["file_kind", "reason", "rows"], orient="row")


__all__ = ["generate", "GenerationSummary", "GenerationError", "Scenario", "SUPERSEDED_REASONS", "CONFOUNDER_KINDS",
           "COHORTS", "CONTEXT_AT_ONSET"]
