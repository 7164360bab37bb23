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

from pipelines.core.settings import REFERENCE_DIR, load_settings

OPERATORS = (">", ">=", "<", "<=")
STATUSES = ("V", "S", "U", "engineering")
CONTEXT_STATES = ("known", "suspected", "unknown")
POPULATION_STATES = ("in", "outside", "unknown")
POPULATION_KEYS = ("text", "min_age_years", "max_age_years", "requires_fever", "requires_icu", "status")
PAIRING_AGGREGATES = ("last", "last_at", "last_censoring", "min", "min_at", "min_censoring",
                      "max", "max_at", "max_censoring", "open_above", "open_below")
# The windows of the rule file's `audit` section, in days or hours as their names say.
AUDIT_WINDOWS = ("episode_gap_days", "recognition_before_flag_days", "recognition_after_flag_days",
                 "near_miss_days_before", "near_miss_days_after", "oncology_regimen_window_hours")
THERAPY_STRENGTHS = ("strong", "weak")
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
        """The rules, each with its items resolved: a rule `based_on` another takes that rule's
        items and numbers unless it states its own, and a rule that `uses_fever` gets the `fever`
        rule's temperature item as its item `fever` unless it states its own."""
        return _resolve_rules(self.document["rules"])

    @property
    def tiers(self) -> list[dict]:
        return self.document["tiers"]

    def rule_sql_files(self) -> list[tuple[str, str]]:
        """(rule id, file under sql/screen/rules/) in rule-file order; a rule `based_on` another
        is evaluated by that rule's file with its own parameters."""
        return [(rule_id, f"screen/rules/{rule.get('based_on', rule_id)}.sql")
                for rule_id, rule in self.document["rules"].items()]

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

    def canonical_threshold(self, item: dict, threshold: float, unit: str | None = None) -> float:
        analyte = item.get("analyte")
        unit = unit or item["unit"]
        if analyte and unit != self.units.canonical[analyte]:
            return self.units.to_canonical(analyte, threshold, unit)
        return float(threshold)

    def effective_threshold(self, item: dict) -> float:
        """An item's threshold in canonical units. Where the source states the cut-off in two
        units (`also_stated`), the more lenient of the conversions: a value at the stated cut-off
        in either unit meets it, and no conversion moves a boundary against the patient."""
        stated = [self.canonical_threshold(item, item["threshold"])]
        stated += [self.canonical_threshold(item, also["threshold"], also["unit"]) for also in item.get("also_stated", [])]
        return min(stated) if item["op"].startswith(">") else max(stated)

    def canonical_unit(self, item: dict) -> str:
        return self.units.canonical[item["analyte"]] if item.get("analyte") else item["unit"]

    def cut_offs(self) -> dict[str, tuple[float, ...]]:
        """Every threshold of every rule, per analyte, in canonical units."""
        found: dict[str, set[float]] = {}
        for rule in self.rules.values():
            for item in rule["items"].values():
                if item.get("analyte"):
                    found.setdefault(item["analyte"], set()).update(
                        self.canonical_threshold(item, band["threshold"]) for band in item.get("bands", []))
                    if "op" in item:
                        found[item["analyte"]].add(self.effective_threshold(item))
        return {analyte: tuple(sorted(values)) for analyte, values in found.items()}

    def render(self, sql: str, rule_id: str | None = None) -> str:
        """Fill a screen SQL file's placeholders from the rule file: the pairing window, the
        window structs and trend columns of screen_day, the rule id of a rule file evaluated for
        several rules, the joins and columns of screen.rule_evaluations, and the tier expressions
        of screen.at_risk_daily."""
        replacements = {
            "{{w}}": self.pairing_window,
            "{{pairing_window_values}}": self._pairing_window_values(),
            "{{trend_columns}}": self._trend_columns(),
            "{{rule_tables}}": "\n".join(f"JOIN rule_{rule} USING (patient_id, as_of_date)" for rule in self.rules),
            "{{rule_columns}}": ",\n    ".join(
                f"rule_{rule}.* EXCLUDE (patient_id, as_of_date, {rule}__evidence)" for rule in self.rules),
            "{{evidence_tables}}": "\n".join(
                f"JOIN rule_{rule} ON rule_{rule}.patient_id = f.patient_id AND rule_{rule}.as_of_date = f.as_of_date"
                for rule in self.rules),
            "{{tier}}": self._tier_expression(),
            "{{tier_enum}}": "ENUM(" + ", ".join(f"'{t['name']}'" for t in reversed(self.tiers)) + ")",
            "{{tier_rank}}": "CASE tier_name " + " ".join(
                f"WHEN '{t['name']}' THEN {rank}" for rank, t in enumerate(self.tiers, start=1)) + " END",
            "{{alert}}": "tier_name IN (" + ", ".join(
                f"'{t['name']}'" for t in self.tiers if t.get("alert")) + ")" if any(
                t.get("alert") for t in self.tiers) else "false",
            "{{rules_fired}}": "list_filter([" + ", ".join(
                f"CASE WHEN {self._tiering_condition(rule)} THEN '{rule}' END"
                for rule in self._tiered_rules()) + "], x -> x IS NOT NULL)",
            "{{evidence}}": ", ".join(
                f"'{rule}': {{'met': f.{rule}__met, 'possible': f.{rule}__possible, 'context': f.{rule}__context, "
                f"'population': f.{rule}__population, 'items': rule_{rule}.{rule}__evidence}}" for rule in self.rules),
        }
        if rule_id is not None:
            replacements["{{rule}}"] = rule_id
        for placeholder, text in replacements.items():
            sql = sql.replace(placeholder, text)
        return sql

    def _pairing_window_values(self) -> str:
        from pipelines.features.feature_columns import ANALYTES  # feature_columns imports this module

        window = self.pairing_window
        return ",\n    ".join(
            "{" + ", ".join(f"'{aggregate}': f.{analyte}__{window}__{aggregate}" for aggregate in PAIRING_AGGREGATES)
            + f"}} AS {analyte}" for analyte in ANALYTES)

    def _trend_columns(self) -> str:
        from pipelines.features.feature_columns import TRENDS, TREND_BASELINE  # feature_columns imports this module

        baseline = self.trend_windows[1]
        columns = []
        for analyte, measure in TRENDS.items():
            extreme = TREND_BASELINE[measure]
            columns.append(f"f.{analyte}__trend__{measure}")
            columns.append(f"{{'value': f.{analyte}__{baseline}__{extreme}, "
                           f"'censoring': f.{analyte}__{baseline}__{extreme}_censoring, "
                           f"'taken_at': f.{analyte}__{baseline}__{extreme}_at, "
                           f"'window': '{baseline}', 'aggregate': '{extreme}'}} AS {analyte}__trend__baseline")
        return ",\n    ".join(columns)

    def _tiered_rules(self) -> list[str]:
        seen: list[str] = []
        for tier in self.tiers:
            for entry in tier["when"]:
                seen += [rule for rule in entry["rules"] if rule not in seen]
        return seen

    @staticmethod
    def _entry_condition(rule: str, entry: dict) -> str:
        """SQL: the rule is met with a context and population the tier entry lists."""
        terms = [f"{rule}__met"]
        if "context" in entry:
            terms.append(f"{rule}__context IN ({', '.join(repr(c) for c in entry['context'])})")
        if "population" in entry:
            terms.append(f"{rule}__population IN ({', '.join(repr(p) for p in entry['population'])})")
        return "(" + " AND ".join(terms) + ")"

    def _tiering_condition(self, rule: str) -> str:
        """SQL: the rule's result puts the row in some tier (it is met where a tier counts it)."""
        return " OR ".join(self._entry_condition(rule, entry) for tier in self.tiers
                           for entry in tier["when"] if rule in entry["rules"])

    def _tier_expression(self) -> str:
        return "CASE " + " ".join(
            "WHEN " + " OR ".join(self._entry_condition(rule, entry) for entry in tier["when"] for rule in entry["rules"])
            + f" THEN '{tier['name']}'" for tier in self.tiers) + " END"

    def parameters(self) -> dict[str, object]:
        """Flat SQL parameters: thresholds (canonical units), boundaries, bands, coefficients,
        rule-level numbers, contexts, and the version."""
        params: dict[str, object] = {"rule_set_version": self.version, "context_codes": [
            {"context": name, "code_system": system, "code": str(code),
             "exact": self.document["context_code_match"][system] == "exact"}
            for name, context in self.document["contexts"].items()
            for system, codes in context["codes"].items() for code in codes
        ], "context_therapies": [
            {"context": context, "ingredient": ingredient.lower()}
            for therapy in self.document.get("suspected_from_therapies", {}).values()
            for context in therapy["suspects"] for ingredient in therapy["ingredients"]
        ], "icu_care_unit_words": [word.upper() for word in self.document["icu_care_unit_words"]["value"]]}
        for rule_id, rule in self.rules.items():
            for key, value in rule.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    params[f"{rule_id}__{key}"] = value
                elif key in ("cut_off_op",):
                    params[f"{rule_id}__{key}"] = value
            params[f"{rule_id}__applies_to"] = list(rule.get("applies_to", []))
            population = rule.get("population", {})
            params[f"{rule_id}__population__min_age_years"] = population.get("min_age_years")
            params[f"{rule_id}__population__max_age_years"] = population.get("max_age_years")
            params[f"{rule_id}__population__requires_fever"] = bool(population.get("requires_fever", False))
            params[f"{rule_id}__population__requires_icu"] = bool(population.get("requires_icu", False))
            for item_id, item in rule["items"].items():
                prefix = f"{rule_id}__{item_id}"
                params[f"{prefix}__unit"] = self.canonical_unit(item)
                if "op" in item:
                    params[f"{prefix}__op"] = item["op"]
                    params[f"{prefix}__threshold"] = self.effective_threshold(item)
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

    def audit_parameters(self) -> dict[str, object]:
        """SQL parameters of the quality audit (rule file `audit`): every window (days or hours, as
        named), `oncology_ingredients` (lower case), `recognition_codes` ({code_system, code, exact};
        exact per `context_code_match`), `recognition_therapies` ({therapy, ingredient, strength,
        routes (lower-case words; empty: any route), outside_oncology_regimen}) and
        `counted_strengths`."""
        audit = self.document["audit"]
        recognition = audit["recognition"]
        match = self.document["context_code_match"]
        params: dict[str, object] = {name: audit[name]["value"] for name in AUDIT_WINDOWS}
        params["oncology_ingredients"] = [word.lower() for word in audit["oncology_ingredients"]["value"]]
        params["recognition_codes"] = [
            {"code_system": system, "code": str(code).upper().replace(".", ""), "exact": match[system] == "exact"}
            for system, codes in recognition["diagnosis_codes"].items() for code in codes]
        params["recognition_therapies"] = [
            {"therapy": name, "ingredient": ingredient.lower(), "strength": therapy["strength"],
             "routes": [route.lower() for route in therapy.get("routes", [])],
             "outside_oncology_regimen": bool(therapy.get("outside_oncology_regimen", False))}
            for name, therapy in recognition["therapies"].items() for ingredient in therapy["ingredients"]]
        params["counted_strengths"] = list(recognition["counted_strengths"])
        return params

    def _derived_parameters(self, params: dict[str, object]) -> None:
        """Numbers implied by the rule file that the SQL needs ready-made."""
        for rule_id, rule in self.rules.items():
            if "unmeasured" in rule:
                params[f"{rule_id}__unmeasured_criteria"] = len(rule["unmeasured"])
        hscore = self.rules["hscore"]
        params["hscore__unmeasured_max_points"] = sum(hscore["unmeasured_points"].values())
        immuno = hscore["immunosuppression"]
        params["hscore__immunosuppression__points"] = immuno["points"]
        params["hscore__immunosuppression__rxnorm"] = [str(code) for code in immuno["rxnorm_ingredients"]]
        params["hscore__immunosuppression__names"] = [name.lower() for name in immuno["names"]]
        params["hscore__immunosuppression__min_days"] = immuno["min_days_on_therapy"]
        params["hscore__immunosuppression__reorder_gap_hours"] = immuno["reorder_gap_hours"]
        params["hscore__immunosuppression__non_systemic_route_words"] = [
            word.lower() for word in immuno["non_systemic_route_words"]]
        params["hscore__immunosuppression__non_systemic_name_words"] = [
            word.lower() for word in immuno["non_systemic_name_words"]]
        params["hscore__probability_scores"] = hscore["probability"]["scores"]
        params["hscore__probability_percent"] = hscore["probability"]["percent"]
        clinical = [item["coefficient"] for item in self.rules["ms_score"]["items"].values() if item.get("clinical")]
        params["ms_score__clinical_min"] = round(sum(c for c in clinical if c < 0), 6)
        params["ms_score__clinical_max"] = round(sum(c for c in clinical if c > 0), 6)


