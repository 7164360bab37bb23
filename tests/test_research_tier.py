"""The research tier: what a researcher, and the patients in it, rely on (docs/RESEARCH.md)."""

import hashlib
import hmac
import os
import shutil
import stat
from datetime import date

import dagster as dg
import duckdb
import pytest

from pipelines import runner
from pipelines.cli import main
from pipelines.core.contract import DIAGNOSES, ENCOUNTERS, MEDICATIONS, PATIENTS
from pipelines.core.settings import REFERENCE_DIR
from pipelines.defs.research import research as research_asset
from pipelines.defs.resources import WarehouseResource
from pipelines.publish.snapshot import published_folder
from pipelines.research.release import AGE_CAP_DAYS, RELEASE_TABLE, RESEARCH_TABLES, release

from conftest import SITE_TZ, lab, vital, write_extract, write_labs, write_vitals

KEY = "research key for tests, not a real secret: 0123456789"
OTHER_KEY = "a rotated research key, also only for the tests!! " * 2  # longer than SHA-256's block
ALPHA, BRAVO, CHARLIE, DELTA = "pt-alpha-9f31", "pt-bravo-77c2", "pt-charlie-51aa", "pt-delta-0b4e"
FREE_TEXT = "call Dr Freetext on 5551234"


def keyed_hex(key: str, message: str) -> str:
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def expected_shift(key: str, patient_id: str, bound: int = 182) -> int:
    """The documented shift: HMAC(key, 'shift|' || patient_id), first 15 hex digits, into [-bound, bound]."""
    return int(keyed_hex(key, f"shift|{patient_id}")[:15], 16) % (2 * bound + 1) - bound


