"""The job that materializes the whole graph, and its nightly schedule for yesterday's partition."""

import dagster as dg

from pipelines.core.settings import nightly_hour
from pipelines.defs.research import RESEARCH

mas_screen_job = dg.define_asset_job(
    "mas_screen",
    # The research release has its own job and key (pipelines/defs/research.py).
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(RESEARCH),
    description="Land new extracts, stage, validate, build features and the at-risk table for the days selected.",
)

# A daily-partitioned schedule targets the partition that just ended: yesterday, in the site's zone.
nightly_schedule = dg.build_schedule_from_partitioned_job(
    mas_screen_job,
    hour_of_day=nightly_hour(),
    name="mas_screen_nightly",
)
