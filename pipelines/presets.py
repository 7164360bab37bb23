"""Loading a configured source into `raw`, by its format preset.

`canonical` sources are folders of landed files in the canonical contract (pipelines/landing.py).
Every other preset is a folder of SQL files, `sql/presets/<preset>/<kind>.sql`, one per contract
kind the format carries. Each projects the source's own tables onto the canonical columns, as
text, keeping the source's identifiers, values and units as sent (the source's extra fields go to
`_extra`), and names the files it reads in a first-line comment `-- inputs: A.csv, B.csv` (a source with none
of them does not carry that kind; one with only some is refused). Its
codes are resolved with the preset's mapping, `pipelines/reference/presets/<preset>.yaml`, bound as
SQL parameters. An optional `_shared.sql` beside them defines temp macros the kinds have in common
(run, with the same parameters, before each kind). A kind whose inputs are unchanged since their last load is skipped; a changed
input reloads the kind whole, and staging supersedes the earlier rows.
"""

import hashlib
import os
import re
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
import yaml

from pipelines.contract import CONTRACT_KINDS
from pipelines.landing import (IDENTITY, FileRefused, Load, already_loaded, file_sha256, load_new_files,
                               next_load_id)
from pipelines.settings import REFERENCE_DIR, SQL_DIR
from pipelines.site_config import Source
from pipelines.source_mapping import SourceMapping
from pipelines.warehouse import execute, statements, transaction

_INPUTS = re.compile(r"^--\s*inputs:\s*(.+)$", re.MULTILINE)


def load_source(con: duckdb.DuckDBPyConnection, source: Source, run_id: str) -> list[Load]:
    if source.preset == "canonical":
        mapping = SourceMapping.load(source.mapping) if source.mapping else IDENTITY
        return [load for kind in CONTRACT_KINDS
                for load in load_new_files(con, source.path, kind, run_id, source.name, mapping)]
    with _unpacked(source.path) as folder:
        return [load for kind in CONTRACT_KINDS
                if (load := _load_preset_kind(con, source, folder, kind.name, run_id)) is not None]


def preset_parameters(preset: str) -> dict[str, object]:
    """The preset's code mapping: each top-level list of the YAML becomes one SQL list parameter."""
    mapping = REFERENCE_DIR / "presets" / f"{preset}.yaml"
    return yaml.safe_load(mapping.read_text()) if mapping.exists() else {}


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


def _load_preset_kind(con: duckdb.DuckDBPyConnection, source: Source, folder: Path, kind: str,
                      run_id: str) -> Load | None:
    sql_path = SQL_DIR / "presets" / source.preset / f"{kind}.sql"
    if not sql_path.exists():
        return None
    sql = sql_path.read_text()
    declared = _INPUTS.search(sql)
    if not declared:
        raise FileRefused(f"{sql_path}: no '-- inputs:' line")
    inputs = [folder / name.strip() for name in declared.group(1).split(",")]
    missing = [path.name for path in inputs if not path.exists()]
    if len(missing) == len(inputs):
        return None  # the source does not carry this kind (a FHIR export without Condition.ndjson)
    if missing:
        raise FileRefused(f"source {source.name} ({source.path}): missing {', '.join(missing)} for {kind}")
    digest = hashlib.sha256()
    for path in inputs:
        digest.update(file_sha256(path).encode())
    digest.update(f"shift_years={source.shift_years}".encode())
    if already_loaded(con, source.name, kind, digest.hexdigest()):
        return None
    load_id = next_load_id(con)
    params = {**preset_parameters(source.preset), "dir": str(folder), "shift_years": source.shift_years,
              "load_id": load_id}
    table = f"raw.{kind}"
    shared = SQL_DIR / "presets" / source.preset / "_shared.sql"
    with transaction(con):
        try:
            if shared.exists():  # temp macros the preset's kinds have in common
                for statement in statements(shared.read_text()):
                    execute(con, statement, params)
            execute(con, f"INSERT INTO {table} BY NAME SELECT *, $load_id AS _load_id FROM ({sql})", params)
        except duckdb.Error as error:
            raise FileRefused(f"source {source.name}, {kind} ({sql_path.name}): {error}") from error
        rows = con.execute(f"SELECT count(*) FROM {table} WHERE _load_id = ?", [load_id]).fetchone()[0]
        con.execute(
            "INSERT INTO meta.loads BY NAME SELECT ? AS load_id, ? AS source, ? AS kind, ? AS source_file, "
            "? AS sha256, ? AS bytes, ? AS rows_in, ? AS malformed_lines, ? AS extra_columns, ? AS run_id",
            [load_id, source.name, kind, f"{source.preset}:{kind}", digest.hexdigest(),
             sum(path.stat().st_size for path in inputs), rows, 0, [], run_id],
        )
    return Load(load_id, f"{source.preset}:{kind}", rows, 0)
