"""screen.at_risk_daily: the daily table of patients meeting a rule (sql/screen/at_risk_daily.sql).

Its deps are every table the screen SQL reads (sql/screen/*.sql), so that a failed blocking check
on any of them (checks.py) stops the screen for that run instead of screening on a bad table."""

from datetime import datetime, timezone

import dagster as dg

from pipelines.core.run_log import log_step, record_step
from pipelines.defs.features import ENGINE_KINDS, PATIENT_DAY, partition_dates
from pipelines.defs.ingest import STAGING
from pipelines.defs.partitions import daily_partitions
from pipelines.defs.resources import EngineResource, WarehouseResource
from pipelines.defs.retries import retry_transient
from pipelines.features import changed_days
from pipelines.screen import screening, spark_stages

AT_RISK_DAILY = dg.AssetKey(["screen", "at_risk_daily"])
# What screening.build_screen reads: values per patient and day, and the staged tables for contexts
# (diagnoses), therapies (medications), age (patients) and care unit (encounters).
SCREEN_INPUTS = [PATIENT_DAY, *(STAGING[table] for table in ("diagnoses", "medications", "patients", "encounters"))]


@dg.asset(
    key=AT_RISK_DAILY,
    deps=SCREEN_INPUTS,
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="screen",
    pool="duckdb",
    kinds=ENGINE_KINDS,
)
@retry_transient
def at_risk_daily(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                  engine: EngineResource) -> dg.MaterializeResult:
    """Patients flagged per day, with rules fired, evidence and rule set version. Computed by the
    engine resource's engine (DuckDB, or Spark with the rows loaded into the warehouse)."""
    start, end = partition_dates(context)
    rule_set = warehouse.rule_set()
    started = datetime.now(timezone.utc)
    metadata = {"engine": engine.engine_name()}
    with warehouse.connect() as con:
        if engine.uses_spark():
            outcome = spark_stages.screen_on_spark(
                con, engine.spark(warehouse.timezone, warehouse.path), start, end, rule_set,
                engine.exchange_folder(warehouse.path))
            rows = outcome["rows"]
            metadata.update({f"spark_{step}_seconds": round(value, 1) for step, value in outcome["seconds"].items()})
        else:
            rows = screening.build_screen(con, start, end, rule_set)
        changed_days.mark_recomputed(con, start, end, context.run_id)
        patients = con.execute(
            "SELECT count(DISTINCT patient_id) FROM screen.at_risk_daily WHERE as_of_date BETWEEN ? AND ?",
            [start, end]).fetchone()[0]
        record_step(con, context.run_id, "screen.at_risk_daily", started, rows, rule_set.version, start, end)
        log_step(context, "screen.at_risk_daily", started, rows)
    return dg.MaterializeResult(metadata={
        "rows": rows, "patients": patients, "rule_set_version": rule_set.version, **metadata,
    })
