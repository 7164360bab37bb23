"""Site settings read from the environment, so the CLI, the schedule and the UI share one source.

| variable | meaning | default |
|---|---|---|
| MASSCREEN_WAREHOUSE | DuckDB warehouse file | var/warehouse.duckdb |
| MASSCREEN_LANDING | folder where extract files land | var/landing |
| MASSCREEN_TIMEZONE | the site's IANA time zone; a day partition is a local calendar day | America/New_York |
| MASSCREEN_PARTITION_START | first day partition (YYYY-MM-DD) | 2024-01-01 |
| MASSCREEN_RULES | rule file (YAML) | the packaged pipelines/reference/rules.yaml |
| MASSCREEN_CONFIG | site configuration (YAML, pipelines/core/site_config.py): its sources replace the landing folder, its time zone and first day replace the two above | none |
| MASSCREEN_RETRY_SECONDS | first wait before a step is retried after a transient failure, doubling per retry (pipelines/defs/retries.py) | 30 |
| MASSCREEN_ENCRYPTION_KEY | key (16 characters or more) encrypting the warehouse, the snapshot and its Parquet (used by pipelines/core/warehouse.py) | none: not encrypted |
| MASSCREEN_RESEARCH_KEY | secret (32 characters or more) keying the research tier's pseudonyms and date shifts (docs/RESEARCH.md); never in the repo | none: the research release refuses to run |
| MASSCREEN_DUCKDB_MEMORY | DuckDB's memory limit (e.g. 12GB, 5000MB; at least 450MB); the feature and screen stages size their blocks of days from it, and DuckDB spills to disk beyond it | 12GB |
| MASSCREEN_DUCKDB_TEMP_DIRECTORY | the folder DuckDB spills to beyond its memory limit (created owner-only) | `<warehouse file>.tmp` |
| MASSCREEN_ADJUDICATIONS | the quality team's adjudications file (CSV: episode_id, patient_id, as_of_date, verdict, reviewer, reviewed_at, note; sql/audit/adjudications.sql); absent: no verdicts | `adjudications.csv` beside the warehouse file |
| MASSCREEN_RESEARCH_MAX_SHIFT_DAYS | bound S of the research tier's per-patient date shift, in days: shifts are whole days in [-S, +S] | 182 |
| MASSCREEN_LOCK_WAIT_SECONDS | how long opening the warehouse waits for another process's write lock (pipelines/core/warehouse.py) | 600 |
| MASSCREEN_NIGHTLY_HOUR | hour (site time, 0-23) of the nightly schedule and the weekly research release | 2 |
| MASSCREEN_VALIDATION_CHUNK_ROWS | rows of a staged table Great Expectations checks at a time (as one pandas frame): the checks' memory follows it, not the rows a run staged (about 1.2 GiB for the check's process at 500,000 lab rows) | 500000 |
| MASSCREEN_ENGINE | the engine of the feature and screen assets: `duckdb`, or `spark` (PySpark from the extra `.[spark]`, Java 17+; docs/SCALING.md) | duckdb |
| MASSCREEN_SPARK_MASTER | the Spark master URL when the engine is spark: `local[N]` on this machine, `spark://host:7077`, `yarn`, `k8s://...` | local[2] |
| MASSCREEN_SPARK_CONF | further Spark settings when the engine is spark (not read otherwise), `key=value` pairs separated by spaces, a value holding spaces in quotes (e.g. `spark.driver.memory=8g spark.executor.extraJavaOptions='-Xss4m -XX:+UseG1GC'`) | none |
| MASSCREEN_SPARK_EXCHANGE | the folder the Spark engine reads the staged tables from and writes its Parquet to (every executor must reach it: a shared file system on a cluster) | `<warehouse file>.spark` beside the warehouse |
| DAGSTER_HOME | the Dagster instance every run goes through | the project's .dagster_home/ |

Warehouse, landing folder, site configuration, time zone and first day can also come from the
command line (use_command_line), which wins over the environment. The warehouse resource receives
them per run as run config (the command line) or as dagster.EnvVar (the UI and daemon,
pipelines/defs/resources.py). The day partitions and the schedules are shaped by the settings when
the definitions load.
"""

import os
import re
import shlex
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # pipelines/, above pipelines/core/
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
    adjudications: Path


# Settings given on the command line (`masscreen run --warehouse ... --timezone ...`) for this
# process: they win over the environment. Keys are the variables' names; a key set to None means
# "not set" even when the environment sets it (`--landing` clears a MASSCREEN_CONFIG).
_command_line: dict[str, str | None] = {}


def use_command_line(values: dict[str, str | None]) -> None:
    """Make these settings (keyed by variable name, e.g. MASSCREEN_WAREHOUSE) the process's own,
    over the environment, for load_settings and hence the definitions this process loads; the
    values are passed to each run as the warehouse resource's run config (pipelines/runner.py)."""
    unknown = set(values) - set(COMMAND_LINE_SETTINGS)
    if unknown:
        raise ValueError(f"not a setting the command line gives: {', '.join(sorted(unknown))}")
    _command_line.clear()
    _command_line.update(values)


