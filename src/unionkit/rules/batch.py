"""Vectorised evaluation of a rule set over whole columns with numpy, one pass per node."""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from attrs import frozen

from unionkit.errors import RuleEvaluationError
from unionkit.labels import read_yes_no
from unionkit.money import parse_fen
from unionkit.rules.check import common_type
from unionkit.rules.expr import (
    Arith,
    AsOf,
    Between,
    BoolOp,
    Clip,
    Coalesce,
    Compare,
    DatePart,
    Expr,
    Extreme,
    Field,
    GroupAgg,
    IsIn,
    Lit,
    Neg,
    Not,
    Param,
    Ref,
    ScaleLookup,
    Since,
    Where,
    to_text,
)
from unionkit.rules.parameters import Scale
from unionkit.rules.schema import MEMBER_FIELDS, Missing, ValueType

if TYPE_CHECKING:
    from unionkit.rules.ruleset import RuleSet

__all__ = [
    "BatchResult",
    "Columns",
    "MoneyUnit",
    "evaluate",
    "evaluate_arrays",
    "rows_to_columns",
]

V = ValueType
Array = np.ndarray[Any, Any]
_EPOCH = np.datetime64("1970-01-01", "D")

MoneyUnit = Literal["fen", "yuan"]
"""What an integer money input holds: fen (分, the default) or whole yuan."""


def check_money_unit(unit: object) -> MoneyUnit:
    """
    Return *unit* if it is ``"fen"`` or ``"yuan"``.

    Raises:
        RuleEvaluationError: Any other value.
    """
    if unit == "fen":
        return "fen"
    if unit == "yuan":
        return "yuan"
    raise RuleEvaluationError(
        f"money_unit must be 'fen' or 'yuan', not {unit!r} / money_unit 只能是 fen 或 yuan"
    )


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

    def _repr_html_(self) -> str:
        """Counts and totals per rule in Jupyter (see ``unionkit.notebook``)."""
        from unionkit.notebook import batch_html

        return batch_html(self)

    @property
    def money_columns(self) -> tuple[str, ...]:
        """The columns holding money as ``int64`` fen."""
        return tuple(r for r in self.rules if self.value_types[r] is V.money)


class _V:
    """A value being computed: per member (per group when *by* is set), with a missing mask."""

    __slots__ = ("by", "missing", "values")

    def __init__(self, values: Any, missing: Array | None = None, by: str | None = None) -> None:
        self.values = values
        self.missing = missing
        self.by = by


def _or(*masks: Array | None) -> Array | None:
    out: Array | None = None
    for m in masks:
        if m is not None:
            out = m if out is None else (out | m)
    return out


def yuan_to_fen(x: Array) -> Array:
    """
    Round float yuan to ``int64`` fen, half up (四舍五入) on the decimal value.

    Binary noise such as ``1.005 * 100 == 100.49999999999999`` is absorbed
    (a tolerance of a millionth of a fen) so that the amount a person typed
    is rounded as written.
    """
    y = np.asarray(x, dtype=np.float64) * 100.0
    negative = bool(len(y)) and bool(y.min() < 0)
    a = np.abs(y) if negative else y
    f = np.floor(a)
    frac = np.subtract(a, f, out=a if not negative else None)
    f += frac >= 0.5 - 1e-6
    if negative:
        np.copysign(f, y, out=f)
    out: Array = f.astype(np.int64)
    return out


EXACT_LIMIT = 2 ** 62
"""Integer and money (fen) results of rule arithmetic must stay below this in magnitude.

Past it numpy's ``int64`` wraps around silently while Python's integers (the
explain path) keep growing, so batch and explain would disagree; chained
squares in a rule file would also grow explain's integers without bound.
"""


def too_large(e: Expr) -> RuleEvaluationError:
    """The error for an integer or money result of *e* beyond :data:`EXACT_LIMIT`."""
    text = to_text(e)
    if len(text) > 120:
        text = text[:117] + "..."
    return RuleEvaluationError(
        f"the result of '{text}' is too large for exact arithmetic (beyond ±2^62)\n"
        f"'{text}' 的结果超出精确计算的范围（±2^62）"
    )


def _max_abs(values: Any) -> int:
    a = np.asarray(values)
    if a.size == 0:
        return 0
    return max(abs(int(a.max())), abs(int(a.min())))


def check_range(e: Expr, op: str, x: Any, y: Any, missing: Array | None) -> None:
    """
    Raise :func:`too_large` when an integer ``x op y`` leaves :data:`EXACT_LIMIT` for a known row.

    The common case costs two min/max passes: only when the operands' bounds
    allow an overflow are the suspect rows recomputed with Python integers.
    """
    bx, by = _max_abs(x), _max_abs(y)
    if (bx * by if op == "*" else bx + by) < EXACT_LIMIT:
        return
    fx, fy = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    estimate = np.abs(fx * fy if op == "*" else fx + fy if op == "+" else fx - fy)
    suspect = estimate >= 2.0 ** 61
    if missing is not None:
        suspect = suspect & ~missing
    if not suspect.any():
        return
    shape = suspect.shape
    xs = np.broadcast_to(np.asarray(x), shape)[suspect]
    ys = np.broadcast_to(np.asarray(y), shape)[suspect]
    for a, b in zip(xs.tolist(), ys.tolist(), strict=True):
        exact = a * b if op == "*" else a + b if op == "+" else a - b
        if abs(exact) >= EXACT_LIMIT:
            raise too_large(e)


