"""Validate a staged partition with Great Expectations 1.x, in memory.

Why an in-house adapter (see /work/shared/reference/anchors.md sections 0 and 2):
dagster-ge needs GE<1 and pandas<3; GX 1.24.1 cannot validate a DuckDB table in place
(duckdb_engine hands GX no rows, every expectation fails); GX has no polars support. So the
rows are read from DuckDB and converted to pandas, and a checked-in suite runs on them in an
ephemeral GX context: no gx/ folder, nothing left behind. validate_query reads a query's rows in
parts (split so that possible duplicates meet in one part) and merges the parts' results into
the outcome of one whole frame, so memory follows the part's size, not the rows validated.

Suites are GX 1.x suite JSON in expectations/<table>.json. Plausibility bounds and canonical
units live only in expectations/plausibility.csv (edited by the quality team) and become
expectations at run time, so the numbers are never copied into the suites. Each analyte's bounds
and unit are evaluated on a frame of that analyte's rows (what a GX row condition on the analyte
selects, without GX filtering every frame once per metric).
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import great_expectations as gx
import great_expectations.expectations as gxe
import numpy as np
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

from pipelines.core.warehouse import identifier

VALUE_COLUMN = "value_num"  # canonical numeric value, bounded by plausibility.csv
UNIT_COLUMN = "unit"  # canonical unit, must equal plausibility.csv's unit for the analyte
SEVERITIES = ("critical", "warning", "info")
_NOT_DETAIL = {"batch_id", "column", "column_A", "column_B", "row_condition", "column_set"}


@dataclass(frozen=True)
class ExpectationFailure:
    expectation: str
    column: str | None
    severity: str
    unexpected_count: int | None
    detail: str


@dataclass(frozen=True)
class ValidationOutcome:
    suite: str
    success: bool
    critical_failed: bool
    evaluated: int
    failed: int
    rows: int
    failures: tuple[ExpectationFailure, ...]
    gx_version: str

    def as_metadata(self) -> dict:
        """Scalars plus ``failures`` as a list of flat dicts: JSON-able for Dagster check metadata."""
        meta = {k: v for k, v in asdict(self).items() if k != "failures"}
        return meta | {"failures": [asdict(f) for f in self.failures]}


def load_suite(suite_path: Path) -> tuple[str, dict, list[Expectation]]:
    """Read suite JSON into GX objects. Builds each expectation itself because
    ``ExpectationSuite(expectations=[dict])`` only *logs* an unknown type and drops it."""
    doc = json.loads(Path(suite_path).read_text())
    expectations = [ExpectationConfiguration(**e).to_domain_obj() for e in doc["expectations"]]
    return doc["name"], doc.get("meta", {}), expectations


@dataclass(frozen=True)
class Plausibility:
    """expectations/plausibility.csv as expectations. `coverage` applies to the whole table (every
    analyte has a row in the CSV); `by_analyte[a]` (bounds on the value, the canonical unit) to
    analyte a's rows alone, so it is evaluated on a frame of those rows, without a GX row condition:
    GX evaluates a row condition with a pandas query of the whole frame per metric, which made these
    expectations most of a check's time. Each keeps its row filter in its meta, so a failure is named
    as the row-conditioned expectation would be, with the same counts (tests/test_gx_validation.py
    compares the two)."""
    coverage: Expectation
    by_analyte: dict[str, list[Expectation]]


def plausibility_expectations(plausibility_path: Path, analyte_column: str = "analyte") -> Plausibility:
    """One bounds and one unit expectation per CSV row, with the CSV's severity, and the coverage
    expectation (warning: an analyte with no CSV row has no bounds or unit check). ValueError for
    duplicate analytes, an unknown severity or low above high."""
    with open(plausibility_path, newline="") as fh:  # csv, not pandas: units stay strings
        rows = list(csv.DictReader(fh))
    analytes = [r["analyte"] for r in rows]
    if len(set(analytes)) != len(analytes):
        raise ValueError(f"{plausibility_path}: duplicate analyte rows")
    source = {"source": Path(plausibility_path).name}
    coverage = gxe.ExpectColumnValuesToBeInSet(
        column=analyte_column, value_set=analytes, severity="warning",
        meta=source | {"why": "analyte has no plausibility row, so no bounds/unit check"},
    )
    by_analyte = {}
    for r in rows:
        if r["severity"] not in SEVERITIES or float(r["low"]) > float(r["high"]):
            raise ValueError(f"{plausibility_path}: bad row {r}")
        meta = source | {"analyte": r["analyte"], "row_filter": f"{analyte_column} == {r['analyte']!r}"}
        by_analyte[r["analyte"]] = [
            gxe.ExpectColumnValuesToBeBetween(
                column=VALUE_COLUMN, min_value=float(r["low"]), max_value=float(r["high"]),
                severity=r["severity"], meta=meta,
            ),
            gxe.ExpectColumnValuesToBeInSet(column=UNIT_COLUMN, value_set=[r["unit"]], severity=r["severity"], meta=meta),
        ]
    return Plausibility(coverage=coverage, by_analyte=by_analyte)


class _Validation:
    """One ephemeral GX context (no gx/ folder) holding the table's suite (plus the plausibility
    coverage expectation) and, made when an analyte's rows first arrive, one suite per analyte of
    plausibility.csv. Runs frames through them and merges the results per expectation: the
    unexpected and evaluated row counts summed, failed when it failed on any frame, a table-level
    observation (the column set) from the first frame it failed on."""

    def __init__(self, suite_path: Path, plausibility_path: Path | None, analyte_column: str):
        self.name, meta, expectations = load_suite(suite_path)
        self.plausibility = plausibility_expectations(plausibility_path, analyte_column) if plausibility_path else None
        if self.plausibility is not None:
            expectations.append(self.plausibility.coverage)
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no tqdm on stderr
        self.source = self.context.data_sources.add_pandas("staging")
        self.table = self._definition(self.name, meta, expectations)
        self.analytes: dict[str, tuple[Any, int]] = {}
        self.merged: dict[str, _Merged] = {}
        self.rows = self.frames = 0

    def _definition(self, name: str, meta: dict, expectations: list[Expectation]) -> tuple[Any, int]:
        batch = self.source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("whole_frame")
        suite = self.context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations, meta=meta))
        definition = self.context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
        return definition, len(expectations)

    def _run(self, definition: tuple[Any, int], frame: pd.DataFrame) -> None:
        validation, expected = definition
        result = validation.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
        if len(result.results) != expected:  # GX must never drop one silently
            raise RuntimeError(f"GX evaluated {len(result.results)} of {expected} expectations")
        for r in result.results:
            key = _expectation_key(r.expectation_config)
            self.merged[key] = self.merged[key].add(r) if key in self.merged else _Merged.of(r)

    def run_table(self, frame: Any) -> None:
        """A part of the table's rows: the suite and the coverage expectation."""
        df = _to_pandas(frame)
        self._run(self.table, df)
        self.rows += len(df)
        self.frames += 1

    def run_analyte(self, analyte: str, frame: Any) -> None:
        """A part of one analyte's rows (at least the value and unit columns): its plausibility
        expectations. An analyte without a CSV row has none (the coverage expectation reports it)."""
        if self.plausibility is None or analyte not in self.plausibility.by_analyte:
            return
        if analyte not in self.analytes:
            self.analytes[analyte] = self._definition(
                f"{self.name}.plausibility.{analyte}", {}, self.plausibility.by_analyte[analyte])
        self._run(self.analytes[analyte], _to_pandas(frame))

    def outcome(self) -> ValidationOutcome:
        if not self.frames:
            raise ValueError("validation needs at least one frame (an empty one for no rows)")
        failures = tuple(sorted(  # GX does not keep suite order; list critical first
            (f for m in self.merged.values() if (f := _failure(m)) is not None),
            key=lambda f: (SEVERITIES.index(f.severity), f.expectation, f.column or ""),
        ))
        return ValidationOutcome(
            suite=self.name, success=not failures,
            critical_failed=any(f.severity == "critical" for f in failures),
            evaluated=len(self.merged), failed=len(failures), rows=self.rows,
            failures=failures, gx_version=gx.__version__,
        )


