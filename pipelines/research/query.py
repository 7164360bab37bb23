"""`masscreen query`: read a published DuckDB file with SQL, and the example research queries.

A reader's tool for the published snapshot (`published/warehouse.duckdb`) and the research release
(`published/research.duckdb`): it opens the file read-only, runs one statement that reads, and
prints the result as a table or writes it to CSV or Parquet. It never writes to the file, to
another file through SQL, or to the session's settings:

1. before anything runs, the statement is parsed by DuckDB (`duckdb.extract_statements`) and
   refused unless it only reads: SELECT (with WITH, FROM-first, VALUES, DESCRIBE, SHOW, SUMMARIZE,
   and the PRAGMAs DuckDB turns into a SELECT, such as `PRAGMA table_info('screen.episodes')`), or
   EXPLAIN of one. ATTACH, COPY, EXPORT, INSTALL, LOAD, SET, USE, CREATE, INSERT, CALL, ... are refused;
2. the file is opened read-only (DuckDB's own mode);
3. then the session forbids file access (`enable_external_access = false`: no COPY ... TO, no
   ATTACH of another file, no read_csv of a local file, no extension loading) and locks its
   configuration, which read-only mode alone would not.

The examples are the files of sql/examples/: each one's header says its question (`-- Question:`),
the tables it reads (`-- Reads:`), that it writes nothing (`-- Writes:`), where it runs (`-- Runs on: snapshot, release`, or `snapshot`
with the reason), its columns and its caveats.

Errors a user can fix (no such file, SQL DuckDB rejects, a refused statement, an unknown example,
an output file of another kind) raise QueryError, whose message is one line with the cause and
the fix.
"""

import os
import re
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb

from pipelines.core.settings import SQL_DIR
from pipelines.core.warehouse import identifier

EXAMPLES_DIR = SQL_DIR / "examples"
OUTPUT_SUFFIXES = (".csv", ".parquet")
READING_STATEMENTS = "SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN, or a PRAGMA that reads"
_HEADER_FIELD = re.compile(r"^--\s*(Question|Reads|Writes|Runs on|Columns|Caveats):\s*(.*)$")
_EXPLAIN = re.compile(r"^\s*EXPLAIN\s+(?:ANALYZE\s+|\([^)]*\)\s*)?", re.IGNORECASE)


class QueryError(ValueError):
    """A user error: the message is one line saying what is wrong and how to fix it."""


@dataclass(frozen=True)
class Example:
    """One file of sql/examples: `name` is the file name without .sql; `runs_on` the files it
    runs on ('snapshot', 'release'); `where` the header's whole "Runs on" text (with the reason
    when the release is not one of them)."""

    name: str
    path: Path
    question: str
    reads: str
    runs_on: tuple[str, ...]
    where: str
    sql: str


def parse_header(text: str) -> dict[str, str]:
    """The header fields of an example (Question, Reads, Writes, Runs on, Columns, Caveats) as one line
    each: a field runs from its label to the next label or to the first line that is not a comment."""
    fields: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        match = _HEADER_FIELD.match(line)
        if match:
            current = match.group(1)
            fields[current] = [match.group(2).strip()]
        elif current is not None:
            fields[current].append(line[2:].strip())
    return {name: " ".join(part for part in parts if part) for name, parts in fields.items()}


def load_example(path: Path) -> Example:
    text = path.read_text()
    header = parse_header(text)
    where = header.get("Runs on", "")
    places = where.split("(")[0]
    return Example(name=path.stem, path=path, question=header.get("Question", ""), reads=header.get("Reads", ""),
                   runs_on=tuple(place for place in ("snapshot", "release") if place in places), where=where,
                   sql=text)


def examples() -> list[Example]:
    """Every example of sql/examples, by name."""
    return [load_example(path) for path in sorted(EXAMPLES_DIR.glob("*.sql"))]


def example(name: str) -> Example:
    """The example called `name` (its file name, with or without .sql); QueryError when none is."""
    name = name.removesuffix(".sql")
    path = EXAMPLES_DIR / f"{name}.sql"
    if "/" in name or not path.is_file():
        known = ", ".join(e.name for e in examples())
        raise QueryError(f"no example called {name!r}: use one of {known} (`masscreen query --list-examples` "
                         "says what each answers)")
    return load_example(path)


