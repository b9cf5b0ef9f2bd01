"""Batch evaluation: every member of a roster at once, through the one interpreter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from unionkit.errors import RuleEvaluationError
from unionkit.rules.cells import MoneyUnit, check_money_unit
from unionkit.rules.chunks import chunk_rows_for, evaluate_in_chunks, run_arrays
from unionkit.rules.columns import Columns, rows_to_columns
from unionkit.rules.dask import evaluate_dask
from unionkit.rules.events import EventInput, event_kinds
from unionkit.rules.frames import evaluate_polars_lazy, is_dask, is_polars_lazy
from unionkit.rules.output import BatchResult, frame
from unionkit.rules.program import Program
from unionkit.rules.values import Val
from unionkit.rules.workdays import WorkingDays

__all__ = [
    "BatchResult",
    "Columns",
    "MoneyUnit",
    "check_money_unit",
    "evaluate",
    "evaluate_arrays",
    "rows_to_columns",
]

Array = Any


def evaluate_arrays(
    program: Program,
    data: Any,
    as_of: dt.date,
    rules: Sequence[str] | None = None,
    *,
    money_unit: MoneyUnit = "fen",
    chunk_rows: int | None = None,
    events: Mapping[str, Any] | None = None,
    workdays: WorkingDays | None = None,
) -> tuple[dict[str, tuple[Array, Array | None]], Columns]:
    """
    Evaluate *rules* and return per-member ``(values, missing)`` arrays and the input columns.

    *money_unit* says what integer money columns hold (see :meth:`RuleSet.evaluate`);
    it is ignored when *data* is already a :class:`Columns`. *chunk_rows* evaluates
    whole households a chunk at a time; *events* are the dated events by kind and
    *workdays* the working-day calendar (see :meth:`RuleSet.evaluate`).

    Raises:
        RuleEvaluationError: A needed column is absent or cannot be read, or
            *as_of* is not a date.
        RuleDefinitionError: An unknown rule.
        ParameterError: A parameter has no value on *as_of*.
    """
    wanted = list(program.rules) if rules is None else list(rules)
    check_money_unit(money_unit)
    prepared = isinstance(data, Columns)
    if isinstance(data, Columns):
        cols = data
    else:
        fields, _ = program.inputs(wanted)
        if events is not None and "member_id" in program.fields:
            fields = fields | {"member_id"}  # events name their member
        cols = Columns(data, program.fields, sorted(fields), money_unit)
    given = None if events is None else EventInput(events, event_kinds(program.fields), money_unit)
    size = chunk_rows_for(cols.n, chunk_rows)
    if size is not None:
        chunked = evaluate_in_chunks(
            program, cols, as_of, wanted, size, prepared=prepared, events=given, workdays=workdays
        )
        return chunked, cols
    arrays = run_arrays(
        program, cols, as_of, wanted, release_inputs=not prepared, events=given, workdays=workdays
    )
    return arrays, cols


def evaluate(
    program: Program,
    data: Any,
    as_of: dt.date,
    rules: Sequence[str] | None = None,
    *,
    money_unit: MoneyUnit = "fen",
    chunk_rows: int | None = None,
    undetermined: bool = False,
    events: Mapping[str, Any] | None = None,
    workdays: WorkingDays | None = None,
) -> BatchResult:
    """
    Evaluate *rules* of *program* over *data*; see :meth:`RuleSet.evaluate`.

    Raises:
        RuleEvaluationError: A needed column is absent or cannot be read, or
            *as_of* is not a date.
        RuleDefinitionError: An unknown rule.
        ParameterError: A parameter has no value on *as_of*.
    """
    if is_dask(data) or is_polars_lazy(data):
        # a lazy result of the input's kind (rules/dask.py, rules/frames.py)
        lazy = evaluate_dask if is_dask(data) else evaluate_polars_lazy
        if events is not None or undetermined:
            raise RuleEvaluationError(
                "dated events and undetermined reasons need an eager roster (pandas, polars, "
                "columns), not a Dask DataFrame or polars LazyFrame: compute it first / "
                "事件与“待定”原因需要已载入内存的名册"
            )
        return lazy(evaluate, program, data, as_of, rules, money_unit=money_unit, workdays=workdays)
    wanted = list(program.rules) if rules is None else list(rules)
    arrays, cols = evaluate_arrays(
        program,
        data,
        as_of,
        wanted,
        money_unit=money_unit,
        chunk_rows=chunk_rows,
        events=events,
        workdays=workdays,
    )
    values = {n: Val(v, m) for n, (v, m) in arrays.items()}
    result = frame(cols.kind, cols.index, wanted, values, program)
    if cols.kind in ("pandas", "polars") and cols.has("member_id") and "member_id" not in values:
        # A frame result says whose each row is (issue 15), as its input did.
        ids = cols.source_column("member_id")
        if cols.kind == "pandas":
            result.insert(0, "member_id", ids.to_numpy())
        else:
            result.insert_column(0, ids)
    reasons = None
    if undetermined:
        from unionkit.rules.unknowns import undetermined as name_missing

        reasons = name_missing(program, cols, as_of, wanted, {n: m for n, (_, m) in arrays.items()})
    return BatchResult(
        result,
        program.version,
        as_of,
        tuple(wanted),
        {n: program.rules[n].value_type for n in wanted},
        reasons,
    )
