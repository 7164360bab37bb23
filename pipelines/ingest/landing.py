"""Loading landed extract files into `raw`, each file whole or not at all, each file once.

A file is identified by its content (sha256): landing the same bytes again, under any name, is a
no-op, so re-running a day never duplicates raw rows. A file whose content changed is a new load;
its rows then supersede or duplicate the earlier ones in staging.

File kinds: CSV (`.csv`, with the mapping's delimiter), gzip-compressed CSV (`.csv.gz`) and
Parquet (`.parquet`); a mapping file's `files:` patterns may name other extensions, read as CSV
(or Parquet when they end in `.parquet`). Text is decoded as a whole: the file's encoding (UTF-8,
or the mapping's `encoding`) must hold for every byte, or the file is refused, so one bad byte
gives the same outcome wherever it sits.

A file that cannot be loaded (empty while its transfer is still running, a missing required column,
a wrong delimiter or encoding) never stops the other files: it is refused whole, recorded in
`meta.file_problems` and `meta.run_warnings` ('unreadable_file') with its reason, and tried again
only once its size or modification time changes; until then every run names it again.
"""

import codecs
import csv
import gzip
import hashlib
import io
import tempfile
import zlib
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, NamedTuple

import duckdb

from pipelines.core.contract import CONTRACT_KINDS, FileKind
from pipelines.core.run_log import record_warning
from pipelines.core.source_mapping import SourceMapping
from pipelines.core.warehouse import string_literal, transaction
from pipelines.core.wide_layout import FROM_TESTS


# Files are read with the delimiter of their mapping (',' for the canonical contract) and double
# quotes; never let the sniffer guess.
_CSV_OPTIONS = "auto_detect = false, header = true, quote = '\"', escape = '\"'"
_CHUNK_BYTES = 1 << 22
# A line break written in JSON text (\n or \r, not an escaped backslash followed by n or r).
_JSON_LINE_BREAK = r'(^|[^\\])(\\\\)*\\[rn]'


IDENTITY = SourceMapping()


class FileRefused(Exception):
    """A landed file that cannot be loaded at all (named in the message, with the reason)."""


class NoExtracts(ValueError):
    """No configured source holds a single extract file, and none ever delivered one: a wrong path or
    an empty landing folder (the message names what was looked for and where)."""


@dataclass(frozen=True)
class Load:
    load_id: str
    source_file: str
    rows_in: int
    malformed_lines: int


@dataclass(frozen=True)
class FileProblem:
    """A file (or a preset's kind) that could not be loaded in this run, and why."""
    source: str
    kind: str
    source_file: str
    reason: str


def landed_files(landing: Path, kind: FileKind, mapping: SourceMapping = IDENTITY) -> list[Path]:
    return sorted(p for p in landing.iterdir() if p.is_file() and mapping.matches(kind, p.name))


def unrecognised_files(landing: Path, mapping: SourceMapping = IDENTITY) -> list[str]:
    """Files in the landing folder that are no contract kind: not loaded, named in meta.run_warnings."""
    return sorted(p.name for p in landing.iterdir()
                  if p.is_file() and not p.name.startswith(".")
                  and not any(mapping.matches(kind, p.name) for kind in CONTRACT_KINDS))


def looked_for(mapping: SourceMapping = IDENTITY) -> str:
    """The file names a canonical source's kinds are recognised by, for error messages."""
    return "; ".join(mapping.files.get(kind.name) or f"{kind.name}*{{{','.join(kind.extensions)}}}"
                     for kind in CONTRACT_KINDS)


