"""The input of a run: a roster's columns, converted on first use, and its groups (households)."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from unionkit.errors import RuleEvaluationError
from unionkit.rules.cells import MoneyUnit, check_money_unit, convert
from unionkit.rules.frame_io import frame_column
from unionkit.rules.schema import MEMBER_FIELDS, ValueType

__all__ = ["Columns", "Groups", "rows_to_columns"]

V = ValueType
Array = np.ndarray[Any, Any]


def rows_to_columns(rows: Sequence[Any], names: Sequence[str]) -> dict[str, Array]:
    """
    Turn row mappings (or objects with ``to_row()``) into columns of object arrays.

    Missing keys give missing values.
    """
    dicts: list[Mapping[str, Any]] = [r if isinstance(r, Mapping) else r.to_row() for r in rows]
    out: dict[str, Array] = {}
    for n in names:
        col = np.empty(len(dicts), dtype=object)
        col[:] = [d.get(n) for d in dicts]
        out[n] = col
    return out


class Columns:
    """The input of an evaluation: raw columns, converted on first use and cached."""

    def __init__(
        self,
        data: Any,
        fields: Mapping[str, ValueType],
        needed: Sequence[str] = (),
        money_unit: MoneyUnit = "fen",
    ) -> None:
        self.fields = fields
        # Fields a rule file declares beyond the standard roster (exclusion data and the like)
        # may be absent: most rosters never carry them, and then they are simply unknown.
        self.optional = frozenset(fields) - frozenset(MEMBER_FIELDS)
        self.money_unit = check_money_unit(money_unit)
        self.kind = _kind(data)
        self.index: Any = None
        self._cache: dict[str, tuple[Array, Array | None]] = {}
        self._rows_by: dict[str, dict[str, list[int]]] = {}
        if self.kind == "rows":
            data = rows_to_columns(data, [n for n in needed if n in fields])
            self.kind = "rows"
        if self.kind == "pandas":
            self.index = data.index
            self.n = len(data)
        elif self.kind == "polars":
            self.n = data.height
        else:
            lengths = {len(v) for v in data.values()}
            if len(lengths) > 1:
                raise RuleEvaluationError("columns have different lengths / 各列长度不一致")
            self.n = lengths.pop() if lengths else 0
        self._data = data

    def has(self, name: str) -> bool:
        """Whether the input has the column *name*."""
        if self.kind == "polars":
            return name in self._data.columns
        return name in self._data

    def source_column(self, name: str) -> Any:
        """The input's own column *name* (a pandas or polars Series, an array), unconverted."""
        return self._data[name]

    def raw(self, name: str) -> Any:
        """The column *name* as a numpy array (or masked array), before conversion."""
        if not self.has(name):
            raise RuleEvaluationError(
                f"the input has no column {name!r}, which the rules need / 输入数据缺少“{name}”列"
            )
        col = self._data[name]
        if self.kind in ("pandas", "polars"):
            return frame_column(col)
        return col

    def rows_with(self, column: str, value: str) -> list[int]:
        """
        The rows whose *column* reads *value* (as text), from an index built on first use.

        Worth it only on an input that is reused (a prepared roster): the index costs
        one pass over the column, a lookup afterwards costs nothing.
        """
        index = self._rows_by.get(column)
        if index is None:
            values, missing = self.get(column)
            index = {}
            for i, v in enumerate(values.tolist()):
                if missing is None or not missing[i]:
                    index.setdefault(str(v), []).append(i)
            self._rows_by[column] = index
        return index.get(str(value), [])

    def supplies(self, name: str) -> bool:
        """Whether *name* can be read: present, or a declared optional field (all unknown)."""
        return self.has(name) or name in self.optional

    def get(self, name: str) -> tuple[Array, Array | None]:
        """The converted column *name* and its missing mask."""
        got = self._cache.get(name)
        if got is None:
            raw = (
                self.raw(name)
                if self.has(name) or name not in self.optional
                else np.full(self.n, None, dtype=object)
            )
            got = convert(raw, self.fields[name], name, self.money_unit)
            self._cache[name] = got
        return got

    def release(self, name: str) -> None:
        """Forget the converted copy of the column *name* (a run owning this input is done)."""
        self._cache.pop(name, None)

    def group_key(self, name: str) -> tuple[Array, Array | None]:
        """Integer keys for grouping by the column *name* (text is factorized by the frame)."""
        if self.kind == "pandas":
            s = self._data[name]
            if s.dtype.kind not in "iu":
                import pandas as pd

                codes, _ = pd.factorize(s)
                missing = codes < 0
                return codes.astype(np.int64), (missing if missing.any() else None)
        elif self.kind == "polars":
            s = self._data[name]
            if not s.dtype.is_integer():
                import polars as pl

                physical = s.cast(pl.String).cast(pl.Categorical).to_physical()
                missing = physical.is_null().to_numpy()
                codes = physical.fill_null(0).to_numpy().astype(np.int64)
                return codes, (missing if missing.any() else None)
        return self.get(name)

    def take(self, rows: Array | slice, names: Sequence[str]) -> Columns:
        """A new input holding only *rows* (positions, or a slice) of the columns *names*."""
        data = {}
        cache = {}
        for n in names:
            values, missing = self.get(n)
            sub = values[rows]
            data[n] = sub
            cache[n] = (sub, None if missing is None else missing[rows])
        out = Columns(data, self.fields, money_unit=self.money_unit)
        # the columns are converted already: the new input only ever reads them from its cache
        out._cache.update(cache)
        return out


