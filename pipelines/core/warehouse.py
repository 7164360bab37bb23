"""Opening the DuckDB warehouse and running the SQL files that hold the data logic.

Every connection gets the site's time zone (so offset-less timestamps are site-local and a DATE
casts to local midnight) and the shared parsing macros of sql/macros.sql.

With MASSCREEN_ENCRYPTION_KEY set, the warehouse and the published snapshot are DuckDB encrypted
databases (AES-GCM, DuckDB's own encryption) and the published Parquet files are encrypted Parquet.
DuckDB writes encrypted files only with the OpenSSL crypto of its httpfs extension, which ships
as a pinned package (duckdb-extension-httpfs) and is loaded from its file, never downloaded.
"""

import hashlib
import os
import re
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

import duckdb
import duckdb_extension_httpfs

from pipelines.core.settings import (SQL_DIR, encryption_key, memory_bytes, memory_setting, seconds_setting,
                                     spill_directory)

HTTPFS_EXTENSION = (Path(duckdb_extension_httpfs.__file__).parent / "extensions" / f"v{duckdb.__version__}"
                    / "httpfs.duckdb_extension")
PARQUET_KEY_NAME = "masscreen"

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# Statements in our SQL files end with ';' at the end of a line.
_STATEMENT_END = re.compile(r";[ \t]*(?:--[^\n]*)?\n")


def sql_text(relative_path: str) -> str:
    return (SQL_DIR / relative_path).read_text()


def statements(script: str) -> list[str]:
    parts = _STATEMENT_END.split(script + "\n")
    return [p.strip() for p in parts if _strip_comments(p).strip()]


def _strip_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, object] | None = None):
    """Execute one statement, binding only the $named parameters it uses."""
    used = {name: (params or {})[name] for name in set(_PARAM.findall(_strip_comments(sql)))}
    return con.execute(sql, used) if used else con.execute(sql)


def run_script(con: duckdb.DuckDBPyConnection, relative_path: str, params: Mapping[str, object] | None = None) -> None:
    for statement in statements(sql_text(relative_path)):
        execute(con, statement, params)


def string_literal(text: str) -> str:
    """`text` as a SQL string literal ('it''s'), for the statements that take no parameters
    (ATTACH, LOAD, COMMENT ON, ...)."""
    return "'" + text.replace("'", "''") + "'"


def identifier(*names: str) -> str:
    """A quoted, dot-joined SQL name: identifier('db', 'screen', 'at_risk_daily') is
    "db"."screen"."at_risk_daily" (a double quote inside a name is doubled)."""
    return ".".join('"' + name.replace('"', '""') + '"' for name in names)


def attach(con: duckdb.DuckDBPyConnection, path: Path, alias: str, read_only: bool = False) -> None:
    """Attach another DuckDB file, encrypted with the site key when one is set."""
    options = ["READ_ONLY"] if read_only else []
    key = encryption_key()
    if key is not None:
        options.append(f"ENCRYPTION_KEY {string_literal(key)}")
    con.execute(f"ATTACH {string_literal(str(path))} AS {alias}" + (f" ({', '.join(options)})" if options else ""))


def parquet_options() -> str:
    """Extra COPY options for a Parquet file of patient data: encrypted when a key is set."""
    return f", ENCRYPTION_CONFIG {{footer_key: '{PARQUET_KEY_NAME}'}}" if encryption_key() else ""


def _enable_encryption(con: duckdb.DuckDBPyConnection, key: str) -> None:
    con.execute(f"LOAD {string_literal(str(HTTPFS_EXTENSION))}")
    # A Parquet key must be 16, 24 or 32 bytes: a digest of the site key, so one secret serves both.
    parquet_key = hashlib.sha256(key.encode()).hexdigest()[:32]
    con.execute(f"PRAGMA add_parquet_key('{PARQUET_KEY_NAME}', '{parquet_key}')")


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    key = encryption_key() if str(path) != ":memory:" else None
    if key is None:
        return duckdb.connect(str(path), read_only=read_only)
    con = duckdb.connect()
    try:
        _enable_encryption(con, key)
        attach(con, path, "warehouse", read_only)
        con.execute("USE warehouse")
        con.execute("SET temp_file_encryption = true")  # spilled intermediate results hold patient data too
    except BaseException:
        con.close()
        raise
    return con


