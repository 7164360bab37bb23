"""Landing -> raw -> staging. Not partitioned: each run loads the files that are new since the last
run, then rebuilds staging from raw, so a late or corrected file is reflected everywhere."""

from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

from pipelines import stages
from pipelines.defs.resources import WarehouseResource
from pipelines.landing import unstaged_files
from pipelines.run_log import record_step

RAW_EXTRACTS = dg.AssetKey(["raw", "extracts"])
LAB_RESULTS = dg.AssetKey(["staging", "lab_results"])
VITAL_SIGNS = dg.AssetKey(["staging", "vital_signs"])


@dg.asset(key=RAW_EXTRACTS, group_name="ingest", pool="duckdb", kinds={"duckdb"})
def raw_extracts(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Labs and vitals CSV files from the landing folder, as landed (all text), each file once."""
    started = datetime.now(timezone.utc)
    landing = Path(warehouse.landing)
    with warehouse.connect() as con:
        stages.refresh_reference_tables(con)
        loads = stages.land(con, landing, context.run_id)
        record_step(con, context.run_id, "raw.extracts", started, sum(l.rows_in for l in loads),
                    detail={"files": [l.source_file for l in loads]})
    skipped = unstaged_files(landing)
    if skipped:
        context.log.info(f"not loaded (kinds not staged by this version): {', '.join(skipped)}")
    return dg.MaterializeResult(metadata={
        "files_loaded": len(loads),
        "rows_in": sum(l.rows_in for l in loads),
        "malformed_lines": sum(l.malformed_lines for l in loads),
        "files_not_staged": len(skipped),
    })


@dg.multi_asset(
    specs=[
        dg.AssetSpec(LAB_RESULTS, deps=[RAW_EXTRACTS], group_name="ingest", kinds={"duckdb"},
                     description="One current version of every lab result, typed, canonical units."),
        dg.AssetSpec(VITAL_SIGNS, deps=[RAW_EXTRACTS], group_name="ingest", kinds={"duckdb"},
                     description="One current version of every vital sign, canonical units."),
    ],
    pool="duckdb",
)
def staging_measurements(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Rebuild staging (and its quarantine and superseded rows) from raw."""
    with warehouse.connect() as con:
        for key, table in ((LAB_RESULTS, "lab_results"), (VITAL_SIGNS, "vital_signs")):
            started = datetime.now(timezone.utc)
            rows = stages.stage(con, table)
            quarantined = dict(con.execute(
                "SELECT reason, count(*) FROM quarantine.rejected_rows WHERE table_name = ? GROUP BY ALL",
                [table]).fetchall())
            record_step(con, context.run_id, f"staging.{table}", started, rows, detail={"quarantined": quarantined})
            yield dg.MaterializeResult(asset_key=key, metadata={
                "rows": rows,
                "quarantined": sum(quarantined.values()),
                **{f"quarantined_{reason}": n for reason, n in sorted(quarantined.items())},
            })
