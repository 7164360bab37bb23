"""The rule file: loading, validating, versioning, and binding its thresholds to SQL parameters.

SQL names a threshold `$<rule>__<item>__threshold` and its boundary `$<rule>__<item>__op`, so the
boundary (`>` vs `>=`) lives in the rule file next to its citation, never in the SQL.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

OPERATORS = (">", ">=", "<", "<=")


class RuleFileError(ValueError):
    """The rule file is malformed (the message names the rule and item)."""


@dataclass(frozen=True)
class RuleSet:
    name: str
    version: str
    rules: dict

    def parameters(self) -> dict[str, object]:
        """Flat SQL parameters: thresholds, boundaries, units, rule-level counts, and the version."""
        params: dict[str, object] = {"rule_set_version": self.version}
        for rule_id, rule in self.rules.items():
            for key, value in rule.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    params[f"{rule_id}__{key}"] = value
            for item_id, item in rule["items"].items():
                params[f"{rule_id}__{item_id}__threshold"] = float(item["threshold"])
                params[f"{rule_id}__{item_id}__op"] = item["op"]
                params[f"{rule_id}__{item_id}__unit"] = item["unit"]
        return params


def load_rule_set(path: Path) -> RuleSet:
    document = yaml.safe_load(Path(path).read_text())
    rules = document.get("rules") or {}
    for rule_id, rule in rules.items():
        if not rule.get("citation"):
            raise RuleFileError(f"{path}: rule {rule_id} has no citation")
        for item_id, item in (rule.get("items") or {}).items():
            where = f"{path}: rule {rule_id}, item {item_id}"
            if item.get("op") not in OPERATORS:
                raise RuleFileError(f"{where}: op must be one of {OPERATORS}, got {item.get('op')!r}")
            if not isinstance(item.get("threshold"), (int, float)):
                raise RuleFileError(f"{where}: threshold must be a number, got {item.get('threshold')!r}")
            if not item.get("unit") or not item.get("status"):
                raise RuleFileError(f"{where}: unit and status are required")
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    return RuleSet(name=document["name"], version=f"{document['name']}@{digest}", rules=rules)
