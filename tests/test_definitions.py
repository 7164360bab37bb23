"""The Dagster code location: loads, has the expected graph, schedule and pools; assets materialize."""

import json
import re
import shutil
from datetime import datetime

import dagster as dg
import pytest

from pipelines.core.settings import EXPECTATIONS_DIR, PROJECT_DIR, REFERENCE_DIR
from pipelines.definitions import defs
from pipelines.defs import checks, features, ingest, publish, screen
from pipelines.defs.research import RESEARCH
from pipelines.defs.resources import EngineResource, WarehouseResource

from conftest import SITE_TZ, lab, vital, write_extract, write_labs, write_vitals
from pipelines.core.contract import DIAGNOSES

EXPECTED_ASSETS = {"raw/extracts", "staging/lab_results", "staging/vital_signs", "staging/diagnoses",
                   "staging/medications", "staging/patients", "staging/encounters", "features/patient_day",
                   "screen/at_risk_daily", "publish/snapshot", "publish/research", "screen/episodes",
                   "audit/recognition", "audit/adjudications", "audit/missed_cases", "audit/screen_performance"}


@pytest.fixture(scope="module")
def definitions() -> dg.Definitions:
    return defs()


def test_definitions_load_with_the_whole_graph(definitions):
    graph = definitions.resolve_asset_graph()
    assert {key.to_user_string() for key in graph.get_all_asset_keys()} == EXPECTED_ASSETS
    assert graph.get(screen.AT_RISK_DAILY).parent_keys == {
        dg.AssetKey(["features", "patient_day"]), *(dg.AssetKey(["staging", table])
                                                    for table in ("diagnoses", "medications", "patients", "encounters"))}
    check_names = {key.name for key in graph.asset_check_keys}
    assert check_names == {f"{table}_contract" for table in ("lab_results", "vital_signs", "diagnoses", "medications",
                                                             "patients", "encounters")} | {
        "rows_reconcile", "extract_files_readable", "sources_delivered", "patients_known",
        "adjudications_file_readable", "adjudications_reconcile"}


def test_every_warehouse_writer_is_in_the_single_duckdb_pool(definitions):
    for node in definitions.resolve_asset_graph().asset_nodes:
        if node.key == RESEARCH:  # reads the published snapshot only; one release at a time
            assert node.pools == {"research"}
        else:
            assert node.pools == {"duckdb"}, node.key


def test_the_research_release_has_its_own_job_and_the_nightly_job_does_not_need_its_key(definitions):
    def assets(job_name: str) -> set[dg.AssetKey]:
        return set(definitions.resolve_job_def(job_name).asset_layer.selected_asset_keys)

    assert RESEARCH not in assets("mas_screen")
    assert dg.AssetKey(["publish", "snapshot"]) in assets("mas_screen")
    assert assets("research_release") == {RESEARCH}
    assert definitions.resolve_asset_graph().get(RESEARCH).parent_keys == {dg.AssetKey(["publish", "snapshot"])}
    weekly = definitions.resolve_schedule_def("research_release_weekly")
    assert (weekly.cron_schedule, weekly.execution_timezone, weekly.job_name) == ("0 2 * * 1", SITE_TZ, "research_release")


def test_partitioned_assets_share_one_daily_definition_and_backfill_in_one_run(definitions):
    graph = definitions.resolve_asset_graph()
    partitioned = [n for n in graph.asset_nodes if n.partitions_def is not None]
    assert {n.key.to_user_string() for n in partitioned} == {"features/patient_day", "screen/at_risk_daily"}
    assert len({id(n.partitions_def) for n in partitioned}) == 1
    assert partitioned[0].partitions_def.timezone == SITE_TZ
    assert all(n.backfill_policy == dg.BackfillPolicy.single_run() for n in partitioned)


