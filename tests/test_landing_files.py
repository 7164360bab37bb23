"""Landed files as they really come: CSV, gzip-compressed CSV or Parquet; each loads whole (bad lines
quarantined) or is refused whole, recorded with its reason, while the other files still load."""

import gzip
import os

import duckdb
import pytest

from pipelines.core import site_config
from pipelines.core.contract import LABS
from pipelines.ingest import presets
from pipelines.ingest.landing import _as_utf8
from pipelines.staging import staged_tables


HEADER = ",".join(LABS.columns)
ROW = "p1,e1,r{n},2276-4,Ferritin,900,ng/mL,,,2024-01-01T06:00:00,2024-01-01T08:00:00,F"
GOOD = (HEADER + "\n" + ROW.format(n=1) + "\n").encode()


def land_text(con, tmp_path, content: bytes, name="labs_1.csv", run_id="t"):
    (tmp_path / name).write_bytes(content)
    return presets.land(con, tmp_path, run_id=run_id)


def raw_count(con) -> int:
    return con.execute("SELECT count(*) FROM raw.labs").fetchone()[0]


def problems(con) -> list[tuple]:
    return con.execute("SELECT run_id, source_file, reason FROM meta.file_problems ORDER BY recorded_at").fetchall()


def warnings(con, run_id="t") -> list[tuple]:
    return con.execute("SELECT subject, detail FROM meta.run_warnings WHERE run_id = ? AND check_name = 'unreadable_file' "
                       "ORDER BY subject", [run_id]).fetchall()


@pytest.mark.parametrize("content, message", [
    (b"", "empty file \\(0 bytes\\)"),                              # a transfer still running
    ((HEADER.replace(",", ";") + "\n" + ROW.format(n=1).replace(",", ";") + "\n").encode(),
     "missing required column.*wrong delimiter"),
    ((HEADER + "\n" + ROW.format(n=1).replace("Ferritin", "Ferritín") + "\n").encode("latin-1"),
     "not UTF-8 text: byte 0xed at line 2.*declare the file's encoding"),
    ((HEADER.replace(",collected_at", "") + "\n").encode(), "missing required column.*collected_at"),
])
def test_an_unreadable_file_is_refused_whole_recorded_and_the_others_load(con, tmp_path, content, message):
    (tmp_path / "labs_0_good.csv").write_bytes(GOOD)
    land_text(con, tmp_path, content)
    assert raw_count(con) == 1  # the good file loaded
    assert con.execute("SELECT source_file FROM meta.loads").fetchall() == [("labs_0_good.csv",)]
    [(run_id, source_file, reason)] = problems(con)
    assert (run_id, source_file) == ("t", "labs_1.csv")
    assert __import__("re").search(message, reason), reason
    assert warnings(con) == [("landing/labs_1.csv", reason)]


@pytest.mark.parametrize("line", [1, 2, 4])
def test_one_bad_byte_gives_the_same_outcome_wherever_it_sits(con, tmp_path, line):
    lines = [HEADER] + [ROW.format(n=n) for n in range(1, 5)]
    lines[line - 1] = lines[line - 1].replace("e", "\xe9", 1)  # 'é' as Latin-1 in UTF-8 text
    land_text(con, tmp_path, ("\n".join(lines) + "\n").encode("latin-1"))
    assert raw_count(con) == 0
    [(_, _, reason)] = problems(con)
    assert f"byte 0xe9 at line {line} " in reason


def test_a_large_file_is_decoded_whole_not_only_its_first_kilobytes(con, tmp_path, monkeypatch):
    monkeypatch.setattr("pipelines.ingest.landing._CHUNK_BYTES", 64)  # the bad byte many chunks in
    lines = [HEADER] + [ROW.format(n=n) for n in range(1, 200)] + [ROW.format(n=200).replace("Ferritin", "Ferrit\xedn")]
    land_text(con, tmp_path, ("\n".join(lines) + "\n").encode("latin-1"))
    assert raw_count(con) == 0
    assert "byte 0xed at line 201 " in problems(con)[0][2]


