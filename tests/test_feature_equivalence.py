"""features.patient_day computed from partial aggregates per patient, analyte and span of days
(sql/features/patient_day.sql) equals its direct definition, every value joined to every day and
window that holds it (tests/oracles/patient_day_by_value.sql, the earlier formulation), on a
generated hospital plus values placed on the edges: both daylight-saving changes, exact midnights
and window starts, results known days after they were taken, ties and censored values."""

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from pipelines.core import daily_tables
from pipelines.core.warehouse import execute
from pipelines.features import feature_table
from pipelines.features.feature_columns import (AGGREGATES, ANALYTES, column_name, longest_window_hours,
                                                trend_columns_sql)
from pipelines.features.rule_set import active_rule_set
from pipelines.synthetic import generate

from conftest import lab, load_and_stage, vital, write_labs, write_vitals

ORACLE = Path(__file__).parent / "oracles" / "patient_day_by_value.sql"


def oracle_aggregates(rule_set) -> str:
    """The oracle's columns, read from its map keyed '<analyte>__<window>' (n 0 when absent)."""
    entries = []
    for analyte in ANALYTES:
        for window in rule_set.look_back_windows:
            for aggregate in AGGREGATES:
                pick = f"by_window['{analyte}__{window}'].{aggregate}"
                entries.append(f"{f'coalesce({pick}, 0)' if aggregate == 'n' else pick} "
                               f"AS {column_name(analyte, window, aggregate)}")
    return ",\n        ".join(entries)


def oracle_query(rule_set) -> str:
    windows = ", ".join(f"('{window}', {hours})" for window, hours in rule_set.look_back_windows.items())
    return (ORACLE.read_text()
            .replace("{{windowed_aggregates}}", oracle_aggregates(rule_set))
            .replace("{{windows}}", windows)
            .replace("{{longest_window_hours}}", str(longest_window_hours(rule_set)))
            .replace("{{trend_columns}}", trend_columns_sql(rule_set)))


def edge_rows() -> tuple[list[dict], list[dict]]:
    """Hourly values of four analytes over both 2024 daylight-saving changes in New York (spring
    forward 2024-03-10, fall back 2024-11-03), some known a day or more later, some censored, some
    sharing a time or a value with another, and values at exact midnights and at the 72 h and 7 d
    window starts of the days after each change."""
    labs, vitals = [], []
    tests = [("2276-4", "ng/mL", 900), ("777-3", "K/uL", 150), ("3255-7", "mg/dL", 200)]
    for first in (datetime(2024, 3, 6), datetime(2024, 10, 30)):
        for hour in range(0, 24 * 10, 3):
            taken = first + timedelta(hours=hour, minutes=(hour * 7) % 60 if hour % 2 else 0)
            for index, (code, unit, base) in enumerate(tests):
                value = base + ((hour * 37 + index * 11) % 50) - 25
                text = str(value)
                if hour % 17 == 0:
                    text = f">{value}"
                elif hour % 19 == 0:
                    text = f"<{value}"
                delay = timedelta(hours=(hour * 13) % 40)  # up to 39 h: many known after midnight
                stamp = taken.isoformat()
                labs.append(lab(f"e{first:%m}{hour}{index}", code, text, unit, stamp, (taken + delay).isoformat()))
                if hour % 5 == 0:  # a tie: same time, another value
                    labs.append(lab(f"t{first:%m}{hour}{index}", code, str(value + 3), unit, stamp, stamp))
                if hour % 7 == 0:  # a tie: same time and value, censored
                    labs.append(lab(f"c{first:%m}{hour}{index}", code, f">{value}", unit, stamp, stamp))
            vitals.append(vital(f"v{first:%m}{hour}", f"{37 + (hour % 9) / 4:.2f}", "Cel", taken.isoformat(),
                                (taken + timedelta(hours=(hour * 5) % 30)).isoformat()))
    # exact midnights and the window starts (72 h and 168 h before a cutoff) next to each change,
    # written with the offset in force, the second 01:30 of the fall-back night included
    for stamp in ("2024-03-10T00:00:00-05:00", "2024-03-10T03:00:00-04:00", "2024-03-11T00:00:00-04:00",
                  "2024-03-08T00:00:00-05:00", "2024-03-06T23:00:00-05:00", "2024-03-07T00:00:00-05:00",
                  "2024-11-03T01:30:00-04:00", "2024-11-03T01:30:00-05:00", "2024-11-04T00:00:00-05:00",
                  "2024-11-01T00:00:00-04:00", "2024-11-01T01:00:00-04:00", "2024-10-28T23:00:00-04:00"):
        for index, (code, unit, base) in enumerate(tests):
            labs.append(lab(f"m{stamp}{index}", code, str(base), unit, stamp, stamp, patient_id="p2"))
    return labs, vitals