def file_sha256(path: Path) -> str:
    """Content hash, read in chunks: extract files can be larger than memory should hold."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def next_load_id(con: duckdb.DuckDBPyConnection) -> str:
    return f"L{con.execute('SELECT count(*) + 1 FROM meta.loads').fetchone()[0]:07d}"


def latest_load_is(con: duckdb.DuckDBPyConnection, source: str, kind: str, digest: str) -> bool:
    """Whether the latest load of a source's kind has this digest: a preset's kind is a snapshot,
    so a kind (or its mapping) changed back to an earlier content is loaded again and wins."""
    row = con.execute("SELECT sha256 FROM meta.loads WHERE source = ? AND kind = ? ORDER BY load_id DESC LIMIT 1",
                      [source, kind]).fetchone()
    return row is not None and row[0] == digest


def already_loaded(con: duckdb.DuckDBPyConnection, source: str, kind: str, digest: str,
                   mapping_fingerprint: str | None = None) -> bool:
    """Whether a file of this content was loaded from the source with the same mapping file."""
    return con.execute("SELECT 1 FROM meta.loads WHERE source = ? AND kind = ? AND sha256 = ? "
                       "AND mapping_sha256 IS NOT DISTINCT FROM ?",
                       [source, kind, digest, mapping_fingerprint]).fetchone() is not None


def record_file_problem(con: duckdb.DuckDBPyConnection, run_id: str, problem: FileProblem,
                        path: Path | None = None) -> None:
    """Write a refused file to meta.file_problems (with its size and modification time, so it is
    tried again when it changes) and to this run's meta.run_warnings."""
    stat = path.stat() if path is not None and path.exists() else None
    con.execute(
        "INSERT INTO meta.file_problems (run_id, source, kind, source_file, bytes, mtime_ns, reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [run_id, problem.source, problem.kind, problem.source_file,
         stat.st_size if stat else None, stat.st_mtime_ns if stat else None, problem.reason])
    record_warning(con, run_id, "unreadable_file", f"{problem.source}/{problem.source_file}", 1, problem.reason)


def _unchanged_problem(con: duckdb.DuckDBPyConnection, source: str, kind: str, path: Path) -> str | None:
    """The reason a file was refused before, if it has not changed since (same size and mtime)."""
    stat = path.stat()
    row = con.execute(
        "SELECT reason FROM meta.file_problems WHERE source = ? AND kind = ? AND source_file = ? "
        "AND bytes = ? AND mtime_ns = ? ORDER BY recorded_at DESC LIMIT 1",
        [source, kind, path.name, stat.st_size, stat.st_mtime_ns]).fetchone()
    return row[0] if row else None


def load_new_files(con: duckdb.DuckDBPyConnection, landing: Path, kind: FileKind, run_id: str,
                   source: str = "landing", mapping: SourceMapping = IDENTITY) -> list[Load]:
    """Load every file of one kind not loaded before; a file that cannot be loaded is recorded
    (record_file_problem) and the others still load. Raises FileRefused only when the landing
    folder itself is missing (NoExtracts)."""
    if not landing.is_dir():
        raise NoExtracts(f"landing folder {landing} does not exist: create it, or point --landing "
                          "(or the source's path in the site configuration) at the folder the extracts land in")
    seen = set(con.execute("SELECT source_file, bytes, mtime_ns FROM meta.loads WHERE source = ? AND kind = ? "
                           "AND mapping_sha256 IS NOT DISTINCT FROM ?", [source, kind.name, mapping.fingerprint]
                           ).fetchall())
    loads = []
    for path in landed_files(landing, kind, mapping):
        stat = path.stat()
        if (path.name, stat.st_size, stat.st_mtime_ns) in seen:
            continue  # loaded before, untouched since
        earlier = _unchanged_problem(con, source, kind.name, path)
        if earlier is not None:  # refused before and unchanged since: named again, not retried
            record_warning(con, run_id, "unreadable_file", f"{source}/{path.name}", 1, earlier)
            continue
        try:
            digest = file_sha256(path)
            if not already_loaded(con, source, kind.name, digest, mapping.fingerprint):
                loads.append(_load_file(con, path, kind, digest, run_id, source, mapping))
        except FileRefused as error:
            record_file_problem(con, run_id, FileProblem(source, kind.name, path.name, str(error)), path)
    return loads


