"""The feature and screen stages on Apache Spark, from the same SQL as DuckDB (sql/compiled/spark/,
produced from sql/compiled/duckdb/ by pipelines/features/dialects.py).

In: the staging tables the two stages read, as Parquet (export_staging writes them from the
warehouse: one file per table, times as UTC instants). Out: Parquet folders under the output
folder, one per table: features/patient_day, screen/rule_evaluations, screen/at_risk_daily, with
the columns and rows DuckDB writes for the same days (tests/test_spark_equivalence.py); the tier is
text, not an ENUM, and times are Spark TIMESTAMPs (instants, read back as TIMESTAMPTZ).

A run covers [start, end] in one pass (Spark spreads the work over its executors; no memory
blocks) and replaces the tables' folders. The session's time zone must be the site's
(spark_session sets it; dialects.SPARK_CONF lists what else the SQL assumes). Needs the optional
extra `.[spark]` (pyspark) and Java 17 or later.
"""

import re
import shutil
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator

import duckdb

from pipelines.core.daily_tables import replace_daily_slice
from pipelines.core.settings import REFERENCE_DIR, encryption_key
from pipelines.core.warehouse import (execute, identifier, owner_only_files, parquet_options, run_script,
                                      string_literal, transaction)
from pipelines.features.dialects import SPARK_CONF, compiled_query
from pipelines.features import feature_table
from pipelines.features.rule_set import RuleSet

# The staging tables sql/features/patient_day.sql and sql/screen/*.sql read.
STAGING_INPUTS = ("lab_results", "vital_signs", "diagnoses", "medications", "patients", "encounters")
OUTPUTS = ("features.patient_day", "screen.rule_evaluations", "screen.at_risk_daily")
SPARK_LOG_CONFIG = REFERENCE_DIR / "spark-log4j2.properties"


class SparkUnavailable(RuntimeError):
    """pyspark is not installed or no Java runtime was found (message says which and the fix)."""


def spark_available() -> str | None:
    """None when pyspark imports and `java` runs, else why not (one line, with the fix)."""
    import shutil
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed: pip install -e '.[spark]' (constraints.txt pins it)"
    if not shutil.which("java") and not __import__("os").environ.get("JAVA_HOME"):
        return "no Java runtime: install Java 17 or later (Debian: apt-get install openjdk-17-jre-headless)"
    return None


def start_session(timezone: str, folder: Path, master: str = "local[2]", conf: dict[str, str] | None = None
                  ) -> "pyspark.sql.SparkSession":  # noqa: F821
    """A SparkSession for the site: session time zone = the site's zone, dialects.SPARK_CONF, Parquet
    times written as microsecond instants, its catalog and scratch space under `folder`. `master`
    is local[N] on one machine or a cluster's URL; `conf` adds or overrides Spark settings (the
    time zone, the Parquet time type, owner-only files and dialects.SPARK_CONF cannot be
    overridden: the SQL and the load back assume them; spark.driver.extraJavaOptions is kept with
    the log option added, driver_java_options). The caller stops it (spark_session does).
    Raises SparkUnavailable, or SparkStepFailed when Spark does not start (e.g. a master that does
    not answer)."""
    problem = spark_available()
    if problem:
        raise SparkUnavailable(problem)
    from pyspark.sql import SparkSession

    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    settings = {
        "spark.sql.warehouse.dir": str(folder / "spark-warehouse"),
        "spark.local.dir": str(folder / "spark-scratch"),
        "spark.sql.shuffle.partitions": "4",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": "4g",  # local mode: the driver is the executor
        # the rule queries are wide expressions: compiling them into one generated method
        # fails (Java 64 KB limit) and falls back after a slow attempt
        "spark.sql.codegen.wholeStage": "false",
        **(conf or {}),
        "spark.driver.extraJavaOptions": driver_java_options(conf or {}),
        "spark.sql.session.timeZone": timezone,
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",  # the load back reads instants
        # the Parquet Spark writes is patient data: owner-only, as the files DuckDB writes
        "spark.hadoop.fs.permissions.umask-mode": "077",
        **SPARK_CONF,
    }
    builder = SparkSession.builder.master(master).appName("masscreen")
    for key, value in settings.items():
        builder = builder.config(key, value)
    with owner_only_files(), spark_errors(master):  # the JVM inherits the umask
        session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def driver_java_options(conf: dict[str, str]) -> str:
    """The driver's JVM options: the user's spark.driver.extraJavaOptions (from
    MASSCREEN_SPARK_CONF) with the option that keeps Spark's own log to errors
    (-Dlog4j.configurationFile=<SPARK_LOG_CONFIG>; its start-up warnings would bury the run's
    progress lines) put first, unless the user names a log configuration of their own
    (-Dlog4j.configurationFile= or -Dlog4j2.configurationFile=)."""
    options = conf.get("spark.driver.extraJavaOptions", "").strip()
    if "-Dlog4j.configurationFile=" in options or "-Dlog4j2.configurationFile=" in options:
        return options
    return f"-Dlog4j.configurationFile={SPARK_LOG_CONFIG} {options}".strip()


