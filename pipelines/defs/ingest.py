"""Landing -> raw -> staging. Not partitioned: each run loads the files that are new since the last
run, then rebuilds staging from raw, so a late or corrected file is reflected everywhere."""

from datetime import datetime, timezone

import dagster as dg

from pipelines.core.run_log import log_step, record_step
from pipelines.core.source_mapping import SourceMapping
from pipelines.defs.resources import WarehouseResource
from pipelines.defs.retries import retry_transient
from pipelines.features import changed_days
from pipelines.ingest import presets
from pipelines.ingest.landing import review_sources
from pipelines.staging import patient_checks, staged_tables

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


FILES_READABLE = "extract_files_readable"
SOURCES_DELIVERED = "sources_delivered"


@dg.asset(key=RAW_EXTRACTS, group_name="ingest", pool="duckdb", kinds={"duckdb"},
          check_specs=[
              dg.AssetCheckSpec(FILES_READABLE, asset=RAW_EXTRACTS,
                                description="Every extract file could be loaded (meta.file_problems); "
                                            "an unreadable one leaves the night incomplete"),
              dg.AssetCheckSpec(SOURCES_DELIVERED, asset=RAW_EXTRACTS,
                                description="Every source that delivered rows before delivered new rows in this "
                                            "run, and every landed file is a contract kind"),
          ])
@retry_transient
def raw_extracts(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Extract files from each source (a landing folder or a configured preset), as landed (all
    text); a file, or a preset's kind, is loaded once per content. A file that cannot be loaded is
    recorded with its reason and the others still load; no extract file at all fails the step."""
    started = datetime.now(timezone.utc)
    sources = warehouse.sources()
    mappings = {s.name: SourceMapping.load(s.mapping) for s in sources if s.preset == "canonical" and s.mapping}
    with warehouse.connect() as con:
        staged_tables.refresh_reference_tables(con)
        loads = presets.land_sources(con, sources, context.run_id)
        review_sources(con, sources, context.run_id, mappings)
        warnings = con.execute("SELECT check_name, subject, detail FROM meta.run_warnings WHERE run_id = ? "
                               "ORDER BY check_name, subject", [context.run_id]).fetchall()
        record_step(con, context.run_id, "raw.extracts", started, sum(l.rows_in for l in loads),
                    detail={"files": [l.source_file for l in loads]})
        log_step(context, "raw.extracts", started, sum(l.rows_in for l in loads))
    unreadable = [f"{subject}: {detail}" for check, subject, detail in warnings if check == "unreadable_file"]
    quiet = [f"{check} {subject}: {detail}" for check, subject, detail in warnings
             if check in ("silent_source", "unrecognised_file", "source_files_missing")]
    for line in unreadable + quiet:
        context.log.warning(line)
    return dg.MaterializeResult(
        metadata={
            "files_loaded": len(loads),
            "rows_in": sum(l.rows_in for l in loads),
            "malformed_lines": sum(l.malformed_lines for l in loads),
            "files_unreadable": len(unreadable),
        },
        check_results=[
            dg.AssetCheckResult(check_name=FILES_READABLE, passed=not unreadable, severity=dg.AssetCheckSeverity.WARN,
                                metadata={"unreadable": dg.MetadataValue.json(unreadable)}),
            dg.AssetCheckResult(check_name=SOURCES_DELIVERED, passed=not quiet, severity=dg.AssetCheckSeverity.WARN,
                                metadata={"warnings": dg.MetadataValue.json(quiet)}),
        ],
    )


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
            rows = staged_tables.stage(con, table, context.run_id)
            quarantined = dict(con.execute(
                "SELECT reason, count(*) FROM quarantine.rejected_rows WHERE table_name = ? GROUP BY ALL",
                [table]).fetchall())
            record_step(con, context.run_id, f"staging.{table}", started, rows, detail={"quarantined": quarantined})
            log_step(context, f"staging.{table}", started, rows)
            yield dg.MaterializeResult(asset_key=key, metadata={
                "rows": rows,
                "quarantined": sum(quarantined.values()),
                **{f"quarantined_{reason}": n for reason, n in sorted(quarantined.items())},
            })
        unknown = patient_checks.warn_unknown_patients(con, context.run_id)
        if unknown["patients"]:
            context.log.warning(f"{unknown['patients']} patients have records but no row in staging.patients "
                                f"(meta.run_warnings 'unknown_patients'): {', '.join(unknown['examples'])}")
        if disagreeing := patient_checks.warn_patient_demographics_disagreements(con, context.run_id):
            context.log.warning(f"{disagreeing} patient ids have different demographics in different sources "
                                "(meta.run_warnings 'patient_demographics_disagree')")
        changed = changed_days.record_changed_days(con, context.run_id, warehouse.rule_set())
        context.log.info(f"{changed} as-of days changed by this run's loads (meta.changed_days)")
