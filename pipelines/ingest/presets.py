"""Loading a configured source into `raw`, by its format preset.

`canonical` sources are folders of landed files in the canonical contract (pipelines/ingest/landing.py).
Every other preset is a folder of SQL files, `sql/presets/<preset>/<kind>.sql`, one per contract
kind the format carries. Each projects the source's own tables onto the canonical columns, as
text, keeping the source's identifiers, values and units as sent (the source's extra fields go to
`_extra`), and names the files it reads in a first-line comment `-- inputs: A.csv, B.csv`. Each
name there stands for every file of the source that is that input (find_inputs):

- `<name>.csv` or `<name>.csv.gz`: `<name>.csv` or `<name>.csv.gz` in that folder, any case, also
  split in numbered parts (`LABEVENTS_1.csv.gz`, `1.labevents.csv`);
- `<Type>.ndjson` (FHIR bulk export): every `.ndjson` or `.ndjson.gz` file of the folder whose first
  line is a resource of that type, whatever its name (`1.Observation.ndjson`, `Observation.2.ndjson`);
- a name with `*`: the files the glob finds (MEDS shards: `data/**/*.parquet`);
- any other name: that file.

A name ending in `?` is expected but optional. A source with none of a kind's required inputs does
not carry that kind; one with only some of them is refused (FileRefused). Missing inputs and FHIR
files of no type the preset reads are recorded in meta.run_warnings (`source_files_missing`,
`unrecognised_file`). The SQL reads its inputs through the parameter `$inputs`, a struct from each
declared name to the list of its files' paths, and names each row's file relative to `$dir`.

Codes are resolved with the preset's mapping, `pipelines/reference/presets/<preset>.yaml`, bound as
SQL parameters, overlaid with the site's own (the source's `mapping:` file, site_mapping). An
optional `_shared.sql` beside the kinds defines temp macros the kinds have in common, after
`sql/presets/_common.sql` (macros every preset shares); both run, with the same parameters, before
each kind. A kind whose input files, mapping and shift are unchanged since their last load is
skipped; any change (a new split file included) reloads the kind whole, and staging supersedes the
earlier rows.
"""

import difflib
import gzip
import hashlib
import json
import os
import re
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
import yaml

from pipelines.core.contract import CONTRACT_KINDS
from pipelines.core.run_log import record_warning
from pipelines.core.settings import REFERENCE_DIR, SQL_DIR
from pipelines.core.site_config import SiteConfig, SiteConfigError, Source, load_site_config
from pipelines.core.source_mapping import SourceMapping
from pipelines.core.warehouse import execute, statements, transaction
from pipelines.ingest.landing import (IDENTITY, FileProblem, FileRefused, Load, file_sha256, latest_load_is,
                                      load_new_files, next_load_id, record_file_problem)

_INPUTS = re.compile(r"^--\s*inputs:\s*(.+)$", re.MULTILINE)
# the field that names a mapping entry, so that a site's entry replaces the preset's of that name
_ENTRY_KEYS = ("itemid", "code", "prefix", "source_code")


def load_source(con: duckdb.DuckDBPyConnection, source: Source, run_id: str) -> list[Load]:
    """Load a source's new files (canonical) or changed kinds (other presets) into raw. A file or a
    kind that cannot be read is recorded in meta.file_problems (landing.record_file_problem) and the
    others still load; FileRefused only for a source that is neither a folder nor a zip."""
    if source.preset == "canonical":
        mapping = SourceMapping.load(source.mapping) if source.mapping else IDENTITY
        return [load for kind in CONTRACT_KINDS
                for load in load_new_files(con, source.path, kind, run_id, source.name, mapping)]
    loads = []
    with _unpacked(source.path) as folder:
        _record_input_warnings(con, source, folder, run_id)
        for kind in CONTRACT_KINDS:  # a kind that cannot be read is recorded; the others still load
            try:
                if (load := _load_preset_kind(con, source, folder, kind.name, run_id)) is not None:
                    loads.append(load)
            except FileRefused as error:
                record_file_problem(con, run_id, FileProblem(source.name, kind.name, f"{source.preset}:{kind.name}",
                                                             str(error)))
    return loads