def test_a_refused_file_is_named_every_run_and_tried_again_only_when_it_changes(con, tmp_path):
    land_text(con, tmp_path, b"", run_id="night1")
    presets.land(con, tmp_path, run_id="night2")             # unchanged: named again, not tried again
    assert [row[0] for row in problems(con)] == ["night1"]
    assert len(warnings(con, "night2")) == 1
    path = tmp_path / "labs_1.csv"
    path.write_bytes(GOOD)                                   # the transfer finished
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    presets.land(con, tmp_path, run_id="night3")
    assert raw_count(con) == 1 and warnings(con, "night3") == []


def test_header_only_loads_as_an_empty_load(con, tmp_path):
    loads = land_text(con, tmp_path, (HEADER + "\n").encode())
    assert [(load.rows_in, load.malformed_lines) for load in loads] == [(0, 0)]


def test_utf8_with_bom_and_crlf_line_ends_load(con, tmp_path):
    text = "\r\n".join([HEADER, ROW.format(n=1), ROW.format(n=2)]) + "\r\n"
    land_text(con, tmp_path, b"\xef\xbb\xbf" + text.encode())
    assert con.execute("SELECT patient_id, result_id FROM raw.labs ORDER BY 2").fetchall() == [("p1", "r1"), ("p1", "r2")]


def test_gzip_csv_and_parquet_load_like_csv(con, tmp_path):
    text = "\n".join([HEADER, ROW.format(n=1), ROW.format(n=2)]) + "\n"
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "labs_1.csv").write_text(text)
    (tmp_path / "gz").mkdir()
    (tmp_path / "gz" / "labs_1.CSV.GZ").write_bytes(gzip.compress(text.encode()))
    (tmp_path / "pq").mkdir()
    duckdb.sql(f"COPY (FROM read_csv('{tmp_path / 'csv' / 'labs_1.csv'}', all_varchar = true)) "
               f"TO '{tmp_path / 'pq' / 'labs_1.parquet'}' (FORMAT parquet)")
    for folder in ("csv", "gz", "pq"):
        presets.land_sources(con, (site_config.Source(folder, "canonical", tmp_path / folder),), run_id="t")
    rows = con.execute("SELECT l.source, r.patient_id, r.result_id, r.value, r.collected_at, r._source_row "
                       "FROM raw.labs AS r JOIN meta.loads AS l ON l.load_id = r._load_id ORDER BY 1, 3").fetchall()
    assert [row[1:] for row in rows if row[0] == "csv"] == [row[1:] for row in rows if row[0] == "gz"] \
        == [row[1:] for row in rows if row[0] == "pq"] == [
        ("p1", "r1", "900", "2024-01-01T06:00:00", 1), ("p1", "r2", "900", "2024-01-01T06:00:00", 2)]
    assert problems(con) == []


def test_a_truncated_last_line_is_quarantined_with_its_line_number(con, tmp_path):
    text = "\n".join([HEADER, ROW.format(n=1), ROW.format(n=2), "p1,e1,r3,2276-4,Ferr"])
    land_text(con, tmp_path, text.encode())
    for table in staged_tables.STAGED_TABLES:
        staged_tables.stage(con, table)
    assert con.execute("SELECT source_line, reason FROM quarantine.rejected_rows").fetchall() == [(4, "malformed_row")]
    assert con.execute("SELECT count(*) FROM staging.lab_results").fetchone()[0] == 2
    assert all(load["balanced"] for load in staged_tables.reconcile(con))


def test_an_extra_column_is_kept_in_raw_and_ignored_after(con, tmp_path):
    text = "\n".join([HEADER + ",lab_site", ROW.format(n=1) + ",north"]) + "\n"
    land_text(con, tmp_path, text.encode())
    assert con.execute("SELECT _extra->>'lab_site' FROM raw.labs").fetchone() == ("north",)
    assert con.execute("SELECT extra_columns FROM meta.loads").fetchone() == (["lab_site"],)


