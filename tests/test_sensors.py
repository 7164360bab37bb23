"""Sensors: new files start a run of the last complete day; changed days are requested as
contiguous blocks; nothing is requested when nothing changed."""

from datetime import date

import dagster as dg

from pipelines.core.settings import REFERENCE_DIR
from pipelines.core.warehouse import connect
from pipelines.defs.resources import WarehouseResource
from pipelines.defs.sensors import changed_days_sensor, new_files_sensor
from pipelines.partition_runs import within_partitions

from conftest import SITE_TZ, lab, write_labs


def resource(tmp_path) -> WarehouseResource:
    return WarehouseResource(path=str(tmp_path / "w.duckdb"), landing=str(tmp_path / "landing"), timezone=SITE_TZ,
                             rules=str(REFERENCE_DIR / "rules.yaml"))


def test_new_files_start_one_run_of_the_last_complete_day(tmp_path):
    warehouse = resource(tmp_path)
    write_labs(tmp_path / "landing", "labs_1.csv", [lab("r1", "2276-4", "300", "ng/mL", "2024-01-10T06:00:00")])
    with dg.build_sensor_context(resources={"warehouse": warehouse}) as context:
        first = new_files_sensor(context)
        assert isinstance(first, dg.RunRequest)
        assert first.tags["dagster/asset_partition_range_start"] == first.tags["dagster/asset_partition_range_end"]
        assert isinstance(new_files_sensor(context), dg.SkipReason)  # same files: nothing new
        write_labs(tmp_path / "landing", "labs_2.csv", [lab("r2", "777-3", "90", "K/uL", "2024-01-11T06:00:00")])
        assert isinstance(new_files_sensor(context), dg.RunRequest)


def test_changed_days_are_requested_as_contiguous_blocks(tmp_path):
    warehouse = resource(tmp_path)
    with connect(tmp_path / "w.duckdb", SITE_TZ) as con:
        con.execute("INSERT INTO meta.runs VALUES ('r0', 'features.patient_day', now(), now(), NULL, NULL, "
                    "DATE '2024-01-01', DATE '2024-01-31', 0, NULL)")
        con.execute("INSERT INTO meta.changed_days SELECT 'r1', d, NULL FROM unnest([DATE '2024-01-03', "
                    "DATE '2024-01-04', DATE '2024-01-09', DATE '2024-02-15']) AS t(d)")
    with dg.build_sensor_context(resources={"warehouse": warehouse}) as context:
        requests = changed_days_sensor(context)
    assert [(r.tags["dagster/asset_partition_range_start"], r.tags["dagster/asset_partition_range_end"])
            for r in requests] == [("2024-01-03", "2024-01-04"), ("2024-01-09", "2024-01-09")]


def test_changed_days_are_clipped_to_existing_partitions():
    assert within_partitions([(date(1999, 1, 1), date(2024, 1, 5)), (date(2999, 1, 1), date(2999, 1, 2))]) == [
        (date(2024, 1, 1), date(2024, 1, 5))]


def test_a_second_late_file_touching_the_same_days_gets_its_own_run(tmp_path):
    """Two late files, each loaded by its own run, change the same days: two distinct run keys (the
    first was launched and its days are still pending when the second arrives), and asking again
    for the same pending change repeats its key (Dagster then starts it once)."""
    from pipelines.features import changed_days
    from pipelines.ingest import presets
    from pipelines.staging import staged_tables

    warehouse = resource(tmp_path)
    landing = tmp_path / "landing"
    with connect(tmp_path / "w.duckdb", SITE_TZ) as con:
        staged_tables.refresh_reference_tables(con)
        con.execute("INSERT INTO meta.runs VALUES ('r0', 'features.patient_day', now(), now(), NULL, NULL, "
                    "DATE '2024-01-01', DATE '2024-01-31', 0, NULL)")
        write_labs(landing, "labs_late_1.csv", [lab("r1", "2276-4", "300", "ng/mL", "2024-01-10T06:00:00")])
        presets.land(con, landing, run_id="late1")
        changed_days.record_changed_days(con, "late1")
    keys = []
    with dg.build_sensor_context(resources={"warehouse": warehouse}) as context:
        first = changed_days_sensor(context)
        assert [r.run_key for r in changed_days_sensor(context)] == [r.run_key for r in first]  # asked twice: one run
        keys += [r.run_key for r in first]
    with connect(tmp_path / "w.duckdb", SITE_TZ) as con:
        write_labs(landing, "labs_late_2.csv", [lab("r2", "777-3", "90", "K/uL", "2024-01-10T07:00:00")])
        presets.land(con, landing, run_id="late2")
        changed_days.record_changed_days(con, "late2")
    with dg.build_sensor_context(resources={"warehouse": warehouse}) as context:
        second = changed_days_sensor(context)
    assert [(r.tags["dagster/asset_partition_range_start"], r.tags["dagster/asset_partition_range_end"])
            for r in second] == [(r.tags["dagster/asset_partition_range_start"], r.tags["dagster/asset_partition_range_end"])
                                 for r in first]
    assert set(r.run_key for r in second).isdisjoint(keys)
