"""What a night's loading says about its sources, so nothing passes in silence: files no kind
recognises, a source that stopped delivering, a source that cannot be read at all, and which
errors are worth retrying."""

import duckdb
import pytest

from pipelines.core.site_config import Source
from pipelines.defs.retries import is_transient
from pipelines.ingest import presets
from pipelines.ingest.landing import NoExtracts, review_sources

from conftest import lab, write_labs

T = "2024-01-01T06:00:00"


def night(con, sources, run_id):
    presets.land_sources(con, sources, run_id)
    review_sources(con, sources, run_id, {})
    return con.execute("SELECT check_name, subject, detail FROM meta.run_warnings WHERE run_id = ? ORDER BY 1, 2",
                       [run_id]).fetchall()


def test_a_source_that_delivered_before_and_not_tonight_is_named(con, tmp_path):
    lis, icu = tmp_path / "lis", tmp_path / "icu"
    write_labs(lis, "labs_1.csv", [lab("r1", "2276-4", "900", "ng/mL", T)])
    write_labs(icu, "labs_1.csv", [lab("r1", "2276-4", "900", "ng/mL", T, patient_id="p2")])
    sources = (Source("lis", "canonical", lis), Source("icu", "canonical", icu))
    assert night(con, sources, "night1") == []
    write_labs(lis, "labs_2.csv", [lab("r2", "2276-4", "950", "ng/mL", T)])
    [(check, subject, detail)] = night(con, sources, "night2")
    assert (check, subject) == ("silent_source", "icu")
    assert "labs_1.csv (run night1)" in detail


def test_a_header_only_file_delivers_no_rows(con, tmp_path):
    lis = tmp_path / "lis"
    write_labs(lis, "labs_1.csv", [lab("r1", "2276-4", "900", "ng/mL", T)])
    sources = (Source("lis", "canonical", lis),)
    night(con, sources, "night1")
    write_labs(lis, "labs_2.csv", [])
    assert [row[:2] for row in night(con, sources, "night2")] == [("silent_source", "lis")]


def test_a_file_no_kind_recognises_is_named(con, tmp_path):
    lis = tmp_path / "lis"
    write_labs(lis, "labs_1.csv", [lab("r1", "2276-4", "900", "ng/mL", T)])
    (lis / "lab_results_2.csv").write_text("x\n")  # not 'labs...'
    [(check, subject, detail)] = night(con, (Source("lis", "canonical", lis),), "night1")
    assert (check, subject) == ("unrecognised_file", "lis/lab_results_2.csv")
    assert "labs*{.csv,.csv.gz,.parquet}" in detail


def test_no_extract_file_anywhere_is_an_error_naming_what_was_looked_for(con, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoExtracts, match=r"source 'lis' \(canonical\) at .*empty: files named labs\*.*the folder is empty"):
        night(con, (Source("lis", "canonical", tmp_path / "empty"),), "night1")


def test_a_source_that_cannot_be_read_at_all_does_not_stop_the_others(con, tmp_path):
    write_labs(tmp_path / "lis", "labs_1.csv", [lab("r1", "2276-4", "900", "ng/mL", T)])
    (tmp_path / "omop.zip").write_text("not a zip")
    sources = (Source("omop", "omop_cdm_54", tmp_path / "omop.zip"), Source("lis", "canonical", tmp_path / "lis"))
    [(check, subject, detail)] = night(con, sources, "night1")
    assert (check, subject) == ("unreadable_file", "omop/omop.zip")
    assert "neither a folder nor a zip archive" in detail
    assert con.execute("SELECT count(*) FROM raw.labs").fetchone()[0] == 1


@pytest.mark.parametrize("error, transient", [
    (duckdb.IOException('IO Error: Could not set lock on file "w.duckdb": Conflicting lock is held'), True),
    (OSError(5, "Input/output error"), True),
    (OSError(28, "No space left on device"), True),
    (PermissionError(13, "Permission denied"), False),
    (IsADirectoryError(21, "Is a directory"), False),
    (duckdb.IOException('IO Error: Cannot open file "/x": Permission denied'), False),
    (ValueError("bad"), False),
])
def test_only_errors_that_can_pass_are_retried(error, transient):
    assert is_transient(error) is transient
