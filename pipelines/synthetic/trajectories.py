"""Lab values and temperatures over time, per encounter category (canonical units).

Each encounter draws a base level and a target level per analyte (log-uniform in the ranges
below). Its disease process moves values from base to target along an activity curve
w(t) in [0, 1] (interpolation in log space, so ferritin rises roughly exponentially), then back
after the process resolves. MAS: from onset over 2-5 days ferritin climbs from ~300-1000 to
5,000-100,000 ng/mL, platelets fall to 40-150, fibrinogen to 80-250 mg/dL, AST rises to 70-500,
triglycerides to 190-500 mg/dL, LDH rises, ESR falls; fever persists until treatment (diagnosis).
Per-result noise is log-normal and clipped at 2 SD, so the ranges are hard bounds on the noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.synthetic.population import (
    CHEMO, FLARE, HEME, HEME_CHEMO, LIVER, MAS, ORD, ORD_INF, SEPSIS, SLE, SLE_DISEASE, Encounters,
)
from pipelines.synthetic.timeline import DAY, HOUR

# Latent series: as the lab analytes, except that ANC is carried as the neutrophil fraction of WBC.
LATENT = ("ferritin", "platelets", "wbc", "nfrac", "hemoglobin", "ast", "alt", "ldh", "triglycerides",
          "fibrinogen", "ddimer", "crp", "esr")
NOISE_SD = dict(ferritin=0.08, platelets=0.06, wbc=0.08, nfrac=0.03, hemoglobin=0.03, ast=0.08, alt=0.08,
                ldh=0.07, triglycerides=0.06, fibrinogen=0.06, ddimer=0.12, crp=0.15, esr=0.10)
CLIP = dict(ferritin=(3, 150000), platelets=(5, 1200), wbc=(0.2, 150), nfrac=(0.03, 0.95), hemoglobin=(5, 19),
            ast=(5, 20000), alt=(3, 20000), ldh=(80, 20000), triglycerides=(20, 2000), fibrinogen=(50, 1200),
            ddimer=(0.1, 60), crp=(0.2, 500), esr=(1, 140))

ORD_BASE = dict(ferritin=(30, 350), platelets=(160, 380), wbc=(4.5, 10.5), nfrac=(0.5, 0.72), hemoglobin=(10, 14.5),
                ast=(14, 36), alt=(10, 40), ldh=(140, 260), triglycerides=(60, 145), fibrinogen=(250, 450),
                ddimer=(0.2, 1.0), crp=(1, 30), esr=(5, 35))
HEME_BASE = {**ORD_BASE, **dict(ferritin=(800, 5000), platelets=(20, 110), wbc=(0.8, 60), nfrac=(0.1, 0.5),
                                hemoglobin=(7, 10), ldh=(300, 1500), triglycerides=(90, 220), fibrinogen=(300, 550),
                                ddimer=(0.5, 3), crp=(10, 80), esr=(20, 80))}
# Active sJIA/AOSD without MAS. Ferritin 300-2,550 ng/mL against ESR 50-110 mm/h (both log-uniform)
# puts ~22% of flare draws at or above the ferritin/ESR cut-off 21.5: the 78% specificity of Eloseily
# 2019 (sJIA-MAS vs active sJIA; clinical-criteria.md section 5). The upper ferritin bound is the
# calibrated number (it was 3,000: ~27% of draws); a screen testing every day of a stay crosses it
# in more flare patients than that, as a clinic visit would not.
FLARE_BASE = dict(ferritin=(300, 2550), platelets=(350, 650), wbc=(12, 28), nfrac=(0.7, 0.88), hemoglobin=(9, 12),
                  ast=(15, 38), alt=(10, 45), ldh=(200, 450), triglycerides=(60, 130), fibrinogen=(450, 750),
                  ddimer=(1, 4), crp=(50, 250), esr=(50, 110))
SLE_BASE = dict(ferritin=(80, 700), platelets=(110, 260), wbc=(2.5, 6), nfrac=(0.5, 0.7), hemoglobin=(9, 12),
                ast=(15, 45), alt=(10, 40), ldh=(180, 350), triglycerides=(80, 200), fibrinogen=(250, 450),
                ddimer=(0.5, 2.5), crp=(2, 20), esr=(40, 100))
# Active rheumatic disease just before MAS: chosen so that no two of the 2016 items can be met
# before onset even at the noise bounds (every 2016 item on its normal side of the rule file's cut-off).
MAS_BASE = dict(ferritin=(300, 1000), platelets=(280, 450), wbc=(10, 20), nfrac=(0.65, 0.85), hemoglobin=(9.5, 12),
                ast=(15, 38), alt=(12, 40), ldh=(200, 350), triglycerides=(60, 125), fibrinogen=(430, 650),
                ddimer=(1, 3), crp=(40, 150), esr=(50, 100))

BASE = {ORD: ORD_BASE, ORD_INF: ORD_BASE, SEPSIS: ORD_BASE, LIVER: ORD_BASE, HEME: HEME_BASE, CHEMO: ORD_BASE,
        HEME_CHEMO: HEME_BASE, FLARE: FLARE_BASE, SLE: SLE_BASE, MAS: MAS_BASE}
TARGET = {
    ORD_INF: dict(ferritin=(200, 800), wbc=(11, 18), nfrac=(0.75, 0.88), crp=(40, 200), fibrinogen=(450, 650),
                  esr=(30, 70), ddimer=(0.5, 2)),
    SEPSIS: dict(ferritin=(1000, 5000), platelets=(50, 150), wbc=(12, 28), nfrac=(0.8, 0.92), hemoglobin=(8.5, 11),
                 ast=(25, 110), alt=(20, 90), ldh=(250, 600), triglycerides=(90, 230), fibrinogen=(500, 800),
                 ddimer=(2, 8), crp=(120, 350), esr=(40, 90)),
    LIVER: dict(ferritin=(1000, 20000), platelets=(110, 220), ast=(300, 6000), alt=(250, 5000), ldh=(400, 3000),
                fibrinogen=(130, 300), ddimer=(1, 5), crp=(5, 40), hemoglobin=(10, 13)),
    CHEMO: dict(platelets=(25, 90), wbc=(0.6, 2.5), nfrac=(0.1, 0.4), hemoglobin=(7.5, 10)),
    HEME_CHEMO: dict(platelets=(8, 40), wbc=(0.3, 1.5), nfrac=(0.05, 0.3), hemoglobin=(6.8, 9)),
    MAS: dict(ferritin=(5000, 100000), platelets=(40, 150), wbc=(2, 5), nfrac=(0.5, 0.7), hemoglobin=(7.5, 9.5),
              ast=(70, 500), alt=(50, 400), ldh=(600, 4000), triglycerides=(190, 500), fibrinogen=(80, 250),
              ddimer=(5, 30), crp=(20, 100), esr=(5, 20)),
}
LINEAR = {"nfrac"}  # interpolated and noised additively


@dataclass
class Levels:
    base: np.ndarray  # (encounters, latent)
    target: np.ndarray


def draw_levels(rng: np.random.Generator, enc: Encounters) -> Levels:
    m, k = enc.n, len(LATENT)
    u_base = rng.random((m, k))
    u_target = rng.random((m, k))
    base = np.zeros((m, k))
    target = np.zeros((m, k))
    for cat, ranges in BASE.items():  # loop over categories x analytes: vectorised over encounters
        mask = enc.category == cat
        for j, name in enumerate(LATENT):
            lo, hi = ranges[name]
            base[mask, j] = _interp(lo, hi, u_base[mask, j], name)
            if name in TARGET.get(cat, {}):
                tlo, thi = TARGET[cat][name]
                target[mask, j] = _interp(tlo, thi, u_target[mask, j], name)
            else:
                target[mask, j] = base[mask, j]
    return Levels(base, target)


def _interp(lo: float, hi: float, u: np.ndarray, name: str) -> np.ndarray:
    if name in LINEAR:
        return lo + (hi - lo) * u
    return np.exp(np.log(lo) + (np.log(hi) - np.log(lo)) * u)


def activity(t: np.ndarray, onset: np.ndarray, ramp: np.ndarray, resolve: np.ndarray,
             decline: np.ndarray) -> np.ndarray:
    up = np.clip((t - onset) / ramp, 0.0, 1.0)
    down = np.clip((t - resolve) / decline, 0.0, 1.0)
    return up * (1.0 - down)


def draw_lab_noise(rng: np.random.Generator, n_draws: int) -> np.ndarray:
    z = np.clip(rng.standard_normal((n_draws, len(LATENT))), -2.0, 2.0)
    return z * np.array([NOISE_SD[name] for name in LATENT])


def lab_values(enc: Encounters, levels: Levels, draw_enc: np.ndarray, draw_t: np.ndarray,
               noise: np.ndarray, resolve: np.ndarray) -> np.ndarray:
    """Canonical values at each draw, (draws, 13 lab analytes in catalog order)."""
    e = draw_enc
    w = activity(draw_t.astype(np.float64), enc.onset[e], enc.ramp[e], resolve[e], enc.decline[e])[:, None]
    base, target = levels.base[e], levels.target[e]
    log_v = np.log(base) + w * (np.log(target) - np.log(base)) + noise
    linear = base + w * (target - base) + noise
    latent = np.where(np.array([n in LINEAR for n in LATENT])[None, :], linear, np.exp(log_v))
    lo = np.array([CLIP[n][0] for n in LATENT]); hi = np.array([CLIP[n][1] for n in LATENT])
    latent = np.clip(latent, lo, hi)
    values = latent.copy()
    i_wbc, i_nfrac = LATENT.index("wbc"), LATENT.index("nfrac")
    values[:, i_nfrac] = latent[:, i_wbc] * latent[:, i_nfrac]  # the ANC column
    return values  # column order == LATENT with nfrac replaced by ANC == catalog.LAB_ANALYTES order


@dataclass
class TempDraws:
    base: np.ndarray  # per encounter, afebrile set point
    noise: np.ndarray  # per reading
    u_fever: np.ndarray
    u_level: np.ndarray


def draw_temperature_noise(rng: np.random.Generator, enc: Encounters, n_readings: int) -> TempDraws:
    return TempDraws(rng.normal(36.8, 0.15, size=enc.n), np.clip(rng.normal(0, 0.2, size=n_readings), -0.5, 0.5),
                     rng.random(n_readings), rng.random(n_readings))


def temperatures(enc: Encounters, underlying: np.ndarray, read_enc: np.ndarray, read_t: np.ndarray,
                 draws: TempDraws, resolve: np.ndarray) -> np.ndarray:
    """Body temperature (Cel) at each reading. `underlying` is per encounter (-1 if none)."""
    e = read_enc
    t = read_t.astype(np.float64)
    cat = enc.category[e]
    hour = (read_t % DAY) / HOUR
    evening = (hour >= 14) & (hour < 23)
    w = activity(t, enc.onset[e], enc.ramp[e], resolve[e], enc.decline[e])
    quotidian_p = np.where(evening, 0.7, 0.04)
    sle_like = underlying[e] == SLE_DISEASE

    # MAS: before onset the underlying disease's pattern; from onset to diagnosis persistent fever
    # (every afternoon/evening reading and most others); after diagnosis it settles over ~36 h.
    mas_on = t >= enc.onset[e]
    after_dx = np.clip((t - resolve[e]) / (36 * HOUR), 0.0, 1.0)
    mas_persistent = np.where((hour >= 12), 1.0, 0.6)
    mas_p = np.where(mas_on, mas_persistent * (1 - after_dx) + 0.02 * after_dx,
                     np.where(sle_like, 0.12, quotidian_p))
    p = np.select(
        [cat == ORD, cat == ORD_INF, cat == SEPSIS, cat == LIVER, cat == HEME, (cat == CHEMO) | (cat == HEME_CHEMO),
         cat == FLARE, cat == SLE, cat == MAS],
        [np.full(len(t), 0.01), 0.01 + 0.45 * w, 0.65 * w, np.full(len(t), 0.04), np.full(len(t), 0.18),
         0.02 + 0.5 * w * enc.neutropenic_fever[e], quotidian_p, np.full(len(t), 0.12), mas_p],
    )
    lo_hi = np.select(
        [cat == ORD, cat == ORD_INF, cat == SEPSIS, cat == LIVER, cat == HEME, (cat == CHEMO) | (cat == HEME_CHEMO),
         cat == FLARE, cat == SLE, (cat == MAS) & mas_on, cat == MAS],
        [37.9, 38.0, 38.3, 37.8, 38.0, 38.3, 38.8, 37.9, 38.6, np.where(sle_like, 37.9, 38.8)],
    ), np.select(
        [cat == ORD, cat == ORD_INF, cat == SEPSIS, cat == LIVER, cat == HEME, (cat == CHEMO) | (cat == HEME_CHEMO),
         cat == FLARE, cat == SLE, (cat == MAS) & mas_on, cat == MAS],
        [38.6, 39.3, 40.2, 38.7, 39.5, 39.6, 40.2, 38.8, 40.5, np.where(sle_like, 38.8, 40.2)],
    )
    fever = draws.u_fever < p
    febrile = lo_hi[0] + (lo_hi[1] - lo_hi[0]) * draws.u_level
    afebrile = np.minimum(draws.base[e] + draws.noise + np.where(evening, 0.15, 0.0), 37.7)
    return np.where(fever, febrile, afebrile)


__all__ = ["LATENT", "Levels", "draw_levels", "lab_values", "temperatures", "activity"]
