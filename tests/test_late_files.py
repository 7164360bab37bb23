"""A file that lands after its days were computed makes the next run recompute exactly the days
whose look-back it changed, and nothing else."""

from datetime import date


from pipelines import runner, stages
from pipelines.warehouse import connect

from conftest import SITE_TZ, lab, write_labs


def test_a_late_correction_recomputes_exactly_the_days_it_changed(site):
    folder, landing = site
    assert runner.run_range(date(2024, 1, 1), date(2024, 1, 31)).success
    # A correction of the 2024-01-10 ferritin lands weeks later, with the nightly run of 2024-02-20.
    write_labs(landing, "labs_2024-02-20.csv", [
        lab("r1", "2276-4", "3000", "ng/mL", "2024-01-10T06:00:00", "2024-02-20T09:00:00", status="C")])
    assert runner.run_range(date(2024, 2, 20), date(2024, 2, 20)).success
    with connect(folder / "w.duckdb", SITE_TZ, read_only=True) as con:
        pending = stages.pending_changed_days(con)
    # resulted 2024-02-20, the correction is known only from that day's cutoff; but it supersedes
    # the original, which leaves the days it was counted in (its 7-day look-back): those change
    assert pending == [(date(2024, 1, 10), date(2024, 1, 16))]
    assert [(first, last, outcome.success) for first, last, outcome in runner.run_changed_days()] == [
        (date(2024, 1, 10), date(2024, 1, 16), True)]
    with connect(folder / "w.duckdb", SITE_TZ, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM features.patient_day WHERE ferritin__7d__n > 0").fetchone()[0] == 0

    write_labs(landing, "labs_2024-02-21.csv", [
        lab("r2", "777-3", "90", "K/uL", "2024-01-12T06:00:00", "2024-01-12T09:00:00")])  # late, not corrected
    assert runner.run_range(date(2024, 2, 21), date(2024, 2, 21)).success
    with connect(folder / "w.duckdb", SITE_TZ, read_only=True) as con:
        assert stages.pending_changed_days(con) == [(date(2024, 1, 12), date(2024, 1, 18))]
    follow_ups = runner.run_changed_days()
    assert [(first, last, outcome.success) for first, last, outcome in follow_ups] == [
        (date(2024, 1, 12), date(2024, 1, 18), True)]
    with connect(folder / "w.duckdb", SITE_TZ, read_only=True) as con:
        assert stages.pending_changed_days(con) == []
        platelets = con.execute("SELECT as_of_date FROM features.patient_day WHERE platelets__7d__n > 0 "
                                "ORDER BY 1").fetchall()
    assert [row[0] for row in platelets] == [date(2024, 1, d) for d in range(12, 19)]