@pytest.fixture(scope="module")
def hospital(tmp_path_factory):
    """A generated hospital over the spring change (40 days from 2024-02-25) and the edge rows."""
    folder = tmp_path_factory.mktemp("hospital")
    generate(folder, patients=200, days=40, start=date(2024, 2, 25), seed=5)
    labs, vitals = edge_rows()
    write_labs(folder / "landing", "labs_edges.csv", labs)
    write_vitals(folder / "landing", "vitals_edges.csv", vitals)
    return folder


def differences(con, oracle: str, start: date, end: date, memory: int | None = None) -> tuple[int, int, int]:
    """Build features.patient_day for [start, end] (in blocks sized for `memory` bytes) and count
    the rows only it has, the rows only the oracle has, and the oracle's rows."""
    feature_table.build_patient_day(con, start, end, memory=memory)
    execute(con, f"CREATE OR REPLACE TEMP TABLE expected AS {oracle}", {"start": start, "end": end})
    execute(con, "CREATE OR REPLACE TEMP TABLE computed AS SELECT * FROM features.patient_day "
                 "WHERE as_of_date BETWEEN $start AND $end", {"start": start, "end": end})
    # the same columns with the same types (EXCEPT would compare them in a common type)
    assert con.execute("DESCRIBE computed").fetchall() == con.execute("DESCRIBE expected").fetchall()
    only_computed = con.execute("SELECT count(*) FROM (SELECT * FROM computed EXCEPT ALL SELECT * FROM expected)").fetchone()[0]
    only_expected = con.execute("SELECT count(*) FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM computed)").fetchone()[0]
    return only_computed, only_expected, con.execute("SELECT count(*) FROM expected").fetchone()[0]


@pytest.mark.parametrize("memory", [None, 20_000_000])
def test_partial_aggregates_give_the_direct_definitions_table(con, hospital, memory):
    """Whole range in one block (the default memory) and in many (20 MB: a block of a few days)."""
    load_and_stage(con, hospital / "landing")
    oracle = oracle_query(active_rule_set())
    only_computed, only_expected, rows = differences(con, oracle, date(2024, 2, 25), date(2024, 11, 12), memory)
    assert rows > 2000  # the hospital's days and the edge days all have rows
    assert (only_computed, only_expected) == (0, 0)
    late = con.execute("SELECT count(*) FROM staging.lab_results "
                       "WHERE CAST(resulted_at AS DATE) > CAST(collected_at AS DATE)").fetchone()[0]
    censored = con.execute("SELECT count(*) FROM staging.lab_results WHERE censoring IS NOT NULL").fetchone()[0]
    assert late > 100 and censored > 50  # the edges the partial rows must get right are there


def test_blocks_cover_the_range_and_follow_the_memory(con, hospital):
    load_and_stage(con, hospital / "landing")
    start, end = date(2024, 2, 25), date(2024, 11, 12)
    weights = ("SELECT CAST(collected_at AS DATE) AS day, count(*) AS weight FROM staging.lab_results "
               "GROUP BY ALL")
    total = con.execute("SELECT count(*) FROM staging.lab_results").fetchone()[0]
    for budget, fewest in ((total * 2, 1), (total / 10, 10)):
        blocks = daily_tables.memory_blocks(con, weights, {}, start, end, budget)
        assert blocks[0][0] == start and blocks[-1][1] == end
        assert all(next_first == last + timedelta(days=1) for (_, last), (next_first, _) in zip(blocks, blocks[1:]))
        assert len(blocks) >= fewest
    # the months without data (April to October) are one block with the last hospital days
    assert len(daily_tables.memory_blocks(con, weights, {}, start, end, total / 10)) <= 14


@pytest.mark.parametrize("start, end", [
    (date(2024, 3, 10), date(2024, 3, 10)),   # a one-day run on the spring change
    (date(2024, 3, 11), date(2024, 3, 14)),   # the days whose windows cross it
    (date(2024, 11, 3), date(2024, 11, 9)),   # the fall-back day and the week after
    (date(2024, 4, 3), date(2024, 4, 6)),     # after the hospital's last day: the windows empty out
])
def test_a_run_over_some_days_gives_the_direct_definitions_rows(con, hospital, start, end):
    load_and_stage(con, hospital / "landing")
    only_computed, only_expected, rows = differences(con, oracle_query(active_rule_set()), start, end)
    assert rows > 0
    assert (only_computed, only_expected) == (0, 0)