def _resolve_rules(rules: dict) -> dict:
    """The rules with `based_on` and `uses_fever` resolved (see RuleSet.rules)."""
    resolved = {}
    for rule_id, rule in rules.items():
        rule = dict(rule)
        if "based_on" in rule:
            base = rules[rule["based_on"]]
            rule = {**{k: v for k, v in base.items() if k not in ("title", "citation", "population", "rule")},
                    **rule, "items": {**base["items"], **rule.get("items", {})}}
        if rule.get("uses_fever") and "fever" not in rule["items"]:
            rule["items"] = {"fever": rules["fever"]["items"]["temperature"], **rule["items"]}
        resolved[rule_id] = rule
    return resolved


def _validate_tiers(path: Path, document: dict) -> None:
    """Tiers name known rules, contexts and populations, and every rule result lands in some tier
    for every context and population (so no computed result is left out of every tier)."""
    rules = document.get("rules") or {}
    for tier in document.get("tiers", []):
        if not tier.get("when"):
            raise RuleFileError(f"{path}: tier {tier.get('name')} needs `when` entries")
        for entry in tier["when"]:
            unknown = set(entry.get("rules", [])) - set(rules)
            if unknown:
                raise RuleFileError(f"{path}: tier {tier['name']} names unknown rule(s) {sorted(unknown)}")
            for key, allowed in (("context", CONTEXT_STATES), ("population", POPULATION_STATES)):
                wrong = set(entry.get(key, [])) - set(allowed)
                if wrong:
                    raise RuleFileError(f"{path}: tier {tier['name']}: {key} must be among {allowed}, got {sorted(wrong)}")
    for rule_id, rule in rules.items():
        if rule.get("shared_item"):
            continue
        contexts = ("known", "suspected") if rule.get("flags_only_in_context") else CONTEXT_STATES
        for context in contexts:
            for population in POPULATION_STATES:
                if not any(rule_id in entry["rules"] and context in entry.get("context", CONTEXT_STATES)
                           and population in entry.get("population", POPULATION_STATES)
                           for tier in document.get("tiers", []) for entry in tier["when"]):
                    raise RuleFileError(f"{path}: rule {rule_id} met with context {context} and population "
                                        f"{population} is in no tier; add it to one")


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