def at(patient_id: str, encounter_id: str, row: dict) -> dict:
    return {**row, "patient_id": patient_id, "encounter_id": encounter_id}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A screened warehouse of four patients, published, and a research release made with KEY.

    alpha: sJIA, flagged, values on both sides of the 2024-03-10 daylight-saving change;
    bravo: turns 90 between two results; charlie: 89 at every event; delta: no birth date."""
    folder = tmp_path_factory.mktemp("research")
    landing = folder / "landing"
    write_labs(landing, "labs_2024-01-10.csv", [
        at(BRAVO, "enc-bravo-3", lab("res-b-0001", "2276-4", "300", "ng/mL", "2024-01-10T06:00:00")),
        at(BRAVO, "enc-bravo-3", lab("res-b-0002", "2276-4", "320", "ng/mL", "2024-01-14T06:00:00")),
        at(CHARLIE, "enc-charlie-4", lab("res-c-0001", "777-3", "150", "K/uL", "2024-01-10T07:00:00")),
        at(DELTA, "", lab("res-d-0001", "777-3", "<5", "K/uL", "2024-01-12T07:00:00")),
    ])
    write_labs(landing, "labs_2024-03-09.csv", [
        at(ALPHA, "enc-alpha-7", {**lab("res-a-0001", "2276-4", "1000", "ng/mL", "2024-03-09T06:00:00"),
                                  "name": FREE_TEXT}),
        at(ALPHA, "enc-alpha-7", lab("res-a-0002", "777-3", "150", "K/uL", "2024-03-09T06:00:00")),
        at(ALPHA, "enc-alpha-7", lab("res-a-0003", "1920-8", "60", "U/L", "2024-03-09T06:00:00")),
        at(ALPHA, "enc-alpha-7", lab("res-a-0004", "2276-4", "4000", "ng/mL", "2024-03-11T06:00:00")),
        at(CHARLIE, "enc-charlie-4", lab("res-c-0002", "777-3", "140", "K/uL", "2024-03-11T07:00:00")),
    ])
    write_vitals(landing, "vitals_2024-03-09.csv", [
        at(ALPHA, "enc-alpha-7", vital("meas-a-0001", "39.2", "Cel", "2024-03-09T08:00:00"))])
    write_extract(landing / "diagnoses.csv", DIAGNOSES.columns, [
        {"patient_id": ALPHA, "encounter_id": "enc-alpha-7", "code_system": "ICD10CM", "code": "M08.20",
         "recorded_at": "2024-03-01T10:00:00"}])
    write_extract(landing / "medications.csv", MEDICATIONS.columns, [
        {"patient_id": ALPHA, "encounter_id": "enc-alpha-7", "code_system": "RXNORM", "code": "72435",
         "name": f"anakinra, {FREE_TEXT}", "dose": "100", "dose_unit": "mg", "route": "SC",
         "started_at": "2024-03-09T12:00:00", "ended_at": "2024-03-11T12:00:00"}])
    write_extract(landing / "patients.csv", PATIENTS.columns, [
        {"patient_id": ALPHA, "birth_date": "2012-05-02", "sex": "F"},
        {"patient_id": BRAVO, "birth_date": "1934-01-12", "sex": "M"},
        {"patient_id": CHARLIE, "birth_date": "1934-06-01", "sex": "F"},
        {"patient_id": DELTA, "birth_date": "", "sex": "U"}])
    write_extract(landing / "encounters.csv", ENCOUNTERS.columns, [
        {"patient_id": ALPHA, "encounter_id": "enc-alpha-7", "admit_at": "2024-03-08T22:00:00",
         "discharge_at": "2024-03-12T10:00:00", "encounter_type": "inpatient", "care_unit": "PICU"},
        {"patient_id": BRAVO, "encounter_id": "enc-bravo-3", "admit_at": "2024-01-09T09:00:00",
         "discharge_at": "", "encounter_type": "inpatient", "care_unit": "MED"},
        {"patient_id": CHARLIE, "encounter_id": "enc-charlie-4", "admit_at": "2024-01-10T05:00:00",
         "discharge_at": "2024-03-12T05:00:00", "encounter_type": "inpatient", "care_unit": "MED"}])
    with pytest.MonkeyPatch.context() as env:
        env.delenv("DAGSTER_HOME", raising=False)
        env.setenv("MASSCREEN_TIMEZONE", SITE_TZ)
        env.setenv("MASSCREEN_RESEARCH_KEY", KEY)
        runner.configure(folder / "w.duckdb", landing=landing)
        assert runner.run_range(date(2024, 1, 10), date(2024, 3, 12)).success
        release(folder / "w.duckdb", SITE_TZ)
    return published_folder(folder / "w.duckdb")


def snapshot_copy(published, tmp_path):
    """The published snapshot alone, beside a warehouse path of its own: a place for another release."""
    (tmp_path / "published").mkdir(mode=0o700)
    shutil.copyfile(published / "warehouse.duckdb", tmp_path / "published" / "warehouse.duckdb")
    return tmp_path / "w.duckdb", tmp_path / "published"


def both(published, research_file=None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"ATTACH '{published / 'warehouse.duckdb'}' AS snap (READ_ONLY)")
    con.execute(f"ATTACH '{research_file or published / 'research.duckdb'}' AS res (READ_ONLY)")
    return con


def source_ids(con, column: str) -> set[str]:
    tables = [f"snap.{s}.{t}" for s, t in con.execute(
        "SELECT schema_name, table_name FROM duckdb_columns() WHERE database_name = 'snap' AND column_name = ?",
        [column]).fetchall()]
    return {value for table in tables for (value,) in con.execute(
        f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()}


def assert_dates_shifted(con, key: str, bound: int = 182) -> dict[str, int]:
    """Every DATE and TIMESTAMP column of the release holds the snapshot's values moved by the
    patient's shift (whole days, exactly): returns the shifts."""
    patients = source_ids(con, "patient_id")
    shifts = {p: expected_shift(key, p, bound) for p in patients}
    con.execute("CREATE OR REPLACE TEMP TABLE keys (patient_id VARCHAR, pseudonym VARCHAR, shift_days INTEGER)")
    con.executemany("INSERT INTO keys VALUES (?, ?, ?)", [(p, keyed_hex(key, p), s) for p, s in shifts.items()])
    columns = con.execute("""SELECT schema_name || '.' || table_name, column_name, data_type FROM duckdb_columns()
                             WHERE database_name = 'res' AND (data_type = 'DATE' OR data_type LIKE 'TIMESTAMP%')
                             AND data_type NOT LIKE '%[]'  -- lists of times: checked below, element by element
                             AND table_name <> 'release' AND column_name <> 'birth_date'  -- withheld when over 89
                             """).fetchall()
    assert {table for table, _, _ in columns} == set(RESEARCH_TABLES) - {"staging.patients"}
    for table, column, data_type in columns:
        moved = "k.shift_days" if data_type == "DATE" else "to_hours(24 * k.shift_days)"
        expected = f"SELECT k.pseudonym, s.{column} + {moved} FROM snap.{table} AS s JOIN keys AS k USING (patient_id)"
        published_rows = f"SELECT patient_id, {column} FROM res.{table}"
        difference = con.execute(f"SELECT count(*) FROM (({expected} EXCEPT ALL {published_rows}) "
                                 f"UNION ALL ({published_rows} EXCEPT ALL {expected}))").fetchone()[0]
        assert difference == 0, (table, column)
    lists = con.execute("""SELECT schema_name || '.' || table_name, column_name FROM duckdb_columns()
                           WHERE database_name = 'res' AND data_type LIKE 'TIMESTAMP%[]'""").fetchall()
    for table, column in lists:
        expected = (f"SELECT k.pseudonym, list_transform(s.{column}, t -> t + to_hours(24 * k.shift_days)) "
                    f"FROM snap.{table} AS s JOIN keys AS k USING (patient_id)")
        published_rows = f"SELECT patient_id, {column} FROM res.{table}"
        difference = con.execute(f"SELECT count(*) FROM (({expected} EXCEPT ALL {published_rows}) "
                                 f"UNION ALL ({published_rows} EXCEPT ALL {expected}))").fetchone()[0]
        assert difference == 0, (table, column)
    return shifts


