"""Who is in the hospital: patients (age, sex, condition) and their inpatient encounters.

Patient groups: ordinary inpatients; rheumatic patients (sJIA children, adult-onset Still's, SLE),
a few of whom develop MAS during their first stay; and confounders (sepsis, liver injury,
haematological malignancy, chemotherapy for a solid tumour). Encounter categories carry the
disease process that drives the labs (see trajectories.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.synthetic.timeline import DAY, clear_of_dst_gap

# Patient groups
P_ORD, P_SEPSIS, P_LIVER, P_HEME, P_SOLID, P_RHEUM = range(6)
# Underlying rheumatic disease
SJIA, AOSD, SLE_DISEASE = range(3)
UNDERLYING_NAMES = ("sjia", "aosd", "sle")
# Encounter categories
ORD, ORD_INF, SEPSIS, LIVER, HEME, CHEMO, HEME_CHEMO, FLARE, SLE, MAS = range(10)

NEVER = 1.0e12  # minutes: a process that never starts / never resolves
MAX_ENCOUNTERS = 3
MIN_DAYS_FOR_MAS = 12

# Care units by category, adults and children (index 0 = child)
_UNITS_ADULT = {
    ORD: ("MED", "SURG", "CARD", "NEURO"), ORD_INF: ("MED", "MED", "SURG"), SEPSIS: ("MICU", "MED"),
    LIVER: ("MED", "MICU", "GI"), HEME: ("HEM-ONC",), CHEMO: ("ONC",), HEME_CHEMO: ("HEM-ONC",),
    FLARE: ("MED", "RHEUM"), SLE: ("MED", "RHEUM"), MAS: ("MICU", "MED"),
}
_UNITS_CHILD = {
    ORD: ("PEDS",), ORD_INF: ("PEDS",), SEPSIS: ("PICU", "PEDS"), LIVER: ("PEDS", "PICU"),
    HEME: ("PEDS-ONC",), CHEMO: ("PEDS-ONC",), HEME_CHEMO: ("PEDS-ONC",), FLARE: ("PEDS",), SLE: ("PEDS",),
    MAS: ("PICU",),
}
CARE_UNITS = tuple(sorted({u for table in (_UNITS_ADULT, _UNITS_CHILD) for units in table.values() for u in units}))

# Length of stay (whole days): median, min, max
_LOS = {ORD: (4, 2, 20), ORD_INF: (5, 2, 20), SEPSIS: (8, 3, 20), LIVER: (6, 3, 20), HEME: (8, 3, 20),
        CHEMO: (5, 3, 14), HEME_CHEMO: (12, 5, 20), FLARE: (6, 3, 16), SLE: (5, 2, 14)}


@dataclass
class Patients:
    group: np.ndarray
    underlying: np.ndarray  # -1 unless rheumatic
    is_mas: np.ndarray
    age_years: np.ndarray
    female: np.ndarray
    birth_offset_days: np.ndarray  # birth date = start - this many days
    heme_code: np.ndarray  # index into HEME_CODES
    solid_code: np.ndarray  # index into SOLID_CODES

    @property
    def n(self) -> int:
        return len(self.group)


@dataclass
class Encounters:
    patient: np.ndarray
    number: np.ndarray  # 0 = first stay in the period
    category: np.ndarray
    admit: np.ndarray  # minutes
    discharge: np.ndarray  # minutes; may lie beyond the period (still admitted at extract time)
    onset: np.ndarray  # float minutes: disease process timing (NEVER = no process)
    ramp: np.ndarray
    resolve: np.ndarray
    decline: np.ndarray
    care_unit: np.ndarray  # index into CARE_UNITS
    neutropenic_fever: np.ndarray
    temp_slots: np.ndarray  # temperature readings per day

    @property
    def n(self) -> int:
        return len(self.patient)


def make_patients(rng: np.random.Generator, n: int, days: int) -> Patients:
    perm = rng.permutation(n)
    n_rheum = int(round(n * 0.04))
    if n >= 200:
        n_rheum = max(n_rheum, 3)
    n_rheum = min(n_rheum, n)
    n_mas = 0
    if days >= MIN_DAYS_FOR_MAS and n_rheum > 0:
        n_mas = int(round(n * rng.uniform(0.006, 0.009)))
        if n >= 200:
            n_mas = max(n_mas, 1)
        n_mas = min(n_mas, n_rheum)

    group = np.full(n, P_ORD, dtype=np.int8)
    underlying = np.full(n, -1, dtype=np.int8)
    is_mas = np.zeros(n, dtype=bool)
    rheum = perm[:n_rheum]
    group[rheum] = P_RHEUM
    underlying[rheum] = rng.choice(3, size=n_rheum, p=[0.30, 0.25, 0.45])
    if n_mas:
        weight = np.array([3.0, 2.0, 0.7])[underlying[rheum]]
        is_mas[rng.choice(rheum, size=n_mas, replace=False, p=weight / weight.sum())] = True
    others = perm[n_rheum:]
    group[others] = rng.choice([P_ORD, P_SEPSIS, P_LIVER, P_HEME, P_SOLID], size=len(others),
                               p=[0.875, 0.05, 0.025, 0.03, 0.02])

    u = rng.random(n)
    child = rng.random(n)
    adult_old = 18 + 77 * rng.beta(2.2, 1.6, size=n)
    age = np.select(
        [group == P_RHEUM, group == P_SOLID, group == P_LIVER],
        [np.select([underlying == SJIA, underlying == AOSD], [2 + 14 * u, 16 + 29 * u], 14 + 41 * u),
         35 + 50 * u, 20 + 60 * u],
        np.where(child < np.where(group == P_HEME, 0.15, np.where(group == P_SEPSIS, 0.10, 0.12)),
                 0.2 + 17.7 * u, adult_old),
    )
    female = rng.random(n) < np.where(underlying == SLE_DISEASE, 0.9, 0.52)
    birth_offset = np.round(age * 365.25).astype(np.int64) + rng.integers(0, 365, size=n)
    return Patients(group, underlying, is_mas, age, female, birth_offset,
                    rng.integers(0, 4, size=n), rng.integers(0, 3, size=n))


def _los_days(rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
    med, lo, hi = (np.ones(len(category)) for _ in range(3))
    for cat, (m, a, b) in _LOS.items():
        mask = category == cat
        med[mask], lo[mask], hi[mask] = m, a, b
    return np.clip(np.round(med * np.exp(rng.normal(0, 0.45, size=len(category)))), lo, hi).astype(np.int64)


def _care_units(rng: np.random.Generator, category: np.ndarray, is_child: np.ndarray) -> np.ndarray:
    out = np.zeros(len(category), dtype=np.int64)
    u = rng.random(len(category))
    for table, who in ((_UNITS_ADULT, ~is_child), (_UNITS_CHILD, is_child)):
        for cat, units in table.items():
            mask = who & (category == cat)
            index = np.array([CARE_UNITS.index(x) for x in units])
            out[mask] = index[np.minimum((u[mask] * len(units)).astype(np.int64), len(units) - 1)]
    return out


def make_encounters(rng: np.random.Generator, pats: Patients, days: int) -> Encounters:
    n = pats.n
    u = rng.random(n)
    n_enc = 1 + (u < 0.16) + (u < 0.04)

    # MAS timing (days): onset after admission, ramp; the stay lasts until well after diagnosis.
    mas_onset_off = rng.uniform(1.0, 3.0, size=n)
    mas_ramp = rng.uniform(2.0, 5.0, size=n)
    need = mas_onset_off + mas_ramp + 7.5
    short = need > days - 1
    mas_onset_off = np.where(short, 1.0, mas_onset_off)
    mas_ramp = np.where(short, 2.0, mas_ramp)
    need = mas_onset_off + mas_ramp + 7.5
    mas_last_admit_day = np.maximum(np.floor(days - need).astype(np.int64), 0)

    first_day = np.where(pats.is_mas, (rng.random(n) * (mas_last_admit_day + 1)).astype(np.int64),
                         rng.integers(0, days, size=n))
    first_day = np.minimum(first_day, days - 1)
    gap_days = 1 + np.round(12 * np.exp(rng.normal(0, 0.7, size=(MAX_ENCOUNTERS, n)))).astype(np.int64)
    admit_tod = rng.integers(8 * 60, 23 * 60 + 30, size=(MAX_ENCOUNTERS, n))
    discharge_tod = rng.integers(10 * 60, 17 * 60, size=(MAX_ENCOUNTERS, n))
    cat_u = rng.random((MAX_ENCOUNTERS, n))
    recovery = rng.integers(3, 9, size=n)

    parts = []
    prev_discharge_day = np.zeros(n, dtype=np.int64)
    for j in range(MAX_ENCOUNTERS):  # loop over the encounter number (at most 3), not over patients
        admit_day = first_day if j == 0 else prev_discharge_day + gap_days[j]
        present = (n_enc > j) & (admit_day < days)
        g = pats.group
        cat = np.select(
            [g == P_ORD, g == P_SEPSIS, g == P_LIVER, g == P_HEME, g == P_SOLID],
            [np.where(cat_u[j] < 0.2, ORD_INF, ORD),
             SEPSIS if j == 0 else np.where(cat_u[j] < 0.3, ORD_INF, ORD),
             LIVER if j == 0 else np.full(n, ORD),
             np.where(cat_u[j] < 0.5, HEME_CHEMO, HEME),
             np.full(n, CHEMO)],
            np.where(pats.is_mas & (j == 0), MAS,
                     np.where(pats.underlying == SLE_DISEASE, SLE, FLARE)),
        ).astype(np.int8)
        admit = clear_of_dst_gap(admit_day * DAY + admit_tod[j])
        los = _los_days(rng, cat)
        is_mas_enc = cat == MAS
        mas_onset = admit + mas_onset_off * DAY
        mas_discharge_day = (mas_onset + (mas_ramp + 7.0) * DAY).astype(np.int64) // DAY + recovery
        discharge_day = np.where(is_mas_enc, mas_discharge_day, admit_day + los)
        discharge = clear_of_dst_gap(discharge_day * DAY + discharge_tod[j])
        prev_discharge_day = discharge_day
        parts.append(dict(patient=np.nonzero(present)[0], number=np.full(present.sum(), j),
                          category=cat[present], admit=admit[present], discharge=discharge[present],
                          mas_onset=mas_onset[present], mas_ramp=mas_ramp[present] * DAY))

    enc = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    m = len(enc["patient"])
    cat = enc["category"]
    admit = enc["admit"].astype(np.float64)

    # Disease process timing (minutes, float). w(t) ramps up from onset over `ramp`, holds, and
    # declines from `resolve` over `decline` (trajectories.activity).
    u1, u2, u3, u4 = (rng.random(m) for _ in range(4))
    onset, resolve = np.full(m, NEVER), np.full(m, NEVER)
    ramp, decline = np.full(m, float(DAY)), np.full(m, float(DAY))

    def setp(mask, on, rp, hold, dec):
        onset[mask], ramp[mask], decline[mask] = on[mask], rp[mask], dec[mask]
        resolve[mask] = (on + rp + hold)[mask]

    setp(cat == ORD_INF, admit - u1 * DAY, (0.5 + u2) * DAY, (1 + 2 * u3) * DAY, (2 + 2 * u4) * DAY)
    setp(cat == SEPSIS, admit - u1 * DAY, (1 + 1.5 * u2) * DAY, (1.5 + 2.5 * u3) * DAY, (2 + 3 * u4) * DAY)
    setp(cat == LIVER, admit - (0.5 + u1) * DAY, (0.5 + u2) * DAY, (0.5 + 1.5 * u3) * DAY, (3 + 4 * u4) * DAY)
    chemo = (cat == CHEMO) | (cat == HEME_CHEMO)
    setp(chemo, admit + (1 + 2 * u1) * DAY, (4 + 4 * u2) * DAY, (1 + 2 * u3) * DAY, (3 + 3 * u4) * DAY)
    mas = cat == MAS
    onset[mas] = enc["mas_onset"][mas]
    ramp[mas] = enc["mas_ramp"][mas]
    resolve[mas] = NEVER  # set to the diagnosis time once it is known
    decline[mas] = (4 + 6 * u4[mas]) * DAY

    is_child = pats.age_years[enc["patient"]] < 18
    care_unit = _care_units(rng, cat, is_child)
    neutropenic_fever = chemo & (rng.random(m) < 0.4)
    slots = np.where(np.isin(cat, [MAS, SEPSIS]), 6, rng.choice([4, 5, 6], size=m, p=[0.4, 0.35, 0.25]))

    # Keep encounters in admission order (encounter ids follow it).
    order = np.lexsort((enc["patient"], enc["admit"]))
    return Encounters(
        patient=enc["patient"][order], number=enc["number"][order], category=cat[order],
        admit=enc["admit"][order].astype(np.int64), discharge=enc["discharge"][order].astype(np.int64),
        onset=onset[order], ramp=ramp[order], resolve=resolve[order], decline=decline[order],
        care_unit=care_unit[order], neutropenic_fever=neutropenic_fever[order], temp_slots=slots[order],
    )


HEME_CODES = ("C91.00", "C83.30", "C92.00", "C90.00")
SOLID_CODES = ("C34.90", "C50.919", "C18.9")
