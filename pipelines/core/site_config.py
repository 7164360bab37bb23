"""The site configuration file (`masscreen run --config site.yaml`): the site's time zone, its first
day, and its extract sources, each a format preset pointed at a folder (or a zip) of files.

```yaml
timezone: America/New_York
partition_start: 2024-01-01
sources:
  - name: lab-feed                # unique; shown in meta.loads
    preset: canonical             # see PRESETS
    path: /data/landing           # relative paths are relative to this file
    mapping: lab-feed.yaml        # optional: the site's own CSV layout (canonical), or overlay of a preset's codes
  - name: mimic-demo
    preset: mimic_iii
    path: /data/mimic-iii-demo
    shift_years: -200             # optional: move shifted research dates back into the past
```
"""

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from pipelines.core.source_mapping import SourceMapping, unknown_key

PRESETS = ("canonical", "mimic_iii", "mimic_iv", "omop_cdm_54", "fhir_r4_ndjson", "meds")
KEYS = ("timezone", "partition_start", "sources")
SOURCE_KEYS = ("name", "preset", "path", "mapping", "shift_years")


class SiteConfigError(ValueError):
    """The site configuration is malformed (the message names the file and the entry)."""


@dataclass(frozen=True)
class Source:
    name: str
    preset: str
    path: Path
    shift_years: int = 0
    mapping: Path | None = None  # canonical sources: the site's own CSV layout (source_mapping.py)


@dataclass(frozen=True)
class SiteConfig:
    path: Path
    timezone: str
    partition_start: str | None
    sources: tuple[Source, ...]


def load_site_config(path: Path) -> SiteConfig:
    """Read and validate a site configuration. Raises SiteConfigError (one line naming the file, the
    entry and, for an unknown key, the closest valid one). A preset source's `mapping:` (the site's
    overlay of the preset's code mapping) is checked by the ingest stage that reads it:
    pipelines.ingest.presets.load_checked_site_config."""
    path = Path(path).resolve()
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as error:
        raise SiteConfigError(f"{path}: cannot be read as YAML: {error}") from error
    if not isinstance(document, dict):
        raise SiteConfigError(f"{path}: must be a mapping of {', '.join(KEYS)}")
    if problem := unknown_key(document, KEYS, path):
        raise SiteConfigError(problem)
    timezone = str(document.get("timezone", ""))
    try:
        ZoneInfo(timezone)
    except (ValueError, KeyError) as error:
        raise SiteConfigError(f"{path}: timezone {timezone!r} is not an IANA time zone") from error
    sources = []
    for index, entry in enumerate(document.get("sources") or []):
        where = f"{path}: sources[{index}]"
        if not isinstance(entry, dict):
            raise SiteConfigError(f"{where}: must be a mapping of {', '.join(SOURCE_KEYS)}")
        if problem := unknown_key(entry, SOURCE_KEYS, path, f"sources[{index}]"):
            raise SiteConfigError(problem)
        missing = [key for key in ("name", "preset", "path") if not entry.get(key)]
        if missing:
            raise SiteConfigError(f"{where}: missing {', '.join(missing)}")
        if entry["preset"] not in PRESETS:
            raise SiteConfigError(f"{where}: preset {entry['preset']!r} is not one of {', '.join(PRESETS)}")
        source_path = (path.parent / entry["path"]).resolve()
        if not source_path.exists():
            raise SiteConfigError(f"{where}: path {source_path} does not exist")
        mapping = (path.parent / entry["mapping"]).resolve() if entry.get("mapping") else None
        if mapping is not None and not mapping.exists():
            raise SiteConfigError(f"{where}: mapping {mapping} does not exist")
        if mapping is not None and entry["preset"] == "canonical":
            SourceMapping.load(mapping)  # a malformed mapping file stops the run before it starts (MappingError)
        sources.append(Source(entry["name"], entry["preset"], source_path, int(entry.get("shift_years", 0)), mapping))
    if not sources:
        raise SiteConfigError(f"{path}: no sources")
    names = [source.name for source in sources]
    if len(set(names)) != len(names):
        raise SiteConfigError(f"{path}: source names must be unique")
    start = document.get("partition_start")
    return SiteConfig(path, timezone, str(start) if start else None, tuple(sources))
