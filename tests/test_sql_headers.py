"""Every SQL file says in its header which tables it reads and writes, by their real names.

The header is the file's leading comment block. It holds a `Reads:` and a `Writes:` (or `Writes
nothing`) statement; each names tables as `schema.table` (a table of the data dictionary, or one a
SQL file creates), `temp.<name>` for a temporary table or view (created by a SQL file or by the
Python that runs it), or says it reads or writes no table. A temporary table a file reads without
creating it (one the Python or an earlier file built) must be named in its header."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SQL_FILES = sorted((ROOT / "sql").rglob("*.sql"))
SCHEMAS = ("raw", "quarantine", "staging", "features", "screen", "audit", "meta", "main", "deidentified", "temp")
NAME = re.compile(rf"(?<![\w.$])(?:{'|'.join(SCHEMAS)})\.[\w<>]+(?:\.[\w<>]+)?")
CREATED = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(TEMP(?:ORARY)?\s+)?(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.]+)",
                     re.IGNORECASE)
# a statement ends at the next labelled part of the header
STATEMENT_END = r"(?=\b(?:Reads|Writes|Parameters|Key|Keys|Columns|Caveats|Runs on|Question)\b\s*:|\bWrites nothing\b|\Z)"


def header(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return " ".join(lines)


def statement(head: str, label: str) -> str | None:
    """The text of `Reads:` / `Writes:` in a header (None when absent); `Writes nothing` is ''."""
    if label == "Writes" and re.search(r"\bWrites nothing\b", head):
        return ""
    match = re.search(rf"\b{label}:(.*?){STATEMENT_END}", head, re.DOTALL)
    return match.group(1) if match else None


def known_tables() -> tuple[set[str], set[str]]:
    """(schema.table names, temporary table names) that exist somewhere in the pipeline."""
    dictionary = yaml.safe_load((ROOT / "pipelines" / "reference" / "data_dictionary.yaml").read_text())
    tables = {name for schema in dictionary["schemas"] for name in schema.get("tables") or {}}
    tables |= {f"deidentified.{name}" for name in dictionary["research"]["tables"]}
    temporary = set()
    texts = [path.read_text() for path in SQL_FILES] + [path.read_text() for path in (ROOT / "pipelines").rglob("*.py")]
    for text in texts:
        for temp, name in CREATED.findall(text):
            (temporary if temp else tables).add(name)
    temporary |= {f"rule_{path.stem}" for path in (ROOT / "sql" / "screen" / "rules").glob("*.sql")}
    return tables, temporary


TABLES, TEMPORARY = known_tables()


def is_real(name: str) -> bool:
    pattern = re.escape(name).replace(r"<", "<").replace(r">", ">")
    pattern = re.sub(r"<\w+>", r"\\w+", pattern)  # staging.<table>, temp.rule_<rule>
    if name.startswith("temp."):
        return any(re.fullmatch(pattern.removeprefix(r"temp\."), t) for t in TEMPORARY)
    return any(re.fullmatch(pattern, t) for t in TABLES)


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: str(p.relative_to(ROOT / "sql")))
def test_the_header_names_the_tables_read_and_written(path):
    text = path.read_text()
    head = header(text)
    for label in ("Reads", "Writes"):
        said = statement(head, label)
        assert said is not None, f"{path.name}: the header has no `{label}:` line"
        names = NAME.findall(said)
        assert names or label == "Writes" and said == "" or re.search(r"\b(no table|nothing)\b", said), \
            f"{path.name}: `{label}:` names no table and does not say it {label.lower()} none: {said!r}"
        unknown = [name for name in names if not is_real(name)]
        assert not unknown, f"{path.name}: `{label}:` names tables that exist nowhere: {unknown}"


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: str(p.relative_to(ROOT / "sql")))
def test_a_temporary_table_read_from_elsewhere_is_named_in_the_header(path):
    text = path.read_text()
    body = re.sub(r"--[^\n]*", "", text)
    created_here = {name for _, name in CREATED.findall(body)}
    created_here |= set(re.findall(r"(?:\bWITH|,)\s*(\w+)\s+AS\s*\(", body, re.IGNORECASE))  # CTEs
    read = set(re.findall(r"\b(?:FROM|JOIN)\s+(\w+)\b(?!\s*\()", body, re.IGNORECASE))
    read |= {f"rule_{rule}" for rule in re.findall(r"\brule_(\w+)\.", body)}
    outside = sorted(name for name in read & TEMPORARY if name not in created_here)
    head = header(text)
    missing = [name for name in outside if f"temp.{name}" not in head and not (
        name.startswith("rule_") and "temp.rule_<rule>" in head)]
    assert not missing, f"{path.name} reads temporary tables its header does not name: {missing}"


def test_a_header_naming_a_table_that_does_not_exist_fails():
    assert not is_real("staging.lab_result") and not is_real("temp.screen_days")
    assert is_real("staging.lab_results") and is_real("temp.screen_day") and is_real("temp.rule_<rule>")
    assert statement(header("-- Reads: raw.labs. Writes nothing.\nSELECT 1"), "Reads").strip() == "raw.labs."
    assert statement(header("-- Reads: raw.labs.\nSELECT 1"), "Writes") is None
