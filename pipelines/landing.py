"""Loading landed extract files into `raw`, each file whole or not at all, each file once.

A file is identified by its content (sha256): landing the same bytes again, under any name, is a
no-op, so re-running a day never duplicates raw rows. A file whose content changed is a new load;
its rows then supersede or duplicate the earlier ones in staging.
"""

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.contract import CONTRACT_KINDS, FileKind
from pipelines.source_mapping import SourceMapping
from pipelines.warehouse import transaction


# Files are read with the delimiter of their mapping (',' for the canonical contract) and double
# quotes; never let the sniffer guess.
_CSV_OPTIONS = "auto_detect = false, header = true, quote = '\"', escape = '\"'"


IDENTITY = SourceMapping()


class FileRefused(Exception):
    """A landed file that cannot be loaded at all (named in the message, with the reason)."""


@dataclass(frozen=True)
class Load:
    load_id: str
    source_file: str
    rows_in: int
    malformed_lines: int


def landed_files(landing: Path, kind: FileKind, mapping: SourceMapping = IDENTITY) -> list[Path]:
    return sorted(p for p in landing.iterdir() if p.is_file() and mapping.matches(kind, p.name))


def unrecognised_files(landing: Path, mapping: SourceMapping = IDENTITY) -> list[str]:
    """Files in the landing folder that are no contract kind: not loaded, named in the run log."""
    return sorted(p.name for p in landing.iterdir()
                  if p.is_file() and not any(mapping.matches(kind, p.name) for kind in CONTRACT_KINDS))


def file_sha256(path: Path) -> str:
    """Content hash, read in chunks: extract files can be larger than memory should hold."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def next_load_id(con: duckdb.DuckDBPyConnection) -> str:
    return f"L{con.execute('SELECT count(*) + 1 FROM meta.loads').fetchone()[0]:07d}"


def already_loaded(con: duckdb.DuckDBPyConnection, source: str, kind: str, digest: str) -> bool:
    return con.execute("SELECT 1 FROM meta.loads WHERE source = ? AND kind = ? AND sha256 = ?",
                       [source, kind, digest]).fetchone() is not None


def load_new_files(con: duckdb.DuckDBPyConnection, landing: Path, kind: FileKind, run_id: str,
                   source: str = "landing", mapping: SourceMapping = IDENTITY) -> list[Load]:
    if not landing.is_dir():
        raise FileRefused(f"landing folder {landing} does not exist")
    seen = set(con.execute("SELECT source_file, bytes, mtime_ns FROM meta.loads WHERE source = ? AND kind = ?",
                           [source, kind.name]).fetchall())
    loads = []
    for path in landed_files(landing, kind, mapping):
        stat = path.stat()
        if (path.name, stat.st_size, stat.st_mtime_ns) in seen:
            continue  # loaded before, untouched since
        digest = file_sha256(path)
        if not already_loaded(con, source, kind.name, digest):
            loads.append(_load_file(con, path, kind, digest, run_id, source, mapping))
    return loads


def _header(path: Path, delimiter: str) -> list[str]:
    """The file's header line. Read here rather than sniffed: DuckDB's sniffer gives up on a file
    with a malformed line, and such a file must load with that line quarantined."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return next(csv.reader(handle, delimiter=delimiter), [])
    except UnicodeDecodeError as error:
        raise FileRefused(f"{path}: not UTF-8 text ({error})") from error


def _load_file(con: duckdb.DuckDBPyConnection, path: Path, kind: FileKind, digest: str, run_id: str,
               source: str, mapping: SourceMapping) -> Load:
    header = _header(path, mapping.delimiter)
    if not header:
        raise FileRefused(f"{path}: empty file, no header line")
    by_name = {column.strip().lower(): column for column in header}
    sources = {c: by_name.get(mapping.source_column(kind, c).strip().lower()) for c in kind.columns}
    missing = [c for c in kind.required if sources[c] is None]
    if missing:
        wanted = ", ".join(mapping.source_column(kind, c) for c in missing)
        raise FileRefused(f"{path}: missing required column(s) {wanted} (header: {', '.join(header)})")
    selects, as_sent = [], []
    for column in kind.columns:
        if sources[column] is None:
            selects.append(f"NULL AS {column}")
            continue
        expression, changed = mapping.expression(column, sources[column], sources.get("code"))
        selects.append(f"{expression} AS {column}")
        if changed:
            as_sent.append(f"'{column}': \"{sources[column]}\"")
    used = {name for name in sources.values() if name}
    extras = [column for column in header if column not in used]
    fields = [f"'{e}': \"{e}\"" for e in extras] + ([f"'as_sent': {{{', '.join(as_sent)}}}"] if as_sent else [])
    extra_json = "to_json({" + ", ".join(fields) + "})" if fields else "NULL"
    select = ", ".join(selects)
    load_id = next_load_id(con)
    with transaction(con):
        con.execute("DROP TABLE IF EXISTS csv_rejects; DROP TABLE IF EXISTS csv_reject_scans")
        try:
            con.execute(
                f"""
                INSERT INTO {kind.raw_table}
                SELECT {select}, {extra_json} AS _extra, $load_id, $source_file,
                       row_number() OVER () AS _source_row
                FROM read_csv($path, {_CSV_OPTIONS}, delim = $delimiter, columns = $columns, strict_mode = true,
                              store_rejects = true, rejects_table = 'csv_rejects',
                              rejects_scan = 'csv_reject_scans')
                """,
                {"load_id": load_id, "source_file": path.name, "path": str(path), "delimiter": mapping.delimiter,
                 "columns": {column: "VARCHAR" for column in header}, **mapping.parameters(select)},
            )
        except duckdb.Error as error:
            raise FileRefused(f"{path}: {error}") from error
        rows = con.execute(f"SELECT count(*) FROM {kind.raw_table} WHERE _load_id = ?", [load_id]).fetchone()[0]
        con.execute(
            """
            INSERT INTO raw.malformed_lines
            SELECT $kind, $load_id, $source_file, line, CAST(error_type AS VARCHAR), error_message, csv_line
            FROM csv_rejects
            QUALIFY row_number() OVER (PARTITION BY line ORDER BY column_idx) = 1
            """,
            {"kind": kind.name, "load_id": load_id, "source_file": path.name},
        )
        malformed = con.execute("SELECT count(DISTINCT line) FROM csv_rejects").fetchone()[0]
        con.execute(
            "INSERT INTO meta.loads BY NAME SELECT ? AS load_id, ? AS source, ? AS kind, ? AS source_file, "
            "? AS sha256, ? AS bytes, ? AS rows_in, ? AS malformed_lines, ? AS extra_columns, ? AS run_id, "
            "? AS mtime_ns",
            [load_id, source, kind.name, path.name, digest, path.stat().st_size, rows + malformed, malformed,
             extras, run_id, path.stat().st_mtime_ns],
        )
    return Load(load_id, path.name, rows + malformed, malformed)
