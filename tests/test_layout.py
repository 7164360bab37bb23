"""The package's layout: imports point down the data flow (the layers contract in pyproject.toml,
checked with import-linter), and README.md's layout map names every module."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_imports_point_down_the_data_flow():
    """core < ingest < staging < features < screen < audit < publish < research < the orchestration
    on top: a module imports its own layer or one below, never one above (the report printed on
    failure names the import and its line)."""
    # in a process of its own: import-linter configures logging
    linted = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
         f"sys.exit(lint_imports(config_filename={str(ROOT / 'pyproject.toml')!r}, no_cache=True, no_logo=True))"],
        cwd=ROOT, capture_output=True, text=True)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def layout_paths(readme: str) -> set[str]:
    """The paths README.md's layout block names: one entry per line, nested by two spaces, a folder
    ending in '/'; the entry is the first word of its line, the rest is its description."""
    block = re.search(r"^## Layout\n+```\n(.*?)^```", readme, re.MULTILINE | re.DOTALL).group(1)
    paths, folders = set(), []
    for line in block.splitlines():
        if not line.strip() or line.startswith(" " * 22):  # a description's continuation line
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        entry = line.split()[0]
        folders = folders[:depth]
        path = "".join(folders) + entry
        paths.add(path.rstrip("/"))
        if entry.endswith("/"):
            folders.append(entry)
    return paths


def test_readme_layout_names_every_module():
    listed = layout_paths((ROOT / "README.md").read_text())
    modules = {str(path.relative_to(ROOT)) for path in (ROOT / "pipelines").rglob("*.py")
               if path.name != "__init__.py"}
    packages = {str(path.parent.relative_to(ROOT)) for path in (ROOT / "pipelines").rglob("__init__.py")}
    assert sorted((modules | packages) - listed) == [], "README.md's layout map lacks these modules"
    assert sorted(path for path in listed if not (ROOT / path).exists()) == [], \
        "README.md's layout map names paths that do not exist"


def test_layout_paths_reads_nesting():
    readme = "## Layout\n\n```\npipelines/   the package\n  core/      base\n    a.py     one\n" \
             "                      more of a's description\n  b.py       two\nsql/         SQL\n```\n"
    assert layout_paths(readme) == {"pipelines", "pipelines/core", "pipelines/core/a.py", "pipelines/b.py", "sql"}
