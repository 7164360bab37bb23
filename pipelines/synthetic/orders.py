"""When things are measured: blood draws and the tests on them, and temperature readings.

- One draw per inpatient day: an admission draw 20-120 min after admission, then early-morning
  draws (05:00-07:00). CBC (platelets, WBC, ANC, haemoglobin) on every draw; chemistry (AST/ALT,
  LDH, CRP) on most; ferritin, fibrinogen, triglycerides, ESR, D-dimer every 2-4 days for ordinary
  patients, every 1-3 days for confounders and daily for rheumatic patients (they are admitted sick).
- Results come back 1-6 h after collection (CBC and coagulation faster; ferritin and
  triglycerides 2-24 h). Panels (CBC, liver tests) result together.
- Temperature 4-6 times a day (6 for MAS and sepsis), plus one on arrival; charted 1-45 min after
  it was taken, sometimes hours late.
Nothing is collected after discharge or after the end of the period; results that would come back
after the end of the period are not in the extract yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.synthetic.catalog import LAB_ANALYTES, LAB_INDEX
from pipelines.synthetic.population import FLARE, MAS, ORD, ORD_INF, SLE, Encounters
from pipelines.synthetic.timeline import DAY, HOUR, clear_of_dst_gap

SPECIALS = ("ferritin", "fibrinogen", "triglycerides", "esr", "ddimer")
# Panels that result together, and their collection-to-result delay: (min minutes, span, power)
PANEL_OF = dict(platelets=0, wbc=0, anc=0, hemoglobin=0, ast=1, alt=1, ldh=2, crp=3, fibrinogen=4, ddimer=4,
                esr=5, ferritin=6, triglycerides=7)
PANEL_DELAY = ((60, 180, 2.0), (60, 300, 1.5), (60, 300, 1.5), (60, 240, 1.5), (60, 180, 1.5), (60, 180, 1.0),
               (120, 1320, 2.5), (120, 1320, 2.5))
# Probability of ordering on a draw, by encounter category (ORD, ORD_INF, SEPSIS, LIVER, HEME, CHEMO,
# HEME_CHEMO, FLARE, SLE, MAS)
P_ORDER = dict(
    anc=(0.92, 0.92, 1, 0.92, 1, 1, 1, 0.95, 0.95, 1),
    liver=(0.75, 0.8, 0.95, 1, 0.9, 0.9, 0.9, 0.95, 0.9, 1),
    ldh=(0.55, 0.6, 0.8, 0.9, 0.9, 0.6, 0.9, 0.85, 0.7, 1),
    crp=(0.6, 0.85, 0.95, 0.6, 0.7, 0.6, 0.7, 0.95, 0.85, 1),
)
SPECIAL_SKIP = (0.1, 0.1, 0.05, 0.1, 0.1, 0.1, 0.1, 0.0, 0.0, 0.0)


@dataclass
class Draws:
    enc: np.ndarray
    t: np.ndarray
    day_index: np.ndarray  # days since admission day


@dataclass
class LabRows:
    draw: np.ndarray
    enc: np.ndarray
    analyte: np.ndarray  # index into catalog.LAB_ANALYTES
    collected: np.ndarray
    resulted: np.ndarray


@dataclass
class Readings:
    enc: np.ndarray
    measured: np.ndarray
    recorded: np.ndarray


def _enc_days(enc: Encounters, days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    admit_day = enc.admit // DAY
    last_day = np.minimum(enc.discharge // DAY, days - 1)
    n = last_day - admit_day + 1
    rep = np.repeat(np.arange(enc.n), n)
    offsets = np.repeat(np.cumsum(n) - n, n)
    k = np.arange(rep.size) - offsets
    return rep, k, admit_day[rep] + k


def make_draws(rng: np.random.Generator, enc: Encounters, days: int) -> Draws:
    rep, k, day = _enc_days(enc, days)
    first = enc.admit[rep] + rng.integers(20, 121, size=rep.size)
    morning = day * DAY + rng.integers(5 * HOUR, 7 * HOUR + 1, size=rep.size)
    t = clear_of_dst_gap(np.where(k == 0, first, morning))
    keep = (t < enc.discharge[rep]) & (t < days * DAY)
    return Draws(rep[keep], t[keep], k[keep])


def make_lab_rows(rng: np.random.Generator, enc: Encounters, draws: Draws, days: int) -> LabRows:
    n = draws.enc.size
    cat = enc.category[draws.enc]
    u = rng.random((n, 4))
    interval = np.select(
        [np.isin(enc.category, [FLARE, SLE, MAS]), np.isin(enc.category, [ORD, ORD_INF])],
        [1, rng.integers(2, 5, size=enc.n)], rng.integers(1, 4, size=enc.n))
    phase = rng.integers(0, 4, size=(enc.n, len(SPECIALS)))
    u_special = rng.random((n, len(SPECIALS)))
    panel_u = rng.random((n, len(PANEL_DELAY)))
    first = draws.day_index == 0

    def p(name: str) -> np.ndarray:
        return np.asarray(P_ORDER[name])[cat]

    ordered = {
        "platelets": np.ones(n, bool), "wbc": np.ones(n, bool), "hemoglobin": np.ones(n, bool),
        "anc": u[:, 0] < p("anc"),
        "ast": first | (u[:, 1] < p("liver")), "alt": first | (u[:, 1] < p("liver")),
        "ldh": u[:, 2] < p("ldh"), "crp": first | (u[:, 3] < p("crp")),
    }
    skip = np.asarray(SPECIAL_SKIP)[cat]
    for j, name in enumerate(SPECIALS):
        due = (draws.day_index + phase[draws.enc, j]) % interval[draws.enc] == 0
        ordered[name] = due & (u_special[:, j] >= skip)

    parts = []
    for analyte in LAB_ANALYTES:  # loop over the 13 analytes
        i = LAB_INDEX[analyte.key]
        rows = np.nonzero(ordered[analyte.key])[0]
        lo, span, power = PANEL_DELAY[PANEL_OF[analyte.key]]
        delay = lo + np.floor(span * panel_u[rows, PANEL_OF[analyte.key]] ** power).astype(np.int64)
        parts.append((rows, np.full(rows.size, i), draws.t[rows], clear_of_dst_gap(draws.t[rows] + delay)))
    draw = np.concatenate([p_[0] for p_ in parts])
    analyte_idx = np.concatenate([p_[1] for p_ in parts])
    collected = np.concatenate([p_[2] for p_ in parts])
    resulted = np.concatenate([p_[3] for p_ in parts])
    keep = resulted < days * DAY
    return LabRows(draw[keep], draws.enc[draw[keep]], analyte_idx[keep], collected[keep], resulted[keep])


def make_readings(rng: np.random.Generator, enc: Encounters, days: int) -> Readings:
    rep, k, day = _enc_days(enc, days)
    slots = enc.temp_slots[rep]
    per_day = np.repeat(np.arange(rep.size), slots)
    j = np.arange(per_day.size) - np.repeat(np.cumsum(slots) - slots, slots)
    n_slots = slots[per_day]
    # Schedules around the clock that keep clear of 01:00-03:00: 00/06/12/18, 00/05/10/15/20, q4h from 00.
    slot_minute = (j * (DAY // n_slots)).astype(np.int64)
    jitter = rng.integers(-40, 41, size=per_day.size)
    measured = day[per_day] * DAY + slot_minute + jitter
    e = rep[per_day]
    arrival_e = np.arange(enc.n)
    arrival = enc.admit + rng.integers(5, 31, size=enc.n)
    e = np.concatenate([arrival_e, e])
    measured = clear_of_dst_gap(np.concatenate([arrival, measured]))
    keep = (measured > enc.admit[e] + 30) | (np.arange(e.size) < enc.n)
    keep &= (measured >= enc.admit[e]) & (measured < enc.discharge[e]) & (measured < days * DAY)
    e, measured = e[keep], measured[keep]
    late = rng.random(e.size) < 0.03
    delay = np.where(late, rng.integers(60, 8 * HOUR, size=e.size), rng.integers(1, 46, size=e.size))
    recorded = clear_of_dst_gap(measured + delay)
    keep = recorded < days * DAY
    return Readings(e[keep], measured[keep], recorded[keep])