def check_reads_only(sql: str) -> str:
    """The one statement of `sql`, when it only reads; QueryError otherwise (not SQL, no statement,
    several statements, or a statement that writes, attaches, loads or changes a setting)."""
    try:
        parsed = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        raise QueryError(f"not valid SQL: {_first_line(error)}; correct the statement") from None
    if not parsed:
        raise QueryError("no SQL statement given: write one, e.g. \"SELECT count(*) FROM screen.at_risk_daily\"")
    if len(parsed) > 1:
        raise QueryError(f"{len(parsed)} statements given: masscreen query runs one at a time; run each on its own")
    statement = parsed[0]
    if statement.type == duckdb.StatementType.EXPLAIN:
        inner = _EXPLAIN.sub("", sql.strip().rstrip(";"), count=1)
        if inner.strip() == sql.strip().rstrip(";").strip():
            raise QueryError("EXPLAIN is allowed only in front of a SELECT; write EXPLAIN SELECT ...")
        check_reads_only(inner)
        return sql
    if statement.type != duckdb.StatementType.SELECT:
        kind = statement.type.name.replace("_", " ")
        raise QueryError(f"{kind} statements are refused: masscreen query only reads the published file "
                         f"({READING_STATEMENTS}); to save a result, use --out FILE.csv or FILE.parquet")
    return sql


def default_database() -> Path:
    """The published snapshot beside the warehouse the settings name (MASSCREEN_WAREHOUSE, else
    var/warehouse.duckdb): <warehouse folder>/published/warehouse.duckdb."""
    from pipelines.publish.snapshot import published_folder
    from pipelines.core.settings import load_settings

    return published_folder(load_settings().warehouse) / "warehouse.duckdb"