COMMAND_LINE_SETTINGS = ("MASSCREEN_WAREHOUSE", "MASSCREEN_LANDING", "MASSCREEN_CONFIG", "MASSCREEN_TIMEZONE",
                         "MASSCREEN_PARTITION_START")


def _setting(name: str, default: str | None = None) -> str | None:
    """A setting: the command line's, else the environment's (an empty value counts as unset), else default."""
    if name in _command_line:
        return _command_line[name] or default
    return os.environ.get(name) or default


def from_environment(name: str) -> bool:
    """Whether the setting's value comes from the environment (set there, not given on the command line)."""
    return name not in _command_line and bool(os.environ.get(name))


def load_settings() -> Settings:
    timezone = _setting("MASSCREEN_TIMEZONE", "America/New_York")
    partition_start = _setting("MASSCREEN_PARTITION_START", "2024-01-01")
    config = Path(_setting("MASSCREEN_CONFIG")) if _setting("MASSCREEN_CONFIG") else None
    if config is not None:
        from pipelines.core.site_config import load_site_config

        site = load_site_config(config)
        timezone, partition_start = site.timezone, site.partition_start or partition_start
    try:
        ZoneInfo(timezone)  # fail early on a misspelt zone
    except (ValueError, KeyError):
        raise ValueError(f"time zone {timezone!r} is not an IANA time zone name (MASSCREEN_TIMEZONE or the site "
                         "configuration's timezone); use one such as America/New_York") from None
    try:
        date.fromisoformat(partition_start)
    except ValueError:
        raise ValueError(f"first day partition {partition_start!r} is not a YYYY-MM-DD date (MASSCREEN_PARTITION_START "
                         "or the site configuration's partition_start)") from None
    warehouse = Path(_setting("MASSCREEN_WAREHOUSE", "var/warehouse.duckdb"))
    return Settings(
        warehouse=warehouse,
        landing=Path(_setting("MASSCREEN_LANDING", "var/landing")),
        timezone=timezone,
        partition_start=partition_start,
        rules=Path(_setting("MASSCREEN_RULES", str(REFERENCE_DIR / "rules.yaml"))),
        config=config,
        adjudications=Path(_setting("MASSCREEN_ADJUDICATIONS") or warehouse.parent / "adjudications.csv"),
    )


def nightly_hour() -> int:
    """MASSCREEN_NIGHTLY_HOUR, the hour (0-23, site time) of the nightly schedule and the weekly
    research release; read when the definitions load, as schedules are fixed then."""
    text = _setting("MASSCREEN_NIGHTLY_HOUR", "2")
    if not text.isdigit() or not 0 <= int(text) <= 23:
        raise ValueError(f"MASSCREEN_NIGHTLY_HOUR={text!r} is not an hour from 0 to 23")
    return int(text)


def dagster_home() -> Path:
    """The Dagster instance every run goes through (run history, event log, concurrency pools):
    DAGSTER_HOME when set, else the project's .dagster_home/ (the one `make ui` serves)."""
    return Path(os.environ.get("DAGSTER_HOME") or PROJECT_DIR / ".dagster_home").resolve()


MIN_ENCRYPTION_KEY_LENGTH = 16
MIN_RESEARCH_KEY_LENGTH = 32


def encryption_key() -> str | None:
    """The key from MASSCREEN_ENCRYPTION_KEY, or None when the files are not to be encrypted."""
    key = os.environ.get("MASSCREEN_ENCRYPTION_KEY") or None
    if key is not None and len(key) < MIN_ENCRYPTION_KEY_LENGTH:
        raise ValueError(f"MASSCREEN_ENCRYPTION_KEY must be at least {MIN_ENCRYPTION_KEY_LENGTH} characters")
    return key


def research_key() -> str:
    """The research tier's secret, refused when absent or too short to be a real secret."""
    key = os.environ.get("MASSCREEN_RESEARCH_KEY", "")
    if len(key) < MIN_RESEARCH_KEY_LENGTH:
        raise ValueError(f"MASSCREEN_RESEARCH_KEY must be set to a secret of at least {MIN_RESEARCH_KEY_LENGTH} "
                         "characters (docs/RESEARCH.md, 'The key')")
    return key


def research_max_shift_days() -> int:
    text = os.environ.get("MASSCREEN_RESEARCH_MAX_SHIFT_DAYS", "182")
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"MASSCREEN_RESEARCH_MAX_SHIFT_DAYS must be a positive whole number of days, not {text!r}")
    return int(text)


def seconds_setting(name: str, default: float) -> float:
    """A duration in seconds from the environment (ValueError naming the variable when it is not a
    number of seconds, 0 or more)."""
    text = os.environ.get(name, str(default))
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise ValueError(f"{name}={text!r} is not a number of seconds (0 or more)")
    return value


_SIZE_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
               "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def memory_setting() -> str:
    """DuckDB's memory limit from MASSCREEN_DUCKDB_MEMORY, e.g. '12GB' (ValueError naming it when it
    is not a size DuckDB reads)."""
    text = os.environ.get("MASSCREEN_DUCKDB_MEMORY", "12GB")
    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*", text, flags=re.IGNORECASE) \
            or _size_bytes(text) < MIN_MEMORY_BYTES:
        raise ValueError(f"MASSCREEN_DUCKDB_MEMORY={text!r} is not a size such as 12GB or 8000MB, of at least "
                         "450MB (what a backfill needs; docs/OPERATIONS.md)")
    return text


