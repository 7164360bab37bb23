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

from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator

import duckdb

from pipelines.core.warehouse import parquet_options
from pipelines.features.dialects import SPARK_CONF, compiled_query
from pipelines.features.rule_set import RuleSet

# The staging tables sql/features/patient_day.sql and sql/screen/*.sql read.
STAGING_INPUTS = ("lab_results", "vital_signs", "diagnoses", "medications", "patients", "encounters")
OUTPUTS = ("features.patient_day", "screen.rule_evaluations", "screen.at_risk_daily")


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


@contextmanager
def spark_session(timezone: str, folder: Path, master: str = "local[2]", conf: dict[str, str] | None = None
                  ) -> Iterator["pyspark.sql.SparkSession"]:  # noqa: F821
    """A SparkSession for the site: session time zone = the site's zone, dialects.SPARK_CONF, Parquet
    times written as microsecond instants, its catalog and scratch space under `folder`. `master`
    is local[N] on one machine or a cluster's URL. Stopped on exit. Raises SparkUnavailable."""
    problem = spark_available()
    if problem:
        raise SparkUnavailable(problem)
    from pyspark.sql import SparkSession

    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    builder = (SparkSession.builder.master(master).appName("masscreen")
               .config("spark.sql.session.timeZone", timezone)
               .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
               .config("spark.sql.warehouse.dir", str(folder / "spark-warehouse"))
               .config("spark.local.dir", str(folder / "spark-scratch"))
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.memory", "4g")  # local mode: the driver is the executor
               # the rule queries are wide expressions: compiling them into one generated method
               # fails (Java 64 KB limit) and falls back after a slow attempt
               .config("spark.sql.codegen.wholeStage", "false"))
    for key, value in {**SPARK_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


def export_staging(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, Path]:
    """Write the staging tables the two stages read to folder/staging/<table>.parquet (encrypted
    Parquet when the site key is set). Returns table -> file."""
    (folder / "staging").mkdir(parents=True, exist_ok=True)
    files = {}
    for table in STAGING_INPUTS:
        path = folder / "staging" / f"{table}.parquet"
        con.execute(f"COPY staging.{table} TO '{path}' (FORMAT parquet{parquet_options()})")
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
