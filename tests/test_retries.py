"""A transient failure retries its step with backoff and the run succeeds; any other failure
fails the run at once, naming the step and the reason."""

from datetime import date

import duckdb
import pytest

from pipelines import runner
from pipelines.defs.retries import MAX_RETRIES, backoff_seconds
from pipelines.features import feature_table


@pytest.fixture
def flaky(monkeypatch):
    """Make build_patient_day raise the given error on its first `times` calls."""
    calls = []

    def install(error: Exception, times: int):
        real = feature_table.build_patient_day

        def build(*args, **kwargs):
            calls.append(1)
            if len(calls) <= times:
                raise error
            return real(*args, **kwargs)

        monkeypatch.setattr(feature_table, "build_patient_day", build)
        return calls

    monkeypatch.setenv("MASSCREEN_RETRY_SECONDS", "0.01")
    return install


def test_backoff_doubles_from_the_configured_delay(monkeypatch):
    monkeypatch.setenv("MASSCREEN_RETRY_SECONDS", "30")
    assert [backoff_seconds(n) for n in range(MAX_RETRIES)] == [30.0, 60.0, 120.0]


def test_a_transient_failure_is_retried_and_the_run_succeeds(site, flaky):
    folder, _ = site
    calls = flaky(duckdb.IOException("Could not set lock on file"), times=2)
    outcome = runner.run_range(date(2024, 1, 10), date(2024, 1, 10))
    assert outcome.success and len(calls) == 3
    with duckdb.connect(str(folder / "w.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM features.patient_day").fetchone()[0] == 1


def test_a_transient_failure_that_persists_fails_after_the_last_retry(site, flaky):
    calls = flaky(OSError("No space left on device"), times=99)
    outcome = runner.run_range(date(2024, 1, 10), date(2024, 1, 10))
    assert not outcome.success and len(calls) == MAX_RETRIES + 1
    assert any("patient_day" in failure and "No space left on device" in failure for failure in outcome.failures)


def test_any_other_failure_fails_at_once_with_its_reason(site, flaky):
    calls = flaky(ValueError("rule file: unknown operator"), times=99)
    outcome = runner.run_range(date(2024, 1, 10), date(2024, 1, 10))
    assert not outcome.success and len(calls) == 1
    assert any("rule file: unknown operator" in failure for failure in outcome.failures)
