"""The documentation stays true to the repository: every file README.md and docs/*.md point to
exists, and the settings table of docs/OPERATIONS.md names every MASSCREEN_ variable the code reads.

A pointer is a relative Markdown link (`[text](docs/RULES.md#anchor)`, resolved from the document's
folder or the repository root) or a path that starts with one of the repository's own folders
(`pipelines/defs/retries.py`, `sql/audit/`, ...). Paths with a placeholder (`sql/<stage>/`, `*`)
are patterns, not files. GENERATED lists the folders the pipeline or `make` creates, whose paths
the documents may name although no checkout holds them.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
REPOSITORY_FOLDERS = ("pipelines", "sql", "tests", "docs", "expectations", ".dagster_home")
# Written by `make demo`, `make bench` or a run (var/), or by `make install` (.venv/): never in a checkout.
GENERATED = ("var/", ".venv/")

LINK = re.compile(r"\]\(([^)\s]+)\)")
PATH = re.compile(r"(?<![\w/.<-])((?:" + "|".join(re.escape(f) for f in (*REPOSITORY_FOLDERS, "var", ".venv"))
                  + r")/[\w./-]*[\w/])(?![\w./-]*[<*{])")  # a path running into a placeholder is a pattern


def pointers(document: Path) -> list[str]:
    """The relative links and repository paths a document names (a link's #anchor dropped)."""
    text = document.read_text()
    found = [target.split("#")[0] for target in LINK.findall(text)]
    found = [target for target in found if target and not re.match(r"^[a-z][a-z0-9+.-]*:", target)]
    return sorted(set(found + PATH.findall(text)))


def test_pointers_are_found():
    """The extraction itself: a link, an anchor link, a path in backticks, a path in prose, a pattern."""
    sample = ROOT / "docs" / "_sample.md"
    text = ("See [rules](RULES.md#sources), [site](https://example.org/x), `pipelines/defs/retries.py`, "
            "(sql/audit/run_summary.sql) and sql/<stage>/ and sql/compiled/spark/temp.rule_<rule id>.sql and "
            "var/demo/report.html.")
    try:
        sample.write_text(text)
        assert pointers(sample) == ["RULES.md", "pipelines/defs/retries.py", "sql/audit/run_summary.sql",
                                    "var/demo/report.html"]
    finally:
        sample.unlink()


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.relative_to(ROOT).as_posix())
def test_every_file_a_document_points_to_exists(document):
    missing = [target for target in pointers(document)
               if not target.startswith(GENERATED)
               and not (document.parent / target).exists() and not (ROOT / target).exists()]
    assert not missing, f"{document.name} points to files that do not exist: {missing}"


def test_the_settings_table_names_every_variable_the_code_reads():
    read = {name for path in (ROOT / "pipelines").rglob("*.py")
            for name in re.findall(r"\b(MASSCREEN_[A-Z_]*[A-Z])\b", path.read_text())}
    operations = (ROOT / "docs" / "OPERATIONS.md").read_text()
    table = operations[operations.index("| variable |"):operations.index("\n\n", operations.index("| variable |"))]
    documented = set(re.findall(r"^\| `(MASSCREEN_[A-Z_]+)` \|", table, flags=re.MULTILINE))
    assert read, "no setting found in the code"
    assert read <= documented, f"settings the code reads, missing from docs/OPERATIONS.md: {sorted(read - documented)}"
    assert documented <= read, f"settings documented that no code reads: {sorted(documented - read)}"
