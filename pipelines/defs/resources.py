"""Resources, alone in their module: a @dg.definitions function here would hide bare assets."""

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb

from pipelines.rule_set import RuleSet, load_rule_set
from pipelines.settings import load_settings
from pipelines.warehouse import connect


class WarehouseResource(dg.ConfigurableResource):
    """The site's DuckDB warehouse, landing folder, time zone and rule file.

    DuckDB allows one writing process, so every asset that opens it is in the `duckdb` pool.
    """

    path: str
    landing: str
    timezone: str
    rules: str

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with connect(Path(self.path), self.timezone) as con:
            yield con

    def rule_set(self) -> RuleSet:
        return load_rule_set(Path(self.rules))


@dg.definitions
def resources() -> dg.Definitions:
    settings = load_settings()
    return dg.Definitions(resources={"warehouse": WarehouseResource(
        path=str(settings.warehouse),
        landing=str(settings.landing),
        timezone=settings.timezone,
        rules=str(settings.rules),
    )})
