"""Resources, alone in their module: a @dg.definitions function here would hide bare assets."""

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb

from pipelines.rule_set import RuleSet, load_rule_set
from pipelines.settings import load_settings
from pipelines.site_config import Source, load_site_config
from pipelines.warehouse import connect


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
            return load_site_config(Path(self.config)).sources
        return (Source(name="landing", preset="canonical", path=Path(self.landing)),)


@dg.definitions
def resources() -> dg.Definitions:
    settings = load_settings()
    return dg.Definitions(resources={"warehouse": WarehouseResource(
        path=str(settings.warehouse),
        landing=str(settings.landing),
        timezone=settings.timezone,
        rules=str(settings.rules),
        config=str(settings.config or ""),
        adjudications=str(settings.adjudications),
    )})