def test_patient_and_encounter_keys_are_hmac_sha256_of_the_ids(published):
    with both(published) as con:
        patients = {p for (p,) in con.execute("SELECT patient_id FROM res.staging.patients").fetchall()}
        assert patients == {keyed_hex(KEY, p) for p in (ALPHA, BRAVO, CHARLIE, DELTA)}
        encounters = {e for (e,) in con.execute("SELECT encounter_id FROM res.staging.encounters").fetchall()}
        assert encounters == {keyed_hex(KEY, f"encounter|{e}") for e in ("enc-alpha-7", "enc-bravo-3", "enc-charlie-4")}
        assert con.execute("SELECT count(*) FROM res.staging.lab_results WHERE encounter_id IS NULL").fetchone() == (1,)


def test_a_key_longer_than_a_hash_block_is_hashed_first_as_hmac_does(published, tmp_path, monkeypatch):
    warehouse, folder = snapshot_copy(published, tmp_path)
    monkeypatch.setenv("MASSCREEN_RESEARCH_KEY", OTHER_KEY)
    release(warehouse, SITE_TZ)
    with duckdb.connect(str(folder / "research.duckdb"), read_only=True) as con:
        patients = {p for (p,) in con.execute("SELECT patient_id FROM staging.patients").fetchall()}
    assert patients == {keyed_hex(OTHER_KEY, p) for p in (ALPHA, BRAVO, CHARLIE, DELTA)}


def test_no_identifier_or_free_text_is_left_anywhere(published):
    with both(published) as con:
        secrets = set()
        for column in ("patient_id", "encounter_id", "result_id", "measurement_id", "_load_id", "_source_file"):
            secrets |= source_ids(con, column)
        secrets.add(FREE_TEXT)
        con.execute("CREATE TEMP TABLE secrets AS SELECT unnest(?) AS text", [sorted(secrets)])
        tables = con.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables() "
                             "WHERE database_name = 'res'").fetchall()
        assert sorted(t for (t,) in tables) == sorted((*RESEARCH_TABLES, RELEASE_TABLE))
        for (table,) in tables:  # every column of every row, lists and structs included, as text
            found = con.execute(f"SELECT DISTINCT s.text FROM res.{table} AS r, secrets AS s "
                                "WHERE contains(CAST(r AS VARCHAR), s.text)").fetchall()
            assert found == [], table
        dropped = con.execute("""SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE database_name = 'res'
                                 AND column_name IN ('value_text', 'name', 'unit_as_sent', 'evidence')""").fetchall()
        assert dropped == []
    files = [published / "research.duckdb", *(published / "research-parquet").iterdir()]
    for path in files:
        content = path.read_bytes()
        assert not [s for s in secrets if s.encode() in content], path


