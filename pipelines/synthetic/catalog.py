"""What the synthetic laboratory sends: analytes, codes, names, unit spellings, reference ranges.

Every unit spelling below is checked at import against the ingestion's own table
(`pipelines/reference/units.csv`): the conversion of a sent value back to the canonical unit uses
that table's offset/numerator/denominator, so the generator and the pipeline agree by construction.
A spelling that does not normalise to a listed `unit_spelling` for its analyte fails the import.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from pipelines.core.settings import REFERENCE_DIR
from pipelines.features.rule_set import UnitTable, load_rule_set, normalize_unit


def _load_codes() -> dict[str, str]:
    with (REFERENCE_DIR / "analytes.csv").open(newline="", encoding="utf-8") as handle:
        return {row["code"]: row["analyte"] for row in csv.DictReader(handle)}


UNIT_TABLE = UnitTable.load().conversions
CODE_TABLE = _load_codes()


@dataclass(frozen=True)
class UnitOption:
    """One way a value is sent: unit spelling, code, decimals, rounding quantum, and share of rows.

    canonical = (sent - offset) * numerator / denominator  (units.csv), so
    sent = canonical * denominator / numerator + offset.
    """

    analyte: str
    spelling: str
    code: str
    decimals: int
    weight: float
    quantum: int = 1  # round the scaled integer to a multiple of this (e.g. 245,000 /uL)

    @property
    def conversion(self) -> tuple[float, float, float]:
        return UNIT_TABLE[(self.analyte, normalize_unit(self.spelling))]

    @property
    def identity(self) -> bool:
        return self.conversion == (0.0, 1.0, 1.0)


@dataclass(frozen=True)
class Censor:
    """A censored report (`<5`, `GREATER THAN 2000`) sent instead of the number when the value is
    beyond `limit` (canonical unit) and the row's draw is below `share`. Only on identity units."""

    above: bool
    limit: float
    share: float
    text: str


@dataclass(frozen=True)
class Analyte:
    key: str
    kind: str  # lab | vital
    options: tuple[UnitOption, ...]  # options[0] is the canonical, identity spelling
    names: tuple[tuple[str, float], ...] = ()
    malformed_name: str = ""  # sent unquoted on a malformed line: the comma splits the field
    ref: tuple[float | None, float | None] = (None, None)  # canonical unit
    guard: tuple[float, ...] = ()  # cut-offs a converted value must not sit on (canonical unit)
    guard_width: float = 0.0
    censors: tuple[Censor, ...] = ()


def _opts(analyte: str, rows: list[tuple]) -> tuple[UnitOption, ...]:
    return tuple(UnitOption(analyte, *row) for row in rows)


_COUNT_UNITS = [  # (spelling, decimals, weight); /uL and /mm3 are sent as whole cells, ×1000
    ("10*3/uL", 0.40), ("K/uL", 0.18), ("10^9/L", 0.10), ("x10E3/uL", 0.08), ("G/L", 0.05),
    ("10^3/µL", 0.04), ("thou/uL", 0.05), ("x10^9/L", 0.04),
]


def _count_options(analyte: str, code: str, decimals: int, quantum_per_ul: int) -> tuple[UnitOption, ...]:
    rows = [(spelling, code, decimals, weight) for spelling, weight in _COUNT_UNITS]
    rows += [("/uL", code, 0, 0.04, quantum_per_ul), ("/mm3", code, 0, 0.02, quantum_per_ul)]
    return _opts(analyte, rows)


# Every cut-off of the rule file per analyte (canonical units): a value sent in a converted unit
# must not land on one, so no rule result in the synthetic truth depends on float rounding.
CUT_OFFS = load_rule_set(REFERENCE_DIR / "rules.yaml").cut_offs()

