"""The SQL of the feature and screen stages as it runs, per engine, and every difference between them.

The SQL in sql/ is the single source of the logic. Its templates (sql/features/patient_day.sql,
sql/screen/*.sql) are filled from the rule file (look-back windows, rules, tiers, thresholds) and
written, once per engine, as one file per table under sql/compiled/<dialect>/<schema>.<table>.sql:

    features.patient_day      the features of a patient-day
    temp.screen_day           the screen's temporary inputs (sql/screen/screen_day.sql)
    temp.rule_<rule id>       one temporary table per rule (sql/screen/rules/)
    screen.rule_evaluations   every rule for every patient-day
    screen.at_risk_daily      the flagged patient-days

Each file is one SELECT. The rule file's numbers, lists and names are written in as literals (so
the file says what runs); the only parameters left are the block's days, bound at run time:
$start and $end in DuckDB, :start and :end in Spark (named parameter markers). The DuckDB files
call the macros of sql/macros.sql and sql/screen/macros.sql, which every warehouse connection
loads; the Spark files are produced from the DuckDB files by sqlglot (`to_spark`), with the macros
expanded in place and the differences below rewritten. The DuckDB pipeline runs the checked-in
DuckDB files when the active rule file is the one they were compiled from (the digest in their
header), and renders the same text in memory for a site's own rule file
(`compiled_query`). `python -m pipelines.features.dialects` rewrites the files; tests/test_compiled_sql.py
fails when they are stale.

Every difference between the two engines that the SQL meets is handled here, in `to_spark` and
SPARK_MACROS, one comment each. The Spark session must have spark.sql.session.timeZone set to the
site's zone and ANSI mode off (`SPARK_CONF`).
"""

import hashlib
import json
import re
import sys
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB

from pipelines.core.settings import REFERENCE_DIR, SQL_DIR
from pipelines.core.warehouse import sql_text, statements
from pipelines.features.feature_columns import (analyte_summaries_sql, last_as_of_date_columns_sql,
                                                last_as_of_dates_sql, latest_last_as_of_date_sql, longest_window_hours,
                                                trend_columns_sql, window_picks_sql, window_summary_sql,
                                                windowed_aggregates_sql)
from pipelines.features.rule_set import RuleSet, load_rule_set

COMPILED_DIR = SQL_DIR / "compiled"
DIALECTS = ("duckdb", "spark")
SHIPPED_RULE_FILE = REFERENCE_DIR / "rules.yaml"
# Parameters bound at run time (the block of as-of days); everything else is written in.
RUNTIME_PARAMETERS = ("start", "end")
MACRO_FILES = ("macros.sql", "screen/macros.sql")

# Spark session settings the compiled Spark SQL assumes (besides spark.sql.session.timeZone = the
# site's zone, which makes Spark's TIMESTAMP read and print like DuckDB's TIMESTAMPTZ under
# `SET TimeZone`, and CAST(date AS TIMESTAMP) the local midnight).
SPARK_CONF = {
    # DuckDB returns NULL for a list index out of range and a missing map key; ANSI mode raises.
    "spark.sql.ansi.enabled": "false",
}


# ---------------------------------------------------------------------------------------------
# Rendering the DuckDB SQL from the templates and the rule file
# ---------------------------------------------------------------------------------------------

def patient_day_template(rule_set: RuleSet) -> str:
    """sql/features/patient_day.sql with the rule set's look-back and trend windows rendered in
    (pipelines/features/feature_columns.py). Parameters: $start, $end (DATE, the block's first and last day)."""
    return (sql_text("features/patient_day.sql")
            .replace("{{windowed_aggregates}}", windowed_aggregates_sql(rule_set))
            .replace("{{last_as_of_dates}}", last_as_of_dates_sql(rule_set))
            .replace("{{last_as_of_date_columns}}", last_as_of_date_columns_sql(rule_set))
            .replace("{{latest_last_as_of_date}}", latest_last_as_of_date_sql(rule_set))
            .replace("{{window_picks}}", window_picks_sql(rule_set))
            .replace("{{window_summary}}", window_summary_sql(rule_set))
            .replace("{{analyte_summaries}}", analyte_summaries_sql())
            .replace("{{longest_window_hours}}", str(longest_window_hours(rule_set)))
            .replace("{{trend_columns}}", trend_columns_sql(rule_set)))