def test_every_date_moves_by_its_patients_own_shift_within_the_bound(published):
    with both(published) as con:
        shifts = assert_dates_shifted(con, KEY)
    assert all(-182 <= s <= 182 for s in shifts.values())
    assert len(set(shifts.values())) > 1, "patients do not share one shift"


def test_intervals_between_a_patients_events_are_kept_exactly_across_daylight_saving(published):
    pseudonym = keyed_hex(KEY, ALPHA)
    with both(published) as con:
        source = con.execute("SELECT max(collected_at) - min(collected_at) FROM snap.staging.lab_results "
                             "WHERE patient_id = ?", [ALPHA]).fetchone()[0]
        shifted = con.execute("SELECT max(collected_at) - min(collected_at) FROM res.staging.lab_results "
                              "WHERE patient_id = ?", [pseudonym]).fetchone()[0]
    assert source.total_seconds() == shifted.total_seconds() == 47 * 3600  # the night clocks sprang forward


def test_rotating_the_key_changes_every_pseudonym_and_the_shifts(published, tmp_path, monkeypatch):
    warehouse, folder = snapshot_copy(published, tmp_path)
    monkeypatch.setenv("MASSCREEN_RESEARCH_KEY", OTHER_KEY)
    release(warehouse, SITE_TZ)
    with both(published) as old, both(folder) as new:
        old_shifts, new_shifts = assert_dates_shifted(old, KEY), assert_dates_shifted(new, OTHER_KEY)
        for column in ("patient_id", "encounter_id"):
            query = f"SELECT DISTINCT {column} FROM res.staging.lab_results WHERE {column} IS NOT NULL"
            assert not set(old.execute(query).fetchall()) & set(new.execute(query).fetchall())
    assert old_shifts != new_shifts


def test_the_shift_bound_is_a_setting_and_is_recorded(published, tmp_path, monkeypatch):
    warehouse, folder = snapshot_copy(published, tmp_path)
    monkeypatch.setenv("MASSCREEN_RESEARCH_KEY", KEY)
    monkeypatch.setenv("MASSCREEN_RESEARCH_MAX_SHIFT_DAYS", "3")
    release(warehouse, SITE_TZ)
    with both(folder) as con:
        assert all(-3 <= s <= 3 for s in assert_dates_shifted(con, KEY, bound=3).values())
        assert con.execute("SELECT DISTINCT max_shift_days FROM res.main.release").fetchall() == [(3,)]


def test_every_snapshot_row_is_in_the_release_and_counted(published):
    with both(published) as con:
        recorded = dict(con.execute("SELECT table_name, row_count FROM res.main.release").fetchall())
        for table in RESEARCH_TABLES:
            rows = con.execute(f"SELECT count(*) FROM snap.{table}").fetchone()[0]
            assert con.execute(f"SELECT count(*) FROM res.{table}").fetchone()[0] == rows == recorded[table], table
        assert con.execute("SELECT count(*) FROM res.screen.at_risk_daily").fetchone()[0] > 0
        version = con.execute("SELECT DISTINCT rule_set_version FROM snap.screen.rule_evaluations").fetchall()
        assert con.execute("SELECT DISTINCT rule_set_version FROM res.main.release").fetchall() == version


def test_ages_over_89_are_withheld_and_capped(published):
    with both(published) as con:
        patients = {p: (birth, over) for p, birth, over in con.execute(
            "SELECT patient_id, birth_date, age_over_89 FROM res.staging.patients").fetchall()}
        ages = dict(con.execute("SELECT patient_id, list(DISTINCT age_days) FROM res.screen.rule_evaluations "
                                "GROUP BY ALL").fetchall())
        oldest_age = con.execute("SELECT max(age_days) FROM res.screen.rule_evaluations").fetchone()[0]
    assert patients[keyed_hex(KEY, BRAVO)] == (None, True)  # 90 at the second result
    assert ages[keyed_hex(KEY, BRAVO)] == [AGE_CAP_DAYS]
    charlie_birth, charlie_over = patients[keyed_hex(KEY, CHARLIE)]
    assert charlie_over is False
    assert (charlie_birth - date(1934, 6, 1)).days == expected_shift(KEY, CHARLIE)
    assert all(age < AGE_CAP_DAYS for age in ages[keyed_hex(KEY, CHARLIE)])
    assert patients[keyed_hex(KEY, DELTA)] == (None, None)  # no birth date, age unknown
    assert oldest_age == AGE_CAP_DAYS


