"""The output of a batch run: one column per rule, in the kind of container the input came in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from attrs import frozen

from unionkit.rules.program import Program
from unionkit.rules.schema import Missing, ValueType
from unionkit.rules.values import Val

__all__ = ["BatchResult", "frame"]

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

    .. versionadded:: 0.1.0
    """

    frame: Any
    version: str
    as_of: dt.date
    rules: tuple[str, ...]
    value_types: Mapping[str, ValueType]

    @property
    def money_columns(self) -> tuple[str, ...]:
        """The columns holding money as ``int64`` fen."""
        return tuple(r for r in self.rules if self.value_types[r] is V.money)


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
