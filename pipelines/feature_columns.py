"""The windowed aggregate columns of features.patient_day, declared once and rendered into SQL.

Every analyte gets every look-back window of the rule set and every aggregate, named
`<analyte>__<window>__<agg>`, so a researcher can predict a column's name. A window W on day D
holds the values taken in (cutoff - W, cutoff) and known (resulted/recorded) before the cutoff,
where the cutoff is the start of D+1 local time: a value taken exactly W before the cutoff is
outside the window. The windows (names and hours) and the two windows the trend columns compare
come from the rule file (`look_back_windows`, `trend_windows`; pipelines/rule_set.py validates
them).
"""

from pipelines.rule_set import RuleSet

ANALYTES = (
    "ferritin", "platelets", "wbc", "anc", "hemoglobin", "ast", "alt", "ldh",
    "triglycerides", "fibrinogen", "ddimer", "crp", "esr", "scd25_u", "scd25_pg", "temperature",
)

# `<agg>_censoring` is the censoring ('<', '<=', '>', '>=' or NULL for an exact value) of the value
# reported in `<agg>`, from the same staged row.
AGGREGATES = ("last", "last_at", "last_censoring", "min", "min_at", "min_censoring",
              "max", "max_at", "max_censoring", "open_above", "open_below", "n")


def column_name(analyte: str, window: str, aggregate: str) -> str:
    """The features.patient_day column of an analyte's aggregate over a window, e.g. ferritin__72h__max."""
    return f"{analyte}__{window}__{aggregate}"


def longest_window_hours(rule_set: RuleSet) -> int:
    """The longest look-back window, in hours: how far back a value can count for a day."""
    return max(rule_set.look_back_windows.values())


def windows_sql(rule_set: RuleSet) -> str:
    """VALUES rows (window_name, hours) for sql/features/patient_day.sql."""
    return ", ".join(f"('{window}', {hours})" for window, hours in rule_set.look_back_windows.items())


def windowed_aggregates_sql(rule_set: RuleSet) -> str:
    """SELECT-list entries unpacking each window's aggregates into one column each (n is 0, not
    NULL, when the window holds no value)."""
    entries = []
    for analyte in ANALYTES:
        for window in rule_set.look_back_windows:
            for aggregate in AGGREGATES:
                pick = f"by_window['{analyte}__{window}'].{aggregate}"
                if aggregate == "n":
                    pick = f"coalesce({pick}, 0)"
                entries.append(f"{pick} AS {column_name(analyte, window, aggregate)}")
    return ",\n        ".join(entries)


# Trends relative to the patient's own recent values (engineering features; no published cut-off),
# named `<analyte>__trend__<measure>`: a rise is the last value of the rule file's current trend
# window over the baseline window's minimum (fold), a fall the percent drop of that last value from
# the baseline window's maximum. Censoring is not applied to them (the bounds are used as numbers).
TRENDS = {"ferritin": "fold_rise", "platelets": "pct_drop", "fibrinogen": "pct_drop",
          "ast": "fold_rise", "ldh": "fold_rise", "esr": "pct_drop"}
TREND_BASELINE = {"fold_rise": "min", "pct_drop": "max"}  # the baseline window's aggregate per measure


def trend_columns_sql(rule_set: RuleSet) -> str:
    """SELECT-list entries of the trend columns for sql/features/patient_day.sql."""
    current, baseline = rule_set.trend_windows
    entries = []
    for analyte, measure in TRENDS.items():
        latest = column_name(analyte, current, "last")
        reference = column_name(analyte, baseline, TREND_BASELINE[measure])
        formula = (f"{latest} / nullif({reference}, 0)" if measure == "fold_rise"
                   else f"100 * ({reference} - {latest}) / nullif({reference}, 0)")
        entries.append(f"{formula} AS {analyte}__trend__{measure}")
    return ",\n    ".join(entries)