@contextmanager
def spark_session(timezone: str, folder: Path, master: str = "local[2]", conf: dict[str, str] | None = None
                  ) -> Iterator["pyspark.sql.SparkSession"]:  # noqa: F821
    """start_session's session, stopped on exit. Raises SparkUnavailable."""
    session = start_session(timezone, folder, master, conf)
    try:
        yield session
    finally:
        session.stop()


def export_staging(con: duckdb.DuckDBPyConnection, folder: Path,
                   tables: tuple[str, ...] = STAGING_INPUTS) -> dict[str, Path]:
    """Write staging tables (default: all the two stages read) to folder/staging/<table>.parquet,
    whole (encrypted Parquet when the site key is set). Returns table -> file."""
    (folder / "staging").mkdir(parents=True, exist_ok=True)
    files = {}
    for table in tables:
        path = folder / "staging" / f"{table}.parquet"
        con.execute(f"COPY staging.{table} TO {string_literal(str(path))} (FORMAT parquet{parquet_options()})")
        files[table] = path
    return files


def _register(spark, table: str, path: Path) -> None:
    """Name a Parquet folder or file `schema.table` in the session's catalog."""
    schema = table.split(".", 1)[0]
    spark.sql(f"CREATE DATABASE IF NOT EXISTS {schema}")
    spark.sql(f"DROP TABLE IF EXISTS {table}")
    spark.sql(f"CREATE TABLE {table} USING parquet LOCATION '{Path(path).resolve()}'")


def register_staging(spark, staging: dict[str, Path]) -> None:
    for table, path in staging.items():
        _register(spark, f"staging.{table}", path)


def _write(spark, query: str, params: dict[str, object], table: str, out: Path) -> int:
    path = out.resolve() / table.replace(".", "/")
    frame = spark.sql(query, args=params)
    frame.write.mode("overwrite").parquet(str(path))
    _register(spark, table, path)
    return spark.table(table).count()


def build_patient_day(spark, start: date, end: date, rule_set: RuleSet, out: Path) -> int:
    """features.patient_day for [start, end] on Spark (sql/compiled/spark/features.patient_day.sql),
    written to out/features/patient_day. Needs register_staging first. Returns its rows."""
    return _write(spark, compiled_query("features.patient_day", rule_set, "spark"),
                  {"start": start, "end": end}, "features.patient_day", out)


def build_screen(spark, start: date, end: date, rule_set: RuleSet, out: Path) -> int:
    """screen.rule_evaluations and screen.at_risk_daily for [start, end] on Spark: screen_day and one
    cached temporary view per rule, as DuckDB's temporary tables (sql/compiled/spark/temp.*), then
    the two tables under out/screen/. Needs features.patient_day (build_patient_day, or
    register_table) and the staging tables. Returns the at-risk rows."""
    params = {"start": start, "end": end}
    views = ["screen_day"] + [f"rule_{rule_id}" for rule_id, _ in rule_set.rule_sql_files()]
    frames = []
    try:
        for view in views:
            frame = spark.sql(compiled_query(f"temp.{view}", rule_set, "spark"), args=params).cache()
            frame.createOrReplaceTempView(view)
            frames.append(frame)
        _write(spark, compiled_query("screen.rule_evaluations", rule_set, "spark"), params,
               "screen.rule_evaluations", out)
        return _write(spark, compiled_query("screen.at_risk_daily", rule_set, "spark"), params,
                      "screen.at_risk_daily", out)
    finally:
        for view, frame in zip(views, frames):
            frame.unpersist()
            spark.catalog.dropTempView(view)


def register_table(spark, table: str, path: Path) -> None:
    """Name an existing Parquet copy of a table (e.g. features.patient_day) for the next stage."""
    _register(spark, table, path)


# The staging tables sql/features/patient_day.sql reads (the screen reads all of STAGING_INPUTS).
FEATURE_STAGING_INPUTS = ("lab_results", "vital_signs")


class SparkStepFailed(RuntimeError):
    """Spark failed (did not start, or a query or write failed): one line with the first line of
    Spark's own error and where to look; the Java trace is its cause (the Dagster run's log)."""


_JAVA_ERROR_LINE = re.compile(r"^(?::\s*)?((?:[\w$]+\.)+[\w$]*(?:Exception|Error)\b.*)$", re.MULTILINE)


