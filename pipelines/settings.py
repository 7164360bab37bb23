"""Site settings read from the environment, so the CLI, the schedule and the UI share one source.

| variable | meaning | default |
|---|---|---|
| MASSCREEN_WAREHOUSE | DuckDB warehouse file | var/warehouse.duckdb |
| MASSCREEN_LANDING | folder where extract files land | var/landing |
| MASSCREEN_TIMEZONE | the site's IANA time zone; a day partition is a local calendar day | America/New_York |
| MASSCREEN_PARTITION_START | first day partition (YYYY-MM-DD) | 2024-01-01 |
| MASSCREEN_RULES | rule file (YAML) | the packaged pipelines/reference/rules.yaml |
| MASSCREEN_CONFIG | site configuration (YAML, pipelines/site_config.py): its sources replace the landing folder, its time zone and first day replace the two above | none |
"""

import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
SQL_DIR = PROJECT_DIR / "sql"
EXPECTATIONS_DIR = PROJECT_DIR / "expectations"
REFERENCE_DIR = PACKAGE_DIR / "reference"


@dataclass(frozen=True)
class Settings:
    warehouse: Path
    landing: Path
    timezone: str
    partition_start: str
    rules: Path
    config: Path | None


def load_settings() -> Settings:
    timezone = os.environ.get("MASSCREEN_TIMEZONE", "America/New_York")
    partition_start = os.environ.get("MASSCREEN_PARTITION_START", "2024-01-01")
    config = Path(os.environ["MASSCREEN_CONFIG"]) if os.environ.get("MASSCREEN_CONFIG") else None
    if config is not None:
        from pipelines.site_config import load_site_config

        site = load_site_config(config)
        timezone, partition_start = site.timezone, site.partition_start or partition_start
    ZoneInfo(timezone)  # fail early on a misspelt zone
    return Settings(
        warehouse=Path(os.environ.get("MASSCREEN_WAREHOUSE", "var/warehouse.duckdb")),
        landing=Path(os.environ.get("MASSCREEN_LANDING", "var/landing")),
        timezone=timezone,
        partition_start=partition_start,
        rules=Path(os.environ.get("MASSCREEN_RULES", REFERENCE_DIR / "rules.yaml")),
        config=config,
    )
