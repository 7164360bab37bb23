"""Time in the generator: integer minutes since the first day's local midnight (site-local, naive).

Every generated timestamp goes through `clear_of_dst_gap`: local times in 02:00-03:59 are squeezed
monotonically into 03:00-03:59, so no timestamp ever falls in the 02:00-02:59 hour that is skipped
when clocks spring forward (US and EU zones). Order between times is kept (ties are possible at
minute resolution within that hour).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

DAY = 1440
HOUR = 60


def clear_of_dst_gap(t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, dtype=np.int64)
    tod = t % DAY
    squeeze = (tod >= 2 * HOUR) & (tod < 4 * HOUR)
    return np.where(squeeze, t - tod + 3 * HOUR + (tod - 2 * HOUR) // 2, t)


def epoch_seconds(start: dt.date) -> int:
    return int(dt.datetime(start.year, start.month, start.day, tzinfo=dt.timezone.utc).timestamp())


def iso(minutes: pl.Expr, start: dt.date) -> pl.Expr:
    """Minutes since start -> 'YYYY-MM-DDTHH:MM:SS' (local, no offset)."""
    return pl.from_epoch(minutes.cast(pl.Int64) * 60 + epoch_seconds(start), time_unit="s").dt.strftime(
        "%Y-%m-%dT%H:%M:%S")


def as_datetime(minutes: np.ndarray, start: dt.date) -> pl.Series:
    base = np.datetime64(start.isoformat(), "m")
    return pl.Series((base + np.asarray(minutes, dtype=np.int64).astype("timedelta64[m]")).astype("datetime64[us]"))
