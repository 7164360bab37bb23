"""The de-identified research tier, released from the published snapshot (docs/RESEARCH.md).

Researchers get the derived tables under their usual names, with no identified data: patient and
encounter ids become keyed hashes (HMAC-SHA256 with MASSCREEN_RESEARCH_KEY), every date and time
of a patient moves by that patient's own whole-day shift, ages over 89 are withheld or capped, and
free text and lineage are dropped. The SQL in sql/research/ does the data work; this module brings
the key in and swaps the files.

It reads only the published snapshot, never the live warehouse, so a release and the nightly run
neither block nor wait for each other. Like the snapshot, the release is built under temporary
names and swapped in with os.replace: a reader of the previous release keeps reading it.

    <warehouse folder>/published/research.duckdb
    <warehouse folder>/published/research-parquet -> research-parquet-<release>/<schema>.<table>.parquet

The files are owner-only and not encrypted with the site's MASSCREEN_ENCRYPTION_KEY: that key also
opens the identified warehouse, so it must never be needed to read the research tier.

Every table and column of research.duckdb carries its description from the data dictionary
(pipelines/publish/data_dictionary.py) as a DuckDB comment, with the release's changes (pseudonyms, shifted
dates, capped ages).
"""

import hashlib
import os
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path

from pipelines.core.settings import research_key, research_max_shift_days
from pipelines.core.warehouse import connect, run_script
from pipelines.features.rule_set import active_rule_set
from pipelines.publish.data_dictionary import comment_research_release
from pipelines.publish.snapshot import published_folder, remove_stale, swap_in

RESEARCH_TABLES = ("staging.patients", "staging.encounters", "staging.lab_results", "staging.vital_signs",
                   "staging.diagnoses", "staging.medications", "features.patient_day",
                   "screen.rule_evaluations", "screen.at_risk_daily", "screen.episodes", "audit.recognition",
                   "audit.missed_cases", "audit.adjudications")
RELEASE_TABLE = "main.release"  # `research.release` to a reader of research.duckdb
# HIPAA Safe Harbor groups all ages over 89 as "90 or older": 90 years, in days.
AGE_CAP_DAYS = int(90 * 365.25)
_SHA256_BLOCK = 64


def hmac_pads(key: str) -> tuple[bytes, bytes]:
    """HMAC-SHA256's inner and outer key blocks (RFC 2104). The key is a constant, so they are made
    once here and SQL hashes every id with sha256 alone."""
    block = key.encode()
    if len(block) > _SHA256_BLOCK:
        block = hashlib.sha256(block).digest()
    block = block.ljust(_SHA256_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


def research_file(warehouse: Path) -> Path:
    return published_folder(warehouse) / "research.duckdb"


def release(warehouse: Path, timezone_name: str) -> dict[str, int]:
    """Build a research release from the warehouse's published snapshot; returns rows per table.

    The key is checked before anything is written; a failed build removes its own temporary files
    and leaves the previous release in place."""
    key, max_shift_days = research_key(), research_max_shift_days()
    folder = published_folder(warehouse)
    snapshot = folder / "warehouse.duckdb"
    if not snapshot.exists():
        raise FileNotFoundError(f"no published snapshot at {snapshot}: run the screen first")
    release_id = uuid.uuid4().hex
    building, parquet = folder / f".research-{release_id}.duckdb", folder / f"research-parquet-{release_id}"
    inner_pad, outer_pad = hmac_pads(key)
    old_umask = os.umask(0o077)
    try:
        with connect(snapshot, timezone_name, read_only=True) as con:
            run_script(con, "research/keys.sql",
                       {"inner_pad": inner_pad, "outer_pad": outer_pad, "max_shift_days": max_shift_days})
            con.execute(f"ATTACH '{building}' AS deidentified (READ_WRITE)")
            for schema in dict.fromkeys(name.split(".")[0] for name in (*RESEARCH_TABLES, RELEASE_TABLE)):
                con.execute(f"CREATE SCHEMA IF NOT EXISTS deidentified.{schema}")
            for name in RESEARCH_TABLES:
                run_script(con, f"research/{name.replace('.', '/')}.sql", {"age_cap_days": AGE_CAP_DAYS})
            row_counts = {name: con.execute(f"SELECT count(*) FROM deidentified.{name}").fetchone()[0]
                          for name in RESEARCH_TABLES}
            run_script(con, "research/main/release.sql", {
                "released_at": datetime.now(timezone.utc), "max_shift_days": max_shift_days,
                "table_names": list(row_counts), "row_counts": list(row_counts.values())})
            comment_research_release(con, "deidentified", active_rule_set(), own_tables=(RELEASE_TABLE,))
            parquet.mkdir()
            for name in (*RESEARCH_TABLES, RELEASE_TABLE):
                con.execute(f"COPY deidentified.{name} TO '{parquet / f'{name}.parquet'}' (FORMAT parquet)")
            con.execute("DETACH deidentified")
        swap_in(folder, building, "research.duckdb", parquet, "research-parquet")
    except BaseException:
        building.unlink(missing_ok=True)
        shutil.rmtree(parquet, ignore_errors=True)
        raise
    finally:
        os.umask(old_umask)
    remove_stale(folder, parquet, "research-parquet-", ".research-")
    return row_counts
