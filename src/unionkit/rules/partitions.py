"""Evaluation by partitions: the Arrow kernel (Dask, Ray, Spark), household-aligned Dask input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from unionkit.errors import RuleEvaluationError
from unionkit.rules.batch import evaluate
from unionkit.rules.frames import is_dask

if TYPE_CHECKING:
    from unionkit.rules.cells import MoneyUnit
    from unionkit.rules.output import BatchResult
    from unionkit.rules.program import Program

__all__ = ["evaluate_aligned", "evaluate_arrow"]


def evaluate_arrow(
    program: Program,
    table: Any,
    as_of: dt.date,
    rules: Sequence[str] | None = None,
    *,
    money_unit: MoneyUnit = "fen",
) -> Any:
    """
    Evaluate *rules* over a ``pyarrow.Table`` and return the result as a ``pyarrow.Table``.

    The kernel the Dask, Ray and Spark recipes share (see ``docs/dask.md``): give it
    whole households (every member of a household in the one table), and it gives
    one row per input row, in the same order, ``member_id`` first when the input has it.

    Args:
        program: The compiled rules (``RuleSet.program``).
        table: The roster as an Arrow table.
        as_of: The evaluation date.
        rules: The rules to compute (all if None).
        money_unit: What integer money columns hold: ``"fen"`` or ``"yuan"``.

    Returns:
        The per-rule columns as a ``pyarrow.Table`` (money as ``int64`` fen).

    Raises:
        RuleEvaluationError: A needed column is absent or cannot be read.
        ParameterError: A parameter has no value on *as_of*.
    """
    import polars as pl

    # polars reads an Arrow table without copying, and its result converts back the same way.
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return evaluate(program, frame, as_of, rules, money_unit=money_unit).frame.to_arrow()


def evaluate_aligned(
    ruleset: Any,
    data: Any,
    as_of: dt.date,
    rules: Sequence[str] | None = None,
    *,
    money_unit: MoneyUnit = "fen",
) -> BatchResult:
    """
    Evaluate a Dask DataFrame whose partitions already hold whole households, without a shuffle.

    ``RuleSet.evaluate`` shuffles a Dask DataFrame by household first, which is always
    right; when the partitions are household-aligned already (written per household,
    or after ``set_index("household_id")``) the shuffle is wasted work. The claim is
    checked: after ``set_index`` on the household column Dask's divisions prove it;
    otherwise one pass over the household column runs with the result, and computing
    it raises an error naming a household found in two partitions.

    Args:
        ruleset: The rules (a ``RuleSet``, or its ``program``).
        data: The roster, a ``dask.dataframe.DataFrame``.
        as_of: The evaluation date.
        rules: The rules to compute (all if None).
        money_unit: What integer money columns hold: ``"fen"`` or ``"yuan"``.

    Returns:
        A batch result whose ``frame`` is a lazy Dask DataFrame.

    Raises:
        RuleEvaluationError: *data* is not a Dask DataFrame, a needed column is
            absent, or (when the result is computed) a household is split across partitions.
        ParameterError: A parameter has no value on *as_of*.
    """
    from unionkit.rules.dask import evaluate_dask

    if not is_dask(data):
        raise RuleEvaluationError(
            f"evaluate_aligned takes a Dask DataFrame, not a {type(data).__name__} / "
            "evaluate_aligned 只接受 Dask DataFrame"
        )
    program = getattr(ruleset, "program", ruleset)
    return evaluate_dask(evaluate, program, data, as_of, rules, money_unit=money_unit, aligned=True)
