"""Benchmark-sized hospitals: one generated base hospital tiled in DuckDB SQL, cached on disk.

    from pipelines.synthetic.scale import scaled_hospital
    hospital = scaled_hospital("L", Path("var/bench-cache"))   # hospital.landing: canonical files

`generate` makes a whole hospital in memory (about 150,000 lab rows a second on one core), which is
the right tool up to a few million rows. A benchmark hospital of 100 million lab rows is instead
`copies` copies of one base hospital (BASE: 15,000 patients over the 365 days from 2024-01-01, about
one million lab rows and half as many vital signs), written by DuckDB file by file:

- every landed file of the base (labs_YYYY-MM-DD.csv and vitals_YYYY-MM-DD.csv, one per day, and
  patients.csv, encounters.csv, diagnoses.csv, medications.csv) becomes one file of the same name
  holding each of its lines `copies` times, in the base's line order (copy 0, 1, ... of line 1,
  then of line 2...); the lines are copied as text, so quoting, defects, duplicates, corrections
  and overlapping days are the base's, `copies` times over;
- copy k's identifiers (the leading id fields of each kind: patient_id, encounter_id and
  result_id / measurement_id) get k, zero-padded to the width of `copies - 1`, after their first
  character: P000123 becomes P07000123 in copy 7 of 100. The base's ids have a fixed width, so ids
  stay unique per copy; an empty id (a missing_required defect) stays empty. With one copy the
  files are the base's, byte for byte.

Vital signs therefore keep the generator's proportion to labs, and every copy's rows fall on the
same days (the base already spans the year). Memory stays bounded: DuckDB holds the base's lines
(about 150 MB) and writes one output file at a time; no Python runs per row.

Cache (`cache` folder, default var/bench-cache): base-<digest>/ holds the generated base and
<size>-<digest>/landing/ the tiled files, with <size>-<digest>/manifest.json written last (rows per
kind, bytes, seconds). The digest covers the base's parameters, the number of copies and the source
of the generator package (this module included), so a change to either regenerates; folders of the
same size with another digest are removed when a new one is made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import duckdb

from pipelines.synthetic.generator import generate

# Copies of the base hospital per benchmark size (lab rows: about 1 M, 10 M and 100 M).
SIZES = {"S": 1, "M": 10, "L": 100}

# Leading fields of each landed file kind that are identifiers, rewritten per copy (the canonical
# contract's column order, pipelines/core/contract.py: ids come first in every kind).
ID_FIELDS = {"labs": 3, "vitals": 3, "diagnoses": 2, "medications": 2, "encounters": 2, "patients": 1}
DAILY_KINDS = ("labs", "vitals")
SINGLE_FILES = ("patients.csv", "encounters.csv", "diagnoses.csv", "medications.csv")

# Lines are read and written whole: a delimiter and no quote character that never occur in the
# generator's text (writer.py: no field holds a control character).
_LINES = "columns = {'line': 'VARCHAR'}, header = true, delim = '\x01', quote = '', escape = '', auto_detect = false"
_WRITE = "FORMAT csv, HEADER false, DELIMITER '\x01', QUOTE '', ESCAPE ''"


@dataclass(frozen=True)
class Base:
    """The generated hospital every size is tiled from (arguments of `generate`)."""

    patients: int = 15_000
    days: int = 365
    start: dt.date = dt.date(2024, 1, 1)
    seed: int = 7


BASE = Base()


@dataclass(frozen=True)
class ScaledHospital:
    """A tiled hospital in the cache: `landing` holds its canonical files, one per kind and day
    over [start, start + days - 1]; rows are lines (defects, duplicates and versions included)."""

    size: str
    copies: int
    landing: Path
    start: dt.date
    days: int
    lab_rows: int
    vital_rows: int
    bytes: int
    seconds: float  # generating the base (when not cached) and tiling it
    digest: str

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days - 1)


def digest(base: Base, copies: int) -> str:
    """Cache key: the base's parameters, the copies and the generator package's source."""
    h = hashlib.sha256(json.dumps({**asdict(base), "start": base.start.isoformat(), "copies": copies},
                                  sort_keys=True).encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def scaled_hospital(size: str, cache: Path, base: Base = BASE,
                    progress: Callable[[str], None] = print) -> ScaledHospital:
    """The hospital of a size (SIZES), from the cache or generated into it (progress: one line per
    phase and per month tiled). Raises ValueError for an unknown size."""
    if size not in SIZES:
        raise ValueError(f"unknown benchmark size {size!r}; use one of {', '.join(SIZES)}")
    copies = SIZES[size]
    key = digest(base, copies)
    folder = Path(cache) / f"{size}-{key}"
    manifest = folder / "manifest.json"
    if manifest.exists():
        return _from_manifest(folder, json.loads(manifest.read_text()))
    began = time.monotonic()
    base_landing = _base(Path(cache), base, progress)
    _remove_others(Path(cache), f"{size}-", folder.name)
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    counts = tile(base_landing, partial / "landing", copies, progress=lambda line: progress(f"{size}: {line}"))
    seconds = time.monotonic() - began
    written = sum(p.stat().st_size for p in (partial / "landing").iterdir())
    (partial / "manifest.json").write_text(json.dumps({
        "size": size, "copies": copies, "digest": key, "start": base.start.isoformat(), "days": base.days,
        "rows": counts, "bytes": written, "seconds": round(seconds, 1), "base": {**asdict(base),
                                                                               "start": base.start.isoformat()},
    }, indent=2))
    partial.rename(folder)
    return _from_manifest(folder, json.loads(manifest.read_text()))


def _from_manifest(folder: Path, manifest: dict) -> ScaledHospital:
    return ScaledHospital(size=manifest["size"], copies=manifest["copies"], landing=folder / "landing",
                          start=dt.date.fromisoformat(manifest["start"]), days=manifest["days"],
                          lab_rows=manifest["rows"]["labs"], vital_rows=manifest["rows"]["vitals"],
                          bytes=manifest["bytes"], seconds=manifest["seconds"], digest=manifest["digest"])


def _base(cache: Path, base: Base, progress: Callable[[str], None]) -> Path:
    """The base hospital's landing folder, generated once per digest."""
    folder = cache / f"base-{digest(base, 1)}"
    if not (folder / "done").exists():
        _remove_others(cache, "base-", folder.name)
        shutil.rmtree(folder, ignore_errors=True)
        began = time.monotonic()
        summary = generate(folder, patients=base.patients, days=base.days, start=base.start, seed=base.seed)
        (folder / "done").write_text("")
        progress(f"base hospital: {summary.patients:,} patients, {summary.lab_rows:,} lab and "
                 f"{summary.vital_rows:,} vital rows generated in {time.monotonic() - began:.1f} s")
    return folder / "landing"