def _validate_audit(path: Path, document: dict) -> None:
    """The `audit` section: every window a whole number of days or hours (0 or more) with a
    status, code systems that context_code_match knows, therapies with ingredients, a strength and
    a source, and counted strengths among the strengths used."""
    audit = document.get("audit")
    if not isinstance(audit, dict):
        raise RuleFileError(f"{path}: the `audit` section is missing (episode and recognition windows)")
    for name in (*AUDIT_WINDOWS, "oncology_ingredients"):
        entry = audit.get(name)
        if not isinstance(entry, dict) or "value" not in entry or entry.get("status") not in STATUSES:
            raise RuleFileError(f"{path}: audit.{name} needs a value and a status among {STATUSES}")
        if name in AUDIT_WINDOWS and (not isinstance(entry["value"], int) or isinstance(entry["value"], bool)
                                      or entry["value"] < 0):
            raise RuleFileError(f"{path}: audit.{name}.value must be a whole number, 0 or more")
    recognition = audit.get("recognition") or {}
    match = document.get("context_code_match") or {}
    for system in recognition.get("diagnosis_codes") or {}:
        if system not in match:
            raise RuleFileError(f"{path}: audit.recognition.diagnosis_codes: code system {system} needs "
                                f"context_code_match {system}: prefix or exact")
        if system not in (recognition.get("diagnosis_code_sources") or {}):
            raise RuleFileError(f"{path}: audit.recognition: the {system} codes need their source "
                                "under diagnosis_code_sources")
    strengths = set()
    for name, therapy in (recognition.get("therapies") or {}).items():
        if not therapy.get("ingredients") or therapy.get("strength") not in THERAPY_STRENGTHS or not therapy.get("source"):
            raise RuleFileError(f"{path}: audit.recognition.therapies.{name} needs ingredients, a source and a "
                                f"strength among {THERAPY_STRENGTHS}")
        strengths.add(therapy["strength"])
    counted = recognition.get("counted_strengths")
    if not counted or not set(counted) <= set(THERAPY_STRENGTHS):
        raise RuleFileError(f"{path}: audit.recognition.counted_strengths must list strengths among {THERAPY_STRENGTHS}")


