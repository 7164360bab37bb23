"""The rule file: loading, validating, versioning, and binding its thresholds to SQL parameters.

SQL names a threshold `$<rule>__<item>__threshold` and its boundary `$<rule>__<item>__op`, so the
boundary (`>` vs `>=`) lives in the rule file next to its citation, never in the SQL. A threshold
stated in another unit than its analyte's canonical one (triglycerides in mmol/L, fibrinogen in
g/L) is converted with the unit table, exactly as values are, so both sides meet in one unit.
"""

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.settings import REFERENCE_DIR

OPERATORS = (">", ">=", "<", "<=")
STATUSES = ("V", "S", "U", "engineering")
WINDOW_NAME = r"[a-z0-9]+"  # a look-back window's name, part of column names (<analyte>__<window>__<agg>)


def normalize_unit(unit: str) -> str:
    """A unit as sent -> its lookup spelling in units.csv; the same rule as sql/macros.sql."""
    return unit.strip().lower().replace("µ", "u").replace("μ", "u").replace(" ", "")


class RuleFileError(ValueError):
    """The rule file is malformed (the message names the rule and item)."""


@dataclass(frozen=True)
class UnitTable:
    """Canonical units and conversions from reference/analytes.csv and units.csv."""

    canonical: dict[str, str]
    conversions: dict[tuple[str, str], tuple[float, float, float]]

    @classmethod
    def load(cls) -> "UnitTable":
        with open(REFERENCE_DIR / "analytes.csv") as handle:
            canonical = {row["analyte"]: row["canonical_unit"] for row in csv.DictReader(handle)}
        with open(REFERENCE_DIR / "units.csv") as handle:
            conversions = {(row["analyte"], row["unit_spelling"]): (float(row["offset_before"]),
                           float(row["numerator"]), float(row["denominator"])) for row in csv.DictReader(handle)}
        return cls(canonical, conversions)

    def to_canonical(self, analyte: str, value: float, unit: str) -> float:
        spelling = normalize_unit(unit)
        if (analyte, spelling) not in self.conversions:
            raise RuleFileError(f"no conversion for {analyte} in {unit} in units.csv")
        offset, numerator, denominator = self.conversions[(analyte, spelling)]
        return round((value - offset) * numerator / denominator, 6)