@contextmanager
def open_read_only(path: Path, timezone: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to a published file, in the site's time zone, with file access
    forbidden and settings locked. An encrypted snapshot is opened with MASSCREEN_ENCRYPTION_KEY
    (pipelines/core/warehouse.py); the research release, never encrypted, without it. QueryError when
    the file is missing, is not a DuckDB file, or is encrypted and no key is set."""
    from pipelines.core.settings import encryption_key
    from pipelines.core.warehouse import connect

    path = Path(path)
    if not path.is_file():
        raise QueryError(f"no such file: {path}; give --db the published snapshot (published/warehouse.duckdb, "
                         "written by `masscreen run`) or a research release (published/research.duckdb)")
    with ExitStack() as stack:
        try:
            if _is_encrypted(path):
                if encryption_key() is None:
                    raise QueryError(f"{path} is encrypted: set MASSCREEN_ENCRYPTION_KEY to the site's key "
                                     "(docs/OPERATIONS.md), or query the research release, which is not encrypted")
                con = stack.enter_context(connect(path, timezone, read_only=True, wait_seconds=0))
            else:
                con = stack.enter_context(closing(duckdb.connect(str(path), read_only=True)))
                con.execute("SET TimeZone = $tz", {"tz": timezone})
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
        except duckdb.Error as error:
            raise QueryError(f"cannot open {path}: {_first_line(error)}; give --db a DuckDB file the pipeline "
                             "published") from None
        except ValueError as error:  # a malformed setting (MASSCREEN_ENCRYPTION_KEY, ...), named in the message
            raise QueryError(str(error)) from None
        yield con


def _is_encrypted(path: Path) -> bool:
    """DuckDB's file header says whether the database is encrypted: opening it without a key fails
    with a message saying so (any other failure is left to the caller)."""
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.Error as error:
        if "encrypted" in str(error).lower():
            return True
        raise
    return False


def is_release(con: duckdb.DuckDBPyConnection) -> bool:
    """The open file is a research release (it has the `release` table of pipelines/research/release.py)."""
    from pipelines.research.release import RELEASE_TABLE

    schema, table = RELEASE_TABLE.split(".")
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
                       [schema, table]).fetchone()[0] > 0


@contextmanager
def duckdb_errors(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Turn DuckDB's errors while a statement binds or runs (or its result is printed or written)
    into a QueryError: DuckDB's first line and what to do about it."""
    try:
        yield
    except duckdb.CatalogException as error:
        from pipelines.research.release import RESEARCH_TABLES

        where = (f"a research release holds {', '.join(RESEARCH_TABLES)} and release (docs/RESEARCH.md)"
                 if is_release(con) else "`SHOW ALL TABLES` lists what this file holds")
        raise QueryError(f"{_first_line(error)}; {where}") from None
    except duckdb.PermissionException as error:
        raise QueryError(f"{_first_line(error)}: masscreen query reads only the published file; save a result "
                         "with --out FILE.csv or FILE.parquet") from None
    except duckdb.Error as error:
        raise QueryError(f"{_first_line(error)}; correct the statement") from None


def run(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.DuckDBPyRelation:
    """The result of one reading statement, bound (DuckDB runs it when it is printed or written).
    QueryError when check_reads_only refuses it or DuckDB rejects it (a missing table, a column)."""
    check_reads_only(sql)
    with duckdb_errors(con):
        relation = con.sql(sql)
    if relation is None:  # a SELECT always has a result; said plainly should DuckDB differ
        raise QueryError("the statement returned no result; write a SELECT")
    return relation


def run_example(con: duckdb.DuckDBPyConnection, chosen: Example) -> duckdb.DuckDBPyRelation:
    """An example's result; QueryError when the open file is a research release and the example
    runs on the snapshot only (its header says why)."""
    if "release" not in chosen.runs_on and is_release(con):
        reason = chosen.where.partition("(")[2].rstrip(")") or "its header says why"
        raise QueryError(f"example {chosen.name} runs on the published snapshot only: {reason}; give --db the "
                         "snapshot, published/warehouse.duckdb")
    return run(con, chosen.sql)


def as_text(relation: duckdb.DuckDBPyRelation, kinds: set[str]) -> duckdb.DuckDBPyRelation:
    """The relation with its columns of these DuckDB type kinds ('enum', 'list', ...) cast to
    VARCHAR (DuckDB's text of the value), the other columns as they are, in the same order."""
    columns = [f"CAST({identifier(name)} AS VARCHAR) AS {identifier(name)}" if kind.id in kinds else identifier(name)
               for name, kind in zip(relation.columns, relation.types)]
    return relation.project(", ".join(columns))


def show(relation: duckdb.DuckDBPyRelation, max_rows: int, width: int | None) -> None:
    """Print the result as a table of at most `max_rows` rows and `width` characters (None: no limit,
    for output going to a pipe or a file, so no column is cut to `…`). ENUM columns (tiers) print as
    their text: DuckDB would print the whole list of the type's values as the column's type, which
    alone is wider than a terminal. An EXPLAIN prints its plans as DuckDB draws them."""
    if relation.columns == ["explain_key", "explain_value"]:
        for _key, plan in relation.fetchall():
            print(plan)
        return
    if any(kind.id == "enum" for kind in relation.types):
        relation = as_text(relation, {"enum"})
    relation.show(max_rows=max_rows, max_width=width or 1_000_000)


def write(relation: duckdb.DuckDBPyRelation, out: Path) -> int:
    """Write the result to `out` by its extension: .csv (list and struct columns as DuckDB's text;
    a cell a spreadsheet would run as a formula gets a leading ') or .parquet (types kept). The file
    is owner-only: a result of the snapshot holds patient data. Returns the rows written."""
    suffix = out.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise QueryError(f"--out {out}: cannot tell the format from {suffix or 'no extension'}; end the name in "
                         ".csv or .parquet")
    if suffix == ".csv":
        frame = as_text(relation, {"list", "struct", "map", "array", "union"}).pl()
    else:
        frame = relation.pl()
    out.parent.mkdir(parents=True, exist_ok=True)
    old_umask = os.umask(0o077)
    try:
        if suffix == ".csv":
            from pipelines.publish.report import neutralise_formulas

            neutralise_formulas(frame).write_csv(out)
        else:
            frame.write_parquet(out)
    finally:
        os.umask(old_umask)
    return frame.height


def _first_line(error: Exception) -> str:
    """DuckDB's message, first line, without its closing '!' or '.' (a fix follows it)."""
    text = str(error).strip()
    return text.splitlines()[0].rstrip("!.") if text else type(error).__name__