@contextmanager
def spark_errors(master: str) -> Iterator[None]:
    """Inside the block, an error raised by PySpark or by the JVM through py4j becomes SparkStepFailed
    (one line: Spark's first error line, cut to 300 characters, and the master to check); other
    errors pass unchanged."""
    try:
        yield
    except Exception as error:
        if not type(error).__module__.startswith(("py4j", "pyspark")):
            raise
        text = str(error)
        found = _JAVA_ERROR_LINE.search(text)
        line = (found.group(1) if found else next((line for line in text.splitlines() if line.strip()), text)).strip()
        raise SparkStepFailed(f"Spark failed: {line[:300]} (Spark master {master}, MASSCREEN_SPARK_MASTER; the whole "
                              "Java trace is in the Dagster run's log)") from error


def check_engine_supported() -> None:
    """Raise SparkUnavailable (one line, with the fix) when the Spark engine cannot run here:
    pyspark or Java missing, or the site's files encrypted (the exchange folder would hold patient
    data in plain Parquet, which Spark reads only with a key management service not set up here)."""
    if encryption_key():
        raise SparkUnavailable("MASSCREEN_ENGINE=spark does not run with MASSCREEN_ENCRYPTION_KEY set (the Parquet "
                               "exchanged with Spark would not be encrypted): use MASSCREEN_ENGINE=duckdb")
    problem = spark_available()
    if problem:
        raise SparkUnavailable(f"MASSCREEN_ENGINE=spark: {problem}")


