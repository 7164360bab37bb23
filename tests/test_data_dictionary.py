"""The data dictionary (pipelines/reference/data_dictionary.yaml) describes every table and column
of the warehouse, its published snapshot and its research release, as DuckDB comments, and
docs/DATA_DICTIONARY.md is rendered from it; the research release orders tiers by severity."""

from datetime import date

import duckdb
import pytest

from pipelines.core.settings import REFERENCE_DIR
from pipelines.features.rule_set import load_rule_set
from pipelines.publish.data_dictionary import (DICTIONARY_DOC, apply_comments, column_names, load_dictionary,
                                               render_packaged, research_descriptions, warehouse_descriptions)
from pipelines.publish.snapshot import published_folder
from pipelines.research.release import RELEASE_TABLE

from conftest import screen_and_release

START, DAYS = date(2024, 1, 1), 14
KEY = "research key for tests, not a real secret: 0123456789"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small generated hospital run through the whole Dagster job (publish included), and a
    research release of it; returns the three DuckDB files."""
    folder = screen_and_release(tmp_path_factory.mktemp("dictionary"), START, days=DAYS, patients=150, seed=11,
                                research_key=KEY)
    published = published_folder(folder / "warehouse.duckdb")
    return {"warehouse": folder / "warehouse.duckdb", "snapshot": published / "warehouse.duckdb",
            "research": published / "research.duckdb"}


@pytest.fixture(scope="module")
def rule_set():
    return load_rule_set(REFERENCE_DIR / "rules.yaml")


def catalog(path) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """({schema.table: comment} of tables and views, {schema.table.column: comment}) of one file."""
    with duckdb.connect(str(path), read_only=True) as con:
        relations = dict(con.execute(
            "SELECT schema_name || '.' || table_name, comment FROM duckdb_tables() WHERE database_name = current_database() "
            "UNION ALL SELECT schema_name || '.' || view_name, comment FROM duckdb_views() "
            "WHERE database_name = current_database() AND NOT internal").fetchall())
        columns = dict(con.execute(
            "SELECT schema_name || '.' || table_name || '.' || column_name, comment FROM duckdb_columns() "
            "WHERE database_name = current_database() AND NOT internal").fetchall())
    return relations, columns


@pytest.mark.parametrize("which", ["warehouse", "snapshot", "research"])
def test_every_table_and_column_has_a_comment(built, which):
    relations, columns = catalog(built[which])
    assert relations and columns
    uncommented = sorted(name for name, comment in {**relations, **columns}.items() if not (comment or "").strip())
    assert not uncommented, (f"{which}: no description in pipelines/reference/data_dictionary.yaml for "
                             f"{', '.join(uncommented)}")


def test_the_warehouse_has_every_schema_and_a_view(built):
    relations, _ = catalog(built["warehouse"])
    assert {name.split(".")[0] for name in relations} >= {"raw", "quarantine", "staging", "features", "screen",
                                                          "audit", "meta"}
    assert relations["meta.load_reconciliation"].startswith("View")


def test_comments_are_the_dictionary_with_the_rule_set_filled_in(built, rule_set):
    expected = warehouse_descriptions(load_dictionary(), rule_set)
    relations, columns = catalog(built["snapshot"])
    assert relations["features.patient_day"] == expected["features.patient_day"].comment
    ferritin = columns["features.patient_day.ferritin__72h__max"]
    assert ferritin == expected["features.patient_day"].columns["ferritin__72h__max"]
    assert "ferritin" in ferritin and "72h" in ferritin and "ng/mL" in ferritin and "{{" not in ferritin
    assert "HScore" in columns["screen.rule_evaluations.hscore__met"]
    assert "`criteria_met`, `score_high`" in columns["screen.at_risk_daily.tier"]


def test_the_research_release_says_what_it_changed(built):
    _, columns = catalog(built["research"])
    assert columns["screen.at_risk_daily.patient_id"].startswith("keyed pseudonym")
    assert columns["staging.lab_results.collected_at"].endswith("moved by the patient's whole-day date shift.")
    assert "shift" not in columns["main.release.released_at"].replace("not shifted", "")
    assert "90 or older" in columns["staging.patients.age_over_89"]


def test_comments_are_written_once(built, rule_set, tmp_path):
    """Applying the dictionary to a commented file writes nothing; a column without a description
    is reported by name."""
    copy = tmp_path / "snapshot.duckdb"
    copy.write_bytes(built["snapshot"].read_bytes())
    descriptions = warehouse_descriptions(load_dictionary(), rule_set)
    with duckdb.connect(str(copy)) as con:
        con.execute("CREATE TABLE screen.undescribed (x INTEGER)")
        con.execute("ALTER TABLE screen.episodes ADD COLUMN undescribed_column INTEGER")
        changes = con.execute("SELECT count(*) FROM duckdb_columns() WHERE comment IS NOT NULL").fetchone()[0]
        missing = apply_comments(con, "snapshot", descriptions)
        assert sorted(missing) == ["screen.episodes.undescribed_column", "screen.undescribed", "screen.undescribed.x"]
        assert con.execute("SELECT count(*) FROM duckdb_columns() WHERE comment IS NOT NULL").fetchone()[0] == changes


def test_the_dictionary_describes_no_column_that_does_not_exist(built, rule_set):
    """Every table and column the dictionary names (patterns expanded) is in the built warehouse
    (or, for the research section, in the research release), so the dictionary cannot rot."""
    dictionary = load_dictionary()
    _, warehouse_columns = catalog(built["warehouse"])
    relations, _ = catalog(built["warehouse"])
    described = warehouse_descriptions(dictionary, rule_set)
    absent = sorted([name for name in described if name not in relations]
                    + [f"{name}.{column}" for name, table in described.items() for column in table.columns
                       if f"{name}.{column}" not in warehouse_columns])
    assert not absent, f"the dictionary describes what the warehouse does not have: {', '.join(absent)}"
    research_relations, research_columns = catalog(built["research"])
    research = dictionary["research"]
    absent = [f"{name}.{column}" for name, changes in research["tables"].items() for column in (changes.get("columns") or {})
              if f"{name}.{column}" not in research_columns]
    absent += [column for column in research["columns"]
               if not any(name.endswith(f".{column}") for name in research_columns)]
    assert not absent, f"the research section describes what the release does not have: {', '.join(absent)}"
    assert set(research_descriptions(dictionary, rule_set)) >= set(research_relations)


def test_the_dictionary_lists_every_column_once():
    for section in load_dictionary()["schemas"]:
        for name, table in section["tables"].items():
            listed = [column for key in (table.get("columns") or {}) for column in column_names(key)]
            assert len(listed) == len(set(listed)), f"{name} lists a column twice"


def test_data_dictionary_page_is_current():
    assert DICTIONARY_DOC.read_text() == render_packaged(), \
        "docs/DATA_DICTIONARY.md is stale: run `python -m pipelines.publish.data_dictionary`"


def test_research_release_orders_tiers_by_severity(built, rule_set):
    """`ORDER BY tier` in the research release follows the rule file's tiers (lowest first), not the
    alphabet, in every table with a tier; its rank columns agree."""
    tiers = [tier["name"] for tier in rule_set.tiers]  # highest first
    assert sorted(tiers) != tiers[::-1], "the rule file's tiers sort alphabetically: the test cannot tell"
    with duckdb.connect(str(built["research"]), read_only=True) as con:
        for table, column in (("screen.at_risk_daily", "tier"), ("screen.episodes", "highest_tier"),
                              ("audit.missed_cases", "highest_tier")):
            declared = con.execute("SELECT data_type FROM duckdb_columns() WHERE schema_name || '.' || table_name = ? "
                                   "AND column_name = ?", [table, column]).fetchone()[0]
            assert declared.startswith("ENUM("), f"{table}.{column} is {declared}, not an ENUM ordered by severity"
            values = con.execute(f"SELECT enum_range(NULL::{declared})").fetchone()[0]
            assert values == tiers[::-1], f"{table}.{column}: {values}"
        flagged = con.execute("SELECT list(DISTINCT tier ORDER BY tier DESC), list(DISTINCT tier_rank ORDER BY tier_rank), "
                              "count(DISTINCT tier) FROM screen.at_risk_daily").fetchone()
        episodes = con.execute("SELECT count(*) FROM screen.episodes e WHERE highest_tier_rank <> "
                               "list_position($tiers, CAST(highest_tier AS VARCHAR))", {"tiers": tiers}).fetchone()[0]
    ordered, ranks, distinct = flagged
    assert distinct >= 2, "the generated hospital flags fewer than two tiers: the order cannot be seen"
    assert ordered == [t for t in tiers if t in ordered]
    assert ranks == [tiers.index(t) + 1 for t in ordered]
    assert episodes == 0
