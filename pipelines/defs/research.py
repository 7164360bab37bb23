"""publish/research: the de-identified research release (pipelines/research/release.py), its job and a
weekly schedule. It reads the published snapshot only, so it is outside the `duckdb` pool (in its
own) and outside the nightly job: the nightly run never needs the research key."""

from pathlib import Path

import dagster as dg

from pipelines.core.settings import load_settings, nightly_hour
from pipelines.defs.resources import WarehouseResource
from pipelines.defs.retries import retry_transient
from pipelines.research.release import release, research_file

RESEARCH = dg.AssetKey(["publish", "research"])
SNAPSHOT = dg.AssetKey(["publish", "snapshot"])


# Its own pool (limit 1, like every pool here): two releases never build at once.
@dg.asset(key=RESEARCH, deps=[SNAPSHOT], group_name="publish", pool="research", kinds={"duckdb", "parquet"})
@retry_transient
def research(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """published/research.duckdb and published/research-parquet/: pseudonymous keys, shifted dates,
    ages over 89 capped, no free text; needs MASSCREEN_RESEARCH_KEY."""
    row_counts = release(Path(warehouse.path), warehouse.timezone)
    return dg.MaterializeResult(metadata={"path": str(research_file(Path(warehouse.path))),
                                          **row_counts})


research_release_job = dg.define_asset_job(
    "research_release",
    selection=dg.AssetSelection.assets(RESEARCH),
    description="Release the de-identified research tier from the latest published snapshot.",
)

# Mondays at the nightly hour: the release reads whichever snapshot is complete at that moment.
research_release_weekly = dg.ScheduleDefinition(
    name="research_release_weekly",
    job=research_release_job,
    cron_schedule=f"0 {nightly_hour()} * * 1",
    execution_timezone=load_settings().timezone,
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
