"""publish/snapshot: a read-only copy of the warehouse for readers, swapped in after each run."""

from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

from pipelines.core.run_log import log_step, record_step
from pipelines.defs.audit import AUDIT_ASSETS
from pipelines.defs.resources import WarehouseResource
from pipelines.defs.retries import retry_transient
from pipelines.defs.screen import AT_RISK_DAILY
from pipelines.publish.snapshot import publish, published_folder


@dg.asset(key=dg.AssetKey(["publish", "snapshot"]), deps=[AT_RISK_DAILY, *AUDIT_ASSETS], group_name="publish", pool="duckdb",
          kinds={"duckdb", "parquet"})
@retry_transient
def snapshot(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Everything but raw, as published/warehouse.duckdb and published/parquet/, replaced atomically;
    only what changed since the last publish is rewritten."""
    started = datetime.now(timezone.utc)
    with warehouse.connect() as con:
        plan = publish(con, Path(warehouse.path), context.run_id, warehouse.rule_set())
        record_step(con, context.run_id, "publish.snapshot", started, len(plan), detail=plan)
        log_step(context, "publish.snapshot", started, len(plan), "tables")
    return dg.MaterializeResult(metadata={"path": str(published_folder(Path(warehouse.path))),
                                          "tables": len(plan),
                                          "published_whole": sum(how == "full" for how in plan.values())})