def preset_parameters(preset: str) -> dict[str, object]:
    """The preset's code mapping: each top-level list of the YAML becomes one SQL list parameter."""
    mapping = REFERENCE_DIR / "presets" / f"{preset}.yaml"
    return yaml.safe_load(mapping.read_text()) if mapping.exists() else {}


def site_mapping(parameters: dict[str, object], overlay: Path | None) -> dict[str, object]:
    """The preset's mapping with the site's overlay (the source's `mapping:` YAML) applied: each
    top-level list of the overlay extends the preset's list of that name, and an overlay entry
    replaces the preset's entry with the same itemid, code, prefix or source_code (so a site adds its
    local codes, or corrects a unit, without editing the installed package). Raises FileRefused
    naming the file when it is not YAML, or names a list the preset does not have."""
    if overlay is None:
        return parameters
    try:
        document = yaml.safe_load(overlay.read_text()) or {}
    except (OSError, yaml.YAMLError) as error:
        raise FileRefused(f"site mapping {overlay}: cannot be read as YAML: {error}") from error
    unknown = sorted(set(document) - set(parameters)) if isinstance(document, dict) else ["(not a mapping)"]
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), list(parameters), n=1)
        raise FileRefused(f"site mapping {overlay}: {', '.join(map(str, unknown))} is not a list of this preset's "
                          f"mapping (it has {', '.join(parameters) or 'none'})"
                          + (f"; did you mean {close[0]!r}?" if close else ""))
    merged = dict(parameters)
    for name, entries in document.items():
        if not isinstance(entries, list):
            raise FileRefused(f"site mapping {overlay}: {name} must be a list of entries like the preset's")
        replaced = {_entry_name(entry) for entry in entries} - {None}
        merged[name] = [entry for entry in parameters[name] if _entry_name(entry) not in replaced] + entries
    return merged



def load_checked_site_config(path: Path) -> SiteConfig:
    """The site configuration (load_site_config) with every preset source's overlay of the preset's
    code mapping read now, so that a malformed overlay stops the run before it starts. Raises
    SiteConfigError: one line naming the file, the source and what is wrong with its mapping."""
    site = load_site_config(path)
    for index, source in enumerate(site.sources):
        if source.mapping is not None and source.preset != "canonical":
            try:
                site_mapping(preset_parameters(source.preset), source.mapping)
            except FileRefused as error:
                raise SiteConfigError(f"{site.path}: sources[{index}]: {error}") from None
    return site

def find_inputs(folder: Path, name: str) -> list[Path]:
    """The files of the source folder that are the declared input `name` (see the module docstring),
    in a stable order. Raises FileRefused when a file is there both compressed and not."""
    name = name.rstrip("?")
    if "*" in name:
        return sorted(path for path in folder.glob(name) if path.is_file())
    if name.endswith(".ndjson"):
        return _fhir_files(folder).get(name.removesuffix(".ndjson"), [])
    match = re.fullmatch(r"(.*?)([^/]+)\.csv(\.gz)?", name)
    if not match:
        path = folder / name
        return [path] if path.is_file() else []
    parent = folder / match.group(1)
    part = re.compile(rf"(\d+[._-])?{re.escape(match.group(2))}([._-]\d+)?\.csv(\.gz)?", re.IGNORECASE)
    found = sorted(path for path in parent.iterdir() if path.is_file() and part.fullmatch(path.name)) \
        if parent.is_dir() else []
    plain = [path.name.lower().removesuffix(".gz") for path in found]
    twice = sorted({stem for stem in plain if plain.count(stem) > 1})
    if twice:
        raise FileRefused(f"{parent}: {', '.join(twice)} is there both compressed and not; keep one of them")
    return found