def validate_frame(
    frame: Any,
    suite_path: Path,
    plausibility_path: Path | None = None,
    analyte_column: str = "analyte",
) -> ValidationOutcome:
    """Validate a whole frame (polars, pyarrow or pandas) against a suite (+ plausibility CSV).

    An empty frame with the right columns is a valid outcome with rows=0: GX passes every
    expectation on zero rows. An expectation that raised inside GX is a failure carrying the
    exception text. Failure details hold counts and the expected values only, never row values
    (SUMMARY's partial_unexpected_list may contain identifiers; this metadata lands in the UI).
    """
    return validate_frames([frame], suite_path, plausibility_path, analyte_column)


def validate_frames(
    frames: Iterable[Any],
    suite_path: Path,
    plausibility_path: Path | None = None,
    analyte_column: str = "analyte",
) -> ValidationOutcome:
    """Validate the rows of several frames as one table, one frame in memory at a time. At least
    one frame; the frames must split the rows so that rows sharing the columns of every uniqueness
    expectation are in the same frame (partition_columns), or a duplicate across two frames goes
    unseen. Each frame's rows of each analyte are checked against plausibility.csv's row for it.
    The outcome is the one validate_frame gives for all rows in one frame."""
    validation = _Validation(suite_path, plausibility_path, analyte_column)
    for frame in frames:
        df = _to_pandas(frame)
        validation.run_table(df)
        if plausibility_path is not None and analyte_column in df:
            for analyte, rows in df.groupby(analyte_column, sort=True):  # one frame per analyte, not per row
                validation.run_analyte(analyte, rows)
        del df
    return validation.outcome()


