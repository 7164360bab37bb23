"""Deterministic synthetic hospital: canonical lab/vitals extracts with known MAS truth.

    from pipelines.synthetic import generate
    summary = generate(Path("var/demo"), patients=3000, days=90, start=date(2024, 1, 1), seed=7)

Writes `out_dir/landing/` (patients.csv, encounters.csv, diagnoses.csv, medications.csv,
labs_YYYY-MM-DD.csv, vitals_YYYY-MM-DD.csv), `out_dir/truth/` (mas_episodes.csv, cohorts.csv,
confounders.csv, injected_defects.csv, superseded.csv, recognition.csv, adjudications.csv) and
`out_dir/adjudications.csv` (the quality team's verdicts). Formats and the defects injected: see the
docstrings of generator.py, messiness.py, recognition.py and writer.py.
"""

from pipelines.synthetic.generator import GenerationError, GenerationSummary, Scenario, generate

__all__ = ["generate", "GenerationSummary", "GenerationError", "Scenario"]
