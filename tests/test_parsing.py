"""Values as sent -> numbers, censoring flags, canonical units (sql/macros.sql, units.csv)."""

import csv

import pytest

from pipelines.core.settings import EXPECTATIONS_DIR, REFERENCE_DIR


@pytest.mark.parametrize("sent, number, censoring, ambiguous", [
    ("1234", 1234.0, None, False),
    (".3", 0.3, None, False),
    ("5.", 5.0, None, False),
    ("-2", -2.0, None, False),
    (" 42 ", 42.0, None, False),
    # thousands groups that cannot be a decimal comma
    ("12,345.5", 12345.5, None, False),
    ("1,234,567", 1234567.0, None, False),
    ("1,234,567.25", 1234567.25, None, False),
    # scientific notation is a number
    ("1e5", 100000.0, None, False),
    ("1.2E+03", 1200.0, None, False),
    ("2.5e-3", 0.0025, None, False),
    ("<1E-2", 0.01, "<", False),
    # censored
    ("<5", 5.0, "<", False),
    (">100000", 100000.0, ">", False),
    (">=40000", 40000.0, ">=", False),
    ("<= 3.5", 3.5, "<=", False),
    ("GREATER THAN 2000", 2000.0, ">", False),
    ("GREATER THAN 6000", 6000.0, ">", False),
    ("LESS THAN 1", 1.0, "<", False),
    # one comma group: 1.234 or 1234? never guessed
    ("1,234", None, None, True),
    ("0,425", None, None, True),
    ("12,34", None, None, True),
    ("1,2345", None, None, True),
    ("<0,5", None, "<", True),
    ("GREATER THAN 6,000", None, ">", True),
    ("1,2E3", None, None, True),
    # not numbers
    ("hemolyzed", None, None, False),
    ("UNABLE TO REPORT", None, None, False),
    ("___", None, None, False),
    ("1.2.3", None, None, False),
    ("1,23,4", None, None, False),
    ("1,234.5.6", None, None, False),
    ("e5", None, None, False),
    ("", None, None, False),
])
def test_value_parsing(con, sent, number, censoring, ambiguous):
    assert con.execute("SELECT value_number(?), value_censoring(?), value_is_ambiguous(?)",
                       [sent, sent, sent]).fetchone() == (number, censoring, ambiguous)


@pytest.mark.parametrize("separator, sent, number, ambiguous", [
    (",", "0,425", 0.425, False),
    (",", "1,20", 1.2, False),
    (",", "39,2", 39.2, False),
    (",", "1.234,5", 1234.5, False),
    (",", "1.234.567", 1234567.0, False),
    (",", "<0,5", 0.5, False),
    (",", "1,2E+03", 1200.0, False),
    (",", "42", 42.0, False),
    # a point alone at a decimal-comma source: 5 or 5000? never guessed
    (",", "5.000", None, True),
    (",", "1.234", None, True),
    (",", "5.5", None, True),
    # a declared point: commas that group thousands are dropped, any other comma is not guessed
    (".", "1,234", 1234.0, False),
    (".", "150,000", 150000.0, False),
    (".", "<1,500", 1500.0, False),
    (".", "GREATER THAN 6,000", 6000.0, False),
    (".", "12,345.5", 12345.5, False),
    (".", "0.425", 0.425, False),
    (".", "1e5", 100000.0, False),
    (".", "0,425", None, True),
    (".", "12,34", None, True),
    (".", "1,2345", None, True),
])
def test_value_parsing_with_a_declared_decimal_separator(con, separator, sent, number, ambiguous):
    """A source's declared separator is applied at landing (pipelines/core/source_mapping.py)."""
    from pipelines.core.source_mapping import SourceMapping

    expression, changed = SourceMapping(decimal_separator=separator).expression("value", "v")
    assert changed
    landed = con.execute(f"SELECT {expression} FROM (SELECT ? AS v)", [sent]).fetchone()[0]
    assert con.execute("SELECT value_number(?), value_is_ambiguous(?)", [landed, landed]).fetchone() == (
        number, ambiguous)


def test_an_undeclared_separator_leaves_the_value_as_sent():
    from pipelines.core.source_mapping import SourceMapping

    assert SourceMapping().expression("value", "v") == ('"v"', False)


@pytest.mark.parametrize("analyte, value, unit, canonical", [
    ("ferritin", 1500, "µg/L", 1500),
    ("ferritin", 1000, "pmol/L", 445),
    ("platelets", 150, "K/uL", 150),
    ("platelets", 150, "10^9/L", 150),
    ("platelets", 150, "x10E3/uL", 150),
    ("platelets", 150000, "/uL", 150),
    ("hemoglobin", 92, "g/L", 9.2),
    ("ast", 0.8, "µkat/L", 48),
    ("triglycerides", 1.76, "mmol/L", 155.8832),
    ("triglycerides", 3.0, "mmol/L", 265.71),
    ("fibrinogen", 3.6, "g/L", 360),
    ("fibrinogen", 10.584, "umol/L", 360),
    ("crp", 5, "mg/dL", 50),
    ("temperature", 101.3, "[degF]", 38.5),
    ("temperature", 102.9, "Deg. F", 39.388888),
    ("temperature", 98.6, "?F", 37.0),
    ("temperature", 38.4, "°C", 38.4),
])
def test_unit_conversion(con, analyte, value, unit, canonical):
    converted = con.execute(
        """SELECT (? - offset_before) * numerator / denominator FROM meta.unit_conversions
           WHERE analyte = ? AND unit_spelling = normalize_unit(?)""", [value, analyte, unit]).fetchone()
    assert converted is not None, f"no conversion for {analyte} in {unit}"
    assert converted[0] == pytest.approx(canonical, rel=1e-5)


def test_unit_table_has_one_canonical_identity_per_analyte():
    """Every analyte converts from its own canonical unit with factor 1, and the plausibility table
    speaks the same canonical units as the analyte table."""
    with open(REFERENCE_DIR / "analytes.csv") as handle:
        canonical = {row["analyte"]: row["canonical_unit"] for row in csv.DictReader(handle)}
    with open(REFERENCE_DIR / "units.csv") as handle:
        units = list(csv.DictReader(handle))
    with open(EXPECTATIONS_DIR / "plausibility.csv") as handle:
        plausibility = {row["analyte"]: row["unit"] for row in csv.DictReader(handle)}
    assert plausibility == canonical
    for analyte, unit in canonical.items():
        spelling = unit.lower().replace(" ", "")
        identity = [u for u in units if u["analyte"] == analyte and u["unit_spelling"] == spelling]
        assert identity and float(identity[0]["numerator"]) == float(identity[0]["denominator"]), analyte
    spellings = [(u["analyte"], u["unit_spelling"]) for u in units]
    assert len(spellings) == len(set(spellings)), "a unit spelling is listed twice for one analyte"
