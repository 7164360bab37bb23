"""docs/RULES.md, generated from the rule file so the rule book cannot drift from what runs.

`python -m pipelines.rule_book` rewrites it; a test fails when it is out of date.
"""

import sys

from pipelines.rule_set import RuleSet, load_rule_set
from pipelines.settings import PROJECT_DIR, REFERENCE_DIR

RULE_BOOK = PROJECT_DIR / "docs" / "RULES.md"
STATUS = {"V": "verified in the primary source", "S": "secondary source only", "U": "unverified",
          "engineering": "engineering parameter: no published number"}


def _number(value: float) -> str:
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def _item_rows(rule_set: RuleSet, rule: dict) -> list[str]:
    rows = ["| item | analyte | as published | in canonical units | status | note |", "|---|---|---|---|---|---|"]
    for item_id, item in rule["items"].items():
        analyte = item.get("analyte", "")
        if "op" in item:
            published = f"{item['op']} {_number(item['threshold'])} {item['unit']}"
            canonical = (f"{item['op']} {_number(rule_set.canonical_threshold(item, item['threshold']))} "
                         f"{rule_set.canonical_unit(item)}")
        elif "bands" in item:
            published = "; ".join(f"{b['op']} {_number(b['threshold'])} {item['unit']}: {b['points']} points"
                                  for b in item["bands"])
            canonical = "; ".join(f"{b['op']} {_number(rule_set.canonical_threshold(item, b['threshold']))} "
                                  f"{rule_set.canonical_unit(item)}" for b in item["bands"])
        else:
            published = f"coefficient {_number(item['coefficient'])} per {item['unit']}"
            canonical = "not in labs or vitals" if item.get("clinical") else f"per {rule_set.canonical_unit(item)}"
        note = " ".join(str(item.get("reasoning", "")).split())
        rows.append(f"| {item_id} | {analyte} | {published} | {canonical} | {item['status']} | {note} |")
    return rows


def _cannot_compute(rule: dict) -> list[str]:
    missing = list(rule.get("unmeasured", [])) + list(rule.get("unmeasured_points", {}))
    missing += [item_id for item_id, item in rule["items"].items() if item.get("clinical")]
    return missing


def render(rule_set: RuleSet) -> str:
    doc = rule_set.document
    lines = [
        "# Rule book",
        "",
        "Generated from `pipelines/reference/rules.yaml` by `python -m pipelines.rule_book`; edit the rule",
        "file, not this page (a test fails when they differ).",
        "",
        f"Rule set version: `{rule_set.version}` (every at-risk row records the version that produced it).",
        "",
        "Status: " + "; ".join(f"**{key}** = {text}" for key, text in STATUS.items()) + ".",
        "Boundaries are written exactly as each source writes them; thresholds published in another",
        "unit are converted with `pipelines/reference/units.csv`, as values are.",
        "",
        "## Pairing and missing values",
        "",
        f"All items of one criterion are read from the same **{rule_set.pairing_window}** look-back window of",
        "`features.patient_day` and tested on their most abnormal value there (the maximum for an upper",
        "cut-off, the minimum for a lower one); the MS score and the ferritin/ESR ratio use the latest",
        f"values in that window. Status: {doc['pairing_window']['status']}. "
        + " ".join(doc["pairing_window"]["reasoning"].split()),
        "",
        "A missing item is never counted as normal and never as abnormal: criteria report the items met",
        "and the items unknown, scores report a lower and an upper bound, and a rule needing an item that",
        "is missing is not met.",
        "",
        "## Contexts",
        "",
        "From staged diagnoses recorded before the as-of cutoff; codes match by prefix on the compact",
        "form (upper case, no dot).",
        "",
        "| context | meaning | codes | status |",
        "|---|---|---|---|",
    ]
    for name, context in doc["contexts"].items():
        codes = "; ".join(f"{system} {', '.join(prefixes)}*" for system, prefixes in context["codes"].items())
        lines.append(f"| {name} | {context['title']} | {codes} | {context['status']} |")
    lines += ["", "## Tiers", "", "A flagged row's tier is the first (highest) whose rules hold; rows with no tier are",
              "not written to `screen.at_risk_daily` (every evaluation is in `screen.rule_evaluations`).", "",
              "| tier | meaning | any of |", "|---|---|---|"]
    lines += [f"| {t['name']} | {t['description']} | {', '.join(t['any_of'])} |" for t in doc["tiers"]]
    for rule_id, rule in rule_set.rules.items():
        lines += ["", f"## {rule['title']} (`{rule_id}`)", "", f"Source: {' '.join(rule['citation'].split())}", ""]
        if rule.get("population"):
            lines += [f"Population: {rule['population']}.", ""]
        if rule.get("applies_to"):
            note = " ".join(rule.get("context_note", "").split())
            lines += [f"Counts only in context: {', '.join(rule['applies_to'])}. {note}".rstrip(), ""]
        if rule.get("rule"):
            lines += [f"Rule: {' '.join(rule['rule'].split())}", ""]
        numbers = {k: v for k, v in rule.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
        if numbers:
            lines += ["Parameters: " + ", ".join(f"`{k}` = {_number(v)}" for k, v in numbers.items()) + ".", ""]
        lines += _item_rows(rule_set, rule)
        missing = _cannot_compute(rule)
        if missing:
            lines += ["", f"Cannot be computed from labs and vitals: {', '.join(missing)}."]
        if rule_id == "hscore":
            immuno = rule["immunosuppression"]
            lines += ["", f"Known immunosuppression ({immuno['points']} points): " + " ".join(immuno["reasoning"].split()),
                      "", "Probability (published lookup): " + ", ".join(
                          f"{s}: {p}%" for s, p in zip(rule["probability"]["scores"], rule["probability"]["percent"]))
                      + ". A score between two anchors reports both."]
    return "\n".join(lines) + "\n"


def main() -> int:
    RULE_BOOK.write_text(render(load_rule_set(REFERENCE_DIR / "rules.yaml")))
    print(f"wrote {RULE_BOOK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
