"""Medication orders of the synthetic hospital: landing/medications.csv in the canonical contract
(pipelines/core/contract.py MEDICATIONS; staged by sql/staging/medication_parse.sql).

Who gets what (every share is a field of generator.Scenario, drawn per patient or per stay):
  long-term IL-1 blockade (anakinra, subcutaneous) or IL-6 blockade (tocilizumab, intravenous)
      for a share of the patients with known sJIA or AOSD, started 30-720 days before their first
      stay of the period, still running (no end time), no encounter;
  anakinra started during the stay, 12 h after admission at the earliest and 12 h before the MAS
      diagnosis at the latest, for a share of the patients whose MAS presents at sJIA onset (sJIA
      suspected, not yet coded: truth context_at_onset = suspected_therapy);
  long-term oral prednisone for a share of SLE patients and a smaller share of everyone else
      without a rheumatic disease, started 30-1500 days before the first stay, still running;
  prednisolone eye drops (route ophthalmic) for a share of ordinary stays, 5-10 days from a time
      during the stay;
  chemotherapy: every stay of the chemotherapy cohorts gets the orders of one regimen below,
      started 2-20 h after admission, each running 1-5 days, intravenous.
Names are ingredient names. The RxNorm code is filled only where clinical-criteria.md section 9
gives a verified ingredient RXCUI (prednisone 8640, prednisolone 8638, etoposide 4179); otherwise
code_system and code are empty and the name carries the drug. Doses are left empty: no dose is
used by the screen, and none is invented here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from pipelines.synthetic import writer
from pipelines.synthetic.population import (AOSD, CHEMO, HEME_CHEMO, MAS, ORD, P_RHEUM, SJIA, SLE_DISEASE, Encounters,
                                            Patients)
from pipelines.synthetic.timeline import DAY, HOUR, clear_of_dst_gap, iso

MEDICATION_COLUMNS = ("patient_id", "encounter_id", "code_system", "code", "name", "dose", "dose_unit", "route",
                      "started_at", "ended_at")
# Verified ingredient RXCUIs (clinical-criteria.md section 9); any other drug is sent by name only.
RXNORM = {"prednisone": "8640", "prednisolone": "8638", "etoposide": "4179"}
SOLID_TUMOUR_REGIMENS = (("carboplatin", "paclitaxel"), ("oxaliplatin", "fluorouracil"),
                         ("doxorubicin", "cyclophosphamide"))
HEME_MALIGNANCY_REGIMENS = (("cytarabine", "daunorubicin"), ("cyclophosphamide", "doxorubicin", "vincristine"),
                            ("etoposide", "cytarabine"))
NO_END = -1  # an order still running at extract time


def make_orders(rng: np.random.Generator, pats: Patients, enc: Encounters, diagnosis: np.ndarray,
                at_sjia_onset: np.ndarray, scenario) -> tuple[pl.DataFrame, np.ndarray]:
    """Orders as integer-minute rows (patient, enc or -1, name, route, started, ended or NO_END), and
    per patient whether anakinra was started during the MAS stay before the diagnosis."""
    n, m = pats.n, enc.n
    u = rng.random((n, 6))
    t = rng.random((m, 5))
    first = enc.number == 0
    first_admit = np.zeros(n, dtype=np.int64)
    first_admit[enc.patient[first]] = enc.admit[first]
    parts: list[dict] = []

    def add(patients, encounters, name, route, started, ended):
        k = len(patients)
        parts.append(dict(patient=np.asarray(patients, np.int64), enc=np.asarray(encounters, np.int64),
                          name=np.broadcast_to(np.asarray(name, dtype=object), (k,)).astype(str),
                          route=np.full(k, route), started=np.asarray(started, np.int64),
                          ended=np.asarray(ended, np.int64)))

    # long-term biologics for known sJIA/AOSD
    known = (pats.group == P_RHEUM) & np.isin(pats.underlying, [SJIA, AOSD]) & ~at_sjia_onset
    on_biologic = known & (u[:, 0] < scenario.long_term_biologic_share)
    il6 = on_biologic & (u[:, 1] < scenario.il6_share_of_biologics)
    since = first_admit - ((30 + 690 * u[:, 2]) * DAY).astype(np.int64)
    for mask, name, route in ((on_biologic & ~il6, "anakinra", "subcutaneous"), (il6, "tocilizumab", "intravenous")):
        p = np.nonzero(mask)[0]
        add(p, np.full(p.size, -1), name, route, since[p], np.full(p.size, NO_END))

    # anakinra for suspected sJIA during the MAS stay, before the diagnosis
    mas_enc = np.nonzero((enc.category == MAS) & at_sjia_onset[enc.patient])[0]
    treated = mas_enc[u[enc.patient[mas_enc], 3] < scenario.suspected_sjia_anakinra_share]
    lo, hi = enc.admit[treated] + 12 * HOUR, diagnosis[treated] - 12 * HOUR
    add(enc.patient[treated], treated, "anakinra", "subcutaneous",
        lo + ((hi - lo) * t[treated, 0]).astype(np.int64), np.full(treated.size, NO_END))
    suspected = np.zeros(n, dtype=bool)
    suspected[enc.patient[treated]] = True

    # long-term oral prednisone
    share = np.where(pats.underlying == SLE_DISEASE, scenario.sle_prednisone_share,
                     np.where(pats.group == P_RHEUM, 0.0, scenario.other_prednisone_share))
    p = np.nonzero(u[:, 4] < share)[0]
    add(p, np.full(p.size, -1), "prednisone", "oral", first_admit[p] - ((30 + 1470 * u[p, 5]) * DAY).astype(np.int64),
        np.full(p.size, NO_END))

    # prednisolone eye drops during some ordinary stays
    e = np.nonzero((enc.category == ORD) & (t[:, 1] < scenario.eye_drops_share))[0]
    started = enc.admit[e] + ((enc.discharge[e] - enc.admit[e]) * t[e, 2]).astype(np.int64)
    add(enc.patient[e], e, "prednisolone", "ophthalmic", started, started + ((5 + 5 * t[e, 3]) * DAY).astype(np.int64))

    # chemotherapy regimens (loop over the few regimens, vectorised over stays)
    for category, regimens in ((CHEMO, SOLID_TUMOUR_REGIMENS), (HEME_CHEMO, HEME_MALIGNANCY_REGIMENS)):
        stays = np.nonzero(enc.category == category)[0]
        pick = np.minimum((t[stays, 4] * len(regimens)).astype(np.int64), len(regimens) - 1)
        for r, regimen in enumerate(regimens):
            s = stays[pick == r]
            start = enc.admit[s] + ((2 + 18 * t[s, 0]) * HOUR).astype(np.int64)
            for j, drug in enumerate(regimen):
                add(enc.patient[s], s, drug, "intravenous", start + j * 30,
                    start + j * 30 + ((1 + 4 * t[s, 3]) * DAY).astype(np.int64))

    orders = pl.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in parts[0]})
    return orders, suspected


def medications_frame(orders: pl.DataFrame, start: dt.date, end: int) -> pl.DataFrame:
    """landing/medications.csv: orders started before the end of the period; an end time after
    the period's end is not known yet and is sent empty."""
    kept = orders.filter(pl.col("started") < end)
    ended = kept["ended"].to_numpy()
    kept = kept.with_columns(
        started=pl.Series(clear_of_dst_gap(kept["started"].to_numpy())),
        ended=pl.Series(np.where((ended == NO_END) | (ended >= end), NO_END, clear_of_dst_gap(ended))))
    code = pl.col("name").replace_strict(RXNORM, default="", return_dtype=pl.String)
    return kept.sort("started", "patient", "name").select(
        writer.padded("patient", "P", 6).alias("patient_id"),
        pl.when(pl.col("enc") >= 0).then(writer.padded("enc", "E", 7)).otherwise(pl.lit("")).alias("encounter_id"),
        pl.when(code != "").then(pl.lit("RXNORM")).otherwise(pl.lit("")).alias("code_system"),
        code.alias("code"), "name", pl.lit("").alias("dose"), pl.lit("").alias("dose_unit"), "route",
        iso(pl.col("started"), start).alias("started_at"),
        pl.when(pl.col("ended") == NO_END).then(pl.lit("")).otherwise(iso(pl.col("ended"), start)).alias("ended_at"),
    )
