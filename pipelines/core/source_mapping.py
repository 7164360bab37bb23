"""A site's own CSV layout, mapped onto the canonical contract by a mapping file instead of code.

```yaml
delimiter: ";"                      # default ","
files: {labs: "LAB_*.csv", vitals: "VS_*.txt"}   # default: the name starts with the kind
columns:                            # canonical column: the file's column (default: same name)
  labs: {patient_id: MRN, result_id: ACCESSION, code: TEST, value: RESULT, unit: UNITS,
         collected_at: COLLECTED, resulted_at: VERIFIED, status: STATUS}
codes:                              # local code: an analyte name or a code of analytes.csv,
  FERR: ferritin                    #   or {analyte, unit}: the unit of a result of that code sent
  TEMP: {analyte: temperature, unit: "[degF]"}   #   with an empty unit or UNK
units: {"k/mcl": "k/ul"}            # unit as sent (normalised): a spelling units.csv knows
timestamp_format: "%d/%m/%Y %H:%M"  # strptime format of every time column
timezone: Europe/Amsterdam          # zone of times without an offset, if not the site's
wide: {labs: {tests: {FERRITIN: {code: 2276-4, unit: ng/mL}}, fill_down: [patient_id]}}
                                    # labs exported one column per test (pipelines/core/wide_layout.py)
encoding: cp1252                    # Python codec of the files (default utf-8); landing reads with it
decimal_separator: ","              # of value, ref_low, ref_high: "." or ","; default undeclared
```

The mapped values land in raw; what a mapping changed (a code, a unit, a time, a value) is kept as
sent in `_extra.as_sent`, so raw still shows what arrived. An option applies to the files whose kind
has the column it maps (a time zone does nothing to patients.csv).

Decimal separator: staging reads values with a decimal point and quarantines a value with one
comma group and no point ('1,234', '0,425': 1.234 or 1234?) as `ambiguous_value` (sql/macros.sql,
value_is_ambiguous); nothing is guessed. Declaring the separator resolves it at landing:
- `","`: the value columns land with '.' and ',' swapped ('0,425' -> '0.425', '1.234,5' ->
  '1,234.5'); a point alone ('5.000', 5 or 5000?) lands as '5,000' and stays ambiguous.
- `"."`: commas that group thousands are dropped ('1,234' -> '1234', '<1,500' -> '<1500'); any
  other comma ('0,425', '12,34') stays, and stays ambiguous.
"""

import codecs
import csv
import difflib
import fnmatch
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from pipelines.core.contract import CONTRACT_KINDS, LABS, FileKind
from pipelines.core.settings import REFERENCE_DIR
from pipelines.core.wide_layout import WideLayout

TIME_COLUMNS = ("collected_at", "resulted_at", "measured_at", "recorded_at", "started_at", "ended_at",
                "admit_at", "discharge_at")
# Columns read as numbers by staging (sql/staging/measurement_parse.sql): the decimal separator applies.
NUMBER_COLUMNS = ("value", "ref_low", "ref_high")
# Units that mean "no unit sent": the unit a `codes:` entry declares replaces them.
NO_UNIT = ("", "UNK")
KEYS = ("delimiter", "files", "columns", "codes", "units", "timestamp_format", "timezone", "encoding",
        "decimal_separator", "wide")
CODE_KEYS = ("analyte", "unit")
DECIMAL_SEPARATORS = (".", ",")
# A number (after a censoring prefix) whose commas group thousands: a declared "." drops them.
THOUSANDS_GROUPED = r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?"
KINDS = {kind.name: kind for kind in CONTRACT_KINDS}
# A time of day followed by a UTC offset ('08:00Z', '08:00:00+01:00', '08:00-0500'): an instant.
EXPLICIT_OFFSET = r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$"


class MappingError(ValueError):
    """The mapping file is malformed (the message names the file and the entry)."""


