"""sql/compiled/ is the SQL that runs, rendered from sql/ and the shipped rule file by
pipelines/features/dialects.py: the checked-in files must match what it renders now, and the DuckDB pipeline
must run them."""

import re

import pytest

from pipelines.core.warehouse import sql_text
from pipelines.features import dialects, feature_table
from pipelines.features.rule_set import load_rule_set


@pytest.fixture(scope="module")
def compiled():
    return dialects.compile_all(load_rule_set(dialects.SHIPPED_RULE_FILE))


def test_compiled_files_are_current(compiled):
    on_disk = {f"{path.parent.name}/{path.name}": path.read_text()
               for dialect in dialects.DIALECTS for path in (dialects.COMPILED_DIR / dialect).glob("*.sql")}
    stale = sorted(name for name in compiled.keys() | on_disk.keys() if compiled.get(name) != on_disk.get(name))
    assert not stale, f"sql/compiled/ is stale ({', '.join(stale[:5])}): run `python -m pipelines.features.dialects`"


def test_every_table_has_both_dialects(compiled):
    tables = {name.split("/", 1)[1] for name in compiled}
    assert {"features.patient_day.sql", "screen.rule_evaluations.sql", "screen.at_risk_daily.sql",
            "temp.screen_day.sql", "temp.rule_hscore.sql"} <= tables
    assert all(f"{dialect}/{table}" in compiled for dialect in dialects.DIALECTS for table in tables)


def test_only_the_block_days_are_parameters(compiled):
    for name, text in compiled.items():
        body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
        marker = r"\$" if name.startswith("duckdb/") else r"(?<![:\w]):"
        names = set(re.findall(marker + r"([A-Za-z_]\w*)", body))
        assert names <= {"start", "end"}, f"{name}: parameters {names - {'start', 'end'}} are not written in"
    assert "$start" in compiled["duckdb/features.patient_day.sql"]
    assert ":start" in compiled["spark/features.patient_day.sql"]


def test_pipeline_runs_the_checked_in_files():
    rule_set = load_rule_set(dialects.SHIPPED_RULE_FILE)
    checked_in = (dialects.COMPILED_DIR / "duckdb" / "features.patient_day.sql").read_text()
    assert feature_table.patient_day_query(rule_set) == checked_in


def test_another_rule_file_is_rendered_not_read(tmp_path):
    """A site's own rule file (here: the shipped one with another HScore cut-off) runs SQL rendered
    for it, not the checked-in files."""
    path = tmp_path / "rules.yaml"
    text = dialects.SHIPPED_RULE_FILE.read_text()
    assert "    cut_off: 169\n" in text
    path.write_text(text.replace("    cut_off: 169\n", "    cut_off: 170\n"))
    rule_set = load_rule_set(path)
    assert rule_set.version != load_rule_set(dialects.SHIPPED_RULE_FILE).version
    query = dialects.compiled_query("screen.rule_evaluations", rule_set)
    assert f"'{rule_set.version}' AS rule_set_version" in query
    assert query != (dialects.COMPILED_DIR / "duckdb" / "screen.rule_evaluations.sql").read_text()


def test_feature_and_screen_sql_ask_no_text_length():
    """dialects.to_spark reads DuckDB's len() as the length of a list (Spark's size())."""
    sources = [sql_text("features/patient_day.sql"), sql_text("screen/screen_day.sql"), sql_text("macros.sql"),
               sql_text("screen/macros.sql")] + [sql_text(path) for _, path in
                                                 load_rule_set(dialects.SHIPPED_RULE_FILE).rule_sql_files()]
    for text in sources:
        assert not re.search(r"\b(length|strlen|char_length)\s*\(", text, re.I)


def test_spark_forms_of_the_differences():
    """Each difference named in pipelines/features/dialects.py takes its Spark form."""
    spark = dialects.to_spark(
        "SELECT len(list_filter(l, x -> x)), l[2], w['min'], list_has_any(a, b), t - INTERVAL 1 DAY, "
        "t + to_hours(72), datediff('day', d, t), datediff('year', b, d), CAST(x AS ENUM('a', 'b')), "
        "list(DISTINCT c ORDER BY c) FILTER (WHERE h), list(s ORDER BY c, h), isinf(v), "
        "'infinity'::TIMESTAMPTZ, to_json({'a': 1}) FROM t", {}, {})
    spark = re.sub(r"\(\s+", "(", " ".join(spark.split()))
    for expected in ("SIZE(FILTER(", "ELEMENT_AT(l, 2)", "w['min']", "ARRAYS_OVERLAP(a, b)",
                     "MAKE_INTERVAL(0, 0, 0, 1, 0, 0, 0)", "TIMESTAMP_MICROS(UNIX_MICROS(t) + CAST(72 AS BIGINT) * 3600000000)",
                     "DATEDIFF(CAST(t AS DATE), CAST(d AS DATE))", "YEAR(d) - YEAR(b)", "CAST(x AS STRING)",
                     "ARRAY_SORT(COLLECT_SET(c) FILTER(WHERE h))", "e -> e.v", "ABS(v) = CAST('Infinity' AS DOUBLE)",
                     "CAST('9999-12-31 23:59:59.999999' AS TIMESTAMP)", "TO_JSON(STRUCT(1 AS a), MAP('ignoreNullFields', 'false'"):
        assert expected in spark, expected


def test_macros_are_expanded_for_spark():
    spark = dialects.to_spark("SELECT meets(v, '>', 3) FROM t", {}, None)
    assert not re.search(r"\bmeets\s*\(", spark, re.I) and "v > 3" in spark
