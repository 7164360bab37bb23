"""Asset checks on staging. Blocking: the Great Expectations contract of each staged table on the
rows this run staged, and the row-count reconciliation of every load; a failure stops features and
screen. Warning only: patients_known (records of patients the patients extract lacks)."""

import json

import dagster as dg

from pipelines.core.settings import EXPECTATIONS_DIR, validation_chunk_rows
from pipelines.defs.ingest import LAB_RESULTS, STAGING
from pipelines.defs.resources import WarehouseResource
from pipelines.staging import patient_checks, staged_tables
from pipelines.staging.gx_validation import validate_query


# Tables whose rows carry an analyte and a canonical unit: plausibility.csv applies to them.
MEASUREMENT_TABLES = ("lab_results", "vital_signs")


def _validate_staged(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
                     table: str) -> dg.AssetCheckResult:
    """Run the table's suite on the rows staged from this run's loads (the fresh slice), in parts
    of at most MASSCREEN_VALIDATION_CHUNK_ROWS rows (gx_validation.validate_query)."""
    with warehouse.connect() as con:
        plausibility = EXPECTATIONS_DIR / "plausibility.csv" if table in MEASUREMENT_TABLES else None
        # in parts of MASSCREEN_VALIDATION_CHUNK_ROWS rows: a backfill's staged rows need not fit
        # in memory as one pandas frame
        outcome = validate_query(
            con, f"SELECT * FROM staging.{table} WHERE _load_id IN (SELECT load_id FROM meta.loads WHERE run_id = ?)",
            [context.run.run_id], EXPECTATIONS_DIR / f"{table}.json", plausibility, validation_chunk_rows())
        con.execute(
            "INSERT INTO meta.validation_results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [context.run.run_id, table, outcome.suite, outcome.success, outcome.rows, outcome.evaluated,
             outcome.failed, json.dumps(outcome.as_metadata()["failures"])],
        )
    return dg.AssetCheckResult(
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR if outcome.critical_failed else dg.AssetCheckSeverity.WARN,
        metadata={key: value for key, value in outcome.as_metadata().items() if key != "failures"}
        | {"failures": dg.MetadataValue.json(outcome.as_metadata()["failures"])},
    )


def _contract_check(table: str, key: dg.AssetKey) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=key, name=f"{table}_contract", blocking=True, pool="duckdb",
                    description=f"Great Expectations suite expectations/{table}.json"
                    + (" + plausibility.csv" if table in MEASUREMENT_TABLES else ""))
    def contract(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        return _validate_staged(context, warehouse, table)

    return contract


contract_checks = [_contract_check(table, key) for table, key in STAGING.items()
                   if (EXPECTATIONS_DIR / f"{table}.json").exists()]


@dg.asset_check(asset=LAB_RESULTS, additional_deps=[k for k in STAGING.values() if k != LAB_RESULTS],
                blocking=True, pool="duckdb",
                description="Every load: rows in = staged + quarantined + superseded")
def rows_reconcile(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        loads = staged_tables.reconcile(con)
    unbalanced = [load for load in loads if not load["balanced"]]
    return dg.AssetCheckResult(
        passed=not unbalanced,
        metadata={
            "loads": len(loads),
            "rows_in": sum(load["rows_in"] for load in loads),
            "staged": sum(load["staged"] for load in loads),
            "quarantined": sum(load["quarantined"] for load in loads),
            "superseded": sum(load["superseded"] for load in loads),
            "unbalanced_loads": dg.MetadataValue.json(unbalanced),
        },
    )


@dg.asset_check(asset=STAGING["patients"], additional_deps=[k for k in STAGING.values() if k != STAGING["patients"]],
                blocking=False, pool="duckdb",
                description="Every patient with records staged by this run has a row in staging.patients "
                            "(warns: the records are screened all the same)")
def patients_known(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        found = patient_checks.unknown_patients(con, context.run.run_id)
    return dg.AssetCheckResult(
        passed=found["patients"] == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "unknown_patients": found["patients"],
            "records": found["records"],
            "by_table": dg.MetadataValue.json(found["by_table"]),
            "examples": dg.MetadataValue.json(found["examples"]),
        },
    )