def validate_query(
    con: Any,
    query: str,
    params: list[Any],
    suite_path: Path,
    plausibility_path: Path | None = None,
    chunk_rows: int = 1_000_000,
    analyte_column: str = "analyte",
) -> ValidationOutcome:
    """Validate the rows of a DuckDB query (e.g. the rows a run staged) in parts of about
    `chunk_rows` rows, so memory follows `chunk_rows`, not the rows validated (GX holds a part as
    a pandas frame). The outcome is validate_frame's on all rows at once (tests/test_gx_validation.py
    compares them). Two ordered passes over the query, each streamed from DuckDB (which sorts, and
    spills, in its own memory limit):

    - the suite on parts split by a hash of the suite's partition_columns (by row number when it
      has none), so possible duplicates meet in one part;
    - with a plausibility CSV, each analyte's value and unit in parts of at most `chunk_rows` rows.

    `query` has `?` parameters `params`; ValueError for chunk_rows below 1."""
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be 1 or more, not {chunk_rows}")
    rows = con.execute(f"SELECT count(*) FROM ({query})", params).fetchone()[0]
    columns = [column[0] for column in con.execute(f"SELECT * FROM ({query}) LIMIT 0", params).description]
    validation = _Validation(suite_path, plausibility_path, analyte_column)
    parts = max(1, -(-rows // chunk_rows))
    if parts == 1:
        validation.run_table(con.execute(query, params).df())
    else:
        keys = partition_columns(suite_path)
        split = f"hash({', '.join(identifier(column) for column in keys)})" if keys else "row_number() OVER ()"
        for _, frame in _runs(con, f"SELECT {split} % {parts} AS validation_part, * FROM ({query}) "
                                   "ORDER BY validation_part", params, chunk_rows):
            validation.run_table(frame)
    if validation.plausibility is not None and validation.plausibility.by_analyte and analyte_column in columns:
        analyte = identifier(analyte_column)
        checked = [identifier(column) for column in (VALUE_COLUMN, UNIT_COLUMN) if column in columns]
        listed = ", ".join("?" for _ in validation.plausibility.by_analyte)
        for name, frame in _runs(con, f"SELECT {analyte} AS validation_part, {', '.join(checked) or '1 AS no_column'} "
                                      f"FROM ({query}) WHERE {analyte} IN ({listed}) ORDER BY validation_part",
                                 [*params, *validation.plausibility.by_analyte], chunk_rows, split_runs=True):
            validation.run_analyte(name, frame)
    return validation.outcome()


def _runs(con: Any, query: str, params: list[Any], chunk_rows: int,
          split_runs: bool = False) -> Iterator[tuple[Any, pd.DataFrame]]:
    """The rows of `query`, whose first column `validation_part` it orders by, as (part, frame)
    pairs: one frame per value of the part (without that column), streamed from DuckDB
    `chunk_rows` rows at a time. With split_runs a part's rows come in frames of at most
    `chunk_rows` rows (about: whole DuckDB vectors); without, a part is one frame whatever its
    size. The cuts are found per chunk with numpy, so Python loops over parts, never over rows."""
    result = con.execute(query, params)
    vectors = max(1, -(-chunk_rows // 2048))  # DuckDB hands out rows in vectors of 2,048
    pending: list[pd.DataFrame] = []
    pending_rows = 0
    while len(chunk := result.fetch_df_chunk(vectors)):
        keys = chunk["validation_part"].to_numpy()
        starts = [0, *(np.flatnonzero(keys[1:] != keys[:-1]) + 1), len(chunk)]
        for start, end in zip(starts, starts[1:]):
            piece = chunk.iloc[start:end]
            if pending and (piece["validation_part"].iat[0] != pending[0]["validation_part"].iat[0]
                            or (split_runs and pending_rows + len(piece) > chunk_rows)):
                yield _joined(pending)
                pending, pending_rows = [], 0
            pending.append(piece)
            pending_rows += len(piece)
    if pending:
        yield _joined(pending)


def _joined(pieces: list[pd.DataFrame]) -> tuple[Any, pd.DataFrame]:
    frame = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0].reset_index(drop=True)
    return frame["validation_part"].iat[0], frame.drop(columns="validation_part")


def partition_columns(suite_path: Path) -> list[str]:
    """The columns every uniqueness expectation of the suite checks (expect_column_values_to_be_unique,
    expect_compound_columns_to_be_unique): rows that could be duplicates of each other agree on
    them, so frames split by a hash of them can be validated one by one (validate_frames). Empty
    when the suite has no uniqueness expectation (any split will do). Raises ValueError when two
    uniqueness expectations share no column (the rows cannot be split)."""
    doc = json.loads(Path(suite_path).read_text())
    column_sets = [
        [e["kwargs"]["column"]] if e["type"] == "expect_column_values_to_be_unique" else e["kwargs"]["column_list"]
        for e in doc["expectations"]
        if e["type"] in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")
    ]
    if not column_sets:
        return []
    shared = [column for column in column_sets[0] if all(column in other for other in column_sets[1:])]
    if not shared:
        raise ValueError(f"{suite_path}: its uniqueness expectations share no column, so its rows cannot be "
                         "validated in parts")
    return shared


def _expectation_key(config: ExpectationConfiguration) -> str:
    """One expectation's identity across validation runs (its type, arguments and meta)."""
    kwargs = {key: value for key, value in config.kwargs.items() if key != "batch_id"}
    return json.dumps({"type": config.type, "kwargs": kwargs, "meta": config.meta}, sort_keys=True, default=str)


@dataclass(frozen=True)
class _Merged:
    """One expectation's results over the frames of validate_frames."""
    config: ExpectationConfiguration
    success: bool
    errors: tuple[str, ...]
    unexpected_count: int | None  # summed; None when a frame's result has none
    element_count: int | None
    observed: Any  # the mismatch or observed value of the first frame it failed on
    counted: bool  # the results count unexpected rows (else they observe a value)

    @staticmethod
    def of(r: Any) -> "_Merged":
        res = r.result or {}
        errors = tuple(_exception_messages(r.exception_info))
        return _Merged(
            config=r.expectation_config, success=r.success and not errors, errors=errors,
            unexpected_count=res.get("unexpected_count"), element_count=res.get("element_count"),
            observed=None if r.success else (res.get("details", {}).get("mismatched") or res.get("observed_value")),
            counted="unexpected_count" in res,
        )

    def add(self, r: Any) -> "_Merged":
        other = _Merged.of(r)
        return _Merged(
            config=self.config, success=self.success and other.success, errors=self.errors + other.errors,
            unexpected_count=_sum_or_none(self.unexpected_count, other.unexpected_count),
            element_count=_sum_or_none(self.element_count, other.element_count),
            observed=self.observed if not self.success else other.observed,
            counted=self.counted and other.counted,
        )


def _sum_or_none(first: int | None, second: int | None) -> int | None:
    return None if first is None or second is None else first + second


def _to_pandas(frame: Any) -> pd.DataFrame:
    """GX only takes pandas. DuckDB 1.5's ``.arrow()`` returns a RecordBatchReader: read it."""
    if isinstance(frame, pd.DataFrame):
        return frame
    if hasattr(frame, "read_all"):
        frame = frame.read_all()
    if not hasattr(frame, "to_pandas"):  # e.g. a polars LazyFrame: collect() it first
        raise TypeError(f"expected a pandas/polars DataFrame or Arrow table, got {type(frame)}")
    return frame.to_pandas()


def _exception_messages(info: dict | None) -> list[str]:
    """GX's exception_info is flat when nothing raised but keyed by metric id when a metric did."""
    info = info or {}
    items = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    return [str(i.get("exception_message") or "exception") for i in items if i.get("raised_exception")]


def _failure(merged: _Merged) -> ExpectationFailure | None:
    if merged.success:
        return None
    cfg = merged.config
    kw = cfg.kwargs
    column = kw.get("column") or (f"{kw['column_A']},{kw['column_B']}" if "column_A" in kw else None)
    if merged.errors:
        detail = "GX raised: " + " | ".join(sorted(set(merged.errors)))
    else:
        expected = ", ".join(f"{k}={v!r}" for k, v in kw.items() if k not in _NOT_DETAIL)
        detail = "; ".join(filter(None, [
            f"{merged.unexpected_count} of {merged.element_count} rows unexpected"
            if merged.counted
            else f"observed {merged.observed!r}",
            expected and f"expected {expected}",
        ]))
    row_filter = (cfg.meta or {}).get("row_filter")
    count = merged.unexpected_count
    return ExpectationFailure(
        expectation=cfg.type + (f"[{row_filter}]" if row_filter else ""),
        column=column,
        severity=str(getattr(cfg.severity, "value", cfg.severity)),
        unexpected_count=None if count is None else int(count),
        detail=detail,
    )