def prepare_exchange(folder: Path) -> Path:
    """The exchange folder (the Parquet Spark reads and writes: patient data), created owner-only
    when it does not exist, as the warehouse's spill folder is. Raises SparkUnavailable (one line,
    naming MASSCREEN_SPARK_EXCHANGE) when it is a file, cannot be created, or is open to other users."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise SparkUnavailable(f"the Spark exchange folder {folder} is a file: set MASSCREEN_SPARK_EXCHANGE to a "
                               "folder (default: <warehouse file>.spark)")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise SparkUnavailable(f"the Spark exchange folder {folder} cannot be created ({error.strerror}): set "
                               "MASSCREEN_SPARK_EXCHANGE to a folder this user can write") from None
    mode = folder.stat().st_mode & 0o777
    if mode & 0o077:
        raise SparkUnavailable(f"the Spark exchange folder {folder} is open to other users (mode {mode:o}) and will "
                               f"hold patient data: chmod 700 {folder}, or name a new folder in MASSCREEN_SPARK_EXCHANGE")
    return folder


def duckdb_layout(con: duckdb.DuckDBPyConnection, rule_set: RuleSet, table: str) -> list[tuple[str, str]]:
    """The columns (name, DuckDB type) DuckDB's own query gives `table` (one of OUTPUTS), in order:
    Spark's Parquet is cast to these when loaded into the warehouse, so the stored types (the
    tier's ENUM, TIMESTAMPTZ, BIGINT counts) do not depend on the engine. Only layouts are bound
    (LIMIT 0 is not executed); for the screen's tables, the temporary tables their queries read
    (which read features.patient_day) are made empty and dropped after."""
    params = {"start": date.today(), "end": date.today()}
    temporary = []
    if table.startswith("screen."):
        run_script(con, "screen/macros.sql")
        temporary = ["screen_day"] + [f"rule_{rule_id}" for rule_id, _ in rule_set.rule_sql_files()]
    try:
        for name in temporary:
            execute(con, f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM "
                         f"({compiled_query(f'temp.{name}', rule_set)}) LIMIT 0", params)
        execute(con, f"CREATE OR REPLACE TEMP TABLE output_layout AS SELECT * FROM "
                     f"({compiled_query(table, rule_set)}) LIMIT 0", params)
        return [(column, kind) for column, kind, *_ in con.execute("DESCRIBE output_layout").fetchall()]
    finally:
        for name in [*temporary, "output_layout"]:
            con.execute(f"DROP TABLE IF EXISTS {name}")


def load_into_warehouse(con: duckdb.DuckDBPyConnection, table: str, out: Path,
                        layout: list[tuple[str, str]], start: date, end: date) -> int:
    """Replace the days [start, end] of the warehouse table with Spark's Parquet of it
    (out/<schema>/<table>/), each column cast to its DuckDB type (duckdb_layout) and JSON text
    written as DuckDB writes it, so the stored rows are those the DuckDB engine stores. Returns the
    rows the table holds for [start, end]."""
    files = string_literal(str(out.resolve() / table.replace(".", "/") / "*.parquet"))
    columns = ", ".join(
        # JSON text re-written by DuckDB: Spark (Java) writes 1.0E-4 where DuckDB writes 0.0001, the
        # same number; DuckDB's json() gives its own text, so the stored evidence is engine-independent
        f"json({identifier(name)}) AS {identifier(name)}" if kind == "JSON"
        else f"CAST({identifier(name)} AS {kind}) AS {identifier(name)}" for name, kind in layout)
    query = f"SELECT {columns} FROM read_parquet({files}) WHERE as_of_date BETWEEN $start AND $end"
    return replace_daily_slice(con, table, query, {}, start, end)


def patient_day_on_spark(con: duckdb.DuckDBPyConnection, spark, start: date, end: date, rule_set: RuleSet,
                         exchange: Path) -> dict[str, object]:
    """features.patient_day for [start, end] computed by Spark and written back into the warehouse,
    in one warehouse transaction: staging.lab_results and staging.vital_signs exported whole to
    exchange/staging/ as Parquet, Spark's query (sql/compiled/spark/) run over them to
    exchange/out/features/patient_day/, then those days of the warehouse table replaced by it with
    DuckDB's column types. Like feature_table.build_patient_day, a stored table of other columns
    is rebuilt for all its days. The exported and written Parquet is owner-only and removed after
    (remove_exchanged), the step failed or not. Returns {"rows": rows of [start, end], "seconds":
    {step: s}}; raises SparkStepFailed (one line) when Spark fails, the warehouse unchanged."""
    seconds = {}
    try:
        with transaction(con):
            first, last = feature_table.days_to_rebuild(con, rule_set, start, end)
            with _timed(seconds, "export"), owner_only_files():
                staging = export_staging(con, exchange, FEATURE_STAGING_INPUTS)
            with _timed(seconds, "spark"), spark_errors(spark.sparkContext.master):
                register_staging(spark, staging)
                build_patient_day(spark, first, last, rule_set, exchange / "out")
            with _timed(seconds, "load"):
                load_into_warehouse(con, "features.patient_day", exchange / "out",
                                    duckdb_layout(con, rule_set, "features.patient_day"), first, last)
    finally:
        remove_exchanged(exchange)
    rows = con.execute("SELECT count(*) FROM features.patient_day WHERE as_of_date BETWEEN ? AND ?",
                       [start, end]).fetchone()[0]
    return {"rows": rows, "seconds": seconds}


def screen_on_spark(con: duckdb.DuckDBPyConnection, spark, start: date, end: date, rule_set: RuleSet,
                    exchange: Path) -> dict[str, object]:
    """screen.rule_evaluations and screen.at_risk_daily for [start, end] computed by Spark and
    written back into the warehouse in one transaction: the warehouse's features.patient_day rows
    of [start, end] and the staging tables the screen reads exported to exchange/ as Parquet, the
    screen's queries (sql/compiled/spark/) run over them to exchange/out/screen/, then those days of
    both warehouse tables replaced with DuckDB's column types. The exchanged Parquet is owner-only
    and removed after (remove_exchanged). Returns {"rows": at-risk rows of [start, end], "seconds":
    {step: s}}; raises SparkStepFailed (one line) when Spark fails, the warehouse unchanged."""
    seconds = {}
    try:
        features = exchange / "features" / "patient_day.parquet"
        with _timed(seconds, "export"), owner_only_files():
            staging = export_staging(con, exchange)
            features.parent.mkdir(parents=True, exist_ok=True)
            execute(con, f"COPY (SELECT * FROM features.patient_day WHERE as_of_date BETWEEN $start AND $end) "
                         f"TO {string_literal(str(features))} (FORMAT parquet{parquet_options()})",
                    {"start": start, "end": end})
        with _timed(seconds, "spark"), spark_errors(spark.sparkContext.master):
            register_staging(spark, staging)
            register_table(spark, "features.patient_day", features)
            build_screen(spark, start, end, rule_set, exchange / "out")
        with _timed(seconds, "load"), transaction(con):
            for table in ("screen.rule_evaluations", "screen.at_risk_daily"):
                load_into_warehouse(con, table, exchange / "out", duckdb_layout(con, rule_set, table), start, end)
    finally:
        remove_exchanged(exchange)
    rows = con.execute("SELECT count(*) FROM screen.at_risk_daily WHERE as_of_date BETWEEN ? AND ?",
                       [start, end]).fetchone()[0]
    return {"rows": rows, "seconds": seconds}


@contextmanager
def _timed(seconds: dict[str, float], step: str) -> Iterator[None]:
    """Record the block's wall time as seconds[step]."""
    clock = time.perf_counter()
    yield
    seconds[step] = time.perf_counter() - clock


EXCHANGED = ("staging", "features", "out")  # what a step writes into the exchange folder


def remove_exchanged(exchange: Path) -> None:
    """Delete what a step exported to and what Spark wrote into the exchange folder (patient data),
    once the warehouse holds it or the step failed; Spark's session folder stays."""
    for name in EXCHANGED:
        shutil.rmtree(exchange / name, ignore_errors=True)
