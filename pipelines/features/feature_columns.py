"""The windowed aggregate columns of features.patient_day, declared once and rendered into SQL.

Every analyte gets every look-back window of the rule set and every aggregate, named
`<analyte>__<window>__<agg>`, so a researcher can predict a column's name. A window W on day D
holds the values taken in (cutoff - W, cutoff) and known (resulted/recorded) before the cutoff,
where the cutoff is the start of D+1 local time: a value taken exactly W before the cutoff is
outside the window. The windows (names and hours) and the two windows the trend columns compare
come from the rule file (`look_back_windows`, `trend_windows`; pipelines/features/rule_set.py validates
them).
"""

from pipelines.features.rule_set import RuleSet

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


def last_as_of_dates_sql(rule_set: RuleSet) -> str:
    """SELECT-list entries, per look-back window W, of the last as-of day whose window still holds
    a value taken at taken_at: the last day D with cutoff(D) = start of D+1 < taken_at + W, so the
    local day of (taken_at + W - 1 microsecond), minus one (a DATE; the session's time zone)."""
    return ",\n           ".join(
        f"CAST(taken_at + to_hours({hours}) - INTERVAL 1 MICROSECOND AS DATE) - 1 AS last_as_of_date__{window}"
        for window, hours in rule_set.look_back_windows.items())


def last_as_of_date_columns_sql(rule_set: RuleSet) -> str:
    return ", ".join(f"last_as_of_date__{window}" for window in rule_set.look_back_windows)


def latest_last_as_of_date_sql(rule_set: RuleSet) -> str:
    """The last as-of day of the longest window (every window's last day is at or before it)."""
    longest = max(rule_set.look_back_windows, key=rule_set.look_back_windows.get)
    return f"last_as_of_date__{longest}"


def window_picks_sql(rule_set: RuleSet) -> str:
    """SELECT-list entries combining partial rows per window: each pick by its key (macros
    pick_key_*, sql/macros.sql), over the rows whose last day for the window is not past."""
    entries = []
    for window in rule_set.look_back_windows:
        within = f"FILTER (WHERE as_of_date <= last_as_of_date__{window})"
        entries += [
            f"max(last_key) {within} AS last_key__{window}",
            f"arg_max(last_value, last_key) {within} AS last_value__{window}",
            f"min(min_key) {within} AS min_key__{window}",
            f"min(min_value) {within} AS min_value__{window}",
            f"max(max_key) {within} AS max_key__{window}",
            f"max(max_value) {within} AS max_value__{window}",
            f"bool_or(open_above) {within} AS open_above__{window}",
            f"bool_or(open_below) {within} AS open_below__{window}",
            f"CAST(sum(n) {within} AS BIGINT) AS n__{window}",  # sum() of BIGINT is HUGEINT
        ]
    return ",\n           ".join(entries)


def window_summary_sql(rule_set: RuleSet) -> str:
    """The struct of one per_analyte row: per window, its aggregates (the fields of AGGREGATES),
    each pick's time and censoring read back from its key."""
    windows = []
    for window in rule_set.look_back_windows:
        fields = ", ".join(
            [f"'{pick}': {pick}_value__{window}, '{pick}_at': pick_key_{pick}_at({pick}_key__{window}), "
             f"'{pick}_censoring': pick_key_{pick}_censoring({pick}_key__{window})" for pick in ("last", "min", "max")]
            + [f"'open_above': open_above__{window}", f"'open_below': open_below__{window}",
               f"'n': n__{window}"])
        windows.append(f"'{window}': {{{fields}}}")
    return "{" + ", ".join(windows) + "}"


def windowed_aggregates_sql(rule_set: RuleSet) -> str:
    """SELECT-list entries unpacking each analyte's summary (a struct column <analyte>__summary with
    one struct per window, sql/features/patient_day.sql) into one column per window and aggregate
    (n is 0, not NULL, when the window holds no value)."""
    entries = []
    for analyte in ANALYTES:
        for window in rule_set.look_back_windows:
            for aggregate in AGGREGATES:
                pick = f'{analyte}__summary."{window}".{aggregate}'
                if aggregate == "n":
                    pick = f"coalesce({pick}, 0)"
                entries.append(f"{pick} AS {column_name(analyte, window, aggregate)}")
    return ",\n        ".join(entries)


def analyte_summaries_sql() -> str:
    """SELECT-list entries taking each analyte's summary out of the per patient-day map (once per
    analyte, so the columns are read from a struct, not looked up in the map one by one)."""
    return ",\n           ".join(f"by_analyte['{analyte}'] AS {analyte}__summary" for analyte in ANALYTES)


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
