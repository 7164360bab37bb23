"""Landed files as they really come: each loads whole (bad lines quarantined) or is refused whole
with an error that names the file; never half loaded."""

import pytest

from pipelines import stages
from pipelines.contract import LABS
from pipelines.landing import FileRefused


HEADER = ",".join(LABS.columns)
ROW = "p1,e1,r{n},2276-4,Ferritin,900,ng/mL,,,2024-01-01T06:00:00,2024-01-01T08:00:00,F"


def land_text(con, tmp_path, content: bytes, name="labs_1.csv"):
    (tmp_path / name).write_bytes(content)
    return stages.land(con, tmp_path, run_id="t")


def raw_count(con) -> int:
    return con.execute("SELECT count(*) FROM raw.labs").fetchone()[0]


@pytest.mark.parametrize("content, message", [
    (b"", "empty file, no header line"),
    ((HEADER.replace(",", ";") + "\n" + ROW.format(n=1).replace(",", ";") + "\n").encode(),
     "missing required column"),                                   # wrong delimiter
    ((HEADER + "\n" + ROW.format(n=1).replace("Ferritin", "Ferritín") + "\n").encode("latin-1"),
     "not UTF-8"),
    ((HEADER.replace(",collected_at", "") + "\n").encode(), "missing required column.*collected_at"),
])
def test_a_file_that_cannot_be_read_is_refused_whole_and_named(con, tmp_path, content, message):
    with pytest.raises(FileRefused, match=f"labs_1.csv.*{message}"):
        land_text(con, tmp_path, content)
    assert raw_count(con) == 0
    assert con.execute("SELECT count(*) FROM meta.loads").fetchone()[0] == 0


def test_header_only_loads_as_an_empty_load(con, tmp_path):
    loads = land_text(con, tmp_path, (HEADER + "\n").encode())
    assert [(load.rows_in, load.malformed_lines) for load in loads] == [(0, 0)]


def test_utf8_with_bom_and_crlf_line_ends_load(con, tmp_path):
    text = "\r\n".join([HEADER, ROW.format(n=1), ROW.format(n=2)]) + "\r\n"
    land_text(con, tmp_path, b"\xef\xbb\xbf" + text.encode())
    assert con.execute("SELECT patient_id, result_id FROM raw.labs ORDER BY 2").fetchall() == [("p1", "r1"), ("p1", "r2")]


def test_a_truncated_last_line_is_quarantined_with_its_line_number(con, tmp_path):
    text = "\n".join([HEADER, ROW.format(n=1), ROW.format(n=2), "p1,e1,r3,2276-4,Ferr"])
    land_text(con, tmp_path, text.encode())
    for table in stages.STAGED_TABLES:
        stages.stage(con, table)
    assert con.execute("SELECT source_line, reason FROM quarantine.rejected_rows").fetchall() == [(4, "malformed_row")]
    assert con.execute("SELECT count(*) FROM staging.lab_results").fetchone()[0] == 2
    assert all(load["balanced"] for load in stages.reconcile(con))


def test_an_extra_column_is_kept_in_raw_and_ignored_after(con, tmp_path):
    text = "\n".join([HEADER + ",lab_site", ROW.format(n=1) + ",north"]) + "\n"
    land_text(con, tmp_path, text.encode())
    assert con.execute("SELECT _extra->>'lab_site' FROM raw.labs").fetchone() == ("north",)
    assert con.execute("SELECT extra_columns FROM meta.loads").fetchone() == (["lab_site"],)


def test_a_file_that_fails_mid_load_leaves_nothing_behind(con, tmp_path):
    (tmp_path / "labs_1.csv").write_text("\n".join([HEADER, ROW.format(n=1)]) + "\n")
    (tmp_path / "labs_2.csv").write_bytes(b"")
    with pytest.raises(FileRefused, match="labs_2.csv"):
        stages.land(con, tmp_path, run_id="t")
    # the good file committed on its own; the refused one left no rows and no load record
    assert con.execute("SELECT source_file FROM meta.loads").fetchall() == [("labs_1.csv",)]
    assert raw_count(con) == 1
