"""features.patient_day: windowed aggregates per patient and as-of day (sql/features/patient_day.sql)."""

from datetime import date, datetime, timezone

import dagster as dg

from pipelines.core.run_log import log_step, record_step
from pipelines.core.settings import engine_settings
from pipelines.defs.ingest import LAB_RESULTS, VITAL_SIGNS
from pipelines.defs.partitions import daily_partitions
from pipelines.defs.resources import EngineResource, WarehouseResource
from pipelines.defs.retries import retry_transient
from pipelines.features import feature_table
from pipelines.screen import spark_stages

PATIENT_DAY = dg.AssetKey(["features", "patient_day"])
# The kinds the UI shows on the assets the engine switch moves (MASSCREEN_ENGINE when the definitions load).
ENGINE_KINDS = {"duckdb", "spark"} if engine_settings().engine == "spark" else {"duckdb"}


def partition_dates(context: dg.AssetExecutionContext) -> tuple[date, date]:
    """First and last day of the run's partition range: a backfill is one set-based pass."""
    key_range = context.partition_key_range
    return date.fromisoformat(key_range.start), date.fromisoformat(key_range.end)


@dg.asset(
    key=PATIENT_DAY,
    deps=[LAB_RESULTS, VITAL_SIGNS],
    partitions_def=daily_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="features",
    pool="duckdb",
    kinds=ENGINE_KINDS,
)
@retry_transient
def patient_day(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                engine: EngineResource) -> dg.MaterializeResult:
    """One row per patient and day with values in the longest look-back window (rule file); replaces its days only.
    Computed by the engine resource's engine (DuckDB, or Spark with the rows loaded into the warehouse)."""
    start, end = partition_dates(context)
    started = datetime.now(timezone.utc)
    metadata = {"engine": engine.engine_name()}
    with warehouse.connect() as con:
        if engine.uses_spark():
            outcome = spark_stages.patient_day_on_spark(
                con, engine.spark(warehouse.timezone, warehouse.path), start, end, warehouse.rule_set(),
                engine.exchange_folder(warehouse.path))
            rows = outcome["rows"]
            metadata.update({f"spark_{step}_seconds": round(value, 1) for step, value in outcome["seconds"].items()})
        else:
            rows = feature_table.build_patient_day(con, start, end, warehouse.rule_set())
        record_step(con, context.run_id, "features.patient_day", started, rows,
                    partition_start=start, partition_end=end)
        log_step(context, "features.patient_day", started, rows)
    return dg.MaterializeResult(metadata={"rows": rows, "first_day": str(start), "last_day": str(end), **metadata})