MIN_MEMORY_BYTES = 450 * 10**6  # tests/test_memory_limit.py: the least a backfill was run in


def _size_bytes(text: str) -> int:
    number, unit = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*", text).groups()
    return int(float(number) * _SIZE_UNITS[unit.lower()])


def memory_bytes() -> int:
    """MASSCREEN_DUCKDB_MEMORY in bytes (KB, MB, GB, TB are powers of 1000, KiB... of 1024, as DuckDB reads them)."""
    return _size_bytes(memory_setting())


def spill_directory() -> Path | None:
    """The folder DuckDB spills intermediate results to beyond its memory limit, from
    MASSCREEN_DUCKDB_TEMP_DIRECTORY (None: pipelines/core/warehouse.py uses `<warehouse file>.tmp`
    beside the warehouse). ValueError naming the variable when it names a file or a folder this
    user cannot create or write."""
    text = os.environ.get("MASSCREEN_DUCKDB_TEMP_DIRECTORY", "").strip()
    if not text:
        return None
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise ValueError(f"MASSCREEN_DUCKDB_TEMP_DIRECTORY={text!r} is a file, not a folder; name a folder "
                         "on a disk with room for the spilled data (or leave it unset)")
    existing = next(parent for parent in (path, *path.parents) if parent.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"MASSCREEN_DUCKDB_TEMP_DIRECTORY={text!r} cannot be created or written ({existing} is "
                         "not a folder this user can write); name a writable folder (or leave it unset)")
    return path


ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class EngineSettings:
    """Which engine runs the feature and screen assets, and the Spark session's settings."""
    engine: str
    spark_master: str
    spark_conf: dict[str, str]
    exchange: Path | None  # None: `<warehouse file>.spark` (pipelines/defs/resources.py)


def engine_settings() -> EngineSettings:
    """MASSCREEN_ENGINE, MASSCREEN_SPARK_MASTER, MASSCREEN_SPARK_CONF and MASSCREEN_SPARK_EXCHANGE
    (table above). The Spark variables are read only when the engine is spark: a duckdb run never
    stops on them. ValueError (one line naming the variable, with the fix) for an engine other than
    duckdb or spark, or, with spark, a Spark setting that is not `key=value`."""
    engine = (os.environ.get("MASSCREEN_ENGINE") or "duckdb").strip().lower()
    if engine not in ENGINES:
        raise ValueError(f"MASSCREEN_ENGINE={engine!r} is not an engine: use duckdb (the default) or spark")
    spark = engine == "spark"
    return EngineSettings(
        engine=engine,
        spark_master=(os.environ.get("MASSCREEN_SPARK_MASTER") or "local[2]").strip(),
        spark_conf=spark_conf(os.environ.get("MASSCREEN_SPARK_CONF", "")) if spark else {},
        exchange=Path(os.environ["MASSCREEN_SPARK_EXCHANGE"]) if os.environ.get("MASSCREEN_SPARK_EXCHANGE") else None,
    )


def spark_conf(text: str) -> dict[str, str]:
    """`key=value` pairs separated by white space (MASSCREEN_SPARK_CONF) as a dict. A value holding
    spaces is quoted in single or double quotes (`spark.executor.extraJavaOptions='-Xss4m -XX:+UseG1GC'`);
    backslashes and `#` are kept as typed (a Windows path, a value with #). ValueError naming the
    variable for an unclosed quote, a pair without `=` or a key that is not a spark.* setting."""
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split, lexer.escape, lexer.commenters = True, "", ""
    try:
        words = list(lexer)
    except ValueError as error:  # shlex: "No closing quotation"
        raise ValueError(f"MASSCREEN_SPARK_CONF: {str(error).lower()} in {text!r}: quote a value holding "
                         "spaces whole, as key='a b'") from None
    pairs = {}
    for pair in words:
        key, separator, value = pair.partition("=")
        if not separator or not key.startswith("spark.") or not value:
            raise ValueError(f"MASSCREEN_SPARK_CONF: {pair!r} is not a Spark setting as key=value "
                             "(e.g. spark.driver.memory=8g); separate settings with spaces and quote a value "
                             "holding spaces (key='a b')")
        pairs[key] = value
    return pairs


def validation_chunk_rows() -> int:
    """MASSCREEN_VALIDATION_CHUNK_ROWS: the rows the Great Expectations checks hold in memory at a
    time (pipelines/staging/gx_validation.py, validate_query). ValueError naming the variable when
    it is not a whole number of 1,000 or more."""
    text = (os.environ.get("MASSCREEN_VALIDATION_CHUNK_ROWS") or "500000").strip().replace("_", "")
    if not text.isdigit() or int(text) < 1000:
        raise ValueError(f"MASSCREEN_VALIDATION_CHUNK_ROWS={text!r} is not a whole number of rows of 1000 or more "
                         "(default 500000)")
    return int(text)
