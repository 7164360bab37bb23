"""The quality audit's assets (pipelines/audit/quality_audit.py): screen.episodes, audit.recognition,
audit.adjudications, audit.missed_cases and audit.screen_performance.

They are not partitioned: each is rebuilt whole after the screen, in the same run, from tables
small next to the features (flagged days, recognition events, verdicts), so any run that changed
a flagged day or a staged diagnosis or order leaves every audit table consistent with it. The
adjudications file is read from the `adjudications` path of the warehouse resource
(MASSCREEN_ADJUDICATIONS); a file that cannot be read is refused with a run warning and the
previous version stays current, so a broken spreadsheet never stops the night."""

from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

from pipelines.audit import quality_audit as audit
from pipelines.core.run_log import log_step, record_step, record_warning
from pipelines.defs.features import PATIENT_DAY
from pipelines.defs.ingest import STAGING
from pipelines.defs.resources import WarehouseResource
from pipelines.defs.retries import retry_transient
from pipelines.defs.screen import AT_RISK_DAILY

EPISODES = dg.AssetKey(["screen", "episodes"])
RECOGNITION = dg.AssetKey(["audit", "recognition"])
ADJUDICATIONS = dg.AssetKey(["audit", "adjudications"])
MISSED_CASES = dg.AssetKey(["audit", "missed_cases"])
SCREEN_PERFORMANCE = dg.AssetKey(["audit", "screen_performance"])
AUDIT_ASSETS = [EPISODES, RECOGNITION, ADJUDICATIONS, MISSED_CASES, SCREEN_PERFORMANCE]
ADJUDICATIONS_READABLE = "adjudications_file_readable"
ADJUDICATIONS_RECONCILE = "adjudications_reconcile"


def _table_metadata(con, table: str, started: datetime, context, run_id: str, rows: int,
                    rule_set_version: str | None = None, detail: dict | None = None) -> None:
    record_step(con, run_id, table, started, rows, rule_set_version, detail=detail)
    log_step(context, table, started, rows)


@dg.asset(key=EPISODES, deps=[AT_RISK_DAILY], group_name="audit", pool="duckdb", kinds={"duckdb"})
@retry_transient
def episodes(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Runs of flagged days per patient (gap: rule file audit.episode_gap_days), with stable ids."""
    started, rule_set = datetime.now(timezone.utc), warehouse.rule_set()
    with warehouse.connect() as con:
        rows = audit.build_episodes(con, rule_set)
        ongoing = con.execute("SELECT count(*) FILTER (WHERE ongoing) FROM screen.episodes").fetchone()[0]
        _table_metadata(con, "screen.episodes", started, context, context.run_id, rows, rule_set.version)
    return dg.MaterializeResult(metadata={"rows": rows, "ongoing": ongoing})


@dg.asset(key=RECOGNITION, deps=[STAGING[table] for table in ("diagnoses", "medications", "encounters")],
          group_name="audit", pool="duckdb", kinds={"duckdb"})
@retry_transient
def recognition(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Per patient, the first MAS/HLH diagnosis code and directed therapy (rule file audit.recognition)."""
    started, rule_set = datetime.now(timezone.utc), warehouse.rule_set()
    with warehouse.connect() as con:
        rows = audit.build_recognition(con, rule_set)
        patients = con.execute("SELECT count(DISTINCT patient_id) FILTER (WHERE counts_as_recognition) "
                               "FROM audit.recognition").fetchone()[0]
        _table_metadata(con, "audit.recognition", started, context, context.run_id, rows, rule_set.version)
    return dg.MaterializeResult(metadata={"rows": rows, "recognised_patients": patients})


@dg.asset(key=ADJUDICATIONS, deps=[EPISODES], group_name="audit", pool="duckdb", kinds={"duckdb", "csv"},
          check_specs=[dg.AssetCheckSpec(ADJUDICATIONS_READABLE, asset=ADJUDICATIONS,
                                         description="The adjudications file, when present, could be read."),
                       dg.AssetCheckSpec(ADJUDICATIONS_RECONCILE, asset=ADJUDICATIONS, blocking=True,
                                         description="Every row of every version of the file is kept, and its "
                                                     "outcomes add up to the verdicts and the quarantine.")])
@retry_transient
def adjudications(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """The quality team's verdicts per episode from the adjudications file; invalid rows quarantined."""
    started = datetime.now(timezone.utc)
    path = Path(warehouse.adjudications)
    with warehouse.connect() as con:
        problem = None
        try:
            loaded = audit.load_adjudications(con, path)
        except audit.AdjudicationFileError as error:
            problem, loaded = str(error), {"file": str(path), "refused": True}
            record_warning(con, context.run_id, "adjudications_file_refused", str(path), None, problem)
            context.log.warning(problem)
        counts = audit.build_adjudications(con, context.run_id)
        unbalanced = audit.adjudications_reconcile(con)
        _table_metadata(con, "audit.adjudications", started, context, context.run_id, counts["verdicts"],
                        detail={**loaded, **counts})
    yield dg.MaterializeResult(metadata={**{key: value for key, value in loaded.items() if key != "load_id"}, **counts})
    yield dg.AssetCheckResult(check_name=ADJUDICATIONS_READABLE, passed=problem is None,
                              severity=dg.AssetCheckSeverity.WARN, metadata={"problem": problem or ""})
    yield dg.AssetCheckResult(check_name=ADJUDICATIONS_RECONCILE, passed=not unbalanced,
                              metadata={"unbalanced": dg.MetadataValue.json(unbalanced)})


@dg.asset(key=MISSED_CASES, deps=[EPISODES, RECOGNITION, PATIENT_DAY, AT_RISK_DAILY], group_name="audit",
          pool="duckdb", kinds={"duckdb"})
@retry_transient
def missed_cases(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Episodes and recognised cases by category: recognised before the flag, late, possibly
    unrecognised, window open, recognised but never flagged (with near misses)."""
    started, rule_set = datetime.now(timezone.utc), warehouse.rule_set()
    with warehouse.connect() as con:
        rows = audit.build_missed_cases(con, rule_set)
        categories = dict(con.execute("SELECT category, count(*) FROM audit.missed_cases GROUP BY ALL").fetchall())
        _table_metadata(con, "audit.missed_cases", started, context, context.run_id, rows, rule_set.version,
                        detail=categories)
    return dg.MaterializeResult(metadata={"rows": rows, **categories})


@dg.asset(key=SCREEN_PERFORMANCE, deps=[MISSED_CASES, ADJUDICATIONS, EPISODES], group_name="audit",
          pool="duckdb", kinds={"duckdb"})
@retry_transient
def screen_performance(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """By month, tier and rule: flags and episodes per 1,000 patient-days, positive predictive value
    over adjudicated episodes, sensitivity against recognised cases, lead times."""
    started, rule_set = datetime.now(timezone.utc), warehouse.rule_set()
    with warehouse.connect() as con:
        rows = audit.build_screen_performance(con, rule_set)
        _table_metadata(con, "audit.screen_performance", started, context, context.run_id, rows, rule_set.version)
    return dg.MaterializeResult(metadata={"rows": rows})
