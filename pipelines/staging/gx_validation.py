"""Validate a staged partition with Great Expectations 1.x, in memory.

Why an in-house adapter (see /work/shared/reference/anchors.md sections 0 and 2):
dagster-ge needs GE<1 and pandas<3; GX 1.24.1 cannot validate a DuckDB table in place
(duckdb_engine hands GX no rows, every expectation fails); GX has no polars support. So the
caller reads the partition from DuckDB (Arrow or polars), and this module converts it to pandas
and runs a checked-in suite in an ephemeral GX context: no gx/ folder, nothing left behind.

Suites are GX 1.x suite JSON in expectations/<table>.json. Plausibility bounds and canonical
units live only in expectations/plausibility.csv (edited by the quality team) and become
row-conditioned expectations at run time, so the numbers are never copied into the suites.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
from great_expectations.expectations.row_conditions import Column

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
    name, meta, expectations = load_suite(suite_path)
    if plausibility_path is not None:
        present = set(df[analyte_column].dropna().unique()) if analyte_column in df else set()
        expectations += plausibility_expectations(plausibility_path, present, analyte_column)

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
    result = definition.run(batch_parameters={"dataframe": df}, result_format="SUMMARY")
    if len(result.results) != len(expectations):  # GX must never drop one silently
        raise RuntimeError(f"GX evaluated {len(result.results)} of {len(expectations)} expectations")

    failures = tuple(sorted(  # GX does not keep suite order; list critical first
        (f for r in result.results if (f := _failure(r)) is not None),
        key=lambda f: (SEVERITIES.index(f.severity), f.expectation, f.column or ""),
    ))
    return ValidationOutcome(
        suite=name, success=not failures,
        critical_failed=any(f.severity == "critical" for f in failures),
        evaluated=len(result.results), failed=len(failures), rows=len(df),
        failures=failures, gx_version=gx.__version__,
    )


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


def _failure(r: Any) -> ExpectationFailure | None:
    errors = _exception_messages(r.exception_info)
    if r.success and not errors:
        return None
    cfg, res = r.expectation_config, r.result or {}
    kw = cfg.kwargs
    column = kw.get("column") or (f"{kw['column_A']},{kw['column_B']}" if "column_A" in kw else None)
    if errors:
        detail = "GX raised: " + " | ".join(sorted(set(errors)))
    else:
        expected = ", ".join(f"{k}={v!r}" for k, v in kw.items() if k not in _NOT_DETAIL)
        detail = "; ".join(filter(None, [
            f"{res['unexpected_count']} of {res.get('element_count')} rows unexpected"
            if "unexpected_count" in res
            else f"observed {res.get('details', {}).get('mismatched') or res.get('observed_value')!r}",
            expected and f"expected {expected}",
        ]))
    row_filter = (cfg.meta or {}).get("row_filter")
    count = res.get("unexpected_count")
    return ExpectationFailure(
        expectation=cfg.type + (f"[{row_filter}]" if row_filter else ""),
        column=column,
        severity=str(getattr(cfg.severity, "value", cfg.severity)),
        unexpected_count=None if count is None else int(count),
        detail=detail,
    )