def _open_bytes(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def _is_parquet(path: Path) -> bool:
    return path.name.lower().endswith(".parquet")


class TextFile(NamedTuple):
    """A landed file as UTF-8 text (see _as_utf8): its path, and its number of lines as a CSV reader
    splits them (LF, CRLF and a lone CR each end one; a last line without an end counts)."""
    path: Path
    lines: int


@contextmanager
def _as_utf8(path: Path, encoding: str) -> Iterator[TextFile]:
    """The file as UTF-8 text DuckDB can read: the file itself when it is UTF-8 throughout, else a
    temporary UTF-8 copy decoded from the mapping's encoding (or with LF line ends, when CRLF and
    LF are mixed, which DuckDB's reader refuses). The whole file is decoded, in chunks:
    a byte the encoding cannot decode refuses the file, wherever it is (FileRefused, naming the line).
    The same pass counts the text's lines (TextFile.lines), so that landing can tell without reading
    the file again whether any record spans lines."""
    utf8 = codecs.lookup(encoding).name == "utf-8"
    decoder = codecs.getincrementaldecoder(encoding)()
    consumed, lines, crlf, previous = 0, 1, 0, b""
    line_ends, last_char = 0, ""  # in the decoded text: LF, CRLF and lone CR each end a line
    with tempfile.TemporaryDirectory(prefix="masscreen-utf8-") as scratch:
        copy = Path(scratch) / (path.name.removesuffix(".gz").removesuffix(".GZ"))
        with _open_bytes(path) as source, (nullcontext() if utf8 else copy.open("w", encoding="utf-8", newline="")) as sink:
            while True:
                try:
                    chunk = source.read(_CHUNK_BYTES)
                except (EOFError, gzip.BadGzipFile, zlib.error) as error:
                    raise FileRefused(f"{path.name}: not a complete gzip file ({error}); if its transfer is still "
                                      "running it is tried again when it changes") from error
                try:
                    text = decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as error:
                    pending = len(decoder.getstate()[0])
                    offset = consumed - pending + error.start
                    line = lines + chunk[:max(error.start - pending, 0)].count(b"\n")
                    raise FileRefused(
                        f"{path.name}: not {'UTF-8' if utf8 else encoding} text: byte 0x{error.object[error.start]:02x} "
                        f"at line {line} (byte {offset}) cannot be decoded; declare the file's encoding in the "
                        "source's mapping file (e.g. `encoding: cp1252` for a Windows export)") from error
                if not utf8:
                    sink.write(text)
                if text:
                    line_ends += (text.count("\n") + text.count("\r") - text.count("\r\n")
                                  - (last_char == "\r" and text[0] == "\n"))
                    last_char = text[-1]
                if not chunk:
                    break
                consumed += len(chunk)
                lines += chunk.count(b"\n")
                crlf += (previous + chunk[:1]).count(b"\r\n") + chunk.count(b"\r\n")
                previous = chunk[-1:]
        text_lines = line_ends + (last_char not in ("", "\n", "\r"))
        if 0 < crlf < lines - 1:  # CRLF and LF line ends mixed (a line appended by another tool)
            mixed = Path(scratch) / ("lf-" + copy.name)
            with _open_bytes(path if utf8 else copy) as raw, mixed.open("wb") as out:
                carry = b""
                while chunk := raw.read(_CHUNK_BYTES):
                    data = carry + chunk
                    carry = b"\r" if data.endswith(b"\r") else b""
                    out.write(data[:len(data) - len(carry)].replace(b"\r\n", b"\n"))
                out.write(carry)
            yield TextFile(mixed, text_lines)
            return
        yield TextFile(path if utf8 else copy, text_lines)


def _header(path: Path, delimiter: str) -> list[str]:
    """The file's header line (a UTF-8 file, see _as_utf8). Read here rather than sniffed: DuckDB's
    sniffer gives up on a file with a malformed line, and such a file must load with that line
    quarantined."""
    with _open_bytes(path) as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle, delimiter=delimiter), [])


def _identifier(name: str) -> str:
    """A column name for use inside double quotes in SQL."""
    return name.replace('"', '""')


def _quoted(name: str) -> str:
    return f'"{_identifier(name)}"'




def _parquet_columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[tuple[str, str]]:
    """(name, DuckDB type) of a Parquet file's columns (FileRefused when it is not Parquet)."""
    try:
        return [(row[0], row[1]) for row in
                con.execute("DESCRIBE SELECT * FROM read_parquet($path)", {"path": str(path)}).fetchall()]
    except duckdb.Error as error:
        raise FileRefused(f"{path.name}: not a readable Parquet file ({str(error).splitlines()[0]})") from error


