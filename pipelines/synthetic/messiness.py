"""What goes wrong in real extracts, injected with exact counts (recorded in truth/).

Quarantine defects: each chosen row carries exactly one defect (catalog.LAB_REASONS /
VITAL_REASONS). Superseded rows: exact duplicates (the overlap of consecutive extract files, and a
few lines repeated within a file), older versions (a preliminary P followed by its final, or a final
followed by a corrected C result under the same result_id), and cancellations (a result followed by
a status X row under the same result_id; both rows are superseded).

All these sets are disjoint: a defective row is never duplicated or versioned, a versioned or
cancelled result is never in a file overlap, and rows that decide a MAS episode's truth
(`protected`) are never touched (they may appear in a file overlap, which loses nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.synthetic.catalog import LAB_INDEX, LAB_REASONS, VITAL_REASONS
from pipelines.synthetic.timeline import DAY, HOUR, clear_of_dst_gap

LAB_DEFECT_RATE = dict(malformed_row=0.0004, missing_required=0.0005, invalid_timestamp=0.0004,
                       unmapped_code=0.0005, unparseable_value=0.0006, unknown_unit=0.0004,
                       implausible_value=0.0004)
VITAL_DEFECT_RATE = dict(missing_required=0.0003, unparseable_value=0.0004, implausible_value=0.0003,
                         unknown_unit=0.0002)
CORRECTED_RATE = 0.003
PRELIMINARY_RATE = 0.004
CANCELLED_RATE = 0.001
DUP_WITHIN_RATE = 0.0005
OVERLAP_DAY_SHARE = 0.35  # share of days whose next file repeats the last minutes of this day
OVERLAP_MINUTES = (30, 240)


@dataclass
class Overlaps:
    flag: np.ndarray  # per day: the next day's file starts before midnight
    width: np.ndarray  # minutes

    def contains(self, t: np.ndarray) -> np.ndarray:
        day = t // DAY
        ok = day < self.flag.size
        d = np.minimum(day, self.flag.size - 1)
        return ok & self.flag[d] & (t % DAY >= DAY - self.width[d])


def make_overlaps(rng: np.random.Generator, days: int) -> Overlaps:
    flag = rng.random(days) < OVERLAP_DAY_SHARE
    flag[-1] = False  # there is no next file after the last day
    return Overlaps(flag, rng.integers(*OVERLAP_MINUTES, size=days))


def _count(rate: float, n: int) -> int:
    return max(1 if n >= 300 else 0, int(round(rate * n)))


@dataclass
class LabMess:
    defect: np.ndarray  # 0 = none, else 1 + index into LAB_REASONS
    variant: np.ndarray  # per row, picks the defect's flavour
    in_overlap: np.ndarray  # bool: repeated in the next day's file
    dup_within: np.ndarray  # row indices repeated in their own file
    corrected: np.ndarray
    corrected_at: np.ndarray
    corrected_factor: np.ndarray
    preliminary: np.ndarray
    preliminary_at: np.ndarray
    preliminary_factor: np.ndarray
    cancelled: np.ndarray
    cancelled_at: np.ndarray


@dataclass
class VitalMess:
    defect: np.ndarray  # 0 = none, else 1 + index into VITAL_REASONS
    variant: np.ndarray
    in_overlap: np.ndarray
    dup_within: np.ndarray


def _take(order: np.ndarray, eligible: np.ndarray, taken: np.ndarray, k: int) -> np.ndarray:
    pick = order[eligible[order] & ~taken[order]][:k]
    taken[pick] = True
    return np.sort(pick)


def lab_mess(rng: np.random.Generator, analyte: np.ndarray, value: np.ndarray, collected: np.ndarray,
             resulted: np.ndarray, protected: np.ndarray, overlaps: Overlaps, days: int) -> LabMess:
    n = analyte.size
    end = days * DAY
    order = rng.permutation(n)
    variant = rng.random(n)
    in_overlap = overlaps.contains(resulted)
    free = ~protected & ~in_overlap
    taken = np.zeros(n, dtype=bool)
    defect = np.zeros(n, dtype=np.int8)

    implausible_ok = ((analyte == LAB_INDEX["platelets"]) | (analyte == LAB_INDEX["hemoglobin"])
                      | ((analyte == LAB_INDEX["wbc"]) & (value >= 1.0)))
    for reason in ("implausible_value", *[r for r in LAB_REASONS if r != "implausible_value"]):
        eligible = free & (implausible_ok if reason == "implausible_value" else True)
        rows = _take(order, eligible, taken, _count(LAB_DEFECT_RATE[reason], n))
        defect[rows] = 1 + LAB_REASONS.index(reason)

    corrected_at = clear_of_dst_gap(resulted + 2 * HOUR + rng.integers(0, 3 * DAY, size=n))
    preliminary_at = clear_of_dst_gap(collected + np.floor((resulted - collected) * rng.uniform(0.2, 0.6, size=n))
                                      .astype(np.int64))
    cancelled_at = clear_of_dst_gap(resulted + rng.integers(30, 12 * HOUR, size=n))
    ok_c = free & (corrected_at < end) & ~overlaps.contains(corrected_at)
    ok_p = free & (preliminary_at > collected) & (preliminary_at < resulted) & ~overlaps.contains(preliminary_at)
    ok_x = free & (cancelled_at < end) & ~overlaps.contains(cancelled_at)
    corrected = _take(order, ok_c, taken, _count(CORRECTED_RATE, n))
    preliminary = _take(order, ok_p, taken, _count(PRELIMINARY_RATE, n))
    cancelled = _take(order, ok_x, taken, _count(CANCELLED_RATE, n))
    dup_within = _take(order, free, taken, _count(DUP_WITHIN_RATE, n))

    up = rng.random(n) < 0.5
    corrected_factor = np.where(up, rng.uniform(1.05, 1.25, size=n), rng.uniform(0.8, 0.95, size=n))
    preliminary_factor = np.where(rng.random(n) < 0.6, 1.0, rng.uniform(0.95, 1.05, size=n))
    return LabMess(defect, variant, in_overlap, dup_within,
                   corrected, corrected_at[corrected], corrected_factor[corrected],
                   preliminary, preliminary_at[preliminary], preliminary_factor[preliminary],
                   cancelled, cancelled_at[cancelled])


def vital_mess(rng: np.random.Generator, recorded: np.ndarray, protected: np.ndarray,
               overlaps: Overlaps) -> VitalMess:
    n = recorded.size
    order = rng.permutation(n)
    variant = rng.random(n)
    in_overlap = overlaps.contains(recorded)
    free = ~protected & ~in_overlap
    taken = np.zeros(n, dtype=bool)
    defect = np.zeros(n, dtype=np.int8)
    for reason in VITAL_REASONS:
        rows = _take(order, free, taken, _count(VITAL_DEFECT_RATE[reason], n))
        defect[rows] = 1 + VITAL_REASONS.index(reason)
    dup_within = _take(order, free, taken, _count(DUP_WITHIN_RATE, n))
    return VitalMess(defect, variant, in_overlap, dup_within)