def test_a_declared_encoding_reads_a_windows_export(con, tmp_path):
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "labs_1.csv").write_bytes((HEADER + "\n" + ROW.format(n=1).replace("Ferritin", "Ferritín µg") + "\n")
                                      .encode("cp1252"))
    (tmp_path / "feed.yaml").write_text("encoding: cp1252\n")
    presets.land_sources(con, (site_config.Source("feed", "canonical", feed, mapping=tmp_path / "feed.yaml"),), run_id="t")
    assert problems(con) == []
    assert con.execute("SELECT name FROM raw.labs").fetchone() == ("Ferritín µg",)


@pytest.mark.parametrize("content, message", [
    (gzip.compress(GOOD)[:30], "not a complete gzip file"),    # a transfer still running
    (GOOD.replace(b"900", b"901"), "not a complete gzip file"),  # plain text named .csv.gz
])
def test_a_broken_gzip_is_refused_and_the_others_load(con, tmp_path, content, message):
    (tmp_path / "labs_0_good.csv").write_bytes(GOOD)
    land_text(con, tmp_path, content, name="labs_1.csv.gz")
    assert raw_count(con) == 1
    [(_, source_file, reason)] = problems(con)
    assert source_file == "labs_1.csv.gz" and message in reason


def test_a_trailing_delimiter_and_odd_header_names_load(con, tmp_path):
    text = "\n".join([HEADER + ',"lab ""site""",', ROW.format(n=1) + ",north,"]) + "\n"
    land_text(con, tmp_path, text.encode())
    assert problems(con) == []
    assert con.execute("""SELECT _extra->>'lab "site"' FROM raw.labs""").fetchone() == ("north",)


def test_a_column_named_twice_refuses_the_file(con, tmp_path):
    land_text(con, tmp_path, (HEADER + ",value\n" + ROW.format(n=1) + ",7\n").encode())
    assert raw_count(con) == 0
    assert "names column(s) value more than once" in problems(con)[0][2]


def test_an_unterminated_quote_refuses_the_file_instead_of_swallowing_the_rest(con, tmp_path):
    lines = [HEADER] + [ROW.format(n=n) for n in range(1, 7)]
    lines[3] = lines[3].replace("Ferritin", '"Ferritin')  # data line 3, file line 4
    land_text(con, tmp_path, ("\n".join(lines) + "\n").encode())
    assert raw_count(con) == 0
    assert "a quote opened on line 4 is never closed" in problems(con)[0][2]


def test_whole_numbers_stored_as_floats_in_parquet_are_the_same_ids(con, tmp_path):
    duckdb.sql(f"""COPY (SELECT 10006.0::DOUBLE AS patient_id, 'e1' AS encounter_id, 77.0 AS result_id,
                                '2276-4' AS code, 5000.5::DOUBLE AS value, 'ng/mL' AS unit, TIMESTAMP '2024-01-01 06:00:00' AS collected_at)
                   TO '{tmp_path / 'labs_1.parquet'}' (FORMAT parquet)""")
    presets.land(con, tmp_path, run_id="t")
    assert con.execute("SELECT patient_id, result_id, value, collected_at FROM raw.labs").fetchone() == (
        "10006", "77", "5000.5", "2024-01-01 06:00:00")


def test_a_matching_file_in_a_subfolder_is_named_not_skipped_in_silence(con, tmp_path):
    from pipelines.ingest.landing import review_sources

    (tmp_path / "lis").mkdir()
    (tmp_path / "lis" / "labs_1.csv").write_bytes(GOOD)
    (tmp_path / "lis" / "2024-03-06").mkdir()
    (tmp_path / "lis" / "2024-03-06" / "labs_2.csv").write_bytes(GOOD)
    sources = (site_config.Source("lis", "canonical", tmp_path / "lis"),)
    presets.land_sources(con, sources, "t")
    review_sources(con, sources, "t", {})
    [(subject, detail)] = con.execute("SELECT subject, detail FROM meta.run_warnings WHERE check_name = 'unrecognised_file'"
                                      ).fetchall()
    assert subject == "lis/2024-03-06/labs_2.csv" and "not its subfolders" in detail


