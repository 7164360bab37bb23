"""The windowed aggregate columns of features.patient_day, declared once and rendered into SQL.

Every analyte gets every window and aggregate, named `<analyte>__<window>__<agg>`, so a researcher
can predict a column's name. A window W on day D holds the values taken in (cutoff - W, cutoff)
and known (resulted/recorded) before the cutoff, where the cutoff is the start of D+1 local time:
a value taken exactly W before the cutoff is outside the window.
"""

ANALYTES = (
    "ferritin", "platelets", "wbc", "anc", "hemoglobin", "ast", "alt", "ldh",
    "triglycerides", "fibrinogen", "ddimer", "crp", "esr", "temperature",
)

# Window lengths in hours. Engineering choices (the published criteria give no pairing window;
# clinical-criteria.md open question 5); 7d is exactly 168 h, also across a DST change.
WINDOWS = {"24h": 24, "72h": 72, "7d": 168}
LONGEST_WINDOW_HOURS = max(WINDOWS.values())

# Ties: 'last' is the latest taken value (the higher one if two share a time); min_at/max_at are
# the latest time at which the extreme was seen.
AGGREGATES = {
    "last": "arg_max(value_num, (taken_at, value_num))",
    "last_at": "max(taken_at)",
    "min": "min(value_num)",
    "min_at": "arg_min(taken_at, (value_num, -epoch(taken_at)))",
    "max": "max(value_num)",
    "max_at": "arg_max(taken_at, (value_num, taken_at))",
    "n": "count(*)",
}


def column_name(analyte: str, window: str, aggregate: str) -> str:
    return f"{analyte}__{window}__{aggregate}"


def windowed_aggregates_sql() -> str:
    """SELECT-list entries, one per analyte x window x aggregate, for sql/features/patient_day.sql."""
    lines = []
    for analyte in ANALYTES:
        for window, hours in WINDOWS.items():
            condition = f"analyte = '{analyte}' AND taken_at > cutoff - INTERVAL {hours} HOUR"
            for aggregate, expression in AGGREGATES.items():
                lines.append(f"{expression} FILTER (WHERE {condition}) AS {column_name(analyte, window, aggregate)}")
    return ",\n        ".join(lines)
