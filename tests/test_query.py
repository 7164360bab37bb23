"""`masscreen query`: read-only SQL on a published DuckDB file (pipelines/research/query.py).

The fixture is a small DuckDB file made here with two tables of the warehouse's shape; it stands
for a published snapshot. Nothing a query does may change it or write beside it, and every user
error ends in one line on stderr with exit code 2.
"""

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.cli import main
from pipelines.research import query

from conftest import SITE_TZ


@pytest.fixture
def snapshot(tmp_path, monkeypatch):
    """published/warehouse.duckdb beside tmp_path/w.duckdb (MASSCREEN_WAREHOUSE), with
    screen.at_risk_daily (three flags, one a text that a spreadsheet would run) and
    screen.episodes (a list column)."""
    monkeypatch.setenv("MASSCREEN_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("MASSCREEN_TIMEZONE", SITE_TZ)
    monkeypatch.delenv("MASSCREEN_ENCRYPTION_KEY", raising=False)
    path = tmp_path / "published" / "warehouse.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA screen")
        con.execute("CREATE TABLE screen.at_risk_daily AS SELECT * FROM (VALUES "
                    "('P1', DATE '2024-01-02', 'criteria_met', 1), ('P1', DATE '2024-01-03', 'watch', 8), "
                    "('=cmd|P2', DATE '2024-01-02', 'watch', 8)) AS t(patient_id, as_of_date, tier, tier_rank)")
        con.execute("CREATE TABLE screen.episodes AS SELECT 'P1' AS patient_id, ['r1', 'r2'] AS rules_fired")
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(capsys, *arguments) -> tuple[int, str, list[str]]:
    code = main(["query", *arguments])
    captured = capsys.readouterr()
    return code, captured.out, captured.err.strip().splitlines()


def test_a_select_on_the_default_snapshot_prints_a_table(snapshot, capsys):
    code, out, err = run_cli(capsys, "SELECT tier, count(*) AS flags FROM screen.at_risk_daily GROUP BY tier ORDER BY tier")
    assert code == 0 and err == []
    assert "criteria_met" in out and "flags" in out and "│ watch        │     2 │" in out


def test_describe_show_summarize_explain_and_a_reading_pragma_are_allowed(snapshot, capsys):
    for statement in ("DESCRIBE screen.at_risk_daily", "SHOW ALL TABLES", "SUMMARIZE screen.at_risk_daily",
                      "EXPLAIN SELECT * FROM screen.episodes", "PRAGMA table_info('screen.episodes')",
                      "WITH t AS (SELECT 1 AS a) SELECT a FROM t", "FROM screen.episodes"):
        code, _, err = run_cli(capsys, statement)
        assert code == 0 and err == [], (statement, err)


@pytest.mark.parametrize("statement", [
    "COPY screen.at_risk_daily TO '{out}/copy.csv'",
    "COPY (SELECT * FROM screen.episodes) TO '{out}/copy.parquet' (FORMAT parquet)",
    "EXPORT DATABASE '{out}/export'",
    "ATTACH '{out}/other.duckdb' AS other",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SET threads = 1",
    "PRAGMA memory_limit = '1GB'",
    "USE memory",
    "CREATE TABLE screen.x AS SELECT 1",
    "CREATE TEMP TABLE x AS SELECT 1",
    "INSERT INTO screen.episodes VALUES ('P9', [])",
    "DELETE FROM screen.at_risk_daily",
    "DROP TABLE screen.episodes",
    "CHECKPOINT",
    "CALL pragma_version()",
    "EXPLAIN COPY (SELECT 1) TO '{out}/copy.csv'",
    "EXPLAIN ANALYZE CREATE TABLE screen.y AS SELECT 1",
    "SELECT 1; SELECT 2",
])
def test_a_statement_that_does_not_only_read_is_refused_in_one_line(snapshot, tmp_path, capsys, statement):
    before = digest(snapshot)
    code, out, err = run_cli(capsys, statement.format(out=tmp_path))
    assert code == 2 and out == ""
    assert len(err) == 1 and err[0].startswith("Query not run: ") and "Traceback" not in err[0], err
    assert digest(snapshot) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["published"]
    assert sorted(p.name for p in snapshot.parent.iterdir()) == ["warehouse.duckdb"]