def test_a_stray_quote_closed_lines_later_refuses_the_file_instead_of_merging_lines(con, tmp_path):
    lines = [HEADER, ROW.format(n=1).replace("Ferritin", '"Ferritin (see note'), ROW.format(n=2),
             ROW.format(n=3).replace("Ferritin", 'Ferritin"'), ROW.format(n=4)]
    land_text(con, tmp_path, ("\n".join(lines) + "\n").encode())
    assert raw_count(con) == 0
    assert "holds a line break inside a quoted field" in problems(con)[0][2]


def test_a_line_break_in_an_extra_column_refuses_but_a_backslash_n_in_text_does_not(con, tmp_path):
    land_text(con, tmp_path, (HEADER + ",comment\n" + ROW.format(n=1) + ',"C:\\\\new\\\\results"\n').encode(), name="labs_1.csv")
    assert problems(con) == [] and raw_count(con) == 1
    land_text(con, tmp_path, (HEADER + ",comment\n" + ROW.format(n=2) + ',"two\nlines"\n').encode(), name="labs_2.csv")
    assert "holds a line break" in problems(con)[0][2]


@pytest.mark.parametrize("name", ["labs_1.csv", "labs_1.csv.gz"])
def test_crlf_and_lf_line_ends_mixed_in_one_file_load(con, tmp_path, monkeypatch, name):
    monkeypatch.setattr("pipelines.ingest.landing._CHUNK_BYTES", 7)  # line ends split across chunks
    text = ("\r\n".join([HEADER, ROW.format(n=1), ROW.format(n=2)]) + "\r\n" + ROW.format(n=3) + "\n").encode()
    land_text(con, tmp_path, gzip.compress(text) if name.endswith(".gz") else text, name=name)
    assert problems(con) == []
    assert con.execute("SELECT result_id, status FROM raw.labs ORDER BY 1").fetchall() == [
        ("r1", "F"), ("r2", "F"), ("r3", "F")]


@pytest.mark.parametrize("text, lines", [
    ("a,b\n1,2\n", 2), ("a,b\n1,2", 2), ("a,b\r\n1,2\r\n", 2), ("a,b\r1,2\r", 2), ("a,b\n\n1,2\n", 3),
    ("a,b\r\n1,\"x\ry\"\r\n", 3), ("", 0),
])
def test_the_decode_pass_counts_lines_as_the_csv_reader_splits_them(tmp_path, monkeypatch, text, lines):
    monkeypatch.setattr("pipelines.ingest.landing._CHUNK_BYTES", 3)  # CRLF split across chunks
    (tmp_path / "f.csv").write_bytes(text.encode())
    with _as_utf8(tmp_path / "f.csv", "utf-8") as decoded:
        assert decoded.lines == lines


@pytest.mark.parametrize("blank_lines", [0, 1])
def test_a_record_spanning_lines_is_refused_whether_or_not_blank_lines_were_skipped(con, tmp_path, blank_lines):
    # The line count spares re-reading raw only when every line is a record: a blank line (skipped
    # by the reader) and a merged record each break the count, and raw then names the record.
    lines = [HEADER, ROW.format(n=1)] + [""] * blank_lines + [ROW.format(n=2).replace("Ferritin", '"Ferritin\nnote"'),
                                                            ROW.format(n=3)]
    land_text(con, tmp_path, ("\n".join(lines) + "\n").encode())
    assert raw_count(con) == 0
    assert "record 2 holds a line break" in problems(con)[0][2]


def test_blank_lines_alone_do_not_refuse_a_file(con, tmp_path):
    land_text(con, tmp_path, ("\n".join([HEADER, ROW.format(n=1), "", ROW.format(n=2)]) + "\n\n").encode())
    assert problems(con) == [] and raw_count(con) == 2