def unknown_key(keys, valid, file: Path | str, entry: str = "") -> str | None:
    """The first of `keys` not in `valid`, as one line naming the file, the key, the entry it is in
    and the closest valid key ("site.yaml: unknown key 'timzone' in sources[0]; did you mean
    'timezone'?"); None when every key is valid."""
    for key in keys:
        if key not in valid:
            close = difflib.get_close_matches(str(key), [str(v) for v in valid], n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"valid keys: {', '.join(map(str, valid))}"
            return f"{file}: unknown key {key!r}{f' in {entry}' if entry else ''}; {hint}"
    return None


def _check_keys(keys, valid, path: Path, entry: str = "") -> None:
    if problem := unknown_key(keys, valid, path, entry):
        raise MappingError(problem)


def _check_code_targets(codes: dict[str, str], path: Path) -> None:
    """Every `codes:` entry must name an analyte or a code of pipelines/reference/analytes.csv (what
    staging maps), else MappingError naming the entry and the closest name: a misspelt analyte
    would leave every row of that code quarantined as unmapped_code."""
    with (REFERENCE_DIR / "analytes.csv").open(newline="") as handle:
        known = {value for row in csv.DictReader(handle) for value in (row["analyte"], row["code"])}
    for code, target in codes.items():
        if target not in known:
            close = difflib.get_close_matches(target, sorted(known), n=1)
            raise MappingError(f"{path}: codes.{code}: {target!r} is neither an analyte nor a code of "
                               "pipelines/reference/analytes.csv"
                               + (f"; did you mean {close[0]!r}?" if close else " (add it there first)"))


def _entries(document: dict, key: str, path: Path) -> dict:
    value = document.get(key) or {}
    if not isinstance(value, dict):
        raise MappingError(f"{path}: {key} must be a mapping of entries, not {value!r}")
    return value


@dataclass(frozen=True)
class SourceMapping:
    delimiter: str = ","
    files: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)  # local code -> analyte name or code
    units: dict[str, str] = field(default_factory=dict)
    timestamp_format: str | None = None
    timezone: str | None = None
    wide: dict[str, WideLayout] = field(default_factory=dict)  # kind -> its test columns (wide_layout.py)
    # sha256 of the mapping file's text: a file is loaded once per content and mapping, so a changed
    # mapping reads the source's files again (None: no mapping file)
    fingerprint: str | None = None
    encoding: str = "utf-8"  # Python codec name of the files
    decimal_separator: str | None = None  # of the value columns: ".", "," or None (undeclared)
    code_units: dict[str, str] = field(default_factory=dict)  # local code -> unit when sent empty or UNK

    @classmethod
    def load(cls, path: Path) -> "SourceMapping":
        """Read and validate a mapping file. Raises MappingError (one line naming the file, the entry
        and, for an unknown key, the closest valid one)."""
        try:
            document = yaml.safe_load(Path(path).read_text()) or {}
        except (OSError, yaml.YAMLError) as error:
            raise MappingError(f"{path}: cannot be read as YAML: {error}") from error
        if not isinstance(document, dict):
            raise MappingError(f"{path}: must be a mapping of {', '.join(KEYS)}")
        _check_keys(document, KEYS, path)
        files, columns = _entries(document, "files", path), _entries(document, "columns", path)
        _check_keys(files, tuple(KINDS), path, "files")
        _check_keys(columns, tuple(KINDS), path, "columns")
        for kind, mapped in columns.items():
            if not isinstance(mapped, dict):
                raise MappingError(f"{path}: columns.{kind} must map canonical columns to file columns")
            _check_keys(mapped, KINDS[kind].columns, path, f"columns.{kind}")
        codes, code_units = {}, {}
        for code, target in _entries(document, "codes", path).items():
            if isinstance(target, dict):
                _check_keys(target, CODE_KEYS, path, f"codes.{code}")
                if not target.get("analyte"):
                    raise MappingError(f"{path}: codes.{code} needs an analyte (e.g. {{analyte: ferritin}})")
                codes[str(code)] = str(target["analyte"])
                if target.get("unit"):
                    code_units[str(code)] = str(target["unit"])
            else:
                codes[str(code)] = str(target)
        _check_code_targets(codes, path)
        if document.get("timezone"):
            try:
                ZoneInfo(document["timezone"])
            except (ValueError, KeyError) as error:
                raise MappingError(f"{path}: timezone {document['timezone']!r} is not an IANA time zone") from error
        encoding = str(document.get("encoding") or "utf-8")
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise MappingError(f"{path}: encoding {encoding!r} is not a Python codec name "
                               "(e.g. utf-8, cp1252, latin-1)") from error
        delimiter = str(document.get("delimiter", ","))
        if len(delimiter) != 1 or delimiter in '"\n\r':
            raise MappingError(f"{path}: delimiter {delimiter!r} must be one character (e.g. \",\", \";\", \"|\" or a tab)")
        separator = document.get("decimal_separator")
        if separator is not None and separator not in DECIMAL_SEPARATORS:
            raise MappingError(f"{path}: decimal_separator {separator!r} must be \".\" or \",\"")
        return cls(
            delimiter=delimiter,
            files={str(k): str(v) for k, v in files.items()},
            columns={str(k): {str(c): str(s) for c, s in v.items()} for k, v in columns.items()},
            codes=codes,
            units={str(k).lower().replace(" ", ""): str(v) for k, v in _entries(document, "units", path).items()},
            timestamp_format=document.get("timestamp_format"),
            timezone=document.get("timezone"),
            encoding=encoding,
            decimal_separator=separator,
            code_units=code_units,
            wide=_wide_layouts(path, document.get("wide") or {}),
            fingerprint=hashlib.sha256(Path(path).read_bytes()).hexdigest(),
        )

    def matches(self, kind: FileKind, file_name: str) -> bool:
        pattern = self.files.get(kind.name)
        return fnmatch.fnmatch(file_name, pattern) if pattern else kind.matches(file_name)

    def source_column(self, kind: FileKind, column: str) -> str:
        return self.columns.get(kind.name, {}).get(column, column)

    def parameters(self, sql: str) -> dict[str, object]:
        """The $map_* parameters that `sql`, the SELECT of one file's columns, uses, by name. A file
        binds only those: DuckDB refuses a parameter the query does not use (a time zone for
        patients.csv, which has no time column). Names are matched as `$map_<name>` only, so a
        header such as `COST$USD` is no parameter."""
        params: dict[str, object] = {}
        if self.codes:
            params |= {"map_code_keys": list(self.codes), "map_code_values": list(self.codes.values())}
        if self.code_units:
            params |= {"map_code_unit_keys": list(self.code_units),
                       "map_code_unit_values": list(self.code_units.values())}
        if self.units:
            params |= {"map_unit_keys": list(self.units), "map_unit_values": list(self.units.values())}
        if self.timestamp_format:
            params["map_timestamp_format"] = self.timestamp_format
        if self.timezone:
            params["map_timezone"] = self.timezone
        used = set(re.findall(r"\$(map_\w+)", sql))
        return {name: value for name, value in params.items() if name in used}

    def expression(self, column: str, source: str, code_source: str | None = None) -> tuple[str, bool]:
        """SQL for one canonical column from its source column, and whether the mapping changes it.
        `code_source` is the file's code column: a unit sent empty or UNK becomes the unit the
        `codes:` entry of the row's code declares."""
        quoted = f'"{source}"'
        if column == "code" and self.codes:
            return f"coalesce($map_code_values[list_position($map_code_keys, trim({quoted}))], {quoted})", True
        if column == "unit" and (self.units or (self.code_units and code_source)):
            mapped = (f"coalesce($map_unit_values[list_position($map_unit_keys, normalize_unit({quoted}))], {quoted})"
                      if self.units else quoted)
            if self.code_units and code_source:
                declared = f'$map_code_unit_values[list_position($map_code_unit_keys, trim("{code_source}"))]'
                no_unit = ", ".join(f"'{u}'" for u in NO_UNIT)
                mapped = (f"coalesce(CASE WHEN coalesce(upper(trim({quoted})), '') IN ({no_unit}) "
                          f"THEN {declared} END, {mapped})")
            return mapped, True
        if column in NUMBER_COLUMNS and self.decimal_separator == ",":
            return f"translate({quoted}, '.,', ',.')", True
        if column in NUMBER_COLUMNS and self.decimal_separator == ".":
            grouped = f"regexp_full_match(value_number_text({quoted}), '{THOUSANDS_GROUPED}')"
            return f"CASE WHEN {grouped} THEN replace({quoted}, ',', '') ELSE {quoted} END", True
        if column in TIME_COLUMNS and (self.timestamp_format or self.timezone):
            parsed = (f"try_strptime(trim({quoted}), $map_timestamp_format)" if self.timestamp_format
                      else f"TRY_CAST(trim({quoted}) AS TIMESTAMP)")
            if self.timezone:  # local time of the source's zone -> an instant, written with its offset;
                # a time sent with its own offset (Z, +01:00) is an instant already and lands as sent
                has_offset = f"regexp_matches(trim({quoted}), '{EXPLICIT_OFFSET}')"
                text = (f"CASE WHEN NOT {has_offset} "
                        f"THEN strftime(timezone($map_timezone, {parsed}), '%Y-%m-%dT%H:%M:%S%z') END")
            else:
                text = f"strftime({parsed}, '%Y-%m-%dT%H:%M:%S')"
            return f"coalesce({text}, {quoted})", True
        return quoted, False


def _wide_layouts(path: Path, entries: dict) -> dict[str, WideLayout]:
    """The mapping's `wide:` entries by kind (only labs can be wide), MappingError naming the key."""
    if set(entries) - {"labs"}:
        raise MappingError(f"{path}: wide: only labs can be exported wide, not {sorted(set(entries) - {'labs'})}")
    try:
        return {kind: WideLayout.parse(f"{path}: wide.{kind}", entry, LABS.columns) for kind, entry in entries.items()}
    except ValueError as error:
        raise MappingError(str(error)) from error
