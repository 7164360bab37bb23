"""Each step of a run logs one progress line when it ends (pipelines.core.run_log.log_step): the step,
its rows and its seconds, on the pipelines.progress logger (and in the run's Dagster log)."""

import logging
import re
from datetime import date

from pipelines import runner


def test_every_step_logs_its_rows_and_seconds(site, caplog):
    caplog.set_level(logging.INFO, logger="pipelines.progress")
    outcome = runner.run_range(date(2024, 1, 10), date(2024, 1, 10))
    assert outcome.success, outcome.failures
    lines = [r.getMessage() for r in caplog.records if r.name == "pipelines.progress"]
    assert all(re.fullmatch(r"[\w.]+: [\d,]+ (rows|tables) in \d+\.\d s", line) for line in lines), lines
    by_step = {line.split(": ")[0]: line for line in lines}
    assert by_step["raw.extracts"].startswith("raw.extracts: 2 rows in ")  # one lab, one temperature
    assert by_step["staging.lab_results"].startswith("staging.lab_results: 1 rows in ")
    assert {"staging.vital_signs", "features.patient_day", "screen.at_risk_daily", "publish.snapshot"} <= set(by_step)