@dataclass(frozen=True)
class RuleSet:
    name: str
    version: str
    document: dict
    units: UnitTable

    @property
    def rules(self) -> dict:
        return self.document["rules"]

    @property
    def pairing_window(self) -> str:
        return self.document["pairing_window"]["value"]

    @property
    def look_back_windows(self) -> dict[str, int]:
        """The look-back windows of features.patient_day: name (as in column names) -> hours."""
        return {name: window["hours"] for name, window in self.document["look_back_windows"].items()}

    @property
    def trend_windows(self) -> tuple[str, str]:
        """(current, baseline): the look-back windows the trend features compare."""
        trend = self.document["trend_windows"]
        return trend["current"]["value"], trend["baseline"]["value"]

    def canonical_threshold(self, item: dict, threshold: float) -> float:
        analyte = item.get("analyte")
        if analyte and item["unit"] != self.units.canonical[analyte]:
            return self.units.to_canonical(analyte, threshold, item["unit"])
        return float(threshold)

    def canonical_unit(self, item: dict) -> str:
        return self.units.canonical[item["analyte"]] if item.get("analyte") else item["unit"]

    def cut_offs(self) -> dict[str, tuple[float, ...]]:
        """Every threshold of every rule, per analyte, in canonical units."""
        found: dict[str, set[float]] = {}
        for rule in self.rules.values():
            for item in rule["items"].values():
                if item.get("analyte"):
                    comparisons = ([item] if "op" in item else []) + item.get("bands", [])
                    found.setdefault(item["analyte"], set()).update(
                        self.canonical_threshold(item, c["threshold"]) for c in comparisons)
        return {analyte: tuple(sorted(values)) for analyte, values in found.items()}

    def render(self, sql: str) -> str:
        """Fill a screen SQL file's placeholders: the pairing window and the tier expressions."""
        tiers = self.document["tiers"]
        tier = "CASE " + " ".join(
            f"WHEN {' OR '.join(f'{rule}__met' for rule in t['any_of'])} THEN '{t['name']}'" for t in tiers) + " END"
        tier_rules = [rule for t in tiers for rule in t["any_of"]]
        fired = "list_filter([" + ", ".join(
            f"CASE WHEN {rule}__met THEN '{rule}' END" for rule in tier_rules) + "], x -> x IS NOT NULL)"
        return sql.replace("{{w}}", self.pairing_window).replace("{{tier}}", tier).replace("{{rules_fired}}", fired)

    def parameters(self) -> dict[str, object]:
        """Flat SQL parameters: thresholds (canonical units), boundaries, bands, coefficients,
        rule-level numbers, contexts, and the version."""
        params: dict[str, object] = {"rule_set_version": self.version, "context_codes": [
            {"context": name, "code_system": system, "prefix": prefix}
            for name, context in self.document["contexts"].items()
            for system, prefixes in context["codes"].items() for prefix in prefixes
        ]}
        for rule_id, rule in self.rules.items():
            for key, value in rule.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    params[f"{rule_id}__{key}"] = value
                elif key in ("cut_off_op",):
                    params[f"{rule_id}__{key}"] = value
            params[f"{rule_id}__applies_to"] = list(rule.get("applies_to", []))
            for item_id, item in rule["items"].items():
                prefix = f"{rule_id}__{item_id}"
                if "op" in item:
                    params[f"{prefix}__op"] = item["op"]
                    params[f"{prefix}__threshold"] = self.canonical_threshold(item, item["threshold"])
                    params[f"{prefix}__unit"] = self.canonical_unit(item)
                if "bands" in item:
                    params[f"{prefix}__band_ops"] = [band["op"] for band in item["bands"]]
                    params[f"{prefix}__band_thresholds"] = [
                        self.canonical_threshold(item, band["threshold"]) for band in item["bands"]]
                    params[f"{prefix}__band_points"] = [band["points"] for band in item["bands"]]
                    params[f"{prefix}__max_points"] = max(band["points"] for band in item["bands"])
                if "coefficient" in item:
                    params[f"{prefix}__coefficient"] = item["coefficient"]
        self._derived_parameters(params)
        return params

    def _derived_parameters(self, params: dict[str, object]) -> None:
        """Numbers implied by the rule file that the SQL needs ready-made."""
        hlh = self.rules["hlh_2004"]
        params["hlh_2004__unmeasured_criteria"] = len(hlh["unmeasured"])
        hscore = self.rules["hscore"]
        params["hscore__unmeasured_max_points"] = sum(hscore["unmeasured_points"].values())
        immuno = hscore["immunosuppression"]
        params["hscore__immunosuppression__points"] = immuno["points"]
        params["hscore__immunosuppression__rxnorm"] = [str(code) for code in immuno["rxnorm_ingredients"]]
        params["hscore__immunosuppression__names"] = [name.lower() for name in immuno["names"]]
        params["hscore__immunosuppression__min_days"] = immuno["min_days_on_therapy"]
        params["hscore__immunosuppression__non_systemic_route_words"] = [
            word.lower() for word in immuno["non_systemic_route_words"]]
        params["hscore__probability_scores"] = hscore["probability"]["scores"]
        params["hscore__probability_percent"] = hscore["probability"]["percent"]
        clinical = [item["coefficient"] for item in self.rules["ms_score"]["items"].values() if item.get("clinical")]
        params["ms_score__clinical_min"] = round(sum(c for c in clinical if c < 0), 6)
        params["ms_score__clinical_max"] = round(sum(c for c in clinical if c > 0), 6)