def half_up_div(n: Any, d: Any) -> Any:
    """Integer division rounded half away from zero (ROUND_HALF_UP); *d* must not be 0."""
    return (2 * np.abs(n) + np.abs(d)) // (2 * np.abs(d)) * (np.sign(n) * np.sign(d))


def to_type(values: Any, source: ValueType, target: ValueType) -> Any:
    """Bring *values* from the representation of *source* to that of *target*."""
    if source is target:
        return values
    if source is V.int and target is V.number:
        return values.astype(np.float64) if isinstance(values, np.ndarray) else float(values)
    if source is V.int and target is V.money:
        return values * 100
    if source is V.money and target is V.number:
        return values / 100.0
    raise RuleEvaluationError(f"cannot convert {source.value} to {target.value}")


def money_cell(value: object, unit: MoneyUnit = "fen") -> int | None:
    """
    Convert one money cell to fen, or None when it is missing.

    An integer is fen, or whole yuan when *unit* is ``"yuan"``; a ``Decimal``
    or a float is yuan, rounded half up to the fen; a text (``"¥2,000.50"``) is
    yuan read as :func:`unionkit.money.parse_yuan` reads it (so a decimal comma,
    an exponent or a third decimal place is an error, not a different amount).
    """
    if _absent(value):
        return None
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not money")
    if isinstance(value, int):
        return value * 100 if unit == "yuan" else value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value.scaleb(2).to_integral_value(ROUND_HALF_UP))
    if isinstance(value, float):
        return int(yuan_to_fen(np.array([value]))[0])
    text = str(value)
    if not text.strip():
        return None
    # The same reading as roster cells: "8500,50" and "1e3" are errors, not 850,050 and 1,000.
    return parse_fen(text)