@contextmanager
def _unpacked(path: Path) -> Iterator[Path]:
    """A source folder as is, or a zip archive extracted to a temporary folder for the load."""
    if path.is_dir():
        yield path
        return
    if not zipfile.is_zipfile(path):
        raise FileRefused(f"{path}: neither a folder nor a zip archive")
    with tempfile.TemporaryDirectory(prefix="masscreen-source-") as scratch:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if not m.startswith("__MACOSX/") and not m.endswith("/")]
            archive.extractall(scratch, members)
        # the folder holding every member (a zip of one top-level folder, or of loose files)
        common = os.path.commonpath([str(Path(m).parent) for m in members]) if members else ""
        yield Path(scratch) / common


def _entry_name(entry: object) -> tuple[str, str] | None:
    if not isinstance(entry, dict):
        return ("value", str(entry))  # a list of plain values (medication_not_given)
    key = next((key for key in _ENTRY_KEYS if key in entry), None)
    return (key, str(entry[key])) if key else None


def _ndjson_files(folder: Path) -> list[Path]:
    return sorted(path for pattern in ("*.ndjson", "*.ndjson.gz") for path in folder.rglob(pattern) if path.is_file())


def _resource_type(path: Path) -> str | None:
    """The resourceType of an NDJSON file's first line; None for an empty file, '' when that line
    is not a FHIR resource."""
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as lines:
            first = next((line for line in lines if line.strip()), None)
        if first is None:
            return None
        resource = json.loads(first)
    except (OSError, UnicodeDecodeError, EOFError, ValueError):
        return ""
    kind = resource.get("resourceType") if isinstance(resource, dict) else None
    return kind if isinstance(kind, str) else ""


def _fhir_files(folder: Path) -> dict[str, list[Path]]:
    """The NDJSON files of a folder by the resourceType of their first line ('' for those that are
    not FHIR); empty files are left out, having no rows."""
    files: dict[str, list[Path]] = {}
    for path in _ndjson_files(folder):
        kind = _resource_type(path)
        if kind is not None:
            files.setdefault(kind, []).append(path)
    return files


def _declared_inputs(preset: str, kind: str) -> tuple[Path, list[str]] | None:
    """The kind's SQL file and the input names its `-- inputs:` line declares (None: no such kind)."""
    sql_path = SQL_DIR / "presets" / preset / f"{kind}.sql"
    if not sql_path.exists():
        return None
    declared = _INPUTS.search(sql_path.read_text())
    if not declared:
        raise FileRefused(f"{sql_path}: no '-- inputs:' line")
    return sql_path, [name.strip() for name in declared.group(1).split(",")]


def _record_input_warnings(con: duckdb.DuckDBPyConnection, source: Source, folder: Path, run_id: str) -> None:
    """meta.run_warnings for the source: the expected inputs it lacks (source_files_missing: a kind
    with none of its required inputs is not loaded; an optional input only noted) and, for a FHIR
    export, the NDJSON files of a type no kind reads or that are not FHIR (unrecognised_file)."""
    missing: dict[str, list[str]] = {}
    read_types: set[str] = set()
    for kind in CONTRACT_KINDS:
        declared = _declared_inputs(source.preset, kind.name)
        if declared is None:
            continue
        names = declared[1]
        read_types |= {name.removesuffix(".ndjson") for name in names if name.endswith(".ndjson")}
        absent = [name for name in names if not _present(folder, name)]
        required = [name for name in names if not name.endswith("?")]
        if required and set(required) <= set(absent):
            missing.setdefault(" + ".join(required), []).append(kind.name)
        for name in absent:
            if name.endswith("?"):
                missing.setdefault(name.rstrip("?"), [])
    if missing:
        detail = "; ".join(f"no {names}" + (f": {', '.join(kinds)} not loaded" if kinds else " (expected, not read)")
                           for names, kinds in missing.items())
        record_warning(con, run_id, "source_files_missing", source.name, len(missing), f"{folder}: {detail}")
    if read_types:
        unread = [(path, kind) for kind, paths in _fhir_files(folder).items() if kind not in read_types
                  for path in paths]
        if unread:
            detail = "; ".join(f"{path.relative_to(folder)} ({kind or 'not a FHIR resource'})" for path, kind in unread)
            record_warning(con, run_id, "unrecognised_file", source.name, len(unread),
                           f"not read (no kind reads that resourceType): {detail}")


