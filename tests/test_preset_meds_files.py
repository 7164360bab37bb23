"""The MEDS preset on datasets as MEDS ETLs write them: several shards, no metadata, the current
MIMIC-IV MEDS lab codes (LAB//RESULT//<itemid>//<unit>, unit UNK) with the site's itemid mapping given
in its own configuration, and medication orders started, restarted and stopped."""

import json
from datetime import datetime
from pathlib import Path

import polars as pl

from pipelines.core.site_config import Source
from pipelines.ingest.presets import load_source
from pipelines.staging import staged_tables

SCHEMA = {"subject_id": pl.Int64, "time": pl.Datetime("us"), "code": pl.String, "numeric_value": pl.Float32,
          "text_value": pl.String}


def shard(path: Path, events: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(events, orient="row", schema=SCHEMA).write_parquet(path)


def day(d: int, h: int = 8) -> datetime:
    return datetime(2024, 3, d, h)


LABS = [
    (1, day(5, 7), "LAB//SPECIMEN_COLLECTED//50924", None, None),
    (1, day(5, 9), "LAB//RESULT//50924//ng/mL", 5000.0, "5000"),
    (1, day(5, 9), "LAB//RESULT//51265//K/uL", 90.0, "90"),
    (1, day(5, 8), "LAB//223761//UNK", 102.2, "102.2"),
]
MEDICATIONS = [
    (1, day(1), "MEDICATION//START//Prednisone", 40.0, None),
    (1, day(2), "MEDICATION//START//Prednisone", 20.0, None),   # a restart before the stop
    (1, day(4), "MEDICATION//STOP//Prednisone", None, None),
    (1, day(6), "MEDICATION//START//Anakinra", 100.0, None),    # never stopped
    (1, day(3), "MEDICATION//Heparin//Administered", 5000.0, None),
    (1, day(3, 20), "MEDICATION//Heparin//Not Given", 5000.0, None),
]
SITE_MAPPING = """measurement_codes:
  - {code: "50924", analyte: ferritin}
  - {code: "51265", analyte: platelets}
  - {code: "223761", analyte: temperature, kind: vitals, unit: "[degF]"}
"""


def load_and_stage(con, folder: Path, mapping: Path | None = None, run_id: str = "test") -> list:
    loads = load_source(con, Source("meds", "meds", folder, 0, mapping), run_id)
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table)
    return loads


def test_current_mimic_iv_codes_stage_with_the_sites_mapping(con, tmp_path):
    folder = tmp_path / "meds"
    shard(folder / "data" / "train" / "0.parquet", LABS)
    (tmp_path / "site-meds.yaml").write_text(SITE_MAPPING)
    load_and_stage(con, folder, tmp_path / "site-meds.yaml")
    assert con.execute("SELECT analyte, value_num FROM staging.lab_results ORDER BY analyte").fetchall() == [
        ("ferritin", 5000.0), ("platelets", 90.0)]
    assert con.execute("SELECT value_num, unit_as_sent FROM staging.vital_signs").fetchall() == [(39.0, "[degF]")]
    # the specimen events are no results: left out, not quarantined
    assert con.execute("SELECT count(*) FROM quarantine.rejected_rows").fetchone() == (0,)


def test_shards_without_metadata_load_and_the_missing_metadata_is_named(con, tmp_path):
    folder = tmp_path / "meds"
    shard(folder / "data" / "train" / "0.parquet", LABS[:2])
    first = load_and_stage(con, folder, run_id="r1")
    assert [load.rows_in for load in first if load.source_file == "meds:labs"] == [1]
    (detail,), = con.execute("SELECT detail FROM meta.run_warnings WHERE run_id = 'r1' "
                             "AND check_name = 'source_files_missing'").fetchall()
    assert "no metadata/dataset.json (expected, not read)" in detail
    shard(folder / "data" / "held_out" / "0.parquet", LABS[2:3])  # a new shard reloads the kind
    again = load_and_stage(con, folder, run_id="r2")
    assert [load.rows_in for load in again if load.source_file == "meds:labs"] == [2]
    (folder / "metadata").mkdir()
    (folder / "metadata" / "dataset.json").write_text(json.dumps({"dataset_name": "x"}))
    load_and_stage(con, folder, run_id="r3")
    assert con.execute("SELECT count(*) FROM meta.run_warnings WHERE run_id = 'r3'").fetchone() == (0,)


def test_starts_end_at_the_first_later_stop_and_doses_not_given_are_left_out(con, tmp_path):
    folder = tmp_path / "meds"
    shard(folder / "data" / "0.parquet", MEDICATIONS)
    load_and_stage(con, folder)
    rows = con.execute("""
        SELECT name, dose, strftime(started_at AT TIME ZONE 'America/New_York', '%d %H'),
               strftime(ended_at AT TIME ZONE 'America/New_York', '%d %H')
        FROM staging.medications ORDER BY started_at""").fetchall()
    assert rows == [("Prednisone", "40.0", "01 08", "04 08"), ("Prednisone", "20.0", "02 08", "04 08"),
                    ("Heparin//Administered", "5000.0", "03 08", "03 08"), ("Anakinra", "100.0", "06 08", None)]
