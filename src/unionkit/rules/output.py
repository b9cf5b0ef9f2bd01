"""The output of a batch run: one column per rule, in the kind of container the input came in."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
from attrs import frozen

from unionkit.rules.html import table as html_table
from unionkit.rules.program import Program
from unionkit.rules.schema import Missing, ValueType
from unionkit.rules.unknowns import Undetermined
from unionkit.rules.values import Val

__all__ = ["BatchResult", "batch_html", "column_values", "frame"]

V = ValueType


@frozen
class BatchResult:
    """
    The result of a batch evaluation.

    Attributes:
        frame: One column per rule, in the same kind of container as the
            input (pandas DataFrame, polars DataFrame, or a dict of numpy
            arrays). Money columns hold ``int64`` fen (分). Rules with
            ``Missing.propagate`` give nullable columns (pandas nullable
            dtypes, polars nulls, ``numpy.ma.MaskedArray``).
        version: The rule set's content hash.
        as_of: The evaluation date.
        rules: The rule names, in column order.
        value_types: Each rule's value type.
        reasons: The missing inputs behind each undetermined answer, when the
            evaluation was asked for them (``undetermined=True``); see :meth:`undetermined`.

    .. versionchanged:: Unreleased
       ``reasons`` and :meth:`undetermined`.

    .. versionadded:: 0.1.0
    """

    frame: Any
    version: str
    as_of: dt.date
    rules: tuple[str, ...]
    value_types: Mapping[str, ValueType]
    reasons: Undetermined | None = None

    def undetermined(self, kind: str | None = None) -> Any:
        """
        Who is undetermined for which rule, and the missing inputs that leave them so.

        One row per member, rule and missing input: ``member_id``, ``row``, ``rule``,
        ``field``, ``label_zh``, ``label_en``, ``of_member`` and ``of_row`` (whose input
        is missing: the member or, for a household total, another member of the
        household). Field names and member ids only, never a value.

        Args:
            kind: ``pandas``, ``polars`` or ``dict`` (default: the kind of :attr:`frame`).

        Returns:
            The frame.

        Raises:
            RuleEvaluationError: The evaluation was not asked for reasons.

        .. versionadded:: Unreleased
        """
        if self.reasons is None:
            from unionkit.errors import RuleEvaluationError

            raise RuleEvaluationError(
                "evaluate with undetermined=True to name the missing inputs / "
                "评估时传入 undetermined=True 才会列出缺失的输入"
            )
        return self.reasons.frame(kind or _kind_of(self.frame))

    def undetermined_counts(self) -> dict[str, int]:
        """
        How many members' answers are undetermined (unknown), per rule.

        .. versionadded:: Unreleased
        """
        return {
            n: sum(v is None for v in column_values(self.frame[n], str(self.value_types[n])))
            for n in self.rules
        }

    def _repr_html_(self) -> str:
        """Counts and totals per rule in Jupyter (a summary, never every member)."""
        return batch_html(self)

    @property
    def money_columns(self) -> tuple[str, ...]:
        """The columns holding money as ``int64`` fen."""
        return tuple(r for r in self.rules if self.value_types[r] is V.money)


def _kind_of(frame: Any) -> str:
    module = type(frame).__module__
    if module.startswith("pandas"):
        return "pandas"
    return "polars" if module.startswith("polars") else "dict"


def frame(
    kind: str, index: Any, names: Sequence[str], values: Mapping[str, Val], program: Program
) -> Any:
    """
    The rules' *values* as a frame of *kind* (``pandas``, ``polars``, else a dict of arrays).

    Rules that propagate missing values give nullable columns (pandas nullable
    dtypes, polars nulls, ``numpy.ma.MaskedArray``).
    """
    if kind == "pandas":
        import pandas as pd

        cols: dict[str, Any] = {}
        for n in names:
            v = values[n]
            t = program.rules[n].value_type
            data = v.values
            if t is V.date:
                data = data.astype("datetime64[s]")
                if v.missing is not None:
                    data = np.where(v.missing, np.datetime64("NaT"), data)
                cols[n] = data
            elif t is V.text:
                data = data.astype(object)
                if v.missing is not None:
                    data[v.missing] = None
                cols[n] = data
            elif program.rules[n].missing is Missing.propagate:
                mask = v.missing if v.missing is not None else np.zeros(len(data), dtype=bool)
                if t is V.bool:
                    cols[n] = pd.arrays.BooleanArray(data.astype(bool), mask)
                elif t is V.number:
                    cols[n] = pd.arrays.FloatingArray(data.astype(np.float64), mask)
                else:
                    cols[n] = pd.arrays.IntegerArray(data.astype(np.int64), mask)
            else:
                cols[n] = data
        return pd.DataFrame(cols, index=index)
    if kind == "polars":
        import polars as pl

        series = []
        for n in names:
            v = values[n]
            s = pl.Series(n, v.values)
            if v.missing is not None:
                frame = pl.select(pl.when(pl.Series(v.missing)).then(None).otherwise(s).alias(n))
                s = frame.to_series()
            series.append(s)
        return pl.DataFrame(series)
    out: dict[str, Any] = {}
    for n in names:
        v = values[n]
        if program.rules[n].missing is Missing.propagate or v.missing is not None:
            mask = v.missing if v.missing is not None else np.zeros(len(v.values), dtype=bool)
            out[n] = np.ma.MaskedArray(v.values, mask)
        else:
            out[n] = v.values
    return out


def column_values(column: Any, kind: str) -> list[object]:
    """
    One column of a batch result as plain Python values (``None`` where unknown).

    Works on the engine's own containers: a numpy (masked) array, a pandas or a
    polars Series. Money stays ``int`` fen and dates become ``date``.

    .. versionadded:: 0.2.0
    """
    import numpy as np

    if not isinstance(column, np.ndarray):  # pandas or polars: the engine's own containers
        column = _to_masked(column)
    missing = np.ma.getmaskarray(column).tolist()
    data = np.ma.getdata(column)
    if kind == "date":
        values: list[object] = [
            None if np.isnat(d) else d.astype("datetime64[D]").item() for d in data
        ]
    else:
        values = data.tolist()
    out: list[object] = []
    for value, gone in zip(values, missing, strict=True):
        if gone or value is None or (isinstance(value, float) and math.isnan(value)):
            out.append(None)
        else:
            out.append(value)
    return out


def _to_masked(column: Any) -> Any:
    """A pandas, polars (or any narwhals-readable) Series as a masked array of plain values."""
    import narwhals as nw
    import numpy as np

    series = nw.from_native(column, series_only=True)
    mask = series.is_null().to_numpy()
    # NaN, NaT and pd.NA are not values: the mask says these cells are unknown
    values = [None if gone else v for v, gone in zip(series.to_list(), mask.tolist(), strict=True)]
    if values and any(isinstance(v, date) for v in values):
        days = [
            np.datetime64("NaT") if v is None else np.datetime64(_as_date(v), "D") for v in values
        ]
        return np.ma.MaskedArray(np.array(days, dtype="datetime64[D]"), mask)
    return np.ma.MaskedArray(np.array([0 if v is None else v for v in values], dtype=object), mask)


def _as_date(value: object) -> date:
    from datetime import datetime

    if isinstance(value, datetime):
        return value.date()
    assert isinstance(value, date)
    return value


def batch_html(batch: BatchResult) -> str:
    """
    A batch result as an HTML summary: per rule, how many yes or the total, over everyone.

    The per-member values stay in ``batch.frame``; this shows counts only: per rule,
    how many members are undetermined and, when the evaluation named them
    (``undetermined=True``), which missing inputs hold how many members up.

    Args:
        batch: What ``RuleSet.evaluate`` returned.

    Returns:
        HTML for Jupyter.

    .. versionadded:: 0.1.0
    """
    from unionkit.money import format_fen

    if hasattr(batch.frame, "__dask_graph__") or type(batch.frame).__name__ == "LazyFrame":
        # a lazy result (Dask, polars LazyFrame): showing it must not run the whole roster
        caption = (
            f"评估结果（未计算）/ lazy results as of {batch.as_of.isoformat()}: "
            f"{len(batch.rules):,} 条规则 / rules (rule set {batch.version[:12]}); "
            "compute() or collect() the frame to see them"
        )
        kinds = [(n, str(batch.value_types[n])) for n in batch.rules]
        return html_table(caption, ["规则 rule", "类型 type"], kinds)
    rows = []
    n = 0
    for name in batch.rules:
        kind = str(batch.value_types[name])
        values = column_values(batch.frame[name], kind)
        n = len(values)
        known = [v for v in values if v is not None]
        if kind == "bool":
            shown = f"是 yes: {sum(1 for v in known if v):,}"
        elif kind == "money":
            shown = f"合计 total: {format_fen(sum(int(v) for v in known), grouping=True)} 元"  # type: ignore[call-overload]
        else:
            shown = ""
        rows.append((name, kind, shown, f"{n - len(known):,}", *_missing_cell(batch, name)))
    caption = (
        f"评估结果 / results as of {batch.as_of.isoformat()}: {n:,} 人 / people, "
        f"{len(rows):,} 条规则 / rules (rule set {batch.version[:12]})"
    )
    head = ["规则 rule", "类型 type", "结果 result", "待定 undetermined"]
    if batch.reasons is not None:
        head.append("缺少的输入 missing inputs")
    return html_table(caption, head, rows)


def _missing_cell(batch: BatchResult, rule: str) -> tuple[str, ...]:
    """The missing inputs behind a rule's undetermined members, most frequent first."""
    if batch.reasons is None:
        return ()
    from unionkit.rules.unknowns import field_labels

    counts = batch.reasons.inputs().get(rule, {})
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ("; ".join(f"{' / '.join(field_labels(f))}: {k:,}" for f, k in ranked),)