def test_nightly_schedule_runs_yesterdays_partition(definitions):
    schedule = definitions.resolve_schedule_def("mas_screen_nightly")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", SITE_TZ)
    context = dg.build_schedule_context(scheduled_execution_time=datetime.fromisoformat("2024-03-05T02:00:00-05:00"))
    run_requests = list(schedule.evaluate_tick(context).run_requests)
    assert [request.partition_key for request in run_requests] == ["2024-03-04"]


def test_assets_materialize_on_a_temporary_warehouse(tmp_path):
    landing = tmp_path / "landing"
    write_labs(landing, "labs_2024-01-10.csv", [
        lab("f", "2276-4", "1000", "ng/mL", "2024-01-10T06:00:00"),
        lab("p", "777-3", "150", "K/uL", "2024-01-10T06:00:00"),
        lab("a", "1920-8", "60", "U/L", "2024-01-10T06:00:00"),
        lab("x", "1920-8", "hemolyzed", "U/L", "2024-01-10T06:00:00"),
    ])
    write_vitals(landing, "vitals_2024-01-10.csv", [vital("t", "39.2", "Cel", "2024-01-10T08:00:00")])
    write_extract(landing / "diagnoses.csv", DIAGNOSES.columns, [
        {"patient_id": "p1", "encounter_id": "e1", "code_system": "ICD10CM", "code": "M08.20",
         "recorded_at": "2024-01-09T10:00:00"}])
    warehouse = WarehouseResource(path=str(tmp_path / "w.duckdb"), landing=str(landing), timezone=SITE_TZ,
                                  rules=str(REFERENCE_DIR / "rules.yaml"))
    everything = [ingest.raw_extracts, ingest.staging_tables, features.patient_day, screen.at_risk_daily,
                  publish.snapshot,
                  *checks.contract_checks, checks.rows_reconcile]
    for attempt in range(2):  # a re-run replaces its slice: same tables, no duplicates
        result = dg.materialize(everything, resources={"warehouse": warehouse, "engine": EngineResource()},
                                partition_key="2024-01-10")
        assert result.success
        failed = {e.check_name for e in result.get_asset_check_evaluations() if not e.passed}
        # the re-run finds no new file: the source is named as silent (a warning), nothing else fails
        assert failed == (set() if attempt == 0 else {"sources_delivered"})
    with warehouse.connect() as con:
        assert con.execute("SELECT patient_id, as_of_date::VARCHAR, tier, rules_fired FROM screen.at_risk_daily").fetchall() == [
            ("p1", "2024-01-10", "criteria_met", ["eular_acr_2016"])]
        assert con.execute("SELECT count(*) FROM features.patient_day").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM quarantine.rejected_rows").fetchone()[0] == 1
        assert con.execute("SELECT count(DISTINCT step) FROM meta.runs").fetchone()[0] == 10
        assert con.execute("SELECT bool_and(success) FROM meta.validation_results").fetchone()[0]


def test_the_screen_declares_every_table_its_sql_reads(definitions):
    """A table the screen SQL reads but the asset does not declare escapes its blocking checks."""
    read = {dg.AssetKey([schema, table])
            for path in (PROJECT_DIR / "sql" / "screen").rglob("*.sql")
            for schema, table in re.findall(r"\b(staging|features)\.([a-z_]+)\b", path.read_text())}
    assert read  # the pattern finds the reads at all
    assert read <= definitions.resolve_asset_graph().get(screen.AT_RISK_DAILY).parent_keys


@pytest.fixture
def broken_diagnoses_suite(tmp_path, monkeypatch):
    """The checks read a copy of expectations/ whose diagnoses suite has one more critical
    expectation, which a staged ICD-10-CM row breaks."""
    suites = tmp_path / "expectations"
    shutil.copytree(EXPECTATIONS_DIR, suites)
    suite = json.loads((suites / "diagnoses.json").read_text())
    suite["expectations"].append({
        "type": "expect_column_values_to_be_in_set", "kwargs": {"column": "code_system", "value_set": ["SNOMED"]},
        "meta": {"why": "test: broken on purpose"}, "severity": "critical"})
    (suites / "diagnoses.json").write_text(json.dumps(suite))
    monkeypatch.setattr(checks, "EXPECTATIONS_DIR", suites)


