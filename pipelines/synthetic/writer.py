"""Turning generated rows into extract text: IDs, timestamps, values as sent, defects, CSV lines.

CSV dialect: comma-delimited, header line, LF line ends, UTF-8 (no BOM); a field is wrapped in
double quotes only when it contains a comma (names like "Neutrophils, Absolute", values like
"1,234.5"). No field ever contains a double quote or a line break.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.synthetic.catalog import (
    LAB_ANALYTES, LAB_REASONS, TEMPERATURE, UNKNOWN_DDIMER_UNITS, UNKNOWN_LAB_UNITS, UNKNOWN_VITAL_UNITS,
    UNMAPPED_CODES, UNPARSEABLE_LAB_VALUES, UNPARSEABLE_VITAL_VALUES, VITAL_REASONS, LAB_INDEX,
)
from pipelines.synthetic.timeline import iso

LAB_COLUMNS = ("patient_id", "encounter_id", "result_id", "code", "name", "value", "unit", "ref_low", "ref_high",
               "collected_at", "resulted_at", "status")
VITAL_COLUMNS = ("patient_id", "encounter_id", "measurement_id", "code", "value", "unit", "measured_at",
                 "recorded_at")


def padded(col: str, prefix: str, width: int, plus: int = 1) -> pl.Expr:
    """An integer column as a fixed-width ID: P000001."""
    return pl.lit(prefix) + (pl.col(col) + plus + 10 ** width).cast(pl.String).str.slice(1)


def number_text(scaled: str, decimals: str, thousands: str, leading_dot: str) -> pl.Expr:
    """Exact decimal text of scaled / 10**decimals, optionally grouped ('1,234.5') or '.3'."""
    pw = pl.lit(10, dtype=pl.Int64).pow(pl.col(decimals).cast(pl.Int64))
    whole = pl.col(scaled) // pw
    frac = pl.col(scaled) % pw
    millions, thousands_, units = whole // 1_000_000, (whole // 1000) % 1000, whole % 1000
    pad3 = lambda e: (e + 1000).cast(pl.String).str.slice(1)  # noqa: E731
    grouped = (pl.when(millions > 0).then(millions.cast(pl.String) + "," + pad3(thousands_) + "," + pad3(units))
               .when(thousands_ > 0).then(thousands_.cast(pl.String) + "," + pad3(units))
               .otherwise(units.cast(pl.String)))
    whole_text = (pl.when(pl.col(thousands)).then(grouped)
                  .when(pl.col(leading_dot) & (whole == 0)).then(pl.lit(""))
                  .otherwise(whole.cast(pl.String)))
    frac_text = (frac + pw).cast(pl.String).str.slice(1)
    return pl.when(pl.col(decimals) > 0).then(whole_text + "." + frac_text).otherwise(whole_text)


def _pick(choices: tuple[str, ...], u: str = "variant") -> pl.Expr:
    idx = (pl.col(u) * len(choices)).floor().cast(pl.Int64).clip(0, len(choices) - 1)
    return idx.replace_strict(dict(enumerate(choices)), return_dtype=pl.String)


def _quoted(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.contains(",", literal=True)).then('"' + expr + '"').otherwise(expr)


def _fmt_ref(x: float | None, option) -> str:
    if x is None:
        return ""
    off, num, den = option.conversion
    sent = x * den / num + off
    return f"{sent:.{option.decimals}f}"


def option_tables(analytes) -> dict[str, dict[int, str]]:
    """Global option id -> code, unit, ref_low, ref_high (ids: analyte offset + option index)."""
    tables = {"code": {}, "unit": {}, "ref_low": {}, "ref_high": {}}
    gid = 0
    for analyte in analytes:
        for option in analyte.options:
            tables["code"][gid] = option.code
            tables["unit"][gid] = option.spelling
            tables["ref_low"][gid] = _fmt_ref(analyte.ref[0], option)
            tables["ref_high"][gid] = _fmt_ref(analyte.ref[1], option)
            gid += 1
    return tables


def option_offsets(analytes) -> np.ndarray:
    return np.cumsum([0] + [len(a.options) for a in analytes])[:-1]


def censor_texts(analytes) -> tuple[np.ndarray, dict[int, str]]:
    offsets, texts, k = [], {}, 0
    for analyte in analytes:
        offsets.append(k)
        for rule in analyte.censors:
            texts[k] = rule.text
            k += 1
    return np.array(offsets), texts


def name_tables() -> tuple[np.ndarray, dict[int, str], dict[int, str]]:
    """Per lab analyte: offset into the global name table; global name id -> name; analyte -> malformed name."""
    offsets, names, k = [], {}, 0
    for analyte in LAB_ANALYTES:
        offsets.append(k)
        for name, _ in analyte.names:
            names[k] = name
            k += 1
    return np.array(offsets), names, {i: a.malformed_name for i, a in enumerate(LAB_ANALYTES)}


def _value_expr(censor_map: dict[int, str]) -> pl.Expr:
    censored = pl.col("censor_g").replace_strict(censor_map, default=None, return_dtype=pl.String)
    return (pl.when(pl.col("censor_g") >= 0).then(censored)
            .otherwise(number_text("scaled", "decimals", "thousands", "leading_dot")))


def _invalid_timestamp(t: str, start: dt.date) -> pl.Expr:
    ts = pl.from_epoch(pl.col(t).cast(pl.Int64) * 60 + _epoch(start), time_unit="s")
    v = pl.col("variant2")
    year = ts.dt.strftime("%Y")
    return (pl.when(v < 0.25).then(year + "-13-45T99:00")
            .when(v < 0.5).then(ts.dt.strftime("%Y-%m-32T%H:%M:00"))
            .when(v < 0.75).then(ts.dt.strftime("%Y-%m-%dT25:%M:00"))
            .otherwise(year + ts.dt.strftime("-02-30T%H:%M:00")))


def _epoch(start: dt.date) -> int:
    return int(dt.datetime(start.year, start.month, start.day, tzinfo=dt.timezone.utc).timestamp())


def render_labs(df: pl.DataFrame, start: dt.date) -> pl.DataFrame:
    """df: one row per line to write, numeric. Returns file_day, line (sorted as written)."""
    opt = option_tables(LAB_ANALYTES)
    _, censor_map = censor_texts(LAB_ANALYTES)
    _, names, malformed_names = name_tables()
    d = lambda reason: pl.col("defect") == 1 + LAB_REASONS.index(reason)  # noqa: E731
    ddimer = pl.col("analyte") == LAB_INDEX["ddimer"]
    out = df.with_columns(
        patient_id=pl.when(d("missing_required") & (pl.col("variant2") < 0.5)).then(pl.lit(""))
        .otherwise(padded("patient", "P", 6)),
        encounter_id=padded("enc", "E", 7),
        result_id=padded("rid", "L", 9),
        code=pl.when(d("unmapped_code")).then(_pick(UNMAPPED_CODES, "variant2"))
        .otherwise(pl.col("opt_g").replace_strict(opt["code"], return_dtype=pl.String)),
        name=pl.when(d("malformed_row") & (pl.col("variant2") < 0.75))
        .then(pl.col("analyte").replace_strict(malformed_names, return_dtype=pl.String))
        .otherwise(_quoted(pl.col("name_g").replace_strict(names, return_dtype=pl.String))),
        value=pl.when(d("unparseable_value")).then(_pick(UNPARSEABLE_LAB_VALUES, "variant2"))
        .otherwise(_quoted(_value_expr(censor_map))),
        unit=pl.when(d("unknown_unit") & ddimer).then(_pick(UNKNOWN_DDIMER_UNITS, "variant2"))
        .when(d("unknown_unit")).then(_pick(UNKNOWN_LAB_UNITS, "variant2"))
        .otherwise(pl.col("opt_g").replace_strict(opt["unit"], return_dtype=pl.String)),
        ref_low=pl.col("opt_g").replace_strict(opt["ref_low"], return_dtype=pl.String),
        ref_high=pl.col("opt_g").replace_strict(opt["ref_high"], return_dtype=pl.String),
        collected_at=pl.when(d("missing_required") & (pl.col("variant2") >= 0.5)).then(pl.lit(""))
        .when(d("invalid_timestamp")).then(_invalid_timestamp("collected", start))
        .otherwise(iso(pl.col("collected"), start)),
        resulted_at=iso(pl.col("resulted"), start),
    )
    full = pl.concat_str([pl.col(c) for c in LAB_COLUMNS], separator=",")
    truncated = pl.concat_str([pl.col(c) for c in LAB_COLUMNS[:-2]], separator=",")
    line = (pl.when(d("malformed_row") & (pl.col("variant2") >= 0.75)).then(truncated).otherwise(full))
    return out.select("file_day", "resulted", "rid", "order", line.alias("line"))


def render_vitals(df: pl.DataFrame, start: dt.date) -> pl.DataFrame:
    opt = option_tables([TEMPERATURE])
    d = lambda reason: pl.col("defect") == 1 + VITAL_REASONS.index(reason)  # noqa: E731
    out = df.with_columns(
        patient_id=pl.when(d("missing_required") & (pl.col("variant2") < 0.5)).then(pl.lit(""))
        .otherwise(padded("patient", "P", 6)),
        encounter_id=padded("enc", "E", 7),
        measurement_id=padded("rid", "V", 9),
        code=pl.col("opt_g").replace_strict(opt["code"], return_dtype=pl.String),
        value=pl.when(d("unparseable_value")).then(_pick(UNPARSEABLE_VITAL_VALUES, "variant2"))
        .otherwise(number_text("scaled", "decimals", "thousands", "leading_dot")),
        unit=pl.when(d("unknown_unit")).then(_pick(UNKNOWN_VITAL_UNITS, "variant2"))
        .otherwise(pl.col("opt_g").replace_strict(opt["unit"], return_dtype=pl.String)),
        measured_at=pl.when(d("missing_required") & (pl.col("variant2") >= 0.5)).then(pl.lit(""))
        .otherwise(iso(pl.col("measured"), start)),
        recorded_at=iso(pl.col("recorded"), start),
    )
    line = pl.concat_str([pl.col(c) for c in VITAL_COLUMNS], separator=",")
    return out.select("file_day", pl.col("recorded").alias("resulted"), "rid", "order", line.alias("line"))


def write_daily(lines: pl.DataFrame, folder: Path, kind: str, columns: tuple[str, ...], start: dt.date,
                days: int) -> list[Path]:
    """One file per day of the period, rows in (resulted/recorded time, id, version) order."""
    header = ",".join(columns) + "\n"
    joined = (lines.sort("file_day", "resulted", "rid", "order")
              .group_by("file_day", maintain_order=True)
              .agg(pl.col("line").str.join("\n")))
    by_day = dict(zip(joined["file_day"].to_list(), joined["line"].to_list()))
    paths = []
    for day in range(days):  # loop over days to write files
        path = folder / f"{kind}_{(start + dt.timedelta(days=day)).isoformat()}.csv"
        body = by_day.get(day)
        path.write_bytes((header + (body + "\n" if body else "")).encode("utf-8"))
        paths.append(path)
    return paths


def write_frame(df: pl.DataFrame, path: Path) -> Path:
    """A small table (patients, encounters, diagnoses, truth) as CSV, all columns already text."""
    header = ",".join(df.columns) + "\n"
    if df.height:
        line = pl.concat_str([_quoted(pl.col(c).fill_null("")) for c in df.columns], separator=",")
        body = df.select(line.alias("l"))["l"].str.join("\n").item() + "\n"
    else:
        body = ""
    path.write_bytes((header + body).encode("utf-8"))
    return path
