"""The engine switch's settings (pipelines/core/settings.py: MASSCREEN_ENGINE, MASSCREEN_SPARK_*):
read once, malformed values stopped before a run starts in one line, and passed to every run as the
engine resource's config. The Spark engine itself runs in tests/test_spark_equivalence.py."""

import importlib.util

import pytest

from pipelines import runner
from pipelines.cli import main
from pipelines.core.settings import engine_settings, spark_conf
from pipelines.defs.resources import EngineResource


def run_one_day(site) -> int:
    """`masscreen run` of one day on the site fixture's landing folder; its exit code."""
    tmp_path, landing = site
    return main(["run", "--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb"),
                 "--start", "2024-01-10", "--end", "2024-01-10"])


def refusal(site, capsys) -> list[str]:
    """The lines a run refused before it starts prints (it must exit 1)."""
    assert run_one_day(site) == 1
    return capsys.readouterr().err.strip().splitlines()


def test_the_default_engine_is_duckdb(monkeypatch):
    for variable in ("MASSCREEN_ENGINE", "MASSCREEN_SPARK_MASTER", "MASSCREEN_SPARK_CONF", "MASSCREEN_SPARK_EXCHANGE"):
        monkeypatch.delenv(variable, raising=False)
    settings = engine_settings()
    assert (settings.engine, settings.spark_master, settings.spark_conf, settings.exchange) == \
        ("duckdb", "local[2]", {}, None)
    assert not EngineResource().uses_spark()


def test_the_spark_settings_are_read(monkeypatch, tmp_path):
    monkeypatch.setenv("MASSCREEN_ENGINE", " Spark ")
    monkeypatch.setenv("MASSCREEN_SPARK_MASTER", "spark://scheduler:7077")
    monkeypatch.setenv("MASSCREEN_SPARK_CONF", "spark.driver.memory=8g  spark.executor.memory=16g")
    monkeypatch.setenv("MASSCREEN_SPARK_EXCHANGE", str(tmp_path / "shared"))
    settings = engine_settings()
    assert settings.engine == "spark" and settings.spark_master == "spark://scheduler:7077"
    assert settings.spark_conf == {"spark.driver.memory": "8g", "spark.executor.memory": "16g"}
    assert settings.exchange == tmp_path / "shared"
    config = runner.run_config()["resources"]["engine"]["config"]
    assert config == {"engine": "spark", "spark_master": "spark://scheduler:7077",
                      "spark_conf": {"spark.driver.memory": "8g", "spark.executor.memory": "16g"},
                      "exchange": str(tmp_path / "shared")}
    assert EngineResource(**config).uses_spark()


def test_the_exchange_folder_defaults_to_beside_the_warehouse(tmp_path):
    assert EngineResource(engine="spark").exchange_folder(str(tmp_path / "w.duckdb")) == tmp_path / "w.duckdb.spark"
    assert EngineResource(engine="spark", exchange=str(tmp_path / "x")).exchange_folder("w.duckdb") == tmp_path / "x"


@pytest.mark.parametrize("text, message", [
    ("spark.driver.memory", "'spark.driver.memory' is not a Spark setting as key=value"),
    ("driver.memory=8g", "'driver.memory=8g' is not a Spark setting as key=value"),
    ("spark.driver.memory=", "'spark.driver.memory=' is not a Spark setting"),
])
def test_a_malformed_spark_setting_is_named(text, message):
    with pytest.raises(ValueError, match="MASSCREEN_SPARK_CONF") as error:
        spark_conf(text)
    assert message in str(error.value)


def test_a_quoted_value_may_hold_spaces():
    assert spark_conf("spark.driver.memory=8g spark.executor.extraJavaOptions='-Xss4m -XX:+UseG1GC' "
                      'spark.driver.extraJavaOptions="-Da=1 -Db=2"') == {
        "spark.driver.memory": "8g", "spark.executor.extraJavaOptions": "-Xss4m -XX:+UseG1GC",
        "spark.driver.extraJavaOptions": "-Da=1 -Db=2"}
    assert spark_conf(r"spark.local.dir=C:\tmp\x spark.app.name=a#1") == {"spark.local.dir": r"C:\tmp\x",
                                                                           "spark.app.name": "a#1"}
    with pytest.raises(ValueError, match=r"MASSCREEN_SPARK_CONF: no closing quotation in .*quote a value holding spaces"):
        spark_conf("spark.executor.extraJavaOptions='-Xss4m -XX:+UseG1GC")


def test_the_spark_settings_are_not_read_for_a_duckdb_run(monkeypatch):
    """A malformed MASSCREEN_SPARK_CONF left in the environment does not stop the default engine."""
    monkeypatch.delenv("MASSCREEN_ENGINE", raising=False)
    monkeypatch.setenv("MASSCREEN_SPARK_CONF", "spark.driver.memory:8g")
    assert engine_settings().spark_conf == {}
    monkeypatch.setenv("MASSCREEN_ENGINE", "spark")
    with pytest.raises(ValueError, match="'spark.driver.memory:8g' is not a Spark setting as key=value"):
        engine_settings()


def test_the_users_driver_java_options_keep_the_log_option():
    from pipelines.screen.spark_stages import SPARK_LOG_CONFIG, driver_java_options

    log_option = f"-Dlog4j.configurationFile={SPARK_LOG_CONFIG}"
    assert driver_java_options({}) == log_option
    assert driver_java_options({"spark.driver.extraJavaOptions": "-Xss4m -Da=b"}) == f"{log_option} -Xss4m -Da=b"
    own = {"spark.driver.extraJavaOptions": "-Dlog4j.configurationFile=/etc/spark/log4j2.properties -Xss4m"}
    assert driver_java_options(own) == own["spark.driver.extraJavaOptions"]
    own = {"spark.driver.extraJavaOptions": "-Xss4m -Dlog4j2.configurationFile=/etc/spark/log4j2.xml"}
    assert driver_java_options(own) == own["spark.driver.extraJavaOptions"]


