"""daily_tables.replace_daily_slice: the days of a daily table replaced block by block in one transaction."""

from datetime import date, timedelta

from pipelines.core import daily_tables
from pipelines.core.warehouse import transaction

ROWS = """SELECT 'p' || CAST(i AS VARCHAR) AS patient_id, CAST($start AS DATE) + CAST(i % 200 AS INTEGER) AS as_of_date,
                 i AS value
          FROM range(200000) AS t(i)
          WHERE CAST($start AS DATE) + CAST(i % 200 AS INTEGER) <= CAST($end AS DATE)"""


def test_a_new_table_keeps_every_row_of_a_large_block_written_in_a_transaction(con):
    # more rows than a DuckDB row group (122,880), into a table the same transaction creates:
    # every row must be there, inside the transaction and after it
    start, end = date(2024, 1, 1), date(2024, 7, 18)
    with transaction(con):
        written = daily_tables.replace_daily_slice(con, "features.large_slice", ROWS, {}, start, end)
        assert written == 200_000
    assert con.execute("SELECT count(*) FROM features.large_slice").fetchone()[0] == 200_000


def test_blocks_replace_their_days_and_only_theirs(con):
    start, end = date(2024, 1, 1), date(2024, 7, 18)
    daily_tables.replace_daily_slice(con, "features.large_slice", ROWS, {}, start, end)
    blocks = [(start, date(2024, 3, 31)), (date(2024, 4, 1), date(2024, 4, 1)), (date(2024, 4, 2), end)]
    written = daily_tables.replace_daily_slice(con, "features.large_slice", ROWS, {}, start, end, blocks)
    assert written == 200_000
    per_day = con.execute("SELECT count(DISTINCT as_of_date), max(n), min(n) FROM "
                          "(SELECT as_of_date, count(*) AS n FROM features.large_slice GROUP BY ALL)").fetchone()
    assert per_day == ((end - start).days + 1, 1000, 1000)
    assert start + timedelta(days=199) == end
