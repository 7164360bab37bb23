"""Publishing a read-only snapshot of the warehouse for readers, who never open the live file.

After each run the derived tables (everything but `raw`) are copied into a new DuckDB file and
Parquet files beside it, then swapped in atomically: a reader holding the previous snapshot open
keeps reading it undisturbed, and a new reader never sees a half-written one. Files are owner-only.

    <warehouse folder>/published/warehouse.duckdb           the snapshot (replaced by os.replace)
    <warehouse folder>/published/parquet -> parquet-<run>   one file per table, <schema>.<table>.parquet
"""

import os
import shutil
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("quarantine", "staging", "features", "screen", "audit", "meta")


def published_folder(warehouse: Path) -> Path:
    return Path(warehouse).resolve().parent / "published"


def publish(con: duckdb.DuckDBPyConnection, warehouse: Path, run_id: str) -> dict[str, int]:
    """Write the snapshot and its Parquet copies; returns rows per published table."""
    folder = published_folder(warehouse)
    folder.mkdir(mode=0o700, exist_ok=True)
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name IN (SELECT unnest(?)) ORDER BY ALL", [list(PUBLISHED_SCHEMAS)]).fetchall()
    snapshot, parquet = folder / f".warehouse-{run_id}.duckdb", folder / f"parquet-{run_id}"
    old_umask = os.umask(0o077)
    try:
        parquet.mkdir()
        con.execute(f"ATTACH '{snapshot}' AS snapshot")
        rows = {}
        try:
            for schema, table in tables:
                con.execute(f"CREATE SCHEMA IF NOT EXISTS snapshot.{schema}")
                con.execute(f"CREATE TABLE snapshot.{schema}.{table} AS SELECT * FROM {schema}.{table}")
                con.execute(f"COPY {schema}.{table} TO '{parquet / f'{schema}.{table}.parquet'}' (FORMAT parquet)")
                rows[f"{schema}.{table}"] = con.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone()[0]
        finally:
            con.execute("DETACH snapshot")
        os.replace(snapshot, folder / "warehouse.duckdb")
        link = folder / ".parquet-link"
        link.unlink(missing_ok=True)
        link.symlink_to(parquet.name)
        os.replace(link, folder / "parquet")
    finally:
        os.umask(old_umask)
    # Earlier copies, and leftovers of a run killed mid-publish. Readers of an old copy hold open
    # files, which stay readable after removal.
    for stale in folder.iterdir():
        if stale.name.startswith("parquet-") and stale != parquet:
            shutil.rmtree(stale, ignore_errors=True)
        elif stale.name.startswith(".warehouse-"):
            stale.unlink(missing_ok=True)
    return rows
