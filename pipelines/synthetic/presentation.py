"""How a value is sent: unit spelling, decimals, censoring, thousands separators, leading dots.

`present` is vectorised per analyte and returns the pieces the writer turns into text, plus the
value the ingestion will read back in the canonical unit (`canonical`), computed exactly as the
ingestion does: number as sent, then (sent - offset) * numerator / denominator from units.csv,
rounded to 6 decimals.

Rows sent in a converted unit (g/L fibrinogen, mmol/L triglycerides, degF, ...) whose converted
value would sit within `guard_width` of a clinical cut-off are sent in the canonical unit instead,
so no row's classification depends on floating-point or rounding choices of the reader.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.synthetic.catalog import Analyte

CENSOR_NONE = -1


@dataclass
class Presented:
    option: np.ndarray  # index into analyte.options
    scaled: np.ndarray  # int64: the number as sent times 10**decimals
    decimals: np.ndarray
    censor: np.ndarray  # index into analyte.censors, or -1
    thousands: np.ndarray  # bool: '1,234.5', '1,234,567'
    leading_dot: np.ndarray  # bool: '.3'
    canonical: np.ndarray  # float64: what the ingestion reads back, canonical unit


def _table(analyte: Analyte):
    opts = analyte.options
    conv = np.array([o.conversion for o in opts])  # offset, numerator, denominator
    dec = np.array([o.decimals for o in opts])
    quantum = np.array([o.quantum for o in opts])
    identity = np.array([o.identity for o in opts])
    cum = np.cumsum([o.weight for o in opts])
    return conv, dec, quantum, identity, cum / cum[-1]


def _scaled(value: np.ndarray, option: np.ndarray, conv, dec, quantum) -> np.ndarray:
    off, num, den = conv[option, 0], conv[option, 1], conv[option, 2]
    sent = value * den / num + off
    q = quantum[option]
    return (np.rint(sent * 10.0 ** dec[option] / q) * q).astype(np.int64)


def _read_back(scaled: np.ndarray, option: np.ndarray, conv, dec) -> np.ndarray:
    off, num, den = conv[option, 0], conv[option, 1], conv[option, 2]
    return np.round((scaled / 10.0 ** dec[option] - off) * num / den, 6)


def present(analyte: Analyte, value: np.ndarray, u_unit: np.ndarray, u_censor: np.ndarray,
            u_style: np.ndarray, force_option: np.ndarray | None = None) -> Presented:
    conv, dec, quantum, identity, cum = _table(analyte)
    option = np.minimum(np.searchsorted(cum, u_unit, side="right"), len(cum) - 1)
    if force_option is not None:
        option = np.where(force_option >= 0, force_option, option)
    scaled = _scaled(value, option, conv, dec, quantum)
    back = _read_back(scaled, option, conv, dec)
    if analyte.guard:
        near = np.zeros(value.size, dtype=bool)
        for cut in analyte.guard:
            near |= np.abs(back - cut) < analyte.guard_width
        switch = near & ~identity[option]
        if force_option is not None:
            switch &= force_option < 0
        option = np.where(switch, 0, option)
        scaled = _scaled(value, option, conv, dec, quantum)
        back = _read_back(scaled, option, conv, dec)

    censor = np.full(value.size, CENSOR_NONE, dtype=np.int64)
    canonical = back.copy()
    for i, rule in reversed(list(enumerate(analyte.censors))):  # first rule wins: apply in reverse
        beyond = value > rule.limit if rule.above else value < rule.limit
        hit = beyond & (u_censor < rule.share) & identity[option]
        if force_option is not None:
            hit &= force_option < 0
        censor = np.where(hit, i, censor)
        canonical = np.where(hit, rule.limit, canonical)
    free = censor == CENSOR_NONE
    d = dec[option]
    # grouped only where the comma cannot be a decimal comma ('1,234.5', '1,234,567'): staging
    # quarantines a single group without a point ('1,234') as ambiguous_value
    thousands = free & (scaled >= 1000 * 10 ** d) & ((d > 0) | (scaled >= 1_000_000)) & (u_style < 0.3)
    leading_dot = free & (d > 0) & (scaled < 10 ** d) & (u_style < 0.35)
    return Presented(option, scaled, d, censor, thousands, leading_dot, canonical)