LAB_ANALYTES: tuple[Analyte, ...] = (
    Analyte(
        "ferritin", "lab",
        _opts("ferritin", [("ng/mL", "2276-4", 0, 0.70), ("µg/L", "2276-4", 0, 0.10), ("ug/L", "2276-4", 0, 0.08),
                           ("mcg/L", "2276-4", 0, 0.07), ("μg/L", "2276-4", 0, 0.05)]),
        names=(("Ferritin", 0.7), ("FERRITIN", 0.2), ("Ferritin, Serum", 0.1)),
        malformed_name="Ferritin, Serum", ref=(20, 300),
        censors=(Censor(True, 100000, 1.0, ">100000"), Censor(True, 40000, 0.15, ">=40000"),
                 Censor(True, 2000, 0.06, "GREATER THAN 2000")),
    ),
    Analyte(
        "platelets", "lab", _count_options("platelets", "777-3", 0, 1000),
        names=(("Platelet Count", 0.6), ("PLT", 0.3), ("Platelets, Automated Count", 0.1)),
        malformed_name="Platelets, Automated Count", ref=(150, 400),
        guard=CUT_OFFS.get("platelets", ()), guard_width=0.6,
    ),
    Analyte(
        "wbc", "lab", _count_options("wbc", "6690-2", 1, 100),
        names=(("WBC", 0.6), ("White Blood Cell Count", 0.3), ("Leukocytes, Blood", 0.1)),
        malformed_name="Leukocytes, Blood", ref=(4.0, 11.0),
        guard=CUT_OFFS.get("wbc", ()), guard_width=0.06,
    ),
    Analyte(
        "anc", "lab", _count_options("anc", "751-8", 2, 10),
        names=(("Neutrophils, Absolute", 0.6), ("ANC", 0.3), ("Neut #", 0.1)),
        malformed_name="Neutrophils, Absolute", ref=(1.8, 7.7),
        guard=CUT_OFFS.get("anc", ()), guard_width=0.006,
    ),
    Analyte(
        "hemoglobin", "lab", _opts("hemoglobin", [("g/dL", "718-7", 1, 0.85), ("g/L", "718-7", 0, 0.15)]),
        names=(("Hemoglobin", 0.6), ("HGB", 0.3), ("Hemoglobin, Blood", 0.1)),
        malformed_name="Hemoglobin, Blood", ref=(12.0, 16.0),
        guard=CUT_OFFS.get("hemoglobin", ()), guard_width=0.06,
    ),
    Analyte(
        "ast", "lab",
        _opts("ast", [("U/L", "1920-8", 0, 0.74), ("IU/L", "1920-8", 0, 0.22), ("µkat/L", "1920-8", 2, 0.04)]),
        names=(("AST", 0.5), ("AST (SGOT)", 0.3), ("Aspartate Aminotransferase", 0.2)),
        malformed_name="AST, Serum", ref=(10, 40),
        guard=CUT_OFFS.get("ast", ()), guard_width=1.0,
        censors=(Censor(False, 5, 0.8, "<5"),),
    ),
    Analyte(
        "alt", "lab",
        _opts("alt", [("U/L", "1742-6", 0, 0.74), ("IU/L", "1742-6", 0, 0.22), ("µkat/L", "1742-6", 2, 0.04)]),
        names=(("ALT", 0.5), ("ALT (SGPT)", 0.3), ("Alanine Aminotransferase", 0.2)),
        malformed_name="ALT, Serum", ref=(7, 56),
        guard=CUT_OFFS.get("alt", ()), guard_width=1.0,
        censors=(Censor(False, 5, 0.8, "<5"),),
    ),
    Analyte(
        "ldh", "lab", _opts("ldh", [("U/L", "2532-0", 0, 0.80), ("IU/L", "2532-0", 0, 0.20)]),
        names=(("LDH", 0.6), ("Lactate Dehydrogenase", 0.3), ("LD, Total", 0.1)),
        malformed_name="LD, Total", ref=(140, 280),
    ),
    Analyte(
        "triglycerides", "lab",
        _opts("triglycerides", [("mg/dL", "2571-8", 0, 0.78), ("mmol/L", "2571-8", 2, 0.08),
                                ("mmol/L", "14927-8", 2, 0.14)]),
        names=(("Triglycerides", 0.7), ("TRIG", 0.2), ("Triglyceride, Serum", 0.1)),
        malformed_name="Triglyceride, Serum", ref=(None, 150),
        guard=CUT_OFFS.get("triglycerides", ()), guard_width=1.0,
    ),
    Analyte(
        "fibrinogen", "lab", _opts("fibrinogen", [("mg/dL", "3255-7", 0, 0.85), ("g/L", "3255-7", 2, 0.15)]),
        names=(("Fibrinogen", 0.7), ("FIB", 0.1), ("Fibrinogen, Clauss", 0.2)),
        malformed_name="Fibrinogen, Clauss", ref=(200, 400),
        guard=CUT_OFFS.get("fibrinogen", ()), guard_width=2.0,
    ),
    Analyte(
        "ddimer", "lab",
        _opts("ddimer", [("mg/L{FEU}", "48065-7", 2, 0.55), ("mg/L FEU", "48065-7", 2, 0.20),
                         ("ug/mL{FEU}", "48065-7", 2, 0.10), ("ngFEU/mL", "48065-7", 0, 0.15, 10)]),
        names=(("D-Dimer", 0.5), ("D-Dimer, Quantitative", 0.4), ("DDIMER FEU", 0.1)),
        malformed_name="D-Dimer, Quantitative", ref=(None, 0.5),
        censors=(Censor(False, 0.27, 0.4, "<0.27"),),
    ),
    Analyte(
        "crp", "lab", _opts("crp", [("mg/L", "1988-5", 1, 0.85), ("mg/dL", "1988-5", 2, 0.15)]),
        names=(("CRP", 0.5), ("C-Reactive Protein", 0.4), ("CRP, Quantitative", 0.1)),
        malformed_name="CRP, Quantitative", ref=(None, 5.0),
        censors=(Censor(False, 1, 0.3, "LESS THAN 1"), Censor(False, 5, 0.4, "<5")),
    ),
    Analyte(
        "esr", "lab", _opts("esr", [("mm/h", "4537-7", 0, 0.70), ("mm/hr", "4537-7", 0, 0.30)]),
        names=(("ESR", 0.5), ("Sed Rate", 0.3), ("Sedimentation Rate, Westergren", 0.2)),
        malformed_name="Sedimentation Rate, Westergren", ref=(0, 20),
        censors=(Censor(False, 2, 0.8, "<2"),),
    ),
)