def sql_literal(value: object) -> str:
    """A rule file parameter as a DuckDB literal of the type DuckDB binds the Python value as:
    text quoted, whole numbers INTEGER, other numbers DOUBLE, lists and structs as literals."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value!r}::DOUBLE"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(item, float) for item in value):
            return "[" + ", ".join(repr(item) for item in value) + "]::DOUBLE[]"
        if value and all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in value) \
                and any(isinstance(item, float) for item in value):
            return "[" + ", ".join(repr(float(item)) for item in value) + "]::DOUBLE[]"
        return "[" + ", ".join(sql_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"'{key}': {sql_literal(item)}" for key, item in value.items()) + "}"
    raise TypeError(f"no SQL literal for {value!r}")


_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def inline_parameters(sql: str, parameters: dict[str, object]) -> str:
    """Write the rule file's parameters into the SQL as literals; $start and $end stay parameters.
    Raises KeyError naming a parameter the rule set does not have."""
    def literal(match: re.Match) -> str:
        name = match.group(1)
        if name in RUNTIME_PARAMETERS:
            return match.group(0)
        if name not in parameters:
            raise KeyError(f"${name}: no such rule parameter")
        return sql_literal(parameters[name])
    # comments keep their text ($hscore__* in a header is prose, not a parameter)
    return "\n".join(line if line.lstrip().startswith("--") else _PARAMETER.sub(literal, line)
                     for line in sql.splitlines())


def rule_set_digest(rule_set: RuleSet) -> str:
    """What the compiled SQL depends on besides sql/: the rule file's content and the unit
    conversions its thresholds go through."""
    content = json.dumps({"document": rule_set.document, "conversions": sorted(
        (list(key), list(value)) for key, value in rule_set.units.conversions.items())},
        sort_keys=True, default=str)
    return hashlib.sha256(content.encode()).hexdigest()[:16]


def render_duckdb(rule_set: RuleSet) -> dict[str, str]:
    """Every table's DuckDB query rendered from its template and the rule set (parameters written in
    except $start/$end), keyed '<schema>.<table>' in the order they are built. The temporary tables of
    the screen are under 'temp'."""
    parameters = rule_set.parameters()
    queries = {"features.patient_day": patient_day_template(rule_set),
               "temp.screen_day": rule_set.render(sql_text("screen/screen_day.sql"))}
    for rule_id, path in rule_set.rule_sql_files():
        queries[f"temp.rule_{rule_id}"] = rule_set.render(sql_text(path), rule_id)
    queries["screen.rule_evaluations"] = rule_set.render(sql_text("screen/rule_evaluations.sql"))
    queries["screen.at_risk_daily"] = rule_set.render(sql_text("screen/at_risk_daily.sql"))
    return {table: inline_parameters(query, parameters).strip() + "\n" for table, query in queries.items()}


SOURCES = {"features.patient_day": "sql/features/patient_day.sql (windows: pipelines/features/feature_columns.py)",
           "temp.screen_day": "sql/screen/screen_day.sql",
           "screen.rule_evaluations": "sql/screen/rule_evaluations.sql",
           "screen.at_risk_daily": "sql/screen/at_risk_daily.sql"}


def _header(table: str, dialect: str, rule_set: RuleSet, source: str) -> str:
    marker = "$start and $end" if dialect == "duckdb" else ":start and :end"
    return (f"-- {table} ({dialect}), compiled by pipelines/features/dialects.py from {source} and the rule file "
            f"{rule_set.name} {rule_set.version}.\n"
            f"-- Do not edit: `python -m pipelines.features.dialects` rewrites it. rule set digest: {rule_set_digest(rule_set)}\n"
            f"-- Parameters bound at run time: {marker} (DATE, the first and last as-of day of the block).\n")


def _leading_comment(query: str) -> str:
    """The source file's header (its leading `--` lines: semantics, the tables read and written),
    which sqlglot does not carry into the Spark text, so that both compiled files say the same."""
    lines = []
    for line in query.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line + "\n")
    return "".join(lines)


def compile_all(rule_set: RuleSet) -> dict[str, str]:
    """The content of every compiled file, keyed by its path under sql/compiled/."""
    duckdb_queries = render_duckdb(rule_set)
    spark_queries = to_spark_all(duckdb_queries)
    files = {}
    for table in duckdb_queries:
        rule = table.removeprefix("temp.rule_")
        source = SOURCES.get(table) or f"sql/screen/rules/{rule_set.document['rules'][rule].get('based_on', rule)}.sql"
        files[f"duckdb/{table}.sql"] = _header(table, "duckdb", rule_set, source) + duckdb_queries[table]
        files[f"spark/{table}.sql"] = (_header(table, "spark", rule_set, f"sql/compiled/duckdb/{table}.sql")
                                       + _leading_comment(duckdb_queries[table]) + spark_queries[table])
    return files


def compiled_query(table: str, rule_set: RuleSet, dialect: str = "duckdb") -> str:
    """The query that builds `table` ('<schema>.<table>', as in sql/compiled/) on an engine: the
    checked-in file when it was compiled from this rule set (its digest), else rendered now (a
    site's own rule file). Raises KeyError for a table that is not compiled."""
    path = COMPILED_DIR / dialect / f"{table}.sql"
    if path.exists():
        text = path.read_text()
        if f"rule set digest: {rule_set_digest(rule_set)}\n" in text:
            return text
    if dialect == "duckdb":
        return render_duckdb(rule_set)[table]
    return to_spark_all(render_duckdb(rule_set))[table]


def write_compiled(rule_set: RuleSet | None = None) -> list[Path]:
    """Rewrite sql/compiled/ for the shipped rule file (or `rule_set`); remove files of tables that
    no longer exist. Returns the files written."""
    files = compile_all(rule_set or load_rule_set(SHIPPED_RULE_FILE))
    written = []
    for dialect in DIALECTS:
        (COMPILED_DIR / dialect).mkdir(parents=True, exist_ok=True)
        for stale in (COMPILED_DIR / dialect).glob("*.sql"):
            if f"{dialect}/{stale.name}" not in files:
                stale.unlink()
    for relative, text in files.items():
        path = COMPILED_DIR / relative
        path.write_text(text)
        written.append(path)
    return written


# ---------------------------------------------------------------------------------------------
# DuckDB -> Spark
# ---------------------------------------------------------------------------------------------

class DuckDBSource(DuckDB):
    """DuckDB as our SQL is written, read without moving list indexes: DuckDB's lists count from 1,
    and every index is rewritten as element_at (which counts from 1 too) instead of being shifted."""
    INDEX_OFFSET = 0


# DuckDB macros whose DuckDB body does not carry over to Spark, replaced by bodies of the same
# meaning (written in DuckDB syntax, then transpiled like the rest).
SPARK_MACROS = {
    # The pick keys of features.patient_day (sql/macros.sql) pack time, value and censoring into one
    # HUGEINT with DuckDB's sort key of a DOUBLE (create_sort_key) and bit shifts: Spark has no
    # 128-bit integer, no sort keys and no shifts on DECIMAL. Spark orders structs field by field,
    # so the same order is a struct (time as epoch microseconds, the value itself, the censoring
    # rank); min/max/max_by over it pick the same row. The min key reverses time by negating it.
    "pick_time_order": (("taken_at",), "epoch_us(taken_at)"),
    "pick_value_order": (("value_num",), "CAST(value_num AS DOUBLE)"),
    "pick_key_last": (("time_order", "value_order", "censoring"),
                      "{'time': time_order, 'value': value_order, 'censoring': censoring_rank(censoring) + 2}"),
    "pick_key_min": (("time_order", "value_order", "censoring"),
                     "{'value': value_order, 'censoring': censoring_rank(censoring) + 2, 'time': -time_order}"),
    "pick_key_max": (("time_order", "value_order", "censoring"),
                     "{'value': value_order, 'censoring': censoring_rank(censoring) + 2, 'time': time_order}"),
    "pick_key_last_at": (("key",), "timestamp_micros(key['time'])"),
    "pick_key_min_at": (("key",), "timestamp_micros(-key['time'])"),
    "pick_key_max_at": (("key",), "timestamp_micros(key['time'])"),
    "pick_key_last_censoring": (("key",), "pick_censoring_from_rank(key['censoring'])"),
    "pick_key_min_censoring": (("key",), "pick_censoring_from_rank(key['censoring'])"),
    "pick_key_max_censoring": (("key",), "pick_censoring_from_rank(key['censoring'])"),
}

_MACRO = re.compile(r"CREATE\s+OR\s+REPLACE\s+TEMP\s+MACRO\s+(\w+)\s*\(([^)]*)\)\s+AS\s+(.*)", re.S | re.I)


def _parse(sql: str) -> exp.Expression:
    return sqlglot.parse_one(sql, read=DuckDBSource)


def duckdb_macros() -> dict[str, tuple[tuple[str, ...], exp.Expression]]:
    """The macros of sql/macros.sql and sql/screen/macros.sql, SPARK_MACROS replacing some:
    name -> (parameter names, body)."""
    macros = {}
    for path in MACRO_FILES:
        for statement in statements(sql_text(path)):
            match = _MACRO.search(statement)
            if match:
                names = tuple(name.strip() for name in match.group(2).split(",") if name.strip())
                macros[match.group(1).lower()] = (names, match.group(3))
    macros.update(SPARK_MACROS)
    return {name: (params, _parse(body)) for name, (params, body) in macros.items()}


def expand_macros(tree: exp.Expression, macros: dict) -> exp.Expression:
    """DuckDB macros: Spark has none (a temporary SQL function cannot take a lambda or a struct of
    any shape), so each call is replaced by the macro's body with the arguments in place of its
    parameters, until no call is left."""
    def expand(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and str(node.this).lower() in macros:
            params, body = macros[str(node.this).lower()]
            arguments = dict(zip(params, node.expressions))
            if len(arguments) != len(node.expressions) or len(params) != len(node.expressions):
                raise ValueError(f"macro {node.this} takes {len(params)} arguments, got {len(node.expressions)}")

            def substitute(inner: exp.Expression) -> exp.Expression:
                if isinstance(inner, exp.Column) and not inner.table and inner.name in arguments:
                    argument = arguments[inner.name].copy()
                    operator = isinstance(argument, (exp.Binary, exp.Unary, exp.Predicate)) and not isinstance(
                        argument, (exp.Dot, exp.Paren, exp.Neg))
                    return exp.paren(argument, copy=False) if operator else argument
                return inner
            return expand(body.copy().transform(substitute))
        return node
    for _ in range(20):
        if not any(isinstance(n, exp.Anonymous) and str(n.this).lower() in macros for n in tree.walk()):
            return fold_constants(tree)
        tree = tree.transform(expand)
    raise ValueError("macros nest too deep")


def _constant(node: exp.Expression) -> object:
    """The value of a string literal or boolean (None when not one)."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Literal) and node.is_string:
        return node.name
    if isinstance(node, exp.Boolean):
        return node.this
    return None


def _fold(node: exp.Expression) -> exp.Expression | None:
    """One expression with constant operands (a macro's rule operator written in: CASE '>' WHEN '>'
    ..., starts_with('>', '>')) replaced by its value; None when nothing folds. Three-valued logic
    is kept: only TRUE/FALSE operands fold AND/OR."""
    if isinstance(node, exp.Case):
        subject = node.this
        ifs = list(node.args.get("ifs") or [])
        if subject is not None:
            value = _constant(subject)
            if value is None or not all(isinstance(_constant(branch.this), str) for branch in ifs):
                return None
            chosen = next((branch.args["true"] for branch in ifs if _constant(branch.this) == value),
                          node.args.get("default") or exp.null())
            return chosen.copy()
        kept = [branch for branch in ifs if _constant(branch.this) is not False]
        if kept and _constant(kept[0].this) is True:
            return kept[0].args["true"].copy()
        if not kept:
            return (node.args.get("default") or exp.null()).copy()
        if len(kept) < len(ifs):
            return exp.Case(ifs=[branch.copy() for branch in kept],
                            default=node.args["default"].copy() if node.args.get("default") else None)
        return None
    if isinstance(node, exp.StartsWith):
        text, prefix = _constant(node.this), _constant(node.expression)
        if isinstance(text, str) and isinstance(prefix, str):
            return exp.Boolean(this=text.startswith(prefix))
    if isinstance(node, exp.Left) and isinstance(_constant(node.this), str) and node.expression.is_int:
        return exp.Literal.string(_constant(node.this)[:int(node.expression.name)])
    if isinstance(node, (exp.EQ, exp.NEQ)):
        left, right = _constant(node.this), _constant(node.expression)
        if isinstance(left, str) and isinstance(right, str):
            return exp.Boolean(this=(left == right) == isinstance(node, exp.EQ))
    if isinstance(node, exp.In) and isinstance(_constant(node.this), str) and node.expressions and all(
            isinstance(_constant(item), str) for item in node.expressions):
        return exp.Boolean(this=_constant(node.this) in [_constant(item) for item in node.expressions])
    if isinstance(node, exp.Not) and isinstance(_constant(node.this), bool):
        return exp.Boolean(this=not _constant(node.this))
    if isinstance(node, (exp.And, exp.Or)):
        left, right = _constant(node.this), _constant(node.expression)
        absorbing = isinstance(node, exp.Or)  # TRUE OR x is TRUE; FALSE AND x is FALSE
        if left is absorbing or right is absorbing:
            return exp.Boolean(this=absorbing)
        if left is (not absorbing):
            return node.expression.copy()
        if right is (not absorbing):
            return node.this.copy()
    if isinstance(node, exp.Paren) and isinstance(node.this, (exp.Literal, exp.Boolean, exp.Column, exp.Null)):
        return node.this.copy()
    return None


def _bottom_up(tree: exp.Expression, rewrite) -> exp.Expression:
    """Apply `rewrite` (node -> a new node, or the node or None to keep it) to every node, children
    before their parent, so a rewritten node's parts are rewritten too (sqlglot's own transform
    does not descend into a node it replaced)."""
    for node in reversed(list(tree.walk(bfs=False))):
        new = rewrite(node)
        if new is not None and new is not node:
            if node is tree:
                tree = new
            else:
                node.replace(new)
    return tree


def fold_constants(tree: exp.Expression) -> exp.Expression:
    """Fold what the macros' rule arguments make constant, innermost first (_fold)."""
    return _bottom_up(tree, _fold)


def _fn(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _number(value: exp.Expression) -> exp.Expression:
    return exp.Literal.number(value.this) if isinstance(value, exp.Literal) else value


def _calendar_days(days: exp.Expression) -> exp.Expression:
    zero = exp.Literal.number(0)
    return _fn("MAKE_INTERVAL", zero, zero, zero, days, zero, zero, zero)


def _spark_aggregates(node: exp.Expression) -> exp.Expression:
    """DuckDB's ordered list aggregate list(x ORDER BY k): Spark's collect_list has no order. A
    distinct list ordered by its own values is array_sort(collect_set(x)); any other becomes the
    list of structs (k..., x) sorted (structs sort field by field) and mapped back to x. A FILTER
    stays on the inner aggregate. list((a, b)) (a row) is a two-field struct."""
    target, condition = (node.this, node.args.get("expression")) if isinstance(node, exp.Filter) else (node, None)
    if not isinstance(target, exp.ArrayAgg) or (node is target and isinstance(node.parent, exp.Filter)):
        return node  # an aggregate with FILTER is rewritten with its FILTER, at the Filter
    inner = target.this
    keys: list[exp.Expression] = []
    if isinstance(inner, exp.Order):
        keys = [ordered.this for ordered in inner.expressions]
        inner = inner.this
    distinct = isinstance(inner, exp.Distinct)
    value = inner.expressions[0] if distinct else inner
    if isinstance(value, exp.Tuple):
        value = exp.Struct(expressions=[item.copy() for item in value.expressions])

    def aggregate(name: str, argument: exp.Expression) -> exp.Expression:
        call = _fn(name, argument)
        return exp.Filter(this=call, expression=condition.copy()) if condition is not None else call
    if distinct:
        if [key.sql() for key in keys] not in ([], [value.sql()]):
            raise ValueError(f"list(DISTINCT ...) ordered by another expression: {node.sql()}")
        return _fn("ARRAY_SORT", aggregate("COLLECT_SET", value.copy()))
    if not keys:
        return aggregate("COLLECT_LIST", value.copy())
    fields = [exp.PropertyEQ(this=exp.to_identifier(f"k{i}"), expression=key.copy()) for i, key in enumerate(keys)]
    fields.append(exp.PropertyEQ(this=exp.to_identifier("v"), expression=value.copy()))
    sorted_list = _fn("ARRAY_SORT", aggregate("COLLECT_LIST", exp.Struct(expressions=fields)))
    return exp.Transform(this=sorted_list, expression=exp.Lambda(
        this=exp.Dot(this=exp.to_identifier("e"), expression=exp.to_identifier("v")),
        expressions=[exp.to_identifier("e")]))


MICROSECONDS_PER_UNIT = {"HOUR": 3_600_000_000, "MINUTE": 60_000_000, "SECOND": 1_000_000, "MICROSECOND": 1}


def _elapsed_micros(node: exp.Expression) -> exp.Expression | None:
    """An interval of elapsed time (to_hours(n), INTERVAL n HOUR/MINUTE/SECOND/MICROSECOND) as a
    number of microseconds; None for anything else."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "to_hours":
        amount, unit = node.expressions[0], "HOUR"
    elif isinstance(node, exp.Interval) and node.unit and node.unit.name.upper() in MICROSECONDS_PER_UNIT:
        amount, unit = _number(node.this), node.unit.name.upper()
    else:
        return None
    return exp.Mul(this=exp.cast(amount.copy(), "BIGINT"), expression=exp.Literal.number(MICROSECONDS_PER_UNIT[unit]))


def _spark_node(node: exp.Expression) -> exp.Expression:
    """The rewrites of single expressions; each says what differs."""
    # Lists: DuckDB len() of a list is Spark's size() (the feature and screen SQL use len() on
    # lists only: tests/test_compiled_sql.py checks that no text length is asked for).
    if isinstance(node, exp.Length):
        return exp.ArraySize(this=node.this)
    # round(x, n) of a DOUBLE (the SQL rounds doubles only: ratios, score parts, changes): DuckDB
    # rounds the binary value, std::round(x * 10^n) / 10^n; Spark rounds the shortest decimal text
    # half up, so 1387/40 = 34.675 (34.674999... in binary) is 34.67 in DuckDB and 34.68 in Spark.
    # Scaling first gives both engines the same double to round to a whole number, where the two
    # agree (halves away from zero).
    if isinstance(node, exp.Round) and node.args.get("decimals") is not None:
        scale = exp.Pow(this=exp.Literal.number(10), expression=node.args["decimals"].copy())
        return exp.Div(this=exp.Round(this=exp.Mul(this=exp.paren(node.this.copy()), expression=scale),
                                      decimals=exp.Literal.number(0)),
                       expression=scale.copy())
    # List indexes count from 1 in DuckDB; element_at counts from 1 and gives NULL out of range (ANSI
    # off), as DuckDB does; its index must be an INT (a DuckDB index may be a BIGINT). A string
    # index is a struct field or a map key: the same in both.
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1 and not node.expressions[0].is_string:
        index = node.expressions[0]
        return _fn("ELEMENT_AT", node.this, index if index.is_int else exp.cast(index, "INT"))
    # DuckDB list_has_any is Spark's arrays_overlap (sqlglot would write the && operator, which
    # Spark SQL does not have).
    if isinstance(node, exp.ArrayOverlaps):
        return _fn("ARRAYS_OVERLAP", node.this, node.expression)
    if isinstance(node, exp.Anonymous):
        name = str(node.this).lower()
        # struct_insert(struct, name := value): Spark has no struct_insert; the SQL inserts into a
        # struct written out (a macro's body), so the field joins that struct literal.
        if name == "struct_insert":
            base = node.expressions[0]
            while isinstance(base, exp.Paren):
                base = base.this
            if not isinstance(base, exp.Struct):
                raise ValueError(f"struct_insert into a struct that is not written out: {node.sql()}")
            return exp.Struct(expressions=[*(field.copy() for field in base.expressions),
                                           *(field.copy() for field in node.expressions[1:])])
        # list_intersect: DuckDB's order is unspecified, Spark's follows the first list; the SQL
        # takes an element of it only where the two lists share one word (a drug's ingredient).
        renamed = {"list_position": "ARRAY_POSITION",       # 1-based in both
                   "list_intersect": "ARRAY_INTERSECT",
                   "regexp_split_to_array": "SPLIT",        # a regular expression in both
                   "epoch_us": "UNIX_MICROS"}
        if name in renamed:
            return _fn(renamed[name], *node.expressions)
    # Hours are elapsed time in DuckDB (TIMESTAMPTZ + to_hours(72) or INTERVAL 72 HOUR is 72 h later,
    # across a daylight-saving change too), but Spark adds the whole days of a day-time interval
    # in the session time zone (24 h after 00:00 on the spring-forward day is the next 00:00, 23 h
    # later). So a timestamp plus or minus hours (minutes, seconds, microseconds) is computed on
    # epoch microseconds.
    if isinstance(node, (exp.Add, exp.Sub)):
        micros = _elapsed_micros(node.expression)
        if micros is not None:
            sign = exp.Add if isinstance(node, exp.Add) else exp.Sub
            return _fn("TIMESTAMP_MICROS", sign(this=_fn("UNIX_MICROS", node.this), expression=micros))
    # Days are calendar days in DuckDB (TIMESTAMPTZ + INTERVAL 1 DAY is the same local time the
    # next day: 23 or 25 h across a daylight-saving change) but 24 h in a Spark day-time interval;
    # Spark's calendar interval (make_interval) adds days in the session time zone, as DuckDB does.
    if isinstance(node, exp.ToDays):
        return _calendar_days(node.this)
    if isinstance(node, exp.Interval) and node.unit and node.unit.name.upper() == "DAY":
        return _calendar_days(_number(node.this))
    # datediff: DuckDB counts the boundaries crossed (local days, calendar years); Spark's
    # datediff(unit, ...) counts whole units elapsed. Days: the difference of the local dates;
    # years: of the calendar years.
    if isinstance(node, exp.DateDiff):
        unit = node.unit.name.upper() if node.unit else "DAY"
        end, start = node.this, node.expression
        if unit == "DAY":
            return _fn("DATEDIFF", exp.cast(end, "DATE"), exp.cast(start, "DATE"))
        if unit == "YEAR":
            return exp.Sub(this=_fn("YEAR", end), expression=_fn("YEAR", start))
        raise ValueError(f"datediff by {unit}: no Spark form written")
    if isinstance(node, exp.Cast):
        kind = node.to.this
        # ENUM (the tiers) has no Spark type: a STRING holding the same names (the order of the
        # tiers is tier_rank).
        if kind == exp.DataType.Type.ENUM:
            return exp.cast(node.this, "STRING")
        # 'infinity'::TIMESTAMPTZ (an order that never ends): Spark timestamps have no infinity;
        # the last microsecond Spark can show stands for it (later than any real time).
        if kind == exp.DataType.Type.TIMESTAMPTZ and node.this.is_string and node.this.name.lower() == "infinity":
            return exp.cast(exp.Literal.string("9999-12-31 23:59:59.999999"), "TIMESTAMP")
        # TIMESTAMPTZ is Spark's TIMESTAMP (an instant shown in the session time zone).
        if kind == exp.DataType.Type.TIMESTAMPTZ:
            return exp.cast(node.this, "TIMESTAMP")
    # isinf(x): Spark has no isinf.
    if isinstance(node, exp.IsInf):
        return exp.EQ(this=_fn("ABS", node.this), expression=exp.cast(exp.Literal.string("Infinity"), "DOUBLE"))
    # unnest(list of structs, recursive := true) in a SELECT list: one row per struct, one column
    # per field, which is Spark's inline().
    if isinstance(node, exp.Explode) and node.expressions:
        return _fn("INLINE", node.this)
    # to_json: Spark leaves out NULL fields unless told, and writes times as ISO text with 'T';
    # DuckDB writes every field and times as '2024-03-10 02:30:00-05'. Left different: Spark (Java)
    # writes a DOUBLE under 0.001 or from 10^7 in exponent form (1.0E-4 where DuckDB writes
    # 0.0001; the MS score's coefficients): the same JSON number, other text. A half-hour zone's
    # offset is written +0530 by Spark, +05:30 by DuckDB.
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "to_json":
        options = _fn("MAP", exp.Literal.string("ignoreNullFields"), exp.Literal.string("false"),
                      exp.Literal.string("timestampFormat"), exp.Literal.string("yyyy-MM-dd HH:mm:ssx"))
        return _fn("TO_JSON", node.expressions[0], options)
    return node


def _expand_excluded(tree: exp.Expression, outputs: dict[str, list[str]]) -> exp.Expression:
    """`t.* EXCLUDE (a, b)`: open-source Spark has no EXCLUDE/EXCEPT on a star, so it is written out
    as t's columns (known from the query that built t) less those named."""
    def expand(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Select):
            projections = []
            for projection in node.expressions:
                star = projection.this if isinstance(projection, exp.Column) else None
                if isinstance(star, exp.Star) and star.args.get("except_"):
                    table = projection.table
                    excluded = {column.name for column in star.args["except_"]}
                    if table not in outputs:
                        raise ValueError(f"{table}.* EXCLUDE: the columns of {table} are not known")
                    projections += [exp.column(name, table=table) for name in outputs[table] if name not in excluded]
                else:
                    projections.append(projection)
            node.set("expressions", projections)
        return node
    return tree.transform(expand)


def to_spark(duckdb_sql: str, outputs: dict[str, list[str]] | None = None, macros: dict | None = None) -> str:
    """One DuckDB query (as in sql/compiled/duckdb/, comments allowed) as Spark SQL: macros expanded,
    the differences above rewritten, generated by sqlglot's Spark dialect. `outputs` names the
    columns of the temporary tables a star with EXCLUDE reads. Raises ValueError for a construct
    with no Spark form written here, sqlglot.ParseError for SQL sqlglot cannot read."""
    tree = _parse(duckdb_sql)
    for node in tree.walk():
        node.comments = None
    tree = expand_macros(tree, macros if macros is not None else duckdb_macros())
    tree = _expand_excluded(tree, outputs or {})
    tree = _bottom_up(tree, _spark_aggregates)
    tree = _bottom_up(tree, _spark_node)
    # DuckDB's date - date is a number of days; Spark's is an interval: the SQL writes
    # datediff('day', a, b) instead, the same in both (handled above).
    return tree.sql(dialect="spark", pretty=True) + "\n"


def to_spark_all(duckdb_queries: dict[str, str]) -> dict[str, str]:
    """to_spark for every table, in build order, each temporary table's columns known to the
    queries after it."""
    macros = duckdb_macros()
    outputs: dict[str, list[str]] = {}
    spark = {}
    for table, query in duckdb_queries.items():
        spark[table] = to_spark(query, outputs, macros)
        outputs[table.split(".", 1)[1]] = _parse(query).named_selects
    return spark


def main(argv: list[str] | None = None) -> int:
    for path in write_compiled():
        print(path.relative_to(SQL_DIR.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
