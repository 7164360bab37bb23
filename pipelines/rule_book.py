"""docs/RULES.md, generated from the rule file so the rule book cannot drift from what runs.

`python -m pipelines.rule_book` rewrites it; a test fails when it is out of date. Its last section,
the tiers' performance on a generated hospital, is measured each time: `masscreen demo` on the fixed
hospital PERFORMANCE_HOSPITAL in a temporary folder (about a minute of generation and screening).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from pipelines.core.settings import PROJECT_DIR, REFERENCE_DIR
from pipelines.features.rule_set import RuleSet, load_rule_set

RULE_BOOK = PROJECT_DIR / "docs" / "RULES.md"
RULE_FILE = REFERENCE_DIR / "rules.yaml"
# The generated hospital the tier figures are measured on: large enough that every cohort of
# truth/cohorts.csv has at least 30 patients (MAS: 32 episodes), small enough to screen in about a
# minute on two cores. The time zone is the run's (the figures count local days).
PERFORMANCE_HOSPITAL = {"patients": 5000, "days": 60, "seed": 7}
PERFORMANCE_TIMEZONE = "America/New_York"
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


def measure_tier_performance(rules: Path = RULE_FILE) -> list[dict]:
    """Run `masscreen demo` on PERFORMANCE_HOSPITAL with the rule file `rules` in a temporary folder
    and return pipelines.summary.tier_performance rows for its tiers. The demo runs in a child
    process with its own environment (no DAGSTER_HOME: an ephemeral Dagster instance; no site
    configuration), so nothing of the caller's is changed. Raises RuntimeError when the run fails."""
    from pipelines.summary import tier_performance
    from pipelines.core.warehouse import connect

    tiers = load_rule_set(rules).document["tiers"]
    env = {k: v for k, v in os.environ.items()
           if k not in ("DAGSTER_HOME", "MASSCREEN_CONFIG", "MASSCREEN_PARTITION_START")}
    env |= {"MASSCREEN_TIMEZONE": PERFORMANCE_TIMEZONE, "MASSCREEN_RULES": str(Path(rules).resolve())}
    with tempfile.TemporaryDirectory(prefix="masscreen-tier-performance-") as folder:
        command = [sys.executable, "-m", "pipelines.cli", "demo", "--dir", folder,
                   *(f"--{k}={v}" for k, v in PERFORMANCE_HOSPITAL.items())]
        done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=folder)
        if done.returncode != 0:
            raise RuntimeError(f"the tier performance run failed ({' '.join(command)}): "
                               + (done.stderr.strip().splitlines() or ["no output"])[-1])
        with connect(Path(folder) / "warehouse.duckdb", PERFORMANCE_TIMEZONE, read_only=True) as con:
            return tier_performance(con, Path(folder) / "truth", [t["name"] for t in tiers],
                                    [t["name"] for t in tiers if t.get("alert")])


def _tier_performance_section(rule_set: RuleSet, rows: list[dict]) -> list[str]:
    from pipelines.cli import DEMO_START
    from pipelines.summary import tier_performance_table

    alert = [t["name"] for t in rule_set.document["tiers"] if t.get("alert")]
    hospital = PERFORMANCE_HOSPITAL
    return [
        "", "## Tier performance on the generated hospital", "",
        f"Measured when this page is generated: `masscreen demo --patients {hospital['patients']} --days "
        f"{hospital['days']} --seed {hospital['seed']}` (period from {DEMO_START}, time zone {PERFORMANCE_TIMEZONE},",
        "the generator's default scenario: `pipelines/synthetic/generator.py`, `Scenario`), read by",
        "`sql/audit/synthetic_tier_performance.sql`. A synthetic hospital, not a clinical validation.",
        "",
        "Each tier's column counts the rows of that tier or any tier above it; `alert tiers` counts the",
        f"tiers a clinician is paged for ({', '.join(alert) or 'none'}). MAS: episodes flagged before",
        "their diagnosis (first flag whose cutoff lies between 7 days before onset and 7 days after",
        "diagnosis, at or before diagnosis) and the median lead (diagnosis time minus that cutoff). MAS",
        "at sJIA onset: no rheumatic code before discharge (some had anakinra started during the stay).",
        "Other groups: patients without MAS flagged on a day overlapping a stay of that cohort.",
        "",
        *tier_performance_table(rows),
    ]


def render(rule_set: RuleSet, tier_performance: list[dict] | None = None) -> str:
    """The rule book text for `rule_set`; `tier_performance` rows (measure_tier_performance) make
    the last section (None: measured now, with the rule file at RULE_FILE)."""
    if tier_performance is None:
        tier_performance = measure_tier_performance()
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
                     f"age under {population['max_age_years']} years" if "max_age_years" in population else "",
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
            def note(key: str) -> str:
                status, reasoning = rule.get(f"{key}_status"), rule.get(f"{key}_reasoning")
                text = f"status {status}" if status else ""
                return f" ({text}: {' '.join(reasoning.split())})" if reasoning else (f" ({text})" if text else "")
            lines += ["Parameters: " + ", ".join(f"`{k}` = {_number(v)}{note(k)}" for k, v in numbers.items()) + ".", ""]
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
    lines += _audit_section(doc["audit"])
    lines += _tier_performance_section(rule_set, tier_performance)
    return "\n".join(lines) + "\n"


def _audit_section(audit: dict) -> list[str]:
    """The quality audit's windows and recognition lists (rule file `audit`; docs/AUDIT.md says how
    the audit tables use them)."""
    lines = ["", "## Quality audit", "",
             "How flagged days make an episode (`screen.episodes`) and what counts as clinicians' recognition of",
             "MAS/HLH (`audit.recognition`, `audit.missed_cases`); docs/AUDIT.md describes the tables.", "",
             "| parameter | value | status | reasoning |", "|---|---|---|---|"]
    for name, entry in audit.items():
        if isinstance(entry, dict) and "value" in entry:
            value = ", ".join(entry["value"]) if isinstance(entry["value"], list) else _number(entry["value"])
            lines.append(f"| `{name}` | {value} | {entry['status']} | {' '.join(entry['reasoning'].split())} |")
    recognition = audit["recognition"]
    lines += ["", "| diagnosis code system | codes (compact: upper case, no dot) | source |", "|---|---|---|"]
    for system, codes in recognition["diagnosis_codes"].items():
        source = " ".join(recognition["diagnosis_code_sources"][system].split())
        lines.append(f"| {system} | {', '.join(str(code) for code in codes) or 'none'} | {source} |")
    lines += ["", "| directed therapy | ingredients (a word of the order's name) | routes | strength | source |",
              "|---|---|---|---|---|"]
    for name, therapy in recognition["therapies"].items():
        routes = ", ".join(therapy.get("routes", [])) or "any"
        condition = " (outside an oncology regimen)" if therapy.get("outside_oncology_regimen") else ""
        lines.append(f"| {name}{condition} | {', '.join(therapy['ingredients'])} | {routes} | {therapy['strength']} "
                     f"| {' '.join(therapy['source'].split())} |")
    lines += ["", f"Counted as recognition: diagnosis codes and therapies of strength "
              f"{', '.join(recognition['counted_strengths'])}, started inside an encounter; the others are reported "
              f"beside it. Status: {recognition['status']}."]
    return lines


def main() -> int:
    RULE_BOOK.write_text(render(load_rule_set(RULE_FILE), measure_tier_performance(RULE_FILE)))
    print(f"wrote {RULE_BOOK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
