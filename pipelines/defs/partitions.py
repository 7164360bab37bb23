"""The one daily partitions definition: a partition is a local calendar day in the site's zone."""

import dagster as dg

from pipelines.core.settings import load_settings

_settings = load_settings()

daily_partitions = dg.DailyPartitionsDefinition(
    start_date=_settings.partition_start,
    timezone=_settings.timezone,
)