def test_the_session_forbids_files_even_from_a_select(snapshot, tmp_path):
    """Defence behind the statement check: a SELECT cannot read a local file or attach one."""
    (tmp_path / "secret.csv").write_text("a\n1\n")
    with query.open_read_only(snapshot, SITE_TZ) as con:
        with pytest.raises(query.QueryError, match="disabled by configuration"):
            with query.duckdb_errors(con):
                query.run(con, f"SELECT * FROM read_csv('{tmp_path / 'secret.csv'}')")
        with pytest.raises(duckdb.Error):
            con.execute(f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'")  # past the check, the session refuses
        with pytest.raises(duckdb.Error):
            con.execute("SET enable_external_access = true")
        with pytest.raises(duckdb.Error):
            con.execute("CREATE TABLE screen.z AS SELECT 1")  # read-only file
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("arguments, message", [
    (["--db", "{tmp}/missing.duckdb", "SELECT 1"], "no such file"),
    (["SELEC * FROM screen.episodes"], "not valid SQL"),
    (["SELECT * FROM screen.nothing"], "does not exist"),
    (["SELECT nothing FROM screen.episodes"], "nothing"),
    (["--example", "no_such_example"], "no example called 'no_such_example'"),
    (["--file", "{tmp}/missing.sql"], "no such file"),
    (["SELECT 1", "--out", "{tmp}/result.xlsx"], "end the name in .csv or .parquet"),
    ([], "nothing to run"),
    (["--db", "{tmp}/not-duckdb.duckdb", "SELECT 1"], "cannot open"),
])
def test_user_errors_end_in_one_line_with_exit_code_2(snapshot, tmp_path, capsys, arguments, message):
    (tmp_path / "not-duckdb.duckdb").write_text("not a database")
    code, out, err = run_cli(capsys, *[a.format(tmp=tmp_path) for a in arguments])
    assert code == 2 and out == ""
    assert len(err) == 1 and message in err[0], err


def test_no_traceback_from_the_installed_command(snapshot):
    result = subprocess.run([str(Path(sys.executable).parent / "masscreen"), "query", "DROP TABLE screen.episodes"],
                            capture_output=True, text=True, env=os.environ)
    assert result.returncode == 2
    assert result.stderr.startswith("Query not run: DROP statements are refused") and "Traceback" not in result.stderr


def test_out_writes_csv_with_formulas_neutralised_and_parquet_with_types(snapshot, tmp_path, capsys):
    csv_path, parquet_path = tmp_path / "out" / "flags.csv", tmp_path / "out" / "episodes.parquet"
    code, out, _ = run_cli(capsys, "SELECT * FROM screen.at_risk_daily ORDER BY patient_id, as_of_date",
                           "--out", str(csv_path))
    assert code == 0 and f"Wrote 3 rows to {csv_path}" in out
    frame = pl.read_csv(csv_path)
    assert frame["patient_id"].to_list() == ["'=cmd|P2", "P1", "P1"]
    assert stat.S_IMODE(csv_path.stat().st_mode) == 0o600
    assert run_cli(capsys, "SELECT * FROM screen.episodes", "--out", str(parquet_path))[0] == 0
    assert pl.read_parquet(parquet_path)["rules_fired"].to_list() == [["r1", "r2"]]
    nested_csv = tmp_path / "episodes.csv"
    assert run_cli(capsys, "SELECT * FROM screen.episodes", "--out", str(nested_csv))[0] == 0
    assert pl.read_csv(nested_csv)["rules_fired"].to_list() == ["[r1, r2]"]


def test_file_and_db_options(snapshot, tmp_path, capsys):
    other = tmp_path / "copy.duckdb"
    other.write_bytes(snapshot.read_bytes())
    statement = tmp_path / "q.sql"
    statement.write_text("-- flags of P1\nSELECT count(*) AS flags FROM screen.at_risk_daily WHERE patient_id = 'P1';\n")
    code, out, err = run_cli(capsys, "--db", str(other), "--file", str(statement))
    assert code == 0 and err == [] and "flags" in out and "│     2 │" in out


def test_the_examples_are_listed_with_their_questions(capsys):
    for arguments in (["--list-examples"], ["--example"]):
        code, out, _ = run_cli(capsys, *arguments)
        assert code == 0
        for example in query.examples():
            assert example.name in out and example.question in out


def test_an_encrypted_snapshot_is_read_with_the_site_key(tmp_path, monkeypatch, capsys):
    from pipelines.core.warehouse import connect

    monkeypatch.setenv("MASSCREEN_ENCRYPTION_KEY", "an encryption key for tests only")
    path = tmp_path / "published" / "warehouse.duckdb"
    with connect(path, SITE_TZ) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS screen")
        con.execute("CREATE TABLE screen.flags AS SELECT 42 AS n")
    code, out, _ = run_cli(capsys, "--db", str(path), "SELECT n FROM screen.flags")
    assert code == 0 and "42" in out
    assert run_cli(capsys, "--db", str(path), f"ATTACH '{tmp_path / 'x.duckdb'}' AS x")[0] == 2
    monkeypatch.delenv("MASSCREEN_ENCRYPTION_KEY")
    code, _, err = run_cli(capsys, "--db", str(path), "SELECT 1")
    assert code == 2 and "MASSCREEN_ENCRYPTION_KEY" in err[0]


def test_a_short_encryption_key_is_one_line(snapshot, monkeypatch, capsys):
    monkeypatch.setenv("MASSCREEN_ENCRYPTION_KEY", "short")
    path = snapshot.parent / "locked.duckdb"
    with duckdb.connect() as con:  # an encrypted file, made with DuckDB's own encryption
        from pipelines.core.warehouse import HTTPFS_EXTENSION

        con.execute(f"LOAD '{HTTPFS_EXTENSION}'")
        con.execute(f"ATTACH '{path}' AS locked (ENCRYPTION_KEY 'a key of sixteen+ characters')")
        con.execute("CREATE TABLE locked.t AS SELECT 1 AS n")
    code, _, err = run_cli(capsys, "--db", str(path), "SELECT 1")
    assert code == 2 and len(err) == 1 and "MASSCREEN_ENCRYPTION_KEY must be at least" in err[0]


def test_a_result_printed_to_a_pipe_is_not_cut_and_tiers_print_as_text(capsys):
    """Without a terminal (width None) every column is printed whole; an ENUM column prints as its
    text, not with the list of the type's values as its type; an EXPLAIN prints its plan drawn."""
    import duckdb

    from pipelines.research import query

    con = duckdb.connect()
    con.execute("CREATE TYPE tier AS ENUM ('watch', 'outside_population', 'pattern_context_unknown', 'criteria_met')")
    relation = con.sql("SELECT 'criteria_met'::tier AS tier, repeat('p', 64) AS patient_id, "
                       "42.5 AS lead_time_hours, 'mas-screen-rules@509270c46b6a' AS rule_set_version")
    query.show(relation, max_rows=10, width=None)
    printed = capsys.readouterr().out
    assert "p" * 64 in printed and "42.5" in printed and "mas-screen-rules@509270c46b6a" in printed
    assert "enum(" not in printed.lower() and "criteria_met" in printed
    query.show(relation, max_rows=10, width=60)            # a narrow terminal still wraps, as DuckDB does
    assert "p" * 64 not in capsys.readouterr().out
    query.show(con.sql("EXPLAIN SELECT 1"), max_rows=10, width=None)
    assert "\\n" not in capsys.readouterr().out