def _remove_others(cache: Path, prefix: str, keep: str) -> None:
    """Cached folders of the same size (or base) made with other parameters or code: stale."""
    if cache.is_dir():
        for stale in cache.glob(f"{prefix}*"):
            if stale.name != keep and stale.is_dir():
                shutil.rmtree(stale)


def _renamed(field: str, copy_text: str) -> str:
    """SQL: an id field with the copy number after its first character ('' stays '')."""
    return f"CASE WHEN {field} = '' THEN '' ELSE {field}[1] || {copy_text} || {field}[2:] END"


def tile(base_landing: Path, out_landing: Path, copies: int,
         progress: Callable[[str], None] = print) -> dict[str, int]:
    """Write `copies` copies of every canonical file in `base_landing` to `out_landing` (module
    docstring: ids renamed per copy, lines as text). Returns rows written per kind (lines, headers
    excluded). Raises ValueError when copies < 1 or a daily file kind is missing."""
    if copies < 1:
        raise ValueError("copies must be at least 1")
    out_landing.mkdir(parents=True, exist_ok=True)
    width = len(str(copies - 1)) if copies > 1 else 0
    copy_text = f"lpad(CAST(c.copy AS VARCHAR), {width}, '0')" if width else "''"
    counts: dict[str, int] = {}
    began = last = time.monotonic()
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = true")
        for kind, n_ids in ID_FIELDS.items():
            pattern = f"{kind}_*.csv" if kind in DAILY_KINDS else f"{kind}.csv"
            files = sorted(base_landing.glob(pattern))
            if not files:
                if kind in DAILY_KINDS:
                    raise ValueError(f"{base_landing} holds no {pattern} file: not a generated hospital's landing folder")
                continue
            # Split each line once: its id fields, and the rest as sent (from its comma on).
            ids = ", ".join(f"parts[{i + 1}] AS id{i + 1}" for i in range(n_ids))
            con.execute(f"""
                CREATE OR REPLACE TEMP TABLE base_lines AS
                SELECT file, n, {ids},
                       line[length(array_to_string(parts[1:{n_ids}], ',')) + 1:] AS rest
                FROM (SELECT parse_filename(filename) AS file, row_number() OVER () AS n,
                             line, string_split(line, ',') AS parts
                      FROM read_csv({[str(p) for p in files]!r}, {_LINES}, filename = true))
                ORDER BY file, n""")
            line = " || ',' || ".join(_renamed(f"b.id{i + 1}", copy_text) for i in range(n_ids)) + " || b.rest"
            per_file = dict(con.execute("SELECT file, count(*) FROM base_lines GROUP BY file").fetchall())
            for number, path in enumerate(files, 1):
                header = path.open("rb").readline().decode("utf-8").rstrip("\n").replace("'", "''")
                target = str(out_landing / path.name).replace("'", "''")
                con.execute(f"""
                    COPY (SELECT line FROM (
                              SELECT 0 AS n, 0 AS copy, '{header}' AS line
                              UNION ALL
                              SELECT b.n, c.copy, {line}
                              FROM base_lines AS b, range({copies}) AS c(copy)
                              WHERE b.file = '{path.name.replace("'", "''")}')
                          ORDER BY n, copy)
                    TO '{target}' ({_WRITE})""")
                if time.monotonic() - last >= 15:
                    last = time.monotonic()
                    progress(f"{kind}: {number} of {len(files)} files written, {last - began:.0f} s")
            counts[kind] = sum(per_file.values()) * copies
    finally:
        con.close()
    progress(f"tiled x{copies}: {counts.get('labs', 0):,} lab and {counts.get('vitals', 0):,} vital rows "
             f"in {time.monotonic() - began:.1f} s")
    return counts
