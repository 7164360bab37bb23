"""Resources, alone in their module: a @dg.definitions function here would hide bare assets."""

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb

from pipelines.core.settings import Settings, from_environment, load_settings
from pipelines.core.site_config import Source
from pipelines.core.warehouse import connect
from pipelines.features.rule_set import RuleSet, load_rule_set
from pipelines.ingest.presets import load_checked_site_config


class WarehouseResource(dg.ConfigurableResource):
    """The site's DuckDB warehouse, sources (a landing folder or a site configuration), time zone
    and rule file.

    DuckDB allows one writing process, so every asset that opens it is in the `duckdb` pool.
    """

    path: str
    landing: str
    timezone: str
    rules: str
    config: str = ""
    adjudications: str = ""

    @contextmanager
    def connect(self, read_only: bool = False, wait_seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the warehouse; waits (with backoff) while another process writes it, unless told not to."""
        options = {} if wait_seconds is None else {"wait_seconds": wait_seconds}
        with connect(Path(self.path), self.timezone, read_only=read_only, **options) as con:
            yield con

    def rule_set(self) -> RuleSet:
        return load_rule_set(Path(self.rules))

    def sources(self) -> tuple[Source, ...]:
        """The site configuration's sources, or the landing folder as one canonical source."""
        if self.config:
            return load_checked_site_config(Path(self.config)).sources
        return (Source(name="landing", preset="canonical", path=Path(self.landing)),)


def environment_or(name: str, default: str) -> str | dg.EnvVar:
    """The setting as a dagster.EnvVar when the environment sets it (the UI shows where the value
    comes from, and Dagster reads it when a run starts), else the settings' default."""
    return dg.EnvVar(name) if from_environment(name) else default


@dg.definitions
def resources() -> dg.Definitions:
    """The warehouse resource of the code location (UI, daemon): each field from its MASSCREEN_
    variable (pipelines/core/settings.py). A `masscreen run` passes the command line's values as the
    resource's run config (pipelines.runner.run_config), which replaces these."""
    settings = load_settings()
    return dg.Definitions(resources={"warehouse": WarehouseResource(
        path=environment_or("MASSCREEN_WAREHOUSE", str(settings.warehouse)),
        landing=environment_or("MASSCREEN_LANDING", str(settings.landing)),
        timezone=settings.timezone,  # also the site configuration's, which the partitions follow
        rules=environment_or("MASSCREEN_RULES", str(settings.rules)),
        config=environment_or("MASSCREEN_CONFIG", str(settings.config or "")),
        adjudications=environment_or("MASSCREEN_ADJUDICATIONS", str(settings.adjudications)),
    )})


def warehouse_config(settings: Settings) -> dict[str, str]:
    """The warehouse resource's run config for these settings (every field given)."""
    return {"path": str(settings.warehouse), "landing": str(settings.landing), "timezone": settings.timezone,
            "rules": str(settings.rules), "config": str(settings.config or ""),
            "adjudications": str(settings.adjudications)}
