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
row-conditioned expectations at run time, so the numbers are never copied into the suites.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
from great_expectations.expectations.row_conditions import Column

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


def plausibility_expectations(
    plausibility_path: Path, analytes_present: set[str], analyte_column: str = "analyte"
) -> list[Expectation]:
    """One bounds and one unit expectation per CSV row, filtered with a GX row condition on the
    analyte, with the CSV's severity. Rows for analytes absent from the frame are skipped (they
    would evaluate zero rows and pass). Also warns when an analyte has no CSV row at all."""
    with open(plausibility_path, newline="") as fh:  # csv, not pandas: units stay strings
        rows = list(csv.DictReader(fh))
    analytes = [r["analyte"] for r in rows]
    if len(set(analytes)) != len(analytes):
        raise ValueError(f"{plausibility_path}: duplicate analyte rows")
    source = {"source": Path(plausibility_path).name}
    out: list[Expectation] = [
        gxe.ExpectColumnValuesToBeInSet(
            column=analyte_column, value_set=analytes, severity="warning",
            meta=source | {"why": "analyte has no plausibility row, so no bounds/unit check"},
        )
    ]
    for r in rows:
        if r["severity"] not in SEVERITIES or float(r["low"]) > float(r["high"]):
            raise ValueError(f"{plausibility_path}: bad row {r}")
        if r["analyte"] not in analytes_present:
            continue
        condition = Column(analyte_column) == r["analyte"]
        meta = source | {"analyte": r["analyte"], "row_filter": f"{analyte_column} == {r['analyte']!r}"}
        out += [
            gxe.ExpectColumnValuesToBeBetween(
                column=VALUE_COLUMN, min_value=float(r["low"]), max_value=float(r["high"]),
                row_condition=condition, severity=r["severity"], meta=meta,
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column=UNIT_COLUMN, value_set=[r["unit"]],
                row_condition=condition, severity=r["severity"], meta=meta,
            ),
        ]
    return out


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
    df = _to_pandas(frame)
    present = set(df[analyte_column].dropna().unique()) if analyte_column in df else set()
    return validate_frames([df], suite_path, plausibility_path, present, analyte_column)


def validate_frames(
    frames: Iterable[Any],
    suite_path: Path,
    plausibility_path: Path | None = None,
    analytes_present: set[str] | None = None,
    analyte_column: str = "analyte",
) -> ValidationOutcome:
    """Validate the rows of several frames as one table, one frame in memory at a time (a
    backfill's staged rows need not fit in memory as one pandas frame). At least one frame; the
    frames must split the rows so that rows sharing the columns of every uniqueness expectation
    are in the same frame (partition_columns), or a duplicate across two frames goes unseen.
    analytes_present: the analytes of all the frames (plausibility.csv's rows for them apply).

    The outcome is the one validate_frame gives for all rows in one frame: per expectation, the
    unexpected and evaluated row counts summed over the frames, failed when it failed on any;
    a table-level observation (the column set) from the first frame it failed on."""
    name, meta, expectations = load_suite(suite_path)
    if plausibility_path is not None:
        expectations += plausibility_expectations(plausibility_path, analytes_present or set(), analyte_column)

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no tqdm on stderr
    batch = (
        context.data_sources.add_pandas("staging")
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe("whole_frame")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations, meta=meta))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch, suite=suite)
    )
    merged: dict[str, _Merged] = {}
    rows = frames_seen = 0
    for frame in frames:
        df = _to_pandas(frame)
        result = definition.run(batch_parameters={"dataframe": df}, result_format="SUMMARY")
        if len(result.results) != len(expectations):  # GX must never drop one silently
            raise RuntimeError(f"GX evaluated {len(result.results)} of {len(expectations)} expectations")
        for r in result.results:
            key = _expectation_key(r.expectation_config)
            merged[key] = merged[key].add(r) if key in merged else _Merged.of(r)
        rows += len(df)
        frames_seen += 1
        del df
    if not frames_seen:
        raise ValueError("validate_frames needs at least one frame (an empty one for no rows)")

    failures = tuple(sorted(  # GX does not keep suite order; list critical first
        (f for m in merged.values() if (f := _failure(m)) is not None),
        key=lambda f: (SEVERITIES.index(f.severity), f.expectation, f.column or ""),
    ))
    return ValidationOutcome(
        suite=name, success=not failures,
        critical_failed=any(f.severity == "critical" for f in failures),
        evaluated=len(merged), failed=len(failures), rows=rows,
        failures=failures, gx_version=gx.__version__,
    )


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
    a pandas frame). The parts split the rows by a hash of the suite's partition_columns (by row
    number when it has none), so duplicates meet in one part. The outcome is validate_frame's on
    all rows at once (tests/test_gx_validation.py compares them). `query` has `?` parameters
    `params`; ValueError for chunk_rows below 1."""
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be 1 or more, not {chunk_rows}")
    rows = con.execute(f"SELECT count(*) FROM ({query})", params).fetchone()[0]
    columns = [column[0] for column in con.execute(f"SELECT * FROM ({query}) LIMIT 0", params).description]
    present = set()
    if plausibility_path is not None and analyte_column in columns:
        analyte = identifier(analyte_column)
        present = {row[0] for row in con.execute(
            f"SELECT DISTINCT {analyte} FROM ({query}) WHERE {analyte} IS NOT NULL", params).fetchall()}
    parts = max(1, -(-rows // chunk_rows))
    if parts == 1:
        return validate_frames([con.execute(query, params).df()], suite_path, plausibility_path, present, analyte_column)
    keys = partition_columns(suite_path)
    split = f"hash({', '.join(identifier(column) for column in keys)})" if keys else "row_number() OVER ()"
    frames = (con.execute(f"SELECT * EXCLUDE (validation_part) FROM (SELECT *, {split} % {parts} AS validation_part "
                          f"FROM ({query})) WHERE validation_part = {part}", params).df()
              for part in range(parts))
    return validate_frames(frames, suite_path, plausibility_path, present, analyte_column)


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