def _validate_windows(path: Path, document: dict) -> None:
    """Look-back windows: names usable in column names, lengths whole positive hours; the pairing
    and trend windows name one of them, the current trend window no longer than the baseline."""
    windows = document.get("look_back_windows")
    if not isinstance(windows, dict) or not windows:
        raise RuleFileError(f"{path}: look_back_windows must map window names to {{hours: <whole hours>}}")
    for name, window in windows.items():
        if not re.fullmatch(WINDOW_NAME, str(name)) or name == "trend":
            raise RuleFileError(f"{path}: look_back_windows: name {name!r} must be lower-case letters and digits "
                                "other than 'trend' (it becomes part of column names), such as 72h or 7d")
        hours = window.get("hours") if isinstance(window, dict) else None
        if isinstance(hours, bool) or not isinstance(hours, int) or hours <= 0:
            raise RuleFileError(f"{path}: look_back_windows.{name}.hours must be a positive whole number of hours, "
                                f"got {hours!r}")
    named = {"pairing_window": document.get("pairing_window")}
    named.update({f"trend_windows.{key}": (document.get("trend_windows") or {}).get(key)
                  for key in ("current", "baseline")})
    for key, entry in named.items():
        value = entry.get("value") if isinstance(entry, dict) else None
        if value not in windows:
            raise RuleFileError(f"{path}: {key}.value must name a look_back_windows entry ({', '.join(windows)}), "
                                f"got {value!r}")
    current, baseline = named["trend_windows.current"]["value"], named["trend_windows.baseline"]["value"]
    if windows[current]["hours"] > windows[baseline]["hours"]:
        raise RuleFileError(f"{path}: trend_windows.current ({current}) must not be longer than "
                            f"trend_windows.baseline ({baseline})")


def _validate(path: Path, document: dict, units: UnitTable) -> None:
    _validate_windows(path, document)
    contexts = document.get("contexts") or {}
    rules = document.get("rules") or {}
    for rule_id, rule in rules.items():
        if not rule.get("citation"):
            raise RuleFileError(f"{path}: rule {rule_id} has no citation")
        unknown = set(rule.get("applies_to", [])) - set(contexts)
        if unknown:
            raise RuleFileError(f"{path}: rule {rule_id} applies to unknown context(s) {sorted(unknown)}")
        for item_id, item in (rule.get("items") or {}).items():
            where = f"{path}: rule {rule_id}, item {item_id}"
            if item.get("status") not in STATUSES:
                raise RuleFileError(f"{where}: status must be one of {STATUSES}")
            if not item.get("unit"):
                raise RuleFileError(f"{where}: unit is required")
            if item.get("analyte") and item["analyte"] not in units.canonical:
                raise RuleFileError(f"{where}: analyte {item['analyte']} is not in analytes.csv")
            comparisons = [item] if "op" in item else []
            comparisons += item.get("bands", [])
            if not comparisons and "coefficient" not in item:
                raise RuleFileError(f"{where}: needs op and threshold, bands, or a coefficient")
            for comparison in comparisons:
                if comparison.get("op") not in OPERATORS:
                    raise RuleFileError(f"{where}: op must be one of {OPERATORS}, got {comparison.get('op')!r}")
                if not isinstance(comparison.get("threshold"), (int, float)):
                    raise RuleFileError(f"{where}: threshold must be a number, got {comparison.get('threshold')!r}")
    for tier in document.get("tiers", []):
        unknown = set(tier["any_of"]) - set(rules)
        if unknown:
            raise RuleFileError(f"{path}: tier {tier['name']} names unknown rule(s) {sorted(unknown)}")


def load_rule_set(path: Path) -> RuleSet:
    document = yaml.safe_load(Path(path).read_text())
    units = UnitTable.load()
    _validate(Path(path), document, units)
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    rule_set = RuleSet(name=document["name"], version=f"{document['name']}@{digest}", document=document, units=units)
    rule_set.parameters()  # fail on load, not mid-run, if a threshold cannot be converted
    return rule_set