def _bool_cell(value: object) -> bool | None:
    if _absent(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        answer = read_yes_no(value)
        if answer is not None:
            return answer
    raise ValueError("expected yes or no")


def _int_cell(value: object) -> int | None:
    if _absent(value):
        return None
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not a whole number")
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    number = Decimal(str(value))
    if number != number.to_integral_value():
        raise ValueError("not a whole number")
    return int(number)


def _number_cell(value: object) -> float | None:
    if _absent(value):
        return None
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not a number")
    if isinstance(value, str) and not value.strip():
        return None
    return float(value)  # type: ignore[arg-type]


def _date_cell(value: object) -> np.datetime64 | None:
    if _absent(value):
        return None
    if isinstance(value, dt.datetime):
        return np.datetime64(value.date(), "D")
    if isinstance(value, dt.date):
        return np.datetime64(value, "D")
    if isinstance(value, str):
        if not value.strip():
            return None
        return np.datetime64(dt.date.fromisoformat(value.strip()), "D")
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else value.astype("datetime64[D]")
    raise ValueError("not a date")


def _text_cell(value: object) -> str | None:
    if _absent(value):
        return None
    return str(value)


def _money_cell_yuan(value: object) -> int | None:
    return money_cell(value, "yuan")


_CELL: dict[ValueType, tuple[Callable[[object], Any], Any, Any]] = {
    V.bool: (_bool_cell, False, np.bool_),
    V.int: (_int_cell, 0, np.int64),
    V.number: (_number_cell, 0.0, np.float64),
    V.money: (money_cell, 0, np.int64),
    V.date: (_date_cell, _EPOCH, "datetime64[D]"),
    V.text: (_text_cell, "", object),
}


def _slow(arr: Array, vtype: ValueType, column: str,
          unit: MoneyUnit = "fen") -> tuple[Array, Array | None]:
    parse, fill, dtype = _CELL[vtype]
    if vtype is V.money and unit == "yuan":
        parse = _money_cell_yuan
    out: list[Any] = []
    missing = np.zeros(len(arr), dtype=bool)
    for i, cell in enumerate(arr.tolist()):
        try:
            value = parse(cell)
        except (ValueError, TypeError, ArithmeticError) as exc:
            raise RuleEvaluationError(
                f"column {column!r}, row {i}: cannot read the value as {vtype.value}: {exc} / "
                f"第 {i} 行“{column}”列的值不是有效的{vtype.label_zh}"
            ) from None
        if value is None:
            missing[i] = True
            value = fill
        out.append(value)
    values = np.array(out, dtype=dtype)
    return values, (missing if missing.any() else None)


def _absent(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, Decimal):
        return value.is_nan()
    return type(value).__name__ in ("NAType", "NaTType")


def _object_mask(arr: Array) -> Array | None:
    try:
        found: Any = np.equal(arr, None) | np.not_equal(arr, arr)  # type: ignore[call-overload]
        mask = np.asarray(found, dtype=np.bool_)
    except (TypeError, ValueError):
        mask = np.fromiter((_absent(v) for v in arr), dtype=bool, count=len(arr))
    return mask if mask.any() else None


def convert(arr: Any, vtype: ValueType, column: str,
            money_unit: MoneyUnit = "fen") -> tuple[Array, Array | None]:
    """
    Convert one raw column to the engine's representation and a missing mask.

    bool -> ``bool``; int -> ``int64``; number -> ``float64``; date ->
    ``datetime64[D]``; text -> ``object``. Money becomes ``int64`` fen:
    integers are fen already (whole yuan, times 100, when *money_unit* is
    ``"yuan"``); ``Decimal`` and text are yuan, converted exactly and rounded
    half up; floats are yuan rounded half up as written. Missing cells are
    filled (0, False, epoch, "") and flagged in the mask.

    Raises:
        RuleEvaluationError: A cell cannot be read; the message names the
            column and the row.
    """
    # numpy.ma is imported lazily and costs ~15 ms: only look at it if someone loaded it.
    if "numpy.ma" in sys.modules and isinstance(arr, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(arr)
        base = np.array(arr.data, copy=True)
        if base.dtype.kind == "O":
            base[mask] = None
        elif base.dtype.kind in "iufb":
            base[mask] = 0
        values, extra = convert(base, vtype, column, money_unit)
        full = mask | extra if extra is not None else mask
        return values, (full if full.any() else None)
    a = np.asarray(arr)
    kind = a.dtype.kind
    if a.ndim != 1:
        raise RuleEvaluationError(
            f"column {column!r} is not one-dimensional / “{column}”列不是一维"
        )
    if vtype is V.bool:
        if kind == "b":
            return a, None
        if kind in "iu" and ((a == 0) | (a == 1)).all():
            return a.astype(bool), None
        if kind == "f":
            mask = np.isnan(a)
            if ((a[~mask] == 0) | (a[~mask] == 1)).all():
                return (a == 1), (mask if mask.any() else None)
    elif vtype is V.int:
        if kind in "iu":
            return a.astype(np.int64, copy=False), None
        if kind == "f":
            mask = np.isnan(a)
            filled = np.where(mask, 0.0, a)
            if (filled == np.floor(filled)).all():
                return filled.astype(np.int64), (mask if mask.any() else None)
    elif vtype is V.number:
        if kind in "iuf":
            f = a.astype(np.float64, copy=False)
            mask = np.isnan(f)
            if mask.any():
                return np.where(mask, 0.0, f), mask
            return f, None
    elif vtype is V.money:
        if kind in "iu":
            fen = a.astype(np.int64, copy=False)
            return (fen * 100 if money_unit == "yuan" else fen), None
        if kind == "f":
            mask = np.isnan(a)
            if mask.any():
                return yuan_to_fen(np.where(mask, 0.0, a)), mask
            return yuan_to_fen(a), None
        if kind == "O":
            money = _money_objects(a, money_unit)
            if money is not None:
                return money
    elif vtype is V.date:
        if kind == "M":
            d = a.astype("datetime64[D]", copy=False)
            mask = np.isnat(d)
            if mask.any():
                return np.where(mask, _EPOCH, d), mask
            return d, None
    elif vtype is V.text:
        if kind in "US":
            return a.astype(object), None
        if kind in "iu":
            return a, None
        if kind == "O":
            tmask = _object_mask(a)
            if tmask is None:
                return a, None
            filled = a.copy()
            filled[tmask] = ""
            return filled, tmask
    if kind == "O":
        fast = _plain_objects(a, vtype)
        if fast is not None:
            return fast
        return _slow(a, vtype, column, money_unit)
    return _slow(a.astype(object), vtype, column, money_unit)


def _money_objects(a: Array, unit: MoneyUnit) -> tuple[Array, Array | None] | None:
    """
    Convert an object column of ``Decimal``, ``int`` or ``float`` money (and None) to fen.

    Decimal yuan is scaled exactly, one cell at a time (about a microsecond
    each), never through a binary float. Returns None for anything else
    (text, a mixture of kinds, a non-finite Decimal): the cell-by-cell path
    reads those and names a bad row.
    """
    cells, types, missing = _scan(a)
    try:
        if types <= {Decimal}:
            rounding = ROUND_HALF_UP
            fen = [0 if d is None else int(d.scaleb(2).to_integral_value(rounding))
                   for d in cells]
            return np.array(fen, dtype=np.int64), missing
        if types <= {int}:
            ints = np.array([0 if c is None else c for c in cells], dtype=np.int64)
            return (ints * 100 if unit == "yuan" else ints), missing
        if types <= {float}:
            floats = np.array([np.nan if c is None else c for c in cells], dtype=np.float64)
            nan = np.isnan(floats)
            return yuan_to_fen(np.where(nan, 0.0, floats)), (nan if nan.any() else None)
    except (ValueError, OverflowError, ArithmeticError):
        return None
    return None


def _scan(a: Array) -> tuple[list[Any], set[type], Array | None]:
    # An object column's cells, the types other than None among them, and where None stands.
    cells = a.tolist()
    types = set(map(type, cells))
    missing: Array | None = None
    if type(None) in types:
        types.discard(type(None))
        missing = np.fromiter((c is None for c in cells), dtype=bool, count=len(cells))
    return cells, types, missing


_PLAIN: dict[ValueType, frozenset[type]] = {
    V.bool: frozenset({bool, np.bool_}),
    V.int: frozenset({int, np.int64}),
    V.number: frozenset({int, float, Decimal}),
    V.date: frozenset({dt.date}),
}


def _plain_objects(a: Array, vtype: ValueType) -> tuple[Array, Array | None] | None:
    """Convert an object column of plain Python values (and None) without a call per cell."""
    allowed = _PLAIN.get(vtype)
    if allowed is None:
        return None
    cells, types, missing = _scan(a)
    if missing is not None:
        fill = dt.date(1970, 1, 1) if vtype is V.date else 0
        cells = [fill if c is None else c for c in cells]
    if not types <= allowed:
        return None
    if vtype is V.date:
        days = np.fromiter((c.toordinal() for c in cells), dtype=np.int64, count=len(cells))
        return (days - 719163).view("datetime64[D]"), missing
    dtype = {V.bool: np.bool_, V.int: np.int64, V.number: np.float64}[vtype]
    return np.array(cells, dtype=dtype), missing


def rows_to_columns(rows: Sequence[Any], names: Sequence[str]) -> dict[str, Array]:
    """
    Turn row mappings (or objects with ``to_row()``) into columns of object arrays.

    Missing keys give missing values.
    """
    dicts: list[Mapping[str, Any]] = [
        r if isinstance(r, Mapping) else r.to_row() for r in rows
    ]
    out: dict[str, Array] = {}
    for n in names:
        col = np.empty(len(dicts), dtype=object)
        col[:] = [d.get(n) for d in dicts]
        out[n] = col
    return out


class Columns:
    """The input of an evaluation: raw columns, converted on first use and cached."""

    def __init__(self, data: Any, fields: Mapping[str, ValueType],
                 needed: Sequence[str] = (), money_unit: MoneyUnit = "fen") -> None:
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

    def raw(self, name: str) -> Any:
        """The column *name* as a numpy array (or masked array), before conversion."""
        if not self.has(name):
            raise RuleEvaluationError(
                f"the input has no column {name!r}, which the rules need / 输入数据缺少“{name}”列"
            )
        col = self._data[name]
        if self.kind == "pandas":
            return _pandas_column(col, self.fields[name])
        if self.kind == "polars":
            return _polars_column(col)
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
            raw = (self.raw(name) if self.has(name) or name not in self.optional
                   else np.full(self.n, None, dtype=object))
            got = convert(raw, self.fields[name], name, self.money_unit)
            self._cache[name] = got
        return got

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

    def take(self, rows: Array, names: Sequence[str]) -> Columns:
        """A new input holding only *rows* (positions) of the columns *names*."""
        data = {}
        for n in names:
            values, missing = self.get(n)
            sub = values[rows]
            data[n] = sub if missing is None else np.ma.MaskedArray(sub, missing[rows])
        out = Columns(data, self.fields, money_unit=self.money_unit)
        for n in names:
            values, missing = self.get(n)
            out._cache[n] = (values[rows], None if missing is None else missing[rows])
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


def _pandas_column(s: Any, vtype: ValueType) -> Any:
    if isinstance(s.dtype, np.dtype):
        return s.to_numpy()
    mask = s.isna().to_numpy()
    if vtype is V.bool:
        values = s.to_numpy(dtype=bool, na_value=False)
    elif vtype in (V.int, V.money, V.number) and s.dtype.kind in "iufb":
        values = s.to_numpy(dtype=np.float64, na_value=np.nan)
        if vtype is V.int or (vtype is V.money and s.dtype.kind in "iu"):
            return np.ma.MaskedArray(np.where(mask, 0, values).astype(np.int64), mask)
    elif s.dtype.kind == "M":
        values = s.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT"))
    else:
        values = s.to_numpy(dtype=object, na_value=None)
    return np.ma.MaskedArray(values, mask) if mask.any() else values


def _polars_column(s: Any) -> Any:
    if s.null_count() == 0:
        return s.to_numpy()
    mask = s.is_null().to_numpy()
    values = s.to_numpy()
    if values.dtype.kind == "f":
        values = np.where(mask, np.nan, values)
    return np.ma.MaskedArray(values, mask)


class _Groups:
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
        elif "pandas" in sys.modules and n:
            import pandas as pd

            codes, uniq = pd.factorize(values)
            groups = len(uniq)
            codes = codes.astype(np.intp)
        elif n:
            uniq, codes = np.unique(values.astype(str), return_inverse=True)
            groups = len(uniq)
        else:
            codes, groups = np.zeros(0, dtype=np.intp), 0
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


def _lit_value(value: Any, vtype: ValueType) -> Any:
    if vtype is V.money:
        return int(Decimal(value) * 100)
    if vtype is V.number:
        return float(value)
    if vtype is V.int:
        return int(value)
    if vtype is V.bool:
        return bool(value)
    if vtype is V.date:
        return np.datetime64(value, "D")
    return value


def scale_table(scale: Scale, x_type: ValueType, out_type: ValueType) -> tuple[Any, Any]:
    """
    The thresholds (in the representation of *x_type*) and amounts of *scale*.

    For integer and money inputs thresholds are rounded up to the next whole
    unit (fen), which keeps ``threshold <= x`` exact.
    """
    import math

    thresholds: list[Any] = []
    for b in scale.brackets:
        if x_type is V.money:
            thresholds.append(math.ceil(b.threshold * 100))
        elif x_type is V.int:
            thresholds.append(math.ceil(b.threshold))
        else:
            thresholds.append(float(b.threshold))
    if out_type is V.money:
        amounts: list[Any] = [int((b.amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
                              for b in scale.brackets]
    else:
        amounts = [float(b.amount) for b in scale.brackets]
    return thresholds, amounts


def ymd(d: Array) -> tuple[Array, Array, Array]:
    """Year, month and day of a ``datetime64[D]`` array."""
    years = d.astype("datetime64[Y]").astype(np.int64)
    months = d.astype("datetime64[M]")
    m = months.astype(np.int64) - years * 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return years + 1970, m, day


def _elapsed(d: Array, unit: str, a: dt.date) -> Array:
    y, m, day = ymd(d)
    if unit == "years":
        out: Array = a.year - y - ((a.month * 100 + a.day) < (m * 100 + day))
    else:
        out = (a.year - y) * 12 + (a.month - m) - (a.day < day)
    return out


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
    "==": np.equal, "!=": np.not_equal,
}


class _Batch:
    def __init__(self, rs: RuleSet, cols: Columns, as_of: dt.date) -> None:
        self.rs = rs
        self.cols = cols
        self.as_of = as_of
        self.n = cols.n
        self.memo: dict[Expr, _V] = {}
        self.groups: dict[str, _Groups] = {}
        self.rule_values: dict[str, _V] = {}
        self.handlers: dict[type, Callable[[Any], _V]] = {
            Field: self._field, Param: self._param, Lit: self._lit, Ref: self._ref,
            Arith: self._arith, Neg: self._neg, Compare: self._compare, BoolOp: self._boolop,
            Not: self._not, Where: self._where, Extreme: self._extreme, Clip: self._clip,
            Between: self._between, IsIn: self._isin, Since: self._since,
            GroupAgg: self._group, ScaleLookup: self._scale, Coalesce: self._coalesce,
            DatePart: self._date_part, AsOf: self._as_of,
        }

    def group(self, by: str) -> _Groups:
        g = self.groups.get(by)
        if g is None:
            g = _Groups(*self.cols.group_key(by))
            self.groups[by] = g
        return g

    def eval(self, e: Expr) -> _V:
        v = self.memo.get(e)
        if v is None:
            v = self.handlers[type(e)](e)
            self.memo[e] = v
        return v

    def typed(self, e: Expr, target: ValueType) -> _V:
        v = self.eval(e)
        source = self.rs.type_of(e)
        if source is target:
            return v
        if source is V.int and target is V.money:
            check_range(e, "*", v.values, 100, v.missing)
        return _V(to_type(v.values, source, target), v.missing, v.by)

    def member(self, v: _V) -> _V:
        if v.by is None:
            return v
        codes = self.group(v.by).codes
        return _V(np.asarray(v.values)[codes],
                  None if v.missing is None else v.missing[codes], None)

    def align(self, *vs: _V) -> tuple[list[_V], str | None]:
        bys = {v.by for v in vs if np.ndim(v.values) or v.missing is not None}
        if len(bys) == 1:
            return list(vs), bys.pop()
        return [self.member(v) for v in vs], None

    def full(self, v: _V) -> _V:
        v = self.member(v)
        if np.ndim(v.values) == 0:
            value = v.values
            if isinstance(value, np.datetime64):
                return _V(np.full(self.n, value, dtype="datetime64[D]"), v.missing)
            if isinstance(value, str):
                return _V(np.full(self.n, value, dtype=object), v.missing)
            return _V(np.full(self.n, value), v.missing)
        return v

    def _field(self, e: Field) -> _V:
        values, missing = self.cols.get(e.name)
        return _V(values, missing)

    def _param(self, e: Param) -> _V:
        value = self.rs._parameters.value(e.name, self.as_of)
        return _V(_lit_value(value, self.rs.type_of(e)))

    def _lit(self, e: Lit) -> _V:
        return _V(_lit_value(e.value, e.vtype))

    def _ref(self, e: Ref) -> _V:
        return self.rule(e.name)

    def rule(self, name: str) -> _V:
        got = self.rule_values.get(name)
        if got is not None:
            return got
        rule = self.rs.rules[name]
        v = self.typed(rule.expr, self.rs.inferred_type(name))
        if self.rs.inferred_type(name) is V.int and rule.value_type is V.money:
            check_range(rule.expr, "*", v.values, 100, v.missing)
        v = _V(to_type(v.values, self.rs.inferred_type(name), rule.value_type), v.missing, v.by)
        if v.missing is not None and rule.missing is Missing.false:
            fill = _CELL[rule.value_type][1]
            if rule.value_type not in (V.date, V.text):
                v = _V(np.where(v.missing, fill, v.values), None, v.by)
        self.rule_values[name] = v
        return v

    def _arith(self, e: Arith) -> _V:
        out = self.rs.type_of(e)
        lt, rt = self.rs.type_of(e.left), self.rs.type_of(e.right)
        if out is V.number:
            (a, b), by = self.align(self.typed(e.left, V.number), self.typed(e.right, V.number))
        elif out is V.money and e.op in "+-":
            (a, b), by = self.align(self.typed(e.left, V.money), self.typed(e.right, V.money))
        else:
            (a, b), by = self.align(self.eval(e.left), self.eval(e.right))
        x, y = a.values, b.values
        missing = _or(a.missing, b.missing)
        if out is not V.number and e.op in "+-*":
            check_range(e, e.op, x, y, missing)
        if e.op == "+":
            return _V(x + y, missing, by)
        if e.op == "-":
            return _V(x - y, missing, by)
        if e.op == "*":
            if lt is V.money and rt is V.money:
                return _V(half_up_div(x * y, 100), missing, by)
            return _V(x * y, missing, by)
        zero = np.equal(y, 0)
        if np.ndim(zero):
            if zero.any():
                missing = _or(missing, zero)
                y = np.where(zero, 1, y)
        elif zero:
            missing = np.ones(self.n_of(by), dtype=bool)
            y = 1
        if out is V.money:
            return _V(half_up_div(x, y), missing, by)
        return _V(np.true_divide(x, y), missing, by)

    def n_of(self, by: str | None) -> int:
        return self.n if by is None else self.group(by).n

    def _neg(self, e: Neg) -> _V:
        v = self.eval(e.operand)
        return _V(-v.values, v.missing, v.by)

    def _common(self, parts: Sequence[Expr]) -> tuple[list[_V], str | None]:
        target = common_type([self.rs.type_of(p) for p in parts])
        assert target is not None
        return self.align(*(self.typed(p, target) for p in parts))

    def _compare(self, e: Compare) -> _V:
        (a, b), by = self._common([e.left, e.right])
        return _V(_COMPARE[e.op](a.values, b.values), _or(a.missing, b.missing), by)

    def _boolop(self, e: BoolOp) -> _V:
        (a, b), by = self.align(self.eval(e.left), self.eval(e.right))
        x, y, mx, my = a.values, b.values, a.missing, b.missing
        if e.op == "|":
            if mx is None and my is None:
                return _V(np.logical_or(x, y), None, by)
            tx = x if mx is None else np.logical_and(x, ~mx)
            ty = y if my is None else np.logical_and(y, ~my)
            decided = np.logical_or(tx, ty)
            return _V(decided, _or(mx, my) & ~decided, by)
        if mx is None and my is None:
            return _V(np.logical_and(x, y), None, by)
        fx = np.logical_not(x) if mx is None else np.logical_and(np.logical_not(x), ~mx)
        fy = np.logical_not(y) if my is None else np.logical_and(np.logical_not(y), ~my)
        decided_false = np.logical_or(fx, fy)
        missing = _or(mx, my) & ~decided_false
        return _V(~decided_false & ~missing, missing, by)

    def _not(self, e: Not) -> _V:
        v = self.eval(e.operand)
        return _V(np.logical_not(v.values), v.missing, v.by)

    def _where(self, e: Where) -> _V:
        target = self.rs.type_of(e)
        (c, a, b), by = self.align(self.eval(e.cond), self.typed(e.then, target),
                                   self.typed(e.otherwise, target))
        values = np.where(c.values, a.values, b.values)
        missing = c.missing
        if a.missing is not None:
            missing = _or(missing, c.values & a.missing)
        if b.missing is not None:
            missing = _or(missing, np.logical_not(c.values) & b.missing)
        return _V(values, missing, by)

    def _extreme(self, e: Extreme) -> _V:
        parts, by = self._common(e.args)
        fn = np.minimum if e.op == "min" else np.maximum
        values = parts[0].values
        for p in parts[1:]:
            values = fn(values, p.values)
        return _V(values, _or(*(p.missing for p in parts)), by)

    def _clip(self, e: Clip) -> _V:
        (x, lo, hi), by = self._common([e.operand, e.lo, e.hi])
        values = np.minimum(np.maximum(x.values, lo.values), hi.values)
        return _V(values, _or(x.missing, lo.missing, hi.missing), by)

    def _between(self, e: Between) -> _V:
        (x, lo, hi), by = self._common([e.operand, e.lo, e.hi])
        values = (x.values >= lo.values) & (x.values <= hi.values)
        return _V(values, _or(x.missing, lo.missing, hi.missing), by)

    def _isin(self, e: IsIn) -> _V:
        t = self.rs.type_of(e.operand)
        target = common_type([t, *(v.vtype for v in e.values)])
        assert target is not None
        x = self.typed(e.operand, target)
        wanted = [to_type(_lit_value(v.value, v.vtype), v.vtype, target) for v in e.values]
        if np.ndim(x.values) == 0:
            return _V(x.values in wanted, x.missing, x.by)
        values = np.isin(x.values, np.array(wanted, dtype=x.values.dtype))
        return _V(values, x.missing, x.by)

    def _since(self, e: Since) -> _V:
        v = self.full(self.eval(e.operand))
        d = v.values
        if e.unit == "days":
            return _V((np.datetime64(self.as_of, "D") - d).astype(np.int64), v.missing)
        days = d.view(np.int64)
        if len(days) > 64:
            lo, hi = int(days.min()), int(days.max())
            if hi - lo <= len(days):
                # A roster spans a few tens of thousands of distinct days: tabulate the
                # calendar arithmetic once per day and gather, instead of once per member.
                span = np.arange(lo, hi + 1, dtype=np.int64).view("datetime64[D]")
                table = _elapsed(span, e.unit, self.as_of)
                return _V(table[days - lo], v.missing)
        return _V(_elapsed(d, e.unit, self.as_of), v.missing)

    def _coalesce(self, e: Coalesce) -> _V:
        target = self.rs.type_of(e)
        x = self.typed(e.operand, target)
        if x.missing is None:
            return x
        (x, d), by = self.align(x, self.typed(e.default, target))
        assert x.missing is not None
        values = np.where(x.missing, d.values, x.values)
        missing = None if d.missing is None else (x.missing & d.missing)
        if missing is not None and not missing.any():
            missing = None
        return _V(values, missing, by)

    def _date_part(self, e: DatePart) -> _V:
        v = self.eval(e.operand)
        index = ("year", "month", "day").index(e.part)
        if np.ndim(v.values) == 0:
            if v.missing is not None:
                v = self.full(v)
            else:
                one = np.array([v.values], dtype="datetime64[D]")
                return _V(int(ymd(one)[index][0]), None, v.by)
        parts = ymd(np.asarray(v.values, dtype="datetime64[D]"))
        return _V(parts[index].astype(np.int64), v.missing, v.by)

    def _as_of(self, e: AsOf) -> _V:
        return _V(np.datetime64(self.as_of, "D"))

    def _group(self, e: GroupAgg) -> _V:
        g = self.group(e.by)
        codes = g.codes
        if e.op == "count":
            if e.where is None:
                return _V(g.size, None, e.by)
            c = self.full(self.eval(e.where))
            hit = c.values if c.missing is None else (c.values & ~c.missing)
            return _V(np.bincount(codes[hit], minlength=g.n).astype(np.int64), None, e.by)
        assert e.operand is not None
        t = self.rs.type_of(e.operand)
        v = self.full(self.eval(e.operand))
        values, missing = v.values, v.missing
        if e.op in ("any", "all"):
            hit = values if e.op == "any" else ~values
            if missing is not None:
                hit = hit & ~missing
            found = np.bincount(codes[hit], minlength=g.n) > 0
            return _V(found if e.op == "any" else ~found, None, e.by)
        if e.op == "sum":
            if missing is not None:
                values = np.where(missing, 0, values)
            if t is V.number:
                return _V(np.bincount(codes, weights=values, minlength=g.n), None, e.by)
            bound = _max_abs(values) * len(values)
            if bound < 2 ** 53:
                # float64 holds every integer below 2^53 exactly, and bincount is fast
                sums = np.rint(np.bincount(codes, weights=values, minlength=g.n))
                return _V(sums.astype(np.int64), None, e.by)
            exact = np.zeros(g.n, dtype=object)
            np.add.at(exact, codes, values.astype(object))
            if _max_abs(exact) >= EXACT_LIMIT:
                raise too_large(e)
            return _V(exact.astype(np.int64), None, e.by)
        is_date = t is V.date
        work = values.view(np.int64) if is_date else values
        if missing is not None:
            if work.dtype.kind == "f":
                sentinel: Any = np.inf if e.op == "min" else -np.inf
            else:
                info = np.iinfo(np.int64)
                sentinel = info.max if e.op == "min" else info.min
            work = np.where(missing, sentinel, work)
        order, starts = g.sorted()
        fn = np.minimum if e.op == "min" else np.maximum
        reduced = fn.reduceat(work[order], starts) if g.n else work[:0]
        group_missing = None
        if missing is not None:
            known = np.bincount(codes[~missing], minlength=g.n)
            group_missing = known == 0
            if group_missing.any():
                reduced = np.where(group_missing, 0, reduced)
            else:
                group_missing = None
        if is_date:
            reduced = reduced.astype(np.int64).view("datetime64[D]")
        return _V(reduced, group_missing, e.by)

    def _scale(self, e: ScaleLookup) -> _V:
        scale = self.rs._parameters.value(e.param, self.as_of)
        x_type = self.rs.type_of(e.operand)
        out = self.rs.type_of(e)
        v = self.eval(e.operand)
        if scale.kind == "amount":
            thresholds, amounts = scale_table(scale, x_type, out)
            table = np.array([0, *amounts], dtype=np.int64 if out is V.money else np.float64)
            x = v.values
            if np.ndim(x) and len(thresholds) <= 16:
                # A handful of brackets: counting passed thresholds beats a binary search.
                idx = np.zeros(len(x), dtype=np.intp)
                for t in thresholds:
                    idx += x >= t
            else:
                idx = np.searchsorted(np.array(thresholds), x, side="right")
            return _V(table[idx], v.missing, v.by)
        x = to_type(v.values, x_type, V.number) if x_type is not V.number else v.values
        if x_type is V.int:
            x = np.asarray(x, dtype=np.float64)
        total: Any = 0.0
        brackets = scale.brackets
        for i, b in enumerate(brackets):
            lo = float(b.threshold)
            width = (float(brackets[i + 1].threshold) - lo) if i + 1 < len(brackets) else np.inf
            part = np.minimum(np.maximum(x - lo, 0.0), width)
            total = total + float(b.amount) * part
        return _V(total, v.missing, v.by)


def _output(kind: str, index: Any, names: Sequence[str], values: Mapping[str, _V],
            rs: RuleSet) -> Any:
    if kind == "pandas":
        import pandas as pd

        cols: dict[str, Any] = {}
        for n in names:
            v = values[n]
            t = rs.rules[n].value_type
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
            elif rs.rules[n].missing is Missing.propagate:
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
        if rs.rules[n].missing is Missing.propagate or v.missing is not None:
            mask = v.missing if v.missing is not None else np.zeros(len(v.values), dtype=bool)
            out[n] = np.ma.MaskedArray(v.values, mask)
        else:
            out[n] = v.values
    return out


def evaluate_arrays(
    rs: RuleSet, data: Any, as_of: dt.date, rules: Sequence[str] | None = None,
    *, money_unit: MoneyUnit = "fen",
) -> tuple[dict[str, tuple[Array, Array | None]], Columns]:
    """
    Evaluate *rules* and return per-member ``(values, missing)`` arrays and the input columns.

    *money_unit* says what integer money columns hold (see :meth:`RuleSet.evaluate`);
    it is ignored when *data* is already a :class:`Columns`.

    Raises:
        RuleEvaluationError: A needed column is absent or cannot be read.
        ParameterError: A parameter has no value on *as_of*.
    """
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise RuleEvaluationError(f"as_of must be a date, not {as_of!r} / as_of 必须是日期")
    wanted = list(rs.rules) if rules is None else list(rules)
    needed = rs.needed(wanted)
    fields, _ = rs.inputs(wanted)
    cols = data if isinstance(data, Columns) else Columns(data, rs.fields, sorted(fields),
                                                          money_unit)
    for f in sorted(fields):
        if not cols.supplies(f):
            raise RuleEvaluationError(
                f"the input has no column {f!r}, which the rules need / 输入数据缺少“{f}”列"
            )
    batch = _Batch(rs, cols, as_of)
    for n in needed:
        batch.rule(n)
    out = {}
    for n in wanted:
        v = batch.full(batch.rule(n))
        out[n] = (v.values, v.missing)
    return out, cols


def evaluate(rs: RuleSet, data: Any, as_of: dt.date,
             rules: Sequence[str] | None = None, *,
             money_unit: MoneyUnit = "fen") -> BatchResult:
    """
    Evaluate *rules* of *rs* over *data*; see :meth:`RuleSet.evaluate`.

    Raises:
        RuleEvaluationError: A needed column is absent or cannot be read.
        ParameterError: A parameter has no value on *as_of*.
    """
    wanted = list(rs.rules) if rules is None else list(rules)
    arrays, cols = evaluate_arrays(rs, data, as_of, wanted, money_unit=money_unit)
    values = {n: _V(v, m) for n, (v, m) in arrays.items()}
    frame = _output(cols.kind, cols.index, wanted, values, rs)
    if cols.kind in ("pandas", "polars") and cols.has("member_id") and "member_id" not in values:
        # A frame result says whose each row is (issue 15), as its input did.
        ids = cols._data["member_id"]
        if cols.kind == "pandas":
            frame.insert(0, "member_id", ids.to_numpy())
        else:
            frame.insert_column(0, ids)
    return BatchResult(frame, rs.version, as_of, tuple(wanted),
                       {n: rs.rules[n].value_type for n in wanted})
