"""Resources, alone in their module: a @dg.definitions function here would hide bare assets."""

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from pipelines.core.settings import ENGINES, EngineSettings, Settings, engine_settings, from_environment, load_settings
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


class EngineResource(dg.ConfigurableResource):
    """The engine of the feature and screen assets (features.patient_day, screen.rule_evaluations,
    screen.at_risk_daily): `duckdb` (the default: in the warehouse) or `spark` (from the same SQL,
    sql/compiled/spark/, on a Spark session; pipelines/screen/spark_stages.py). With spark the staged
    tables go to `exchange` as Parquet, Spark writes its Parquet there too, and the assets load it
    into the warehouse, so every other asset, check and reader is unchanged (docs/SCALING.md).

    spark_master and spark_conf shape the session, which is started when a step first needs it and
    stopped when the run's resources are torn down (one session per run with the in-process
    executor of `masscreen run`, one per step with the UI's multiprocess executor)."""

    engine: str = "duckdb"
    spark_master: str = "local[2]"
    spark_conf: dict[str, str] = {}
    exchange: str = ""
    _session: object = PrivateAttr(default=None)

    def engine_name(self) -> str:
        """`duckdb` or `spark` (the setting without surrounding spaces, in lower case, as
        settings.engine_settings reads it); ValueError (one line) for an unknown engine."""
        name = self.engine.strip().lower()
        if name not in ENGINES:
            raise ValueError(f"engine {self.engine!r} is not one of {', '.join(ENGINES)} (MASSCREEN_ENGINE)")
        return name

    def uses_spark(self) -> bool:
        """Whether the assets run on Spark; ValueError (one line) for an unknown engine."""
        return self.engine_name() == "spark"

    def exchange_folder(self, warehouse: str) -> Path:
        """The folder of the Parquet exchanged with Spark: `exchange`, else `<warehouse file>.spark`
        (created owner-only by spark_stages.prepare_exchange when the session starts)."""
        return Path(self.exchange or f"{warehouse}.spark")

    def spark(self, timezone: str, warehouse: str):
        """The run's SparkSession (pyspark.sql.SparkSession), started on first use with the site's time
        zone; raises spark_stages.SparkUnavailable (one line, with the fix) when it cannot run here."""
        from pipelines.screen import spark_stages

        if self._session is None:
            spark_stages.check_engine_supported()
            exchange = spark_stages.prepare_exchange(self.exchange_folder(warehouse))
            self._session = spark_stages.start_session(timezone, exchange / "session", self.spark_master,
                                                        self.spark_conf)
        return self._session

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._session is not None:
            self._session.stop()
            self._session = None


def environment_or(name: str, default: str) -> str | dg.EnvVar:
    """The setting as a dagster.EnvVar when the environment sets it (the UI shows where the value
    comes from, and Dagster reads it when a run starts), else the settings' default."""
    return dg.EnvVar(name) if from_environment(name) else default


@dg.definitions
def resources() -> dg.Definitions:
    """The warehouse and engine resources of the code location (UI, daemon): each field from its
    MASSCREEN_ variable (pipelines/core/settings.py). A `masscreen run` passes the command line's
    values and the environment's as the resources' run config (pipelines.runner.run_config), which
    replaces these."""
    settings, engine = load_settings(), engine_settings()
    return dg.Definitions(resources={"warehouse": WarehouseResource(
        path=environment_or("MASSCREEN_WAREHOUSE", str(settings.warehouse)),
        landing=environment_or("MASSCREEN_LANDING", str(settings.landing)),
        timezone=settings.timezone,  # also the site configuration's, which the partitions follow
        rules=environment_or("MASSCREEN_RULES", str(settings.rules)),
        config=environment_or("MASSCREEN_CONFIG", str(settings.config or "")),
        adjudications=environment_or("MASSCREEN_ADJUDICATIONS", str(settings.adjudications)),
    ), "engine": EngineResource(
        engine=environment_or("MASSCREEN_ENGINE", engine.engine),
        spark_master=environment_or("MASSCREEN_SPARK_MASTER", engine.spark_master),
        spark_conf=engine.spark_conf,  # read when the definitions load (a mapping has no EnvVar)
        exchange=environment_or("MASSCREEN_SPARK_EXCHANGE", str(engine.exchange or "")),
    )})


def warehouse_config(settings: Settings) -> dict[str, str]:
    """The warehouse resource's run config for these settings (every field given)."""
    return {"path": str(settings.warehouse), "landing": str(settings.landing), "timezone": settings.timezone,
            "rules": str(settings.rules), "config": str(settings.config or ""),
            "adjudications": str(settings.adjudications)}


def engine_config(settings: EngineSettings) -> dict:
    """The engine resource's config for these settings (every field given)."""
    return {"engine": settings.engine, "spark_master": settings.spark_master, "spark_conf": dict(settings.spark_conf),
            "exchange": str(settings.exchange or "")}