def _run_with_a_diagnosis(tmp_path, name: str, selection: list) -> tuple[dg.ExecuteInProcessResult, set[dg.AssetKey]]:
    landing = tmp_path / name / "landing"
    write_labs(landing, "labs_2024-01-10.csv", [lab("f", "2276-4", "1000", "ng/mL", "2024-01-10T06:00:00")])
    write_extract(landing / "diagnoses.csv", DIAGNOSES.columns, [
        {"patient_id": "p1", "encounter_id": "e1", "code_system": "ICD10CM", "code": "M08.20",
         "recorded_at": "2024-01-09T10:00:00"}])
    warehouse = WarehouseResource(path=str(tmp_path / name / "w.duckdb"), landing=str(landing), timezone=SITE_TZ,
                                  rules=str(REFERENCE_DIR / "rules.yaml"))
    result = dg.materialize(selection, resources={"warehouse": warehouse, "engine": EngineResource()}, partition_key="2024-01-10",
                            raise_on_error=False)
    failed = {(e.check_name, e.severity) for e in result.get_asset_check_evaluations() if not e.passed}
    assert failed == {("diagnoses_contract", dg.AssetCheckSeverity.ERROR)}
    assert not result.success
    return result, {e.asset_key for e in result.get_asset_materialization_events()}


def test_a_failed_blocking_check_on_diagnoses_stops_the_screen(tmp_path, broken_diagnoses_suite):
    steps = [ingest.raw_extracts, ingest.staging_tables, features.patient_day, screen.at_risk_daily]
    # The whole nightly set: rows_reconcile waits for every staging table, so it is held back too,
    # and features (behind its lab_results check) stop with the screen.
    _, materialized = _run_with_a_diagnosis(tmp_path, "all", [*steps, *checks.contract_checks, checks.rows_reconcile])
    assert {features.PATIENT_DAY, screen.AT_RISK_DAILY}.isdisjoint(materialized)
    # Without that detour the screen's own deps stop it: features, which do not read diagnoses, go on.
    _, materialized = _run_with_a_diagnosis(tmp_path, "contracts", [*steps, *checks.contract_checks])
    assert features.PATIENT_DAY in materialized
    assert screen.AT_RISK_DAILY not in materialized


def test_the_warehouse_resource_reads_the_environment_as_dagster_env_vars(tmp_path, monkeypatch):
    """The UI's and daemon's resource: a variable set in the environment is a dagster.EnvVar (read
    when a run starts); one not set is the settings' default."""
    monkeypatch.setenv("MASSCREEN_WAREHOUSE", str(tmp_path / "site.duckdb"))
    monkeypatch.delenv("MASSCREEN_LANDING", raising=False)
    from pipelines.defs.resources import resources

    warehouse = resources().resources["warehouse"]
    assert warehouse.path == dg.EnvVar("MASSCREEN_WAREHOUSE")
    assert warehouse.landing == "var/landing"


def test_a_command_line_run_passes_its_settings_as_run_config_not_the_environment(tmp_path, monkeypatch):
    """runner.configure leaves os.environ alone; the run config carries the command's values, over
    a different warehouse in the environment."""
    import os

    from pipelines import runner

    monkeypatch.setenv("MASSCREEN_WAREHOUSE", str(tmp_path / "from-environment.duckdb"))
    before = dict(os.environ)
    runner.configure(tmp_path / "from-command.duckdb", landing=tmp_path / "landing", timezone="Europe/Berlin")
    assert dict(os.environ) == before
    config = runner.run_config()["resources"]["warehouse"]["config"]
    assert config["path"] == str((tmp_path / "from-command.duckdb").resolve())
    assert config["landing"] == str((tmp_path / "landing").resolve())
    assert config["timezone"] == "Europe/Berlin"
    from pipelines.defs.resources import resources

    assert resources().resources["warehouse"].path == str((tmp_path / "from-command.duckdb").resolve())