TEMPERATURE = Analyte(
    "temperature", "vital",
    _opts("temperature", [("Cel", "8310-5", 1, 0.74), ("°C", "8310-5", 1, 0.06), ("C", "8310-5", 1, 0.03),
                          ("degC", "8310-5", 1, 0.03), ("Deg. C", "8310-5", 1, 0.02),
                          ("[degF]", "8310-5", 1, 0.06), ("Deg. F", "8310-5", 1, 0.03), ("degF", "8310-5", 1, 0.01),
                          ("°F", "8310-5", 1, 0.01), ("?F", "8310-5", 1, 0.01)]),
    guard=CUT_OFFS.get("temperature", ()), guard_width=0.06,
)

LAB_INDEX = {a.key: i for i, a in enumerate(LAB_ANALYTES)}

# Defect texts (quarantine reasons). None of these is a number, a mapped code or a known unit.
UNMAPPED_CODES = ("99999-9", "LOC-00417", "0000-0")
UNPARSEABLE_LAB_VALUES = ("hemolyzed", "UNABLE TO REPORT", "___", "QNS", "see comment", "Specimen clotted")
UNPARSEABLE_VITAL_VALUES = ("refused", "see note", "---", "unable")
UNKNOWN_LAB_UNITS = ("mg/furlong", "U/furlong")
UNKNOWN_DDIMER_UNITS = ("ng/mL DDU", "ug/mL DDU")
UNKNOWN_VITAL_UNITS = ("mmHg", "bpm")

LAB_REASONS = ("malformed_row", "missing_required", "invalid_timestamp", "unmapped_code",
               "unparseable_value", "unknown_unit", "implausible_value")
VITAL_REASONS = ("missing_required", "unparseable_value", "implausible_value", "unknown_unit")
SUPERSEDED_REASONS = ("duplicate", "older_version", "cancelled")


def _self_check() -> None:
    for analyte in (*LAB_ANALYTES, TEMPERATURE):
        assert analyte.options[0].identity, f"{analyte.key}: first option must be the canonical unit"
        for option in analyte.options:
            key = (analyte.key, normalize_unit(option.spelling))
            assert key in UNIT_TABLE, f"{option.spelling!r} is not a listed spelling for {analyte.key}"
            assert CODE_TABLE.get(option.code) == analyte.key, f"{option.code} does not map to {analyte.key}"
    for code in UNMAPPED_CODES:
        assert code not in CODE_TABLE
    for spelling in (*UNKNOWN_LAB_UNITS, *UNKNOWN_DDIMER_UNITS, *UNKNOWN_VITAL_UNITS):
        assert all(k[1] != normalize_unit(spelling) for k in UNIT_TABLE)


_self_check()
