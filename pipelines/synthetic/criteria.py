"""When MAS first becomes recognisable in the results, by the 2016 EULAR/ACR/PRINTO laboratory rule.

At a moment T, consider results *resulted* at or before T and *collected* in [T - 72 h, T], and
temperatures *recorded* at or before T and *measured* in [T - 24 h, T]. The rule holds at T when
there is a ferritin > 684 ng/mL, at least two of {platelets <= 181 x10^3/uL, AST > 48 U/L,
triglycerides > 156 mg/dL, fibrinogen <= 360 mg/dL}, and a temperature >= 38.5 C. The set of
usable results only grows when a result or reading arrives, so the first moment is always a
resulted_at or recorded_at time: those are the candidates checked.

Inputs are current, valid results in canonical units (the generator passes its own rows; the tests
pass rows parsed back from the landing files).
"""

from __future__ import annotations

import polars as pl

FERRITIN_GT = 684.0
OTHER_ITEMS = {  # analyte: (comparison, threshold)
    "platelets": ("<=", 181.0),
    "ast": (">", 48.0),
    "triglycerides": (">", 156.0),
    "fibrinogen": ("<=", 360.0),
}
MIN_OTHER_ITEMS = 2
FEVER_GE = 38.5
LAB_WINDOW = pl.duration(hours=72)
FEVER_WINDOW = pl.duration(hours=24)


def _item() -> pl.Expr:
    v = pl.col("value")
    a = pl.col("analyte")
    expr = pl.when((a == "ferritin") & (v > FERRITIN_GT)).then(pl.lit("ferritin"))
    for analyte, (op, cut) in OTHER_ITEMS.items():
        hit = v <= cut if op == "<=" else v > cut
        expr = expr.when((a == analyte) & hit).then(pl.lit(analyte))
    return expr.otherwise(None)


def first_met(labs: pl.DataFrame, temps: pl.DataFrame, key: str = "encounter_id") -> pl.DataFrame:
    """labs: key, analyte, value, collected_at, resulted_at; temps: key, temp_c, measured_at,
    recorded_at (datetimes). Returns key, first_met_at for every key where the rule is ever met."""
    items = (labs.with_columns(item=_item()).filter(pl.col("item").is_not_null())
             .select(key, "item", "collected_at", "resulted_at"))
    fevers = temps.filter(pl.col("temp_c") >= FEVER_GE).select(key, "measured_at", "recorded_at")
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