def _parquet_as_text(columns: list[tuple[str, str]]) -> str:
    """Every Parquet column as the text a CSV export would hold: a whole number stored as a float
    (an id written by pandas, 10006.0) as '10006', so it matches the same id in other files."""
    texts = []
    for name, type_ in columns:
        column = _quoted(name)
        if type_ in ("DOUBLE", "FLOAT") or type_.startswith("DECIMAL"):
            texts.append(f"CASE WHEN {column} = trunc({column}) AND abs({column}) < 1e15 "
                         f"THEN CAST(CAST({column} AS BIGINT) AS VARCHAR) ELSE CAST({column} AS VARCHAR) END AS {column}")
        else:
            texts.append(f"CAST({column} AS VARCHAR) AS {column}")
    return ", ".join(texts)


def _load_file(con: duckdb.DuckDBPyConnection, path: Path, kind: FileKind, digest: str, run_id: str,
               source: str, mapping: SourceMapping) -> Load:
    """Load one file into raw.<kind> in one transaction (FileRefused, naming the file, when it
    cannot be loaded whole)."""
    if path.stat().st_size == 0:
        raise FileRefused(f"{path.name}: empty file (0 bytes), no header line; if its transfer is still "
                          "running it is tried again when it changes")
    if _is_parquet(path):
        columns = _parquet_columns(con, path)
        return _load_table(con, path, kind, digest, run_id, source, mapping, [name for name, _ in columns], None,
                           _parquet_as_text(columns))
    with _as_utf8(path, mapping.encoding) as text:
        header = _header(text.path, mapping.delimiter)
        if not header:
            raise FileRefused(f"{path.name}: empty file, no header line")
        return _load_table(con, path, kind, digest, run_id, source, mapping, header, text.path, text_lines=text.lines)


