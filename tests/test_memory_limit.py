"""Memory bounded by configuration: a backfill under a DuckDB memory limit well below what its
feature stage needs in one pass completes (in blocks of days, spilling beyond the limit to the
configured folder) and writes the same tables as a run without the limit."""

from datetime import date, timedelta

import duckdb
import pytest

from pipelines import runner
from pipelines.core.warehouse import connect, execute
from pipelines.features import feature_table, rule_set
from pipelines.synthetic import generate

from conftest import SITE_TZ

START, DAYS = date(2024, 1, 1), 60
END = START + timedelta(days=DAYS - 1)
LIMIT = "450MB"
TABLES = ("staging.lab_results", "staging.vital_signs", "features.patient_day", "screen.rule_evaluations",
          "screen.at_risk_daily")


def fingerprints(warehouse) -> dict[str, tuple]:
    with connect(warehouse, SITE_TZ, read_only=True) as con:
        return {table: con.execute(f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {table}").fetchone()
                for table in TABLES}


def test_a_backfill_under_a_small_memory_limit_writes_the_same_tables(tmp_path, monkeypatch):
    generate(tmp_path / "hospital", patients=2000, days=DAYS, start=START, seed=13)
    monkeypatch.setenv("MASSCREEN_TIMEZONE", SITE_TZ)
    runner.configure(tmp_path / "unbounded.duckdb", landing=tmp_path / "hospital" / "landing")
    assert runner.run_range(START, END).success

    monkeypatch.setenv("MASSCREEN_DUCKDB_MEMORY", LIMIT)
    monkeypatch.setenv("MASSCREEN_DUCKDB_TEMP_DIRECTORY", str(tmp_path / "spill"))
    runner.configure(tmp_path / "bounded.duckdb", landing=tmp_path / "hospital" / "landing")
    outcome = runner.run_range(START, END)
    assert outcome.success, outcome.failures
    assert (tmp_path / "spill").is_dir()
    assert fingerprints(tmp_path / "bounded.duckdb") == fingerprints(tmp_path / "unbounded.duckdb")

    # the limit is well below what the feature stage needs in one pass over the whole range
    with connect(tmp_path / "bounded.duckdb", SITE_TZ) as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0].startswith("429")
        with pytest.raises(duckdb.OutOfMemoryException):
            execute(con, f"CREATE TEMP TABLE whole_range AS {feature_table.patient_day_query(rule_set.active_rule_set())}",
                    {"start": START, "end": END})
