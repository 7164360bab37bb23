"""Wide lab exports, one column per test, mapped onto the canonical long contract by a mapping file.

Many laboratory systems export one line per specimen with a column per test, the patient id only on
a group's first line, and the units in the header (`Ferritin (ng/mL)`) or in a side table. A
mapping file's `wide:` entry says so, and landing unpivots the test columns (one canonical lab row
per non-empty test cell):

```yaml
columns:
  labs: {patient_id: MRN, result_id: SPECIMEN, collected_at: DRAWN}
wide:
  labs:
    tests:                                   # test column: its code (LOINC, analyte or local code) and unit
      FERRITIN: {code: "2276-4", unit: ng/mL}
      "PLT (10*3/uL)": {code: "777-3"}       # no unit given: the one in the header's parentheses
    fill_down: [patient_id, encounter_id]    # canonical columns left empty on a group's later lines
```

Each result's `result_id` is the line's result id (the specimen or accession) and the test
column, `SPECIMEN:FERRITIN`, so a re-sent specimen supersedes its earlier results test by test. An
empty test cell is no result: a file's `rows_in` counts its results (non-empty test cells) and
malformed lines. Raises MappingError for a malformed entry (naming the key).
"""

import re
from dataclasses import dataclass

_HEADER_UNIT = re.compile(r"\(([^()]+)\)\s*$")
# The canonical columns a wide layout fills itself, from the test columns.
FROM_TESTS = ("code", "value", "unit")


@dataclass(frozen=True)
class WideTest:
    column: str
    code: str
    unit: str | None


@dataclass(frozen=True)
class WideLayout:
    tests: tuple[WideTest, ...]
    fill_down: tuple[str, ...] = ()

    @classmethod
    def parse(cls, where: str, entry: object, canonical_columns: tuple[str, ...]) -> "WideLayout":
        """A `wide.<kind>` entry of a mapping file; `where` names it in errors (ValueError)."""
        if not isinstance(entry, dict) or not isinstance(entry.get("tests"), dict) or not entry["tests"]:
            raise ValueError(f"{where}: needs `tests:`, a map of test column to {{code, unit}}")
        unknown = set(entry) - {"tests", "fill_down"}
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {sorted(unknown)}; the keys are tests, fill_down")
        tests = []
        for column, test in entry["tests"].items():
            test = {"code": test} if isinstance(test, str) else test
            if not isinstance(test, dict) or not test.get("code") or set(test) - {"code", "unit"}:
                raise ValueError(f"{where}.tests.{column}: give {{code: ..., unit: ...}} (unit optional)")
            header_unit = _HEADER_UNIT.search(str(column))
            unit = test.get("unit") or (header_unit.group(1).strip() if header_unit else None)
            tests.append(WideTest(str(column), str(test["code"]), None if unit is None else str(unit)))
        fill_down = tuple(str(c) for c in entry.get("fill_down") or ())
        wrong = [c for c in fill_down if c not in canonical_columns or c in FROM_TESTS]
        if wrong:
            raise ValueError(f"{where}.fill_down: {wrong} are not canonical columns of the file's kind "
                             f"(one of {', '.join(c for c in canonical_columns if c not in FROM_TESTS)})")
        return cls(tuple(tests), fill_down)

    def parameters(self) -> dict[str, object]:
        return {"wide_columns": [t.column for t in self.tests], "wide_codes": [t.code for t in self.tests],
                "wide_units": [t.unit for t in self.tests]}

    def source_query(self, reader: str, header: list[str], fill_down_sources: list[str]) -> str:
        """SQL over the CSV reader: the file's lines numbered (_line), the fill-down columns carried
        from the last line that had them, then one row per non-empty test cell, with the test's
        column (_wide_test), code (_wide_code), unit (_wide_unit) and cell (_wide_value), numbered
        in line and test order (_source_row)."""
        present = [t.column for t in self.tests if t.column in header]
        if not present:
            raise ValueError("none of the mapping's test columns is in the header")
        quoted = {c: '"' + c.replace('"', '""') + '"' for c in [*fill_down_sources, *header]}
        carried = ", ".join(
            f"last_value(nullif(trim({quoted[c]}), '') IGNORE NULLS) OVER (ORDER BY _line ROWS UNBOUNDED PRECEDING) "
            f"AS {quoted[c]}" for c in fill_down_sources)
        replace = f" REPLACE ({carried})" if carried else ""
        tests = ", ".join(quoted[c] for c in present)
        return f"""
            (WITH lines AS (SELECT *, row_number() OVER () AS _line FROM {reader}),
                  filled AS (SELECT *{replace} FROM lines),
                  cells AS (UNPIVOT filled ON {tests} INTO NAME _wide_test VALUE _wide_value)
             SELECT *,
                    $wide_codes[list_position($wide_columns, _wide_test)] AS _wide_code,
                    $wide_units[list_position($wide_columns, _wide_test)] AS _wide_unit,
                    row_number() OVER (ORDER BY _line, list_position($wide_columns, _wide_test)) AS _source_row
             FROM cells
             WHERE nullif(trim(_wide_value), '') IS NOT NULL)"""
