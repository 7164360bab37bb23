"""A site's own CSV layout, mapped onto the canonical contract by a mapping file instead of code.

```yaml
delimiter: ";"                      # default ","
files: {labs: "LAB_*.csv", vitals: "VS_*.txt"}   # default: the name starts with the kind
columns:                            # canonical column: the file's column (default: same name)
  labs: {patient_id: MRN, result_id: ACCESSION, code: TEST, value: RESULT, unit: UNITS,
         collected_at: COLLECTED, resulted_at: VERIFIED, status: STATUS}
codes: {FERR: ferritin, PLT: 777-3} # local code: an analyte name or a code of analytes.csv
units: {"k/mcl": "k/ul"}            # unit as sent (normalised): a spelling units.csv knows
timestamp_format: "%d/%m/%Y %H:%M"  # strptime format of every time column
timezone: Europe/Amsterdam          # zone of times without an offset, if not the site's
wide: {labs: {tests: {FERRITIN: {code: 2276-4, unit: ng/mL}}, fill_down: [patient_id]}}
                                    # labs exported one column per test (pipelines/wide_layout.py)
```

The mapped values land in raw; what a mapping changed (a code, a unit, a time) is kept as sent in
`_extra.as_sent`, so raw still shows what arrived.
"""

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from pipelines.contract import LABS, FileKind
from pipelines.wide_layout import WideLayout

TIME_COLUMNS = ("collected_at", "resulted_at", "measured_at", "recorded_at", "started_at", "ended_at",
                "admit_at", "discharge_at")


class MappingError(ValueError):
    """The mapping file is malformed (the message names the file and the entry)."""


@dataclass(frozen=True)
class SourceMapping:
    delimiter: str = ","
    files: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    timestamp_format: str | None = None
    timezone: str | None = None
    wide: dict[str, WideLayout] = field(default_factory=dict)  # kind -> its test columns (wide_layout.py)

    @classmethod
    def load(cls, path: Path) -> "SourceMapping":
        document = yaml.safe_load(Path(path).read_text()) or {}
        unknown = set(document) - {"delimiter", "files", "columns", "codes", "units", "timestamp_format", "timezone",
                                   "wide"}
        if unknown:
            raise MappingError(f"{path}: unknown entries {sorted(unknown)}")
        if document.get("timezone"):
            try:
                ZoneInfo(document["timezone"])
            except (ValueError, KeyError) as error:
                raise MappingError(f"{path}: timezone {document['timezone']!r} is not an IANA time zone") from error
        return cls(
            delimiter=str(document.get("delimiter", ",")),
            files={str(k): str(v) for k, v in (document.get("files") or {}).items()},
            columns={str(k): {str(c): str(s) for c, s in v.items()} for k, v in (document.get("columns") or {}).items()},
            codes={str(k): str(v) for k, v in (document.get("codes") or {}).items()},
            units={str(k).lower().replace(" ", ""): str(v) for k, v in (document.get("units") or {}).items()},
            timestamp_format=document.get("timestamp_format"),
            timezone=document.get("timezone"),
            wide=_wide_layouts(path, document.get("wide") or {}),
        )

    def matches(self, kind: FileKind, file_name: str) -> bool:
        pattern = self.files.get(kind.name)
        return fnmatch.fnmatch(file_name, pattern) if pattern else kind.matches(file_name)

    def source_column(self, kind: FileKind, column: str) -> str:
        return self.columns.get(kind.name, {}).get(column, column)

    def parameters(self) -> dict[str, object]:
        params: dict[str, object] = {}
        if self.codes:
            params |= {"map_code_keys": list(self.codes), "map_code_values": list(self.codes.values())}
        if self.units:
            params |= {"map_unit_keys": list(self.units), "map_unit_values": list(self.units.values())}
        if self.timestamp_format:
            params["map_timestamp_format"] = self.timestamp_format
        if self.timezone:
            params["map_timezone"] = self.timezone
        return params

    def expression(self, column: str, source: str) -> tuple[str, bool]:
        """SQL for one canonical column from its source column, and whether the mapping changes it."""
        quoted = f'"{source}"'
        if column == "code" and self.codes:
            return f"coalesce($map_code_values[list_position($map_code_keys, trim({quoted}))], {quoted})", True
        if column == "unit" and self.units:
            return f"coalesce($map_unit_values[list_position($map_unit_keys, normalize_unit({quoted}))], {quoted})", True
        if column in TIME_COLUMNS and (self.timestamp_format or self.timezone):
            parsed = (f"try_strptime(trim({quoted}), $map_timestamp_format)" if self.timestamp_format
                      else f"TRY_CAST(trim({quoted}) AS TIMESTAMP)")
            if self.timezone:  # local time of the source's zone -> an instant, written with its offset
                text = f"strftime(timezone($map_timezone, {parsed}), '%Y-%m-%dT%H:%M:%S%z')"
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
