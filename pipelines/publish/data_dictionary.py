"""The data dictionary: table and column descriptions, applied as database comments and rendered
into docs/DATA_DICTIONARY.md, from one source (pipelines/reference/data_dictionary.yaml).

`python -m pipelines.publish.data_dictionary` rewrites docs/DATA_DICTIONARY.md; a test fails when it is out
of date. apply_comments() writes the descriptions as `COMMENT ON TABLE` / `COMMENT ON VIEW` /
`COMMENT ON COLUMN` into one attached database (the warehouse and the snapshot at publish, the
research release when it is built), so `duckdb_tables()` and `duckdb_columns()` show them in any
client.

Columns generated from the rule set are described by patterns (`<analyte>__<window>__max`,
`<rule>__met`) expanded here with the active rule set and pipelines/features/feature_columns.py, so a site's
own rule file gets comments naming its own windows and rules. A column without a description gets
no comment (tests/test_data_dictionary.py fails on the packaged pipeline when one is missing).
"""

import itertools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from pipelines.core.settings import PROJECT_DIR, REFERENCE_DIR
from pipelines.core.warehouse import identifier, string_literal, transaction
from pipelines.features.feature_columns import ANALYTES
from pipelines.features.rule_set import RuleSet, load_rule_set

DICTIONARY_FILE = REFERENCE_DIR / "data_dictionary.yaml"
DICTIONARY_DOC = PROJECT_DIR / "docs" / "DATA_DICTIONARY.md"
RULE_FILE = REFERENCE_DIR / "rules.yaml"
_PLACEHOLDER = re.compile(r"<(analyte|window|rule)>")
# How a pattern's placeholders read on the page, where no analyte, window or rule is chosen.
_PAGE_VALUES = {"analyte": "`<analyte>`", "unit": "its canonical unit", "window": "`<window>`", "hours": "W",
                "rule": "`<rule>`", "rule_title": "Rule `<rule>`"}
# Column types a research release shifts by the patient's date shift (docs/RESEARCH.md).
_SHIFTED_TYPES = re.compile(r"\bDATE\b|\bTIMESTAMP")


class DictionaryError(ValueError):
    """The dictionary file is malformed (the message names the table and column)."""


@dataclass
class TableDescription:
    """What one table is (its comment) and what each of its columns is, in table order."""
    comment: str
    columns: dict[str, str] = field(default_factory=dict)


def load_dictionary(path: Path = DICTIONARY_FILE) -> dict:
    return yaml.safe_load(Path(path).read_text())


def column_names(key: str) -> list[str]:
    """The columns one entry describes: `a, b` describes a and b."""
    return [name.strip() for name in key.split(",")]


