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
            published = f"{item['op']} {_number(item['threshold'])} {item['unit']}" + "".join(
                f" (also stated: {_number(also['threshold'])} {also['unit']})" for also in item.get("also_stated", []))
            canonical = f"{item['op']} {_number(rule_set.effective_threshold(item))} {rule_set.canonical_unit(item)}"
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
        "## Windows",
        "",
        "| look-back window | hours | status | reasoning |",
        "|---|---|---|---|",
        *[f"| {name} | {window['hours']} | {window['status']} | {' '.join(window['reasoning'].split())} |"
          for name, window in doc["look_back_windows"].items()],
        "",
        "Trend rules compare the latest value in the **current** window with the patient's own minimum (for",
        "a rise) or maximum (for a fall) in the **baseline** window:",
        "",
        *[f"- {key}: {entry['value']} ({entry['status']}): {' '.join(entry['reasoning'].split())}"
          for key, entry in doc["trend_windows"].items()],
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
        "is missing is not met (`__met`) but possible (`__possible`). No temperature in the window makes",
        "fever unknown, not absent: a rule for febrile patients is then met with population `unknown`.",
        "",
        "A censored result is the interval it states: `>10000` meets `> 10000`, `<500` does not meet",
        "`>= 500`, `<500` against `<= 181` is unknown; a banded score item earns the points its interval",
        "surely reaches in the lower bound and those it could reach in the upper bound (`>6000` ferritin",
        "scores the `> 6000` band in both); the MS score and the ferritin/ESR ratio widen to the interval",
        "their censored values allow. Trend rules take a censored value at its stated number.",
        "",
        "## Contexts",
        "",
        "A context is **known** from a staged diagnosis recorded before the as-of cutoff, in any code system",
        "below (ICD codes match by prefix on the compact form, upper case without the dot, written `M082*`;",
        "SNOMED CT identifiers match exactly). It is **suspected** when no code says so but an order of a",
        "therapy below started before the cutoff, and **unknown** otherwise. A rule with a context list",
        "reads its context from those; a rule without reads it from any of them.",
        "",
        "| context | meaning | codes | sources | status |",
        "|---|---|---|---|---|",
    ]
    match = doc["context_code_match"]
    for name, context in doc["contexts"].items():
        codes = "; ".join(f"{system} {', '.join(str(c) + ('*' if match[system] == 'prefix' else '') for c in codes)}"
                          for system, codes in context["codes"].items())
        sources = "; ".join(f"{system}: {' '.join(str(text).split())}" for system, text in context["sources"].items())
        lines.append(f"| {name} | {context['title']} | {codes} | {sources} | {context['status']} |")
    lines += ["", "| suspected from | ingredients (a word of the order's name) | suspects | source | status |",
              "|---|---|---|---|---|"]
    for therapy in doc.get("suspected_from_therapies", {}).values():
        lines.append(f"| {therapy['title']} | {', '.join(therapy['ingredients'])} | {', '.join(therapy['suspects'])} "
                     f"| {' '.join(therapy['source'].split())} | {therapy['status']} |")
    icu = doc["icu_care_unit_words"]
    lines += ["", f"Intensive care (for rules whose population requires it): an encounter open on the day in a care",
              f"unit named by one of {', '.join(icu['value'])}. Status: {icu['status']}. {' '.join(icu['reasoning'].split())}"]
    lines += ["", "## Tiers", "",
              "A flagged row's tier is the first (highest) with an entry that holds: one of its rules met, with the",
              "rule's context (known, suspected, unknown) and population (in, outside, unknown) among those listed",
              "(any, when not listed). Every rule met is in some tier whatever its context and population (the rule",
              "file is refused otherwise). Rows with no tier are not written to `screen.at_risk_daily`; every",
              "evaluation is in `screen.rule_evaluations`. `tier` is ordered by severity: `max(tier)` is the most",
              "severe, `ORDER BY tier DESC` lists the most severe first; `tier_rank` is 1 for the highest.", "",
              "| tier | alert | meaning | when |", "|---|---|---|---|"]
    for t in doc["tiers"]:
        when = "; ".join(", ".join(entry["rules"]) + "".join(
            f" ({key} {', '.join(entry[key])})" for key in ("context", "population") if key in entry)
            for entry in t["when"])
        lines.append(f"| {t['name']} | {'yes' if t.get('alert') else 'no'} | {' '.join(t['description'].split())} | {when} |")
    for rule_id, rule in rule_set.rules.items():
        lines += ["", f"## {rule['title']} (`{rule_id}`)", "", f"Source: {' '.join(rule['citation'].split())}", ""]
        if rule.get("population"):
            population = rule["population"]
            needs = [f"age at least {population['min_age_years']} years" if "min_age_years" in population else "",
                     "fever" if population.get("requires_fever") else "",
                     "an intensive care stay" if population.get("requires_icu") else ""]
            needs = ", ".join(n for n in needs if n)
            lines += [f"Population: {population['text']}" + (f" (computed: {needs}" + (
                f"; status {population['status']})" if "status" in population else ")") if needs else "") + ".", ""]
        if rule.get("flags_only_in_context"):
            lines += ["Flags only in a known or suspected context: "
                      + " ".join(rule["flags_only_in_context_reasoning"].split()) + ".", ""]
        if rule.get("based_on"):
            own = list(doc["rules"][rule_id].get("items", {})) + [
                key for key, value in doc["rules"][rule_id].items() if isinstance(value, (int, float))
                and not isinstance(value, bool)]
            lines += [f"Built on `{rule['based_on']}`: the same items and numbers except {', '.join(own)}.", ""]
        if rule.get("applies_to"):
            note = " ".join(rule.get("context_note", "").split())
            lines += [f"Context: {', '.join(rule['applies_to'])} (known or suspected). {note}".rstrip(), ""]
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