def _kind(data: Any) -> str:
    module = type(data).__module__
    if module.startswith("pandas") and hasattr(data, "columns"):
        return "pandas"
    if module.startswith("polars") and hasattr(data, "columns"):
        if type(data).__name__ == "LazyFrame":
            raise RuleEvaluationError(
                "collect() the polars LazyFrame first / 请先对 polars LazyFrame 调用 collect()"
            )
        return "polars"
    if isinstance(data, Mapping):
        return "dict"
    if isinstance(data, Sequence) and not isinstance(data, str | bytes):
        return "rows"
    raise RuleEvaluationError(
        f"cannot evaluate rules over a {type(data).__name__}: give a pandas or polars "
        "DataFrame, a dict of arrays or a list of rows / 不支持该输入类型"
    )


class Groups:
    """Dense group codes for one grouping column, with the sorted order for max/min."""

    def __init__(self, values: Array, missing: Array | None) -> None:
        n = len(values)
        codes: Array
        if values.dtype.kind in "iu" and n:
            lo, hi = int(values.min()), int(values.max())
            if hi - lo <= 4 * n + 1024:
                offset = values - lo
                present = np.bincount(offset, minlength=hi - lo + 1) > 0
                remap = np.cumsum(present) - 1
                codes = remap[offset]
                groups = int(present.sum())
            else:
                uniq, codes = np.unique(values, return_inverse=True)
                groups = len(uniq)
        elif n <= 64:
            # a household or two (an explanation): a dict beats sorting or pandas
            index: dict[str, int] = {}
            codes = np.array(
                [index.setdefault(str(v), len(index)) for v in values.tolist()], dtype=np.intp
            )
            groups = len(index)
        elif "pandas" in sys.modules:
            import pandas as pd

            codes, uniq = pd.factorize(values)
            groups = len(uniq)
            codes = codes.astype(np.intp)
        else:
            uniq, codes = np.unique(values.astype(str), return_inverse=True)
            groups = len(uniq)
        if missing is not None:
            codes = codes.copy()
            k = int(missing.sum())
            codes[missing] = groups + np.arange(k)
            groups += k
        self.codes = codes
        self.n = groups
        self.size = np.bincount(codes, minlength=groups).astype(np.int64)
        self._starts: tuple[Array, Array] | None = None

    def sorted(self) -> tuple[Array, Array]:
        """The stable order that sorts members by group, and where each group starts in it."""
        if self._starts is None:
            order = np.argsort(self.codes, kind="stable")
            starts = np.concatenate(([0], np.cumsum(self.size)[:-1]))
            self._starts = (order, starts)
        return self._starts
