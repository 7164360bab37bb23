"""When MAS first becomes recognisable in the results, by the 2016 EULAR/ACR/PRINTO laboratory rule
with the fever parameter, thresholds and boundaries read from the rule file.

At a moment T, consider results *resulted* at or before T and *collected* in the rule file's
pairing window before T, and temperatures *recorded* at or before T and *measured* in the 24 h
before T (stricter than the screen, so the truth is conservative). The rule holds at T when
ferritin meets its cut-off, enough of the other items meet theirs, and a temperature meets the
fever parameter. The set of usable results only grows when a result or reading arrives, so the
first moment is always a resulted_at or recorded_at time: those are the candidates checked.

Inputs are current, valid results in canonical units (the generator passes its own rows; the tests
pass rows parsed back from the landing files).
"""

from __future__ import annotations

import polars as pl

from pipelines.core.settings import REFERENCE_DIR
from pipelines.features.rule_set import load_rule_set

_RULES = load_rule_set(REFERENCE_DIR / "rules.yaml")
_E16 = _RULES.rules["eular_acr_2016"]
_FEVER = _RULES.rules["fever"]["items"]["temperature"]
MIN_OTHER_ITEMS = _E16["min_other_items"]
LAB_WINDOW = pl.duration(hours=_RULES.look_back_windows[_RULES.pairing_window])
FEVER_WINDOW = pl.duration(hours=24)
_COMPARE = {">": pl.Expr.gt, ">=": pl.Expr.ge, "<": pl.Expr.lt, "<=": pl.Expr.le}


def _meets(value: pl.Expr, item: dict) -> pl.Expr:
    return _COMPARE[item["op"]](value, _RULES.canonical_threshold(item, item["threshold"]))


def _item() -> pl.Expr:
    """The 2016 item a canonical lab value meets, if any."""
    v = pl.col("value")
    a = pl.col("analyte")
    expr = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for name, item in _E16["items"].items():
        expr = expr.when((a == item["analyte"]) & _meets(v, item)).then(pl.lit(name))
    return expr.otherwise(None)


def first_met(labs: pl.DataFrame, temps: pl.DataFrame, key: str = "encounter_id") -> pl.DataFrame:
    """labs: key, analyte, value, collected_at, resulted_at; temps: key, temp_c, measured_at,
    recorded_at (datetimes). Returns key, first_met_at for every key where the rule is ever met."""
    items = (labs.with_columns(item=_item()).filter(pl.col("item").is_not_null())
             .select(key, "item", "collected_at", "resulted_at"))
    fevers = temps.filter(_meets(pl.col("temp_c"), _FEVER)).select(key, "measured_at", "recorded_at")
    candidates = pl.concat([
        items.select(key, pl.col("resulted_at").alias("t")),
        fevers.select(key, pl.col("recorded_at").alias("t")),
    ]).unique()
    lab_state = (
        candidates.join(items, on=key)
        .filter((pl.col("resulted_at") <= pl.col("t")) & (pl.col("collected_at") >= pl.col("t") - LAB_WINDOW))
        .group_by(key, "t")
        .agg(ferritin=(pl.col("item") == "ferritin").any(),
             others=pl.col("item").filter(pl.col("item") != "ferritin").n_unique())
    )
    fever_state = (
        candidates.join(fevers, on=key)
        .filter((pl.col("recorded_at") <= pl.col("t")) & (pl.col("measured_at") >= pl.col("t") - FEVER_WINDOW))
        .select(key, "t").unique()
    )
    met = (lab_state.filter(pl.col("ferritin") & (pl.col("others") >= MIN_OTHER_ITEMS))
           .join(fever_state, on=[key, "t"]))
    return met.group_by(key).agg(first_met_at=pl.col("t").min()).sort(key)