def _validate(path: Path, document: dict, units: UnitTable) -> None:
    _validate_windows(path, document)
    contexts = document.get("contexts") or {}
    for name, therapy in (document.get("suspected_from_therapies") or {}).items():
        unknown = set(therapy.get("suspects", [])) - set(contexts)
        if unknown or not therapy.get("ingredients") or not therapy.get("source"):
            raise RuleFileError(f"{path}: suspected_from_therapies.{name} needs ingredients, a source, and "
                                f"suspects among the contexts {sorted(contexts)}")
    match = document.get("context_code_match") or {}
    for name, context in contexts.items():
        for system in (context.get("codes") or {}):
            if match.get(system) not in ("prefix", "exact"):
                raise RuleFileError(f"{path}: contexts.{name}: code system {system} needs context_code_match "
                                    f"{system}: prefix or exact")
            if system not in (context.get("sources") or {}):
                raise RuleFileError(f"{path}: contexts.{name}: the {system} codes need their source under `sources`")
    if not (document.get("icu_care_unit_words") or {}).get("value"):
        raise RuleFileError(f"{path}: icu_care_unit_words.value must list the words of intensive care units")
    for rule_id, rule in document.get("rules", {}).items():
        if rule.get("based_on") and rule["based_on"] not in document["rules"]:
            raise RuleFileError(f"{path}: rule {rule_id} is based on unknown rule {rule['based_on']}")
        wrong = set(rule.get("population") or {}) - set(POPULATION_KEYS)
        if wrong:
            raise RuleFileError(f"{path}: rule {rule_id}: population keys must be among {POPULATION_KEYS}, got {sorted(wrong)}")
    rules = _resolve_rules(document.get("rules") or {})
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
            for also in item.get("also_stated", []):
                if not isinstance(also.get("threshold"), (int, float)) or not also.get("unit"):
                    raise RuleFileError(f"{where}: also_stated entries need a threshold and a unit")
            for comparison in comparisons:
                if comparison.get("op") not in OPERATORS:
                    raise RuleFileError(f"{where}: op must be one of {OPERATORS}, got {comparison.get('op')!r}")
                if not isinstance(comparison.get("threshold"), (int, float)):
                    raise RuleFileError(f"{where}: threshold must be a number, got {comparison.get('threshold')!r}")
    _validate_tiers(path, document)
    _validate_windows(path, document)
    _validate_audit(path, document)


def load_rule_set(path: Path) -> RuleSet:
    document = yaml.safe_load(Path(path).read_text())
    units = UnitTable.load()
    _validate(Path(path), document, units)
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    rule_set = RuleSet(name=document["name"], version=f"{document['name']}@{digest}", document=document, units=units)
    rule_set.parameters()  # fail on load, not mid-run, if a threshold cannot be converted
    return rule_set


def active_rule_set() -> RuleSet:
    """The rule set of the site's settings (MASSCREEN_RULES), as the Dagster resource loads it."""
    return load_rule_set(load_settings().rules)