def _load_table(con: duckdb.DuckDBPyConnection, path: Path, kind: FileKind, digest: str, run_id: str,
                source: str, mapping: SourceMapping, header: list[str], text_file: Path | None,
                parquet_text: str = "", text_lines: int | None = None) -> Load:
    """Project a file's columns onto the kind's canonical columns (as text) and insert them; text_file
    is the UTF-8 CSV to read, None for a Parquet file (whose columns parquet_text reads as text),
    text_lines its number of lines (TextFile.lines; None: not counted).
    FileRefused when the file cannot be loaded whole."""
    header = [name if name.strip() else f"unnamed_{position}" for position, name in enumerate(header, start=1)]
    duplicates = sorted({name for name in header if [h.strip().lower() for h in header].count(name.strip().lower()) > 1})
    if duplicates:
        raise FileRefused(f"{path.name}: the header names column(s) {', '.join(duplicates)} more than once; "
                          "which one is meant cannot be told")
    wide = mapping.wide.get(kind.name)
    by_name = {column.strip().lower(): column for column in header}
    sources = {c: by_name.get(mapping.source_column(kind, c).strip().lower()) for c in kind.columns}
    if wide is not None:  # code, value and unit come from the test columns
        sources |= {c: None for c in FROM_TESTS}
    missing = [c for c in kind.required if sources[c] is None and not (wide is not None and c in FROM_TESTS)]
    if missing:
        wanted = ", ".join(mapping.source_column(kind, c) for c in missing)
        hint = (" (a wrong delimiter? the mapping's delimiter is "
                f"{mapping.delimiter!r})" if len(header) == 1 and text_file is not None else "")
        raise FileRefused(f"{path.name}: missing required column(s) {wanted} (header: {', '.join(header)}){hint}")
    selects, as_sent = [], []
    for column in kind.columns:
        if wide is not None and column in FROM_TESTS:  # the cell, read like a value column (decimal separator)
            expression = mapping.expression(column, "_wide_value")[0] if column == "value" else f"_wide_{column}"
            selects.append(f"{expression} AS {column}")
            continue
        if sources[column] is None:
            selects.append(f"NULL AS {column}")
            continue
        expression, changed = mapping.expression(column, _identifier(sources[column]),
                                                 _identifier(sources["code"]) if sources.get("code") else None)
        selects.append(f"{expression} AS {column}")
        if changed:
            as_sent.append(f"'{column}': {_quoted(sources[column])}")
    used = {name for name in sources.values() if name} | {t.column for t in (wide.tests if wide else ())}
    extras = [column for column in header if column not in used]
    fields = [f"{string_literal(e)}: {_quoted(e)}" for e in extras] + ([f"'as_sent': {{{', '.join(as_sent)}}}"] if as_sent else [])
    if wide is not None:
        fields += ["'wide_test': _wide_test", "'line': _line"]
        if sources["result_id"]:  # one result per specimen and test
            selects[kind.columns.index("result_id")] = f"{selects[kind.columns.index('result_id')].removesuffix(' AS result_id')} || ':' || _wide_test AS result_id"
    extra_json = "to_json({" + ", ".join(fields) + "})" if fields else "NULL"
    select = ", ".join(selects)
    parameters = mapping.parameters(select)
    if text_file is None:  # Parquet: every column as text, rows numbered in file order
        reader = f"(SELECT {parquet_text}, file_row_number FROM read_parquet($path, file_row_number = true))"
        row_number = "file_row_number + 1"
        read_params = {"path": str(path)}
    else:
        reader = ("read_csv($path, " + _CSV_OPTIONS + ", delim = $delimiter, columns = $columns, compression = $compression, "
                  "strict_mode = true, "
                  "store_rejects = true, rejects_table = 'csv_rejects', rejects_scan = 'csv_reject_scans')")
        row_number = "row_number() OVER ()"
        read_params = {"path": str(text_file), "delimiter": mapping.delimiter,
                       "columns": {column: "VARCHAR" for column in header},
                       "compression": "gzip" if text_file.name.lower().endswith(".gz") else "none"}
    if wide is not None:
        try:
            reader = wide.source_query(reader, header, [sources[c] for c in wide.fill_down if sources[c]])
        except ValueError as error:
            raise FileRefused(f"{path.name}: {error} ({', '.join(t.column for t in wide.tests)})") from error
        row_number = "_source_row"
        parameters = {**parameters, **wide.parameters()}
    load_id = next_load_id(con)
    with transaction(con):
        con.execute("DROP TABLE IF EXISTS csv_rejects; DROP TABLE IF EXISTS csv_reject_scans")
        try:
            query = (f"INSERT INTO {kind.raw_table} SELECT {select}, {extra_json} AS _extra, $load_id, $source_file, "
                     f"{row_number} AS _source_row FROM {reader}")
            bound = {name: value for name, value in parameters.items() if f"${name}" in query}
            con.execute(query, {"load_id": load_id, "source_file": path.name, **read_params, **bound})
        except duckdb.Error as error:
            raise FileRefused(f"{path.name}: {str(error).splitlines()[0]}") from error
        rows = con.execute(f"SELECT count(*) FROM {kind.raw_table} WHERE _load_id = ?", [load_id]).fetchone()[0]
        malformed = 0
        if text_file is not None:
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
            swallowed = con.execute("SELECT min(line) FROM csv_rejects WHERE contains(rtrim(csv_line, e'\\r\\n'), e'\\n')"
                                    ).fetchone()[0]
            if swallowed is not None:  # rolls the load back
                raise FileRefused(f"{path.name}: a quote opened on line {swallowed} is never closed, so the lines after "
                                  "it cannot be read; fix the quoting")
            # Every record and every malformed line takes at least one line, the header one: when
            # they account for every line of the text, no record spans lines and raw is not read
            # again. Otherwise (a record spans lines, or blank lines were skipped) raw names the record.
            one_line_each = wide is None and text_lines is not None and rows + malformed + 1 == text_lines
            fields = f"concat_ws('|', {', '.join(kind.columns)})"
            spanning = None if one_line_each else con.execute(
                f"SELECT min(_source_row) FROM {kind.raw_table} WHERE _load_id = $load_id AND "
                f"(contains({fields}, chr(10)) OR contains({fields}, chr(13)) OR "
                "(_extra IS NOT NULL AND regexp_matches(CAST(_extra AS VARCHAR), $json_line_break)))",
                {"load_id": load_id, "json_line_break": _JSON_LINE_BREAK}).fetchone()[0]
            if spanning is not None:  # a quote closed lines later: lines merged into one record
                raise FileRefused(f"{path.name}: record {spanning} holds a line break inside a quoted field, so "
                                  "lines were merged into one record (a stray quote?); fix the quoting (fields of "
                                  "the contract may not hold line breaks)")
            if malformed and wide is not None and wide.fill_down:
                first = con.execute("SELECT min(line) FROM csv_rejects").fetchone()[0]
                raise FileRefused(f"{path.name}: line {first} cannot be read, and the lines after a group's first line "
                                  f"take {', '.join(wide.fill_down)} from the line above (fill_down): refused whole so "
                                  "that no result goes to the wrong patient; fix the line")
        con.execute(
            "INSERT INTO meta.loads BY NAME SELECT ? AS load_id, ? AS source, ? AS kind, ? AS source_file, "
            "? AS sha256, ? AS bytes, ? AS rows_in, ? AS malformed_lines, ? AS extra_columns, ? AS run_id, "
            "? AS mtime_ns, ? AS mapping_sha256",
            [load_id, source, kind.name, path.name, digest, path.stat().st_size, rows + malformed, malformed,
             extras, run_id, path.stat().st_mtime_ns, mapping.fingerprint],
        )
    return Load(load_id, path.name, rows + malformed, malformed)