@pytest.mark.parametrize("key", [None, "too short, 31 characters long!!"])
def test_without_a_proper_key_nothing_is_written(published, tmp_path, monkeypatch, capsys, key):
    warehouse, folder = snapshot_copy(published, tmp_path)
    if key is None:
        monkeypatch.delenv("MASSCREEN_RESEARCH_KEY", raising=False)
    else:
        monkeypatch.setenv("MASSCREEN_RESEARCH_KEY", key)
    with pytest.raises(ValueError, match="MASSCREEN_RESEARCH_KEY"):
        release(warehouse, SITE_TZ)
    monkeypatch.setenv("MASSCREEN_TIMEZONE", SITE_TZ)
    assert main(["research", "--warehouse", str(warehouse)]) == 1
    assert "MASSCREEN_RESEARCH_KEY" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["warehouse.duckdb"]


def test_release_files_are_owner_only(published):
    parquet = (published / "research-parquet").resolve()
    assert stat.S_IMODE(parquet.stat().st_mode) == 0o700
    for path in (published / "research.duckdb", *parquet.iterdir()):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_a_reader_of_the_previous_release_is_undisturbed(published, tmp_path, monkeypatch):
    warehouse, folder = snapshot_copy(published, tmp_path)
    monkeypatch.setenv("MASSCREEN_RESEARCH_KEY", KEY)
    release(warehouse, SITE_TZ)
    reader = duckdb.connect(str(folder / "research.duckdb"), read_only=True)
    query = "SELECT list(patient_id ORDER BY patient_id) FROM staging.patients"
    before = reader.execute(query).fetchone()
    monkeypatch.setenv("MASSCREEN_RESEARCH_KEY", OTHER_KEY)
    release(warehouse, SITE_TZ)  # replaces the file the reader holds open
    assert reader.execute(query).fetchone() == before
    reader.close()
    with duckdb.connect(str(folder / "research.duckdb"), read_only=True) as fresh:
        assert fresh.execute(query).fetchone() != before
    assert len([p for p in folder.iterdir() if p.name.startswith("research-parquet-")]) == 1


def test_the_dagster_asset_releases_from_the_snapshot(published, tmp_path, monkeypatch):
    warehouse, folder = snapshot_copy(published, tmp_path)
    monkeypatch.setenv("MASSCREEN_RESEARCH_KEY", KEY)
    resource = WarehouseResource(path=str(warehouse), landing=str(tmp_path), timezone=SITE_TZ,
                                 rules=str(REFERENCE_DIR / "rules.yaml"))
    result = dg.materialize([research_asset], resources={"warehouse": resource})
    assert result.success
    assert not warehouse.exists()  # the live warehouse is never opened
    metadata = result.asset_materializations_for_node("publish__research")[0].metadata
    assert metadata["staging.patients"].value == 4
    assert os.path.getsize(folder / "research.duckdb") > 0


def test_with_an_encrypted_snapshot_the_release_opens_without_the_site_key(site, monkeypatch):
    folder, _ = site
    monkeypatch.setenv("MASSCREEN_ENCRYPTION_KEY", "the site's at-rest key, not for researchers")
    monkeypatch.setenv("MASSCREEN_RESEARCH_KEY", KEY)
    assert runner.run_range(date(2024, 1, 10), date(2024, 1, 10)).success
    release(folder / "w.duckdb", SITE_TZ)
    published = published_folder(folder / "w.duckdb")
    with duckdb.connect(str(published / "research.duckdb"), read_only=True) as con:
        assert con.execute("SELECT patient_id FROM staging.lab_results").fetchall() == [(keyed_hex(KEY, "p1"),)]
        assert con.execute("SELECT count(*) FROM read_parquet(?)",
                           [str(published / "research-parquet" / "staging.vital_signs.parquet")]).fetchall() == [(1,)]