def _present(folder: Path, name: str) -> bool:
    try:
        return bool(find_inputs(folder, name))
    except FileRefused:
        return True  # there, but refused: the kind's load says why


def _load_preset_kind(con: duckdb.DuckDBPyConnection, source: Source, folder: Path, kind: str,
                      run_id: str) -> Load | None:
    declared = _declared_inputs(source.preset, kind)
    if declared is None:
        return None
    sql_path, names = declared
    sql = sql_path.read_text()
    inputs = {name.rstrip("?"): find_inputs(folder, name) for name in names}
    missing = [name for name in names if not name.endswith("?") and not inputs[name]]
    if len(missing) == len([name for name in names if not name.endswith("?")]):
        return None  # the source does not carry this kind (recorded as source_files_missing)
    if missing:
        raise FileRefused(f"source {source.name} ({source.path}): missing {', '.join(missing)} for {kind}")
    files = [path for paths in inputs.values() for path in paths]
    mapping = site_mapping(preset_parameters(source.preset), source.mapping)
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.relative_to(folder)}={file_sha256(path)}".encode())
    digest.update(f"shift_years={source.shift_years}".encode())
    digest.update(json.dumps(mapping, sort_keys=True, default=str).encode())
    if latest_load_is(con, source.name, kind, digest.hexdigest()):
        return None
    load_id = next_load_id(con)
    params = {**mapping, "dir": str(folder), "shift_years": source.shift_years, "load_id": load_id,
              "inputs": {name: [str(path) for path in paths] for name, paths in inputs.items()}}
    table = f"raw.{kind}"
    scripts = [SQL_DIR / "presets" / "_common.sql", SQL_DIR / "presets" / source.preset / "_shared.sql"]
    with transaction(con):
        try:
            for script in scripts:  # temp macros every preset, and this preset's kinds, share
                if script.exists():
                    for statement in statements(script.read_text()):
                        execute(con, statement, params)
            execute(con, f"INSERT INTO {table} BY NAME SELECT *, $load_id AS _load_id FROM ({sql})", params)
        except duckdb.Error as error:
            raise FileRefused(f"source {source.name}, {kind} ({sql_path.name}): {error}") from error
        rows = con.execute(f"SELECT count(*) FROM {table} WHERE _load_id = ?", [load_id]).fetchone()[0]
        con.execute(
            "INSERT INTO meta.loads BY NAME SELECT ? AS load_id, ? AS source, ? AS kind, ? AS source_file, "
            "? AS sha256, ? AS bytes, ? AS rows_in, ? AS malformed_lines, ? AS extra_columns, ? AS run_id",
            [load_id, source.name, kind, f"{source.preset}:{kind}", digest.hexdigest(),
             sum(path.stat().st_size for path in files), rows, 0, [], run_id],
        )
    return Load(load_id, f"{source.preset}:{kind}", rows, 0)


def land(con: duckdb.DuckDBPyConnection, landing: Path, run_id: str) -> list[Load]:
    """Load every new file of every contract kind from a landing folder (each in its own transaction)."""
    return load_source(con, Source("landing", "canonical", landing), run_id)


def land_sources(con: duckdb.DuckDBPyConnection, sources: tuple[Source, ...], run_id: str) -> list[Load]:
    """Load every source's new files. A source that cannot be read at all (a zip that is not one)
    is recorded in meta.file_problems and the other sources still load."""
    loads = []
    for source in sources:
        try:
            loads += load_source(con, source, run_id)
        except FileRefused as error:
            record_file_problem(con, run_id, FileProblem(source.name, "source", source.path.name, str(error)))
    return loads
