"""Landing -> raw -> staging. Not partitioned: each run loads the files that are new since the last
run, then rebuilds staging from raw, so a late or corrected file is reflected everywhere."""

from datetime import datetime, timezone

import dagster as dg

from pipelines import stages
from pipelines.defs.resources import WarehouseResource
from pipelines.defs.retries import retry_transient
from pipelines.landing import IDENTITY, unrecognised_files
from pipelines.source_mapping import SourceMapping
from pipelines.run_log import record_step

RAW_EXTRACTS = dg.AssetKey(["raw", "extracts"])
STAGING_DESCRIPTIONS = {
    "lab_results": "One current version of every lab result, typed, canonical units.",
    "vital_signs": "One current version of every vital sign, canonical units.",
    "diagnoses": "Coded diagnoses (ICD-10-CM, ICD-9-CM, SNOMED), de-duplicated.",
    "medications": "Medication orders, latest version of each.",
    "patients": "One row per patient: birth date and sex.",
    "encounters": "One row per encounter: admission and discharge.",
}
STAGING = {table: dg.AssetKey(["staging", table]) for table in STAGING_DESCRIPTIONS}
LAB_RESULTS = STAGING["lab_results"]
VITAL_SIGNS = STAGING["vital_signs"]


@dg.asset(key=RAW_EXTRACTS, group_name="ingest", pool="duckdb", kinds={"duckdb"})
@retry_transient
def raw_extracts(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Extract files from each source (a landing folder or a configured preset), as landed (all
    text); a file, or a preset's kind, is loaded once per content."""
    started = datetime.now(timezone.utc)
    sources = warehouse.sources()
    with warehouse.connect() as con:
        stages.refresh_reference_tables(con)
        loads = stages.land_sources(con, sources, context.run_id)
        record_step(con, context.run_id, "raw.extracts", started, sum(l.rows_in for l in loads),
                    detail={"files": [l.source_file for l in loads]})
    skipped = [f"{s.name}/{name}" for s in sources if s.preset == "canonical"
               for name in unrecognised_files(s.path, SourceMapping.load(s.mapping) if s.mapping else IDENTITY)]
    if skipped:
        context.log.warning(f"not loaded (name does not start with a contract kind): {', '.join(skipped)}")
    return dg.MaterializeResult(metadata={
        "files_loaded": len(loads),
        "rows_in": sum(l.rows_in for l in loads),
        "malformed_lines": sum(l.malformed_lines for l in loads),
        "files_not_recognised": len(skipped),
    })


@dg.multi_asset(
    specs=[dg.AssetSpec(key, deps=[RAW_EXTRACTS], group_name="ingest", kinds={"duckdb"},
                        description=STAGING_DESCRIPTIONS[table]) for table, key in STAGING.items()],
    pool="duckdb",
)
@retry_transient
def staging_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Rebuild staging (and its quarantine and superseded rows) from raw."""
    with warehouse.connect() as con:
        for table, key in STAGING.items():
            started = datetime.now(timezone.utc)
            rows = stages.stage(con, table, context.run_id)
            quarantined = dict(con.execute(
                "SELECT reason, count(*) FROM quarantine.rejected_rows WHERE table_name = ? GROUP BY ALL",
                [table]).fetchall())
            record_step(con, context.run_id, f"staging.{table}", started, rows, detail={"quarantined": quarantined})
            yield dg.MaterializeResult(asset_key=key, metadata={
                "rows": rows,
                "quarantined": sum(quarantined.values()),
                **{f"quarantined_{reason}": n for reason, n in sorted(quarantined.items())},
            })
        unknown = stages.warn_unknown_patients(con, context.run_id)
        if unknown["patients"]:
            context.log.warning(f"{unknown['patients']} patients have records but no row in staging.patients "
                                f"(meta.run_warnings 'unknown_patients'): {', '.join(unknown['examples'])}")
        changed = stages.record_changed_days(con, context.run_id)
        context.log.info(f"{changed} as-of days changed by this run's loads (meta.changed_days)")
