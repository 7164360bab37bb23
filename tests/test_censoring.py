"""Censored values ('>10000', 'GREATER THAN 6000', '<500') as intervals: the macros that test them
(sql/macros.sql) and the censoring columns of features.patient_day (sql/features/patient_day.sql)."""

from datetime import date
from itertools import product

import pytest

from pipelines.features import feature_table

from conftest import lab, load_and_stage, write_labs

OPS = (">", ">=", "<", "<=")
CENSORINGS = (None, ">", ">=", "<", "<=")
THRESHOLD = 100.0
COMPARE = {">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b}


def interval_points(value: float, censoring: str | None) -> list[float]:
    """Sample points of the interval a censored value states: near its bound and far beyond it."""
    if censoring is None:
        return [value]
    grid = [value + step for step in (-1e6, -2, -1, -0.5, -1e-6, 0, 1e-6, 0.5, 1, 2, 1e6)]
    return [x for x in grid if COMPARE[censoring](x, value)]


def oracle_meets(value: float, censoring: str | None, op: str, threshold: float) -> bool | None:
    """True when every point of the interval meets the boundary, False when none does, else None."""
    results = {COMPARE[op](x, threshold) for x in interval_points(value, censoring)}
    return results.pop() if len(results) == 1 else None


@pytest.mark.parametrize("op, censoring, value", list(product(OPS, CENSORINGS, (THRESHOLD - 1, THRESHOLD, THRESHOLD + 1))))
def test_censored_meets_truth_table(con, op, censoring, value):
    got = con.execute("SELECT censored_meets(?, ?, ?, ?)", [value, censoring, op, THRESHOLD]).fetchone()[0]
    assert got is oracle_meets(value, censoring, op, THRESHOLD)


@pytest.mark.parametrize("value, censoring, op, threshold, expected", [
    (10000, ">", ">", 10000, True),
    (10000, ">", ">=", 10000, True),
    (500, "<", ">=", 500, False),
    (500, "<", "<=", 181, None),
    (181, "<=", "<=", 181, True),
    (684, ">=", ">", 684, None),
    (6000, ">", ">", 6000, True),
    (684, None, ">", 684, False),   # exact values behave as meets()
    (685, None, ">", 684, True),
    (None, ">", ">", 684, None),    # a missing value is unknown, whatever its censoring
    (None, None, ">", 684, None),
])
def test_censored_meets_examples(con, value, censoring, op, threshold, expected):
    assert con.execute("SELECT censored_meets(?, ?, ?, ?)", [value, censoring, op, threshold]).fetchone()[0] is expected


def test_censored_meets_of_an_exact_value_is_meets(con):
    rows = con.execute("""
        SELECT count(*) FILTER (WHERE censored_meets(v, NULL, op, 100) IS DISTINCT FROM meets(v, op, 100))
        FROM (VALUES (99.0), (100.0), (101.0), (NULL)) AS t(v), (VALUES ('>'), ('>='), ('<'), ('<=')) AS o(op)
    """).fetchone()[0]
    assert rows == 0


FERRITIN_BANDS = ([">=", ">"], [2000.0, 6000.0], [35, 50])
FIBRINOGEN_BANDS = (["<="], [2.5], [30])


def band_points(value, censoring, bands, bound):
    points = [p for op, threshold, p in zip(*bands)
              if oracle_meets(value, censoring, op, threshold) is True
              or (bound == "upper" and oracle_meets(value, censoring, op, threshold) is None)]
    return max(points, default=0)


@pytest.mark.parametrize("value, censoring, lower, upper", [
    (6000, ">", 50, 50),
    (2000, ">", 35, 50),
    (500, "<", 0, 0),
    (3000, "<", 0, 35),
    (6000, None, 35, 35),
    (6001, None, 50, 50),
    (6000, ">=", 35, 50),
    (1999, "<=", 0, 0),
    (2000, "<=", 0, 35),
])
def test_censored_band_points_on_the_ferritin_bands(con, value, censoring, lower, upper):
    got = con.execute("SELECT censored_band_points(?, ?, ?, ?, ?, 'lower'), censored_band_points(?, ?, ?, ?, ?, 'upper')",
                      [value, censoring, *FERRITIN_BANDS] * 2).fetchone()
    assert got == (lower, upper)
    assert got == (band_points(value, censoring, FERRITIN_BANDS, "lower"),
                   band_points(value, censoring, FERRITIN_BANDS, "upper"))


@pytest.mark.parametrize("bands", [FERRITIN_BANDS, FIBRINOGEN_BANDS], ids=["upper_kind", "lower_kind"])
@pytest.mark.parametrize("censoring", CENSORINGS)
def test_censored_band_points_truth_table(con, bands, censoring):
    for threshold in bands[1]:
        for value in (threshold - 0.5, threshold, threshold + 0.5):
            for bound in ("lower", "upper"):
                got = con.execute("SELECT censored_band_points(?, ?, ?, ?, ?, ?)",
                                  [value, censoring, *bands, bound]).fetchone()[0]
                assert got == band_points(value, censoring, bands, bound), (value, censoring, bound)


def test_censored_band_points_of_an_exact_value_is_band_points(con):
    differ = con.execute("""
        SELECT count(*) FILTER (WHERE censored_band_points(v, NULL, ops, ts, ps, 'lower')
                                      IS DISTINCT FROM band_points(v, ops, ts, ps)
                                   OR censored_band_points(v, NULL, ops, ts, ps, 'upper')
                                      IS DISTINCT FROM band_points(v, ops, ts, ps))
        FROM (VALUES (NULL), (1999.0), (2000.0), (6000.0), (6000.5)) AS t(v),
             (SELECT ['>=', '>'] AS ops, [2000.0, 6000.0] AS ts, [35, 50] AS ps)
    """).fetchone()[0]
    assert differ == 0


def test_censored_band_points_is_null_without_a_value_or_with_an_unknown_bound(con):
    assert con.execute("SELECT censored_band_points(NULL, '>', ['>='], [2000.0], [35], 'lower')").fetchone()[0] is None
    assert con.execute("SELECT censored_band_points(3000, '>', ['>='], [2000.0], [35], 'upper')").fetchone()[0] == 35
    assert con.execute("SELECT censored_band_points(3000, '>', ['>='], [2000.0], [35], 'middle')").fetchone()[0] is None


def test_most_abnormal_censoring_mirrors_most_abnormal(con):
    rows = con.execute("""
        SELECT op, most_abnormal(op, 10, 90), most_abnormal_censoring(op, '<', '>')
        FROM (VALUES ('>'), ('>='), ('<'), ('<=')) AS t(op) ORDER BY op
    """).fetchall()
    assert rows == [("<", 10, "<"), ("<=", 10, "<"), (">", 90, ">"), (">=", 90, ">")]


D = date(2024, 1, 10)  # cutoff: 2024-01-11T00:00 site time


def features_for(con, day=D):
    feature_table.build_patient_day(con, day, day)
    return con.execute("SELECT * FROM features.patient_day WHERE as_of_date = ?", [day]).pl().to_dicts()[0]


def test_feature_columns_carry_the_censoring_of_the_value_they_report(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [
        lab("f1", "2276-4", "800", "ng/mL", "2024-01-09T06:00:00"),
        lab("f2", "2276-4", "GREATER THAN 6000", "ng/mL", "2024-01-10T06:00:00"),
        lab("f3", "2276-4", ">10000", "ng/mL", "2024-01-10T18:00:00"),
        lab("p1", "777-3", "<10", "K/uL", "2024-01-10T06:00:00"),
        lab("p2", "777-3", "150", "K/uL", "2024-01-10T07:00:00"),
    ])
    load_and_stage(con, tmp_path)
    row = features_for(con)
    assert (row["ferritin__24h__last"], row["ferritin__24h__last_censoring"]) == (10000, ">")
    assert (row["ferritin__24h__max"], row["ferritin__24h__max_censoring"]) == (10000, ">")
    assert (row["ferritin__24h__min"], row["ferritin__24h__min_censoring"]) == (6000, ">")
    assert (row["ferritin__72h__min"], row["ferritin__72h__min_censoring"]) == (800, None)
    assert (row["platelets__24h__min"], row["platelets__24h__min_censoring"]) == (10, "<")
    assert (row["platelets__24h__last"], row["platelets__24h__last_censoring"]) == (150, None)
    assert row["platelets__24h__max_censoring"] is None
    # no value in the window: every aggregate NULL, n 0
    assert (row["wbc__24h__max"], row["wbc__24h__max_censoring"], row["wbc__24h__n"]) == (None, None, 0)


def test_ties_on_the_stated_number_report_the_censoring_that_makes_it_most_extreme(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [
        lab("hi_exact", "2276-4", "6000", "ng/mL", "2024-01-10T06:00:00"),
        lab("hi_gt", "2276-4", ">6000", "ng/mL", "2024-01-10T05:00:00"),
        lab("hi_ge", "2276-4", ">=6000", "ng/mL", "2024-01-10T07:00:00"),
        lab("lo_le", "2276-4", "<=500", "ng/mL", "2024-01-10T03:00:00"),
        lab("lo_lt", "2276-4", "LESS THAN 500", "ng/mL", "2024-01-10T04:00:00"),
        lab("lo_exact", "2276-4", "500", "ng/mL", "2024-01-10T08:00:00"),
    ])
    load_and_stage(con, tmp_path)
    row = features_for(con)
    assert (row["ferritin__24h__max"], row["ferritin__24h__max_censoring"]) == (6000, ">")
    assert row["ferritin__24h__max_at"].isoformat().startswith("2024-01-10T05:00:00")
    assert (row["ferritin__24h__min"], row["ferritin__24h__min_censoring"]) == (500, "<")
    assert row["ferritin__24h__min_at"].isoformat().startswith("2024-01-10T04:00:00")
    assert (row["ferritin__24h__last"], row["ferritin__24h__last_censoring"]) == (500, None)
    assert row["ferritin__24h__n"] == 6


def test_an_exact_value_beats_a_lower_censoring_at_the_max_and_the_latest_time_wins_a_full_tie(con, tmp_path):
    write_labs(tmp_path, "labs_1.csv", [
        lab("a", "2276-4", "<=3000", "ng/mL", "2024-01-10T09:00:00"),
        lab("b", "2276-4", "3000", "ng/mL", "2024-01-10T02:00:00"),
        lab("c", "2276-4", "3000", "ng/mL", "2024-01-10T04:00:00"),
        lab("d", "777-3", ">=400", "K/uL", "2024-01-10T01:00:00"),
        lab("e", "777-3", "400", "K/uL", "2024-01-10T03:00:00"),
    ])
    load_and_stage(con, tmp_path)
    row = features_for(con)
    assert (row["ferritin__24h__max"], row["ferritin__24h__max_censoring"]) == (3000, None)
    assert row["ferritin__24h__max_at"].isoformat().startswith("2024-01-10T04:00:00")
    assert (row["ferritin__24h__min"], row["ferritin__24h__min_censoring"]) == (3000, "<=")
    assert (row["platelets__24h__min"], row["platelets__24h__min_censoring"]) == (400, None)
    assert (row["platelets__24h__max"], row["platelets__24h__max_censoring"]) == (400, ">=")
    assert row["platelets__24h__max_at"].isoformat().startswith("2024-01-10T01:00:00")


def test_a_censored_feature_value_meets_a_cut_off_as_an_interval(con, tmp_path):
    """The feature columns and the macros together: '>10000' meets '> 10000' on its most abnormal value."""
    write_labs(tmp_path, "labs_1.csv", [
        lab("f1", "2276-4", ">10000", "ng/mL", "2024-01-10T06:00:00"),
        lab("p1", "777-3", "<500", "K/uL", "2024-01-10T06:00:00"),
    ])
    load_and_stage(con, tmp_path)
    features_for(con)
    got = con.execute("""
        SELECT censored_meets(most_abnormal('>', ferritin__72h__min, ferritin__72h__max),
                              most_abnormal_censoring('>', ferritin__72h__min_censoring, ferritin__72h__max_censoring),
                              '>', 10000),
               censored_meets(most_abnormal('<=', platelets__72h__min, platelets__72h__max),
                              most_abnormal_censoring('<=', platelets__72h__min_censoring, platelets__72h__max_censoring),
                              '<=', 181)
        FROM features.patient_day
    """).fetchone()
    assert got == (True, None)