class WarehouseLocked(duckdb.IOException):
    """Another process still held DuckDB's single-writer lock when the wait ran out (an I/O error,
    so a step retries it: the other run may finish)."""


def _open(path: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting with backoff while another process holds DuckDB's single-writer lock
    (two runs started together then run one after the other instead of failing)."""
    deadline, delay, said = time.monotonic() + wait_seconds, 0.2, False
    while True:
        try:
            return _connect(path, read_only)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            if time.monotonic() + delay > deadline:
                holder = re.search(r"\(PID (\d+)\)", str(error))
                raise WarehouseLocked(
                    f"the warehouse {path} is still being written by another process"
                    f"{f' (PID {holder.group(1)})' if holder else ''} after {wait_seconds:g} s: let that run finish "
                    "(one writer at a time) or stop it, then run again") from error
            if not said:  # say once what the wait is for (DuckDB's message names the holder's PID)
                holder = re.search(r"\(PID (\d+)\)", str(error))
                print(f"Waiting up to {wait_seconds:g} s for the warehouse {path}: another process"
                      f"{f' (PID {holder.group(1)})' if holder else ''} is writing it "
                      "(MASSCREEN_LOCK_WAIT_SECONDS; Ctrl-C or SIGTERM stops the wait)", file=sys.stderr)
                said = True
            time.sleep(delay)
            delay = min(delay * 2, 10.0)


@contextmanager
def owner_only_files() -> Iterator[None]:
    """Files and folders this process creates inside the block are readable by their owner only
    (umask 077): patient data. Child processes started inside it (a JVM) inherit it."""
    old_umask = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old_umask)


@contextmanager
def connect(path: Path | str, timezone: str, read_only: bool = False,
            wait_seconds: float | None = None
            ) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse (owner-only permissions on a new file) with site time zone and macros."""
    path = Path(path)
    if wait_seconds is None:
        wait_seconds = seconds_setting("MASSCREEN_LOCK_WAIT_SECONDS", 600)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    with owner_only_files():
        con = _open(path, read_only, wait_seconds)
    try:
        con.execute("SET TimeZone = $tz", {"tz": timezone})
        # Leave room for Dagster and Python on the machine; DuckDB spills to disk beyond it.
        con.execute("SET memory_limit = $limit", {"limit": memory_setting()})
        if str(path) != ":memory:":
            # spilled intermediate results hold patient data: a folder of their own, owner-only
            # (DuckDB's default folder, <warehouse>.tmp, would be created readable by all)
            folder = spill_directory() or Path(str(path) + ".tmp")
            if not folder.exists():
                folder.mkdir(mode=0o700, parents=True)
            con.execute("SET temp_directory = $folder", {"folder": str(folder)})
        run_script(con, "macros.sql")
        if not read_only:
            run_script(con, "warehouse.sql")
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: a failure (or a killed process) leaves the previous state. Inside another
    transaction() on the same connection it is part of that one (committed or rolled back with it)."""
    if id(con) in _in_transaction:
        yield con
        return
    con.execute("BEGIN TRANSACTION")
    _in_transaction.add(id(con))
    try:
        yield con
    except BaseException:
        _in_transaction.discard(id(con))
        con.execute("ROLLBACK")
        raise
    _in_transaction.discard(id(con))
    con.execute("COMMIT")


_in_transaction: set[int] = set()  # connections inside transaction()


# What writing a table needs whatever its size: each writing thread holds a 256 KiB buffer per
# column for the rows it appends, and about as much again (features.patient_day has some 350
# columns, so about 180 MB per thread).
BYTES_PER_COLUMN_WRITTEN = 2 * 256 * 1024


@contextmanager
def threads_for_writing(con: duckdb.DuckDBPyConnection, table: str) -> Iterator[None]:
    """Write `table`'s rows with one thread when the per-column buffers of every thread would take
    more than half of MASSCREEN_DUCKDB_MEMORY (a wide table under a small limit); else as set."""
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    columns = len(con.execute(f"SELECT * FROM {table} LIMIT 0").description)
    narrow = columns * BYTES_PER_COLUMN_WRITTEN * threads > memory_bytes() / 2
    if narrow:
        con.execute("SET threads = 1")
    try:
        yield
    finally:
        if narrow:
            con.execute(f"SET threads = {int(threads)}")
