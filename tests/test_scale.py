"""Benchmark hospitals (pipelines/synthetic/scale.py): a tiny generated base tiled three times has
three times the base's rows of every kind, ids renamed per copy and unique across copies, and lands
and stages like the base, with three times its quarantine and nothing refused.

The files are read back with Python's csv module, not with the tiling's SQL."""

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from pipelines.core.warehouse import connect
from pipelines.staging import staged_tables
from pipelines.synthetic import generate
from pipelines.synthetic.scale import ID_FIELDS, tile
from conftest import SITE_TZ, load_and_stage

COPIES = 3


@pytest.fixture(scope="module")
def hospitals(tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("scale")
    generate(out / "base", patients=60, days=8, start=dt.date(2024, 3, 5), seed=5)  # spans the DST change
    tile(out / "base" / "landing", out / "tiled", COPIES, progress=lambda line: None)
    return out / "base" / "landing", out / "tiled"


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))[1:]


def _kind(name: str) -> str:
    return name.split("_")[0].removesuffix(".csv")


def _renamed(value: str, copy: int) -> str:
    return value if value == "" else value[0] + str(copy) + value[1:]


def test_every_file_holds_each_base_line_once_per_copy_with_ids_renamed(hospitals):
    base, tiled = hospitals
    assert sorted(p.name for p in base.iterdir()) == sorted(p.name for p in tiled.iterdir())
    for path in sorted(base.iterdir()):
        ids = ID_FIELDS[_kind(path.name)]
        base_rows, tiled_rows = _rows(path), _rows(tiled / path.name)
        assert (tiled / path.name).open().readline() == path.open().readline()  # the header
        assert len(tiled_rows) == COPIES * len(base_rows), path.name
        expected = Counter(tuple(_renamed(v, k) if i < ids else v for i, v in enumerate(row))
                           for row in base_rows for k in range(COPIES))
        assert Counter(map(tuple, tiled_rows)) == expected, path.name


def test_ids_are_unique_per_copy(hospitals):
    base, tiled = hospitals
    for kind, column in (("labs", 2), ("vitals", 2), ("patients", 0), ("encounters", 1)):
        base_ids = {row[column] for p in base.glob(f"{kind}*.csv") for row in _rows(p)} - {""}
        tiled_ids = {row[column] for p in tiled.glob(f"{kind}*.csv") for row in _rows(p)} - {""}
        assert len(tiled_ids) == COPIES * len(base_ids), kind


def test_one_copy_is_the_base_byte_for_byte(hospitals, tmp_path):
    base, _ = hospitals
    tile(base, tmp_path / "one", 1, progress=lambda line: None)
    assert {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()} == {p.name: p.read_bytes() for p in base.iterdir()}


def test_tiled_files_land_and_stage_like_the_base_times_the_copies(hospitals, tmp_path):
    base, tiled = hospitals
    figures = {}
    for name, landing in (("base", base), ("tiled", tiled)):
        with connect(tmp_path / f"{name}.duckdb", SITE_TZ) as con:
            staged_tables.refresh_reference_tables(con)
            load_and_stage(con, landing)
            figures[name] = {
                "problems": con.execute("SELECT count(*) FROM meta.file_problems").fetchone()[0],
                "quarantined": dict(con.execute("SELECT table_name || ':' || reason, count(*) "
                                                "FROM quarantine.rejected_rows GROUP BY ALL").fetchall()),
                "staged": {t: con.execute(f"SELECT count(*) FROM staging.{t}").fetchone()[0]
                           for t in staged_tables.STAGED_TABLES},
            }
    assert figures["base"]["problems"] == figures["tiled"]["problems"] == 0
    assert figures["base"]["quarantined"]  # the base has defects to multiply
    assert figures["tiled"]["quarantined"] == {k: COPIES * n for k, n in figures["base"]["quarantined"].items()}
    assert figures["tiled"]["staged"] == {t: COPIES * n for t, n in figures["base"]["staged"].items()}