def _fill(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    return " ".join(text.split()) if "\n" not in text.strip() else text.strip()


def rule_set_values(rule_set: RuleSet) -> dict[str, str]:
    """The rule-file facts a description may name anywhere: {{windows}}, {{current_window}},
    {{baseline_window}}, {{pairing_window}}, {{tiers}} (highest first)."""
    current, baseline = rule_set.trend_windows
    return {"windows": ", ".join(f"`{name}`" for name in rule_set.look_back_windows),
            "current_window": current, "baseline_window": baseline, "pairing_window": rule_set.pairing_window,
            "tiers": ", ".join(f"`{tier['name']}`" for tier in rule_set.tiers)}


def expand_pattern(pattern: str, rule_set: RuleSet) -> list[tuple[str, dict[str, str]]]:
    """Every column a pattern names under the rule set, with the values of its placeholders:
    `<analyte>__<window>__max` -> [("ferritin__24h__max", {"analyte": "ferritin", "unit": "ng/mL",
    "window": "24h", "hours": "24"}), ...]."""
    choices = {
        "analyte": [{"analyte": a, "unit": rule_set.units.canonical[a]} for a in ANALYTES],
        "window": [{"window": w, "hours": str(h)} for w, h in rule_set.look_back_windows.items()],
        "rule": [{"rule": r, "rule_title": f"{rule.get('title', r)} (rule `{r}`)"}
                 for r, rule in rule_set.document["rules"].items()],
    }
    placeholders = _PLACEHOLDER.findall(pattern)
    expanded = []
    for picks in itertools.product(*(choices[p] for p in placeholders)):
        values = {k: v for pick in picks for k, v in pick.items()}
        name = _PLACEHOLDER.sub(lambda m: values[m.group(1)], pattern)
        expanded.append((name, values))
    return expanded


def _tables(dictionary: dict) -> dict[str, dict]:
    return {name: table for section in dictionary["schemas"] for name, table in section["tables"].items()}


def warehouse_descriptions(dictionary: dict, rule_set: RuleSet) -> dict[str, TableDescription]:
    """Per `schema.table` of the warehouse (and its snapshot): the table's comment and every
    column's, with patterns expanded and null entries resolved (the tables of `same_as`, then
    common_columns). Raises DictionaryError naming a null entry nothing describes."""
    tables, common = _tables(dictionary), dictionary["common_columns"]
    facts = rule_set_values(rule_set)
    resolved: dict[str, TableDescription] = {}

    def resolve(name: str) -> TableDescription:
        if name in resolved:
            return resolved[name]
        table = tables[name]
        comment = table["description"].strip() + (f" Key: {table['key']}." if table.get("key") else "")
        described = TableDescription(_fill(comment, facts))
        for pattern, text in (table.get("column_patterns") or {}).items():
            for column, values in expand_pattern(pattern, rule_set):
                described.columns[column] = _fill(text, facts | values)
        for key, text in (table.get("columns") or {}).items():
            for column in column_names(key):
                if text is None:
                    text_for = next((resolve(other).columns[column] for other in table.get("same_as", [])
                                     if column in resolve(other).columns), common.get(column))
                    if text_for is None:
                        raise DictionaryError(f"{DICTIONARY_FILE.name}: {name}.{column} has no description, "
                                              "and neither common_columns nor same_as describe it")
                    described.columns[column] = _fill(text_for, facts)
                else:
                    described.columns[column] = _fill(text, facts)
        resolved[name] = described
        return described

    return {name: resolve(name) for name in tables}


def research_descriptions(dictionary: dict, rule_set: RuleSet) -> dict[str, TableDescription]:
    """Per `schema.table` of a research release: the warehouse's descriptions with the research
    section's changes (its common columns, its tables' columns, its own tables). The shifted-date
    note is added by apply_comments, which knows the column types."""
    research, facts = dictionary["research"], rule_set_values(rule_set)
    described = {}
    for name, table in warehouse_descriptions(dictionary, rule_set).items():
        changes = (research.get("tables") or {}).get(name, {})
        columns = {column: _fill(research["columns"].get(column, text), facts) for column, text in table.columns.items()}
        columns |= {column: _fill(text, facts) for column, text in (changes.get("columns") or {}).items()}
        comment = table.comment
        if "description" in changes:  # a released table that lost the columns its warehouse comment names
            comment = changes["description"].strip() + (f" Key: {changes['key']}." if changes.get("key") else "")
        described[name] = TableDescription(_fill(comment, facts), columns)
    for name, changes in (research.get("tables") or {}).items():
        if name not in described:
            described[name] = TableDescription(_fill(changes["description"], facts),
                                               {c: _fill(t, facts) for c, t in changes["columns"].items()})
    return described


def apply_comments(con: duckdb.DuckDBPyConnection, database: str, descriptions: dict[str, TableDescription],
                   shifted_note: str | None = None, keep: tuple[str, ...] = ()) -> list[str]:
    """Comment every table, view and column of the attached `database` that the descriptions
    describe; a comment already equal is left alone, so a second call writes nothing. With
    shifted_note, a DATE or TIMESTAMP column (or one holding them) of a table other than those in
    `keep` gets it appended (a research release's shifted dates). One transaction. Returns the
    tables and columns left without a description (`schema.table` or `schema.table.column`)."""
    relations = con.execute(
        "SELECT schema_name, table_name, comment, 'TABLE' FROM duckdb_tables() WHERE database_name = $db "
        "AND NOT temporary UNION ALL SELECT schema_name, view_name, comment, 'VIEW' FROM duckdb_views() "
        "WHERE database_name = $db AND NOT internal AND NOT temporary", {"db": database}).fetchall()
    columns = con.execute(
        "SELECT schema_name, table_name, column_name, data_type, comment FROM duckdb_columns() "
        "WHERE database_name = $db AND NOT internal ORDER BY schema_name, table_name, column_index",
        {"db": database}).fetchall()
    kinds = {f"{schema}.{table}": kind for schema, table, _, kind in relations}
    statements, missing = [], []
    for schema, table, comment, kind in relations:
        described = descriptions.get(f"{schema}.{table}")
        if described is None:
            missing.append(f"{schema}.{table}")
        elif (comment or "") != described.comment:
            statements.append(f"COMMENT ON {kind} {identifier(database, schema, table)} IS {string_literal(described.comment)}")
    for schema, table, column, data_type, comment in columns:
        name = f"{schema}.{table}"
        if name not in kinds:
            continue
        text = descriptions[name].columns.get(column) if name in descriptions else None
        if text is None:
            missing.append(f"{name}.{column}")
            continue
        if shifted_note and name not in keep and _SHIFTED_TYPES.search(data_type):
            text = f"{text}. {shifted_note}" if not text.endswith(".") else f"{text} {shifted_note}"
        if (comment or "") != text:
            statements.append(f"COMMENT ON COLUMN {identifier(database, schema, table, column)} IS {string_literal(text)}")
    if statements:
        with transaction(con):
            for statement in statements:
                con.execute(statement)
    return missing


def comment_warehouse(con: duckdb.DuckDBPyConnection, database: str, rule_set: RuleSet) -> list[str]:
    """The warehouse's (or its snapshot's) comments from the dictionary; returns what has none."""
    return apply_comments(con, database, warehouse_descriptions(load_dictionary(), rule_set))


def comment_research_release(con: duckdb.DuckDBPyConnection, database: str, rule_set: RuleSet,
                             own_tables: tuple[str, ...]) -> list[str]:
    """A research release's comments (own_tables: the release's tables whose dates are not shifted)."""
    dictionary = load_dictionary()
    note = dictionary["research"]["shifted"]
    return apply_comments(con, database, research_descriptions(dictionary, rule_set), note, keep=own_tables)


# The page ------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _column_label(key: str) -> str:
    return ", ".join(f"`{name}`" for name in column_names(key))


def _table_section(name: str, table: dict, described: TableDescription, facts: dict[str, str]) -> list[str]:
    lines = [f"### `{name}`", "", _fill(table["description"], facts)
             + (f" Key: {table['key']}." if table.get("key") else ""), ""]
    rows = ["| column | meaning |", "|---|---|"]
    for key, text in (table.get("columns") or {}).items():
        first = column_names(key)[0]
        rows.append(f"| {_column_label(key)} | {_cell(described.columns[first] if text is None else _fill(text, facts))} |")
    for pattern, text in (table.get("column_patterns") or {}).items():
        rows.append(f"| `{pattern}` | {_cell(_fill(text, facts | _PAGE_VALUES))} |")
    lines += rows + [""]
    if table.get("notes"):
        lines += [_fill(table["notes"], facts), ""]
    return lines


def render(dictionary: dict, rule_set: RuleSet) -> str:
    """docs/DATA_DICTIONARY.md for the dictionary and the (packaged) rule set."""
    facts = rule_set_values(rule_set)
    described = warehouse_descriptions(dictionary, rule_set)
    research = dictionary["research"]
    lines = [f"# {dictionary['title']}", "",
             "Generated from `pipelines/reference/data_dictionary.yaml` by `python -m pipelines.publish.data_dictionary`;",
             "edit that file, not this page (a test fails when they differ). Rule-file facts (windows, tiers)",
             "are those of the packaged `pipelines/reference/rules.yaml`.", "",
             _fill(dictionary["intro"], facts), ""]
    for section in dictionary["schemas"]:
        lines += [f"## {section['heading']}", ""]
        if section.get("intro"):
            lines += [_fill(section["intro"], facts), ""]
        for name, table in section["tables"].items():
            lines += _table_section(name, table, described[name], facts)
        if section.get("outro"):
            lines += [_fill(section["outro"], facts), ""]
    lines += [f"## {research['heading']}", "", _fill(research["intro"], facts | {"shifted": research["shifted"]}), "",
              "| table | column | in the research release |", "|---|---|---|"]
    for column, text in research["columns"].items():
        lines.append(f"| every table | `{column}` | {_cell(_fill(text, facts))} |")
    for name, changes in research["tables"].items():
        if "description" in changes:
            lines.append(f"| `{name}` | | {_cell(_fill(changes['description'], facts))} |")
        for column, text in (changes.get("columns") or {}).items():
            lines.append(f"| `{name}` | `{column}` | {_cell(_fill(text, facts))} |")
    return "\n".join(lines).rstrip() + "\n"


def render_packaged() -> str:
    return render(load_dictionary(), load_rule_set(RULE_FILE))


def main() -> int:
    DICTIONARY_DOC.write_text(render_packaged())
    print(f"wrote {DICTIONARY_DOC.relative_to(PROJECT_DIR)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