def test_a_malformed_spark_setting_stops_a_spark_run_only(site, monkeypatch, capsys):
    monkeypatch.setenv("MASSCREEN_ENGINE", "spark")
    monkeypatch.setenv("MASSCREEN_SPARK_CONF", "spark.driver.memory:8g")
    [line] = refusal(site, capsys)
    assert line.startswith("Run not started: MASSCREEN_SPARK_CONF: 'spark.driver.memory:8g' is not a Spark setting")
    monkeypatch.setenv("MASSCREEN_ENGINE", "duckdb")
    assert run_one_day(site) == 0


def test_an_unknown_engine_in_run_config_is_refused_in_one_line():
    with pytest.raises(ValueError, match=r"engine 'polars' is not one of duckdb, spark \(MASSCREEN_ENGINE\)"):
        EngineResource(engine="polars").uses_spark()


def test_spark_with_encrypted_files_is_refused_before_the_run_starts(site, monkeypatch, capsys):
    """The Parquet exchanged with Spark would hold patient data unencrypted."""
    monkeypatch.setenv("MASSCREEN_ENGINE", "spark")
    monkeypatch.setenv("MASSCREEN_ENCRYPTION_KEY", "a key of sixteen characters or more")
    [line] = refusal(site, capsys)
    assert line == ("Run not started: MASSCREEN_ENGINE=spark does not run with MASSCREEN_ENCRYPTION_KEY set (the "
                    "Parquet exchanged with Spark would not be encrypted): use MASSCREEN_ENGINE=duckdb")


@pytest.mark.skipif(importlib.util.find_spec("pyspark") is not None,
                    reason="pyspark is installed here: the Spark engine runs in tests/test_spark_equivalence.py")
def test_spark_without_pyspark_is_refused_before_the_run_starts(site, monkeypatch, capsys):
    monkeypatch.setenv("MASSCREEN_ENGINE", "spark")
    [line] = refusal(site, capsys)
    assert line == ("Run not started: MASSCREEN_ENGINE=spark: pyspark is not installed: pip install -e '.[spark]' "
                    "(constraints.txt pins it)")


def test_spark_with_an_exchange_folder_that_is_a_file_is_refused_before_the_run_starts(site, monkeypatch, capsys):
    tmp_path, _ = site
    (tmp_path / "notes.txt").write_text("")
    monkeypatch.setenv("MASSCREEN_ENGINE", "spark")
    monkeypatch.setenv("MASSCREEN_SPARK_EXCHANGE", str(tmp_path / "notes.txt"))
    monkeypatch.setattr("pipelines.screen.spark_stages.spark_available", lambda: None)  # as where pyspark is
    [line] = refusal(site, capsys)
    assert line == (f"Run not started: the Spark exchange folder {tmp_path / 'notes.txt'} is a file: set "
                    "MASSCREEN_SPARK_EXCHANGE to a folder (default: <warehouse file>.spark)")


def test_the_exchange_folder_is_created_owner_only(tmp_path):
    """It holds patient data (the staged tables as Parquet, Spark's results)."""
    from pipelines.screen.spark_stages import prepare_exchange

    folder = prepare_exchange(tmp_path / "deep" / "exchange")
    assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700


def test_the_engine_is_read_alike_from_the_environment_and_from_run_config():
    """The UI's runs get MASSCREEN_ENGINE as a dagster.EnvVar, unnormalised."""
    assert EngineResource(engine=" Spark ").engine_name() == "spark"
    assert EngineResource(engine="DUCKDB").uses_spark() is False


def test_an_exchange_folder_open_to_others_is_refused(tmp_path):
    from pipelines.screen.spark_stages import SparkUnavailable, prepare_exchange

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    with pytest.raises(SparkUnavailable, match=r"is open to other users \(mode 755\) and will hold patient data: "
                                                r"chmod 700 .*shared, or name a new folder in MASSCREEN_SPARK_EXCHANGE"):
        prepare_exchange(shared)


def test_a_spark_error_becomes_one_line_naming_the_master():
    """Spark's errors arrive as a Java trace of dozens of lines (py4j)."""
    from pipelines.screen.spark_stages import SparkStepFailed, spark_errors

    class Py4JJavaError(Exception):
        pass

    Py4JJavaError.__module__ = "py4j.protocol"
    trace = ("An error occurred while calling None.org.apache.spark.api.java.JavaSparkContext.\n"
             ": java.lang.IllegalStateException: Cannot call methods on a stopped SparkContext.\n"
             "\tat org.apache.spark.SparkContext.assertNotStopped(SparkContext.scala:122)\n" * 20)
    with pytest.raises(SparkStepFailed) as error:
        with spark_errors("spark://127.0.0.1:1"):
            raise Py4JJavaError(trace)
    assert str(error.value) == (
        "Spark failed: java.lang.IllegalStateException: Cannot call methods on a stopped SparkContext. "
        "(Spark master spark://127.0.0.1:1, MASSCREEN_SPARK_MASTER; the whole Java trace is in the Dagster run's log)")
    with pytest.raises(KeyError):  # not Spark's: unchanged
        with spark_errors("local[2]"):
            raise KeyError("x")
