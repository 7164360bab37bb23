"""Site settings read from the environment, so the CLI, the schedule and the UI share one source.

| variable | meaning | default |
|---|---|---|
| MASSCREEN_WAREHOUSE | DuckDB warehouse file | var/warehouse.duckdb |
| MASSCREEN_LANDING | folder where extract files land | var/landing |
| MASSCREEN_TIMEZONE | the site's IANA time zone; a day partition is a local calendar day | America/New_York |
| MASSCREEN_PARTITION_START | first day partition (YYYY-MM-DD) | 2024-01-01 |
| MASSCREEN_RULES | rule file (YAML) | the packaged pipelines/reference/rules.yaml |
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


def load_settings() -> Settings:
    timezone = os.environ.get("MASSCREEN_TIMEZONE", "America/New_York")
    ZoneInfo(timezone)  # fail early on a misspelt zone
    return Settings(
        warehouse=Path(os.environ.get("MASSCREEN_WAREHOUSE", "var/warehouse.duckdb")),
        landing=Path(os.environ.get("MASSCREEN_LANDING", "var/landing")),
        timezone=timezone,
        partition_start=os.environ.get("MASSCREEN_PARTITION_START", "2024-01-01"),
        rules=Path(os.environ.get("MASSCREEN_RULES", REFERENCE_DIR / "rules.yaml")),
    )