def review_sources(con: duckdb.DuckDBPyConnection, sources: tuple, run_id: str,
                   mappings: dict[str, SourceMapping]) -> None:
    """After a run's loads, say what would otherwise pass in silence (meta.run_warnings):
    files in a canonical landing folder that are no contract kind ('unrecognised_file'), and sources
    that delivered rows before but no rows in this run ('silent_source'). Raises NoExtracts when no
    source has any extract file and none ever had (nothing loaded, refused or loaded before)."""
    for source in sources:
        if source.preset == "canonical" and source.path.is_dir():
            mapping = mappings.get(source.name, IDENTITY)
            for name in unrecognised_files(source.path, mapping):
                record_warning(con, run_id, "unrecognised_file", f"{source.name}/{name}", None,
                               f"not loaded: the name matches no contract kind ({looked_for(mapping)})")
            for path in _in_subfolders(source.path, mapping):
                record_warning(con, run_id, "unrecognised_file", f"{source.name}/{path}", None,
                               "not loaded: extracts are read from the landing folder itself, not its subfolders; "
                               "move the file up if it is meant to load")
    names = [source.name for source in sources]
    delivered = dict(con.execute(
        "SELECT source, sum(rows_in) FILTER (WHERE run_id = $run_id) FROM meta.loads "
        "WHERE list_contains($names, source) GROUP BY source", {"names": names, "run_id": run_id}).fetchall())
    refused = {row[0] for row in con.execute("SELECT DISTINCT source FROM meta.file_problems WHERE run_id = ?",
                                             [run_id]).fetchall()}
    if not delivered and not refused:
        where = "; ".join(
            f"source {source.name!r} ({source.preset}) at {source.path}: "
            + (f"files named {looked_for(mappings.get(source.name, IDENTITY))}" if source.preset == "canonical"
               else f"the {source.preset} files (docs/OPERATIONS.md, 'Presets')")
            + _holding(source.path)
            for source in sources)
        raise NoExtracts(f"no extract files found: {where}. Put the extracts there, or point the source at the "
                         "folder that holds them")
    for source in sources:
        if source.name in delivered and not delivered[source.name] and source.name not in refused:
            last = con.execute(
                "SELECT source_file, run_id FROM meta.loads WHERE source = ? AND rows_in > 0 "
                "ORDER BY load_id DESC LIMIT 1", [source.name]).fetchone()
            if last is not None:
                record_warning(con, run_id, "silent_source", source.name, 0,
                               f"delivered no new rows in this run; its last rows came in {last[0]} (run {last[1]})")


def _in_subfolders(landing: Path, mapping: SourceMapping) -> list[str]:
    """Files below the landing folder's subfolders whose name is a contract kind (relative paths):
    never loaded, so named (an archive subfolder holds many; the first 20 are named)."""
    found = sorted(str(p.relative_to(landing)) for folder in landing.iterdir() if folder.is_dir()
                   and not folder.name.startswith(".") for p in folder.rglob("*")
                   if p.is_file() and any(mapping.matches(kind, p.name) for kind in CONTRACT_KINDS))
    return found[:20]


def _holding(path: Path) -> str:
    if not path.exists():
        return " (the path does not exist)"
    if path.is_file():
        return ""
    names = sorted(p.name for p in path.iterdir() if not p.name.startswith("."))
    if not names:
        return " (the folder is empty)"
    return f" (it holds {len(names)} other file(s): {', '.join(names[:5])}{', ...' if len(names) > 5 else ''})"
