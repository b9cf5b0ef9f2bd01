"""Values being computed by a run, and the exact arithmetic every node shares (ranges, rounding)."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np

from unionkit.errors import RuleEvaluationError
from unionkit.money import round_to_fen
from unionkit.rules.expr import Expr, to_text
from unionkit.rules.parameters import Scale
from unionkit.rules.schema import ValueType

__all__ = [
    "COMPARE",
    "EXACT_LIMIT",
    "NUMERIC",
    "Val",
    "any_missing",
    "arith_type",
    "check_range",
    "common_type",
    "constant",
    "convertible",
    "elapsed",
    "half_up_div",
    "max_abs",
    "ndim",
    "scale_table",
    "to_type",
    "too_large",
    "ymd",
]

V = ValueType
Array = np.ndarray[Any, Any]


NUMERIC = frozenset({V.int, V.number, V.money})


def arith_type(op: str, left: ValueType, right: ValueType) -> ValueType | None:
    """
    The type of ``left op right``, or None when the combination is not allowed.

    Integers and money mix as money (an integer counts as whole yuan);
    money times money scales one by the other and stays money; money divided
    by an integer is rounded half-up to the fen; anything with a number
    (float) is a number.
    """
    if left not in NUMERIC or right not in NUMERIC:
        return None
    if V.number in (left, right):
        return V.number
    if left is V.int and right is V.int:
        return V.number if op == "/" else V.int
    if op == "/":
        return V.money if right is V.int else V.number
    return V.money


def common_type(types: list[ValueType]) -> ValueType | None:
    """The type several values are brought to before comparing or choosing, or None."""
    kinds = set(types)
    if len(kinds) == 1:
        return types[0]
    if kinds <= NUMERIC:
        return V.number if V.number in kinds else V.money
    return None


def convertible(source: ValueType, target: ValueType) -> bool:
    """Whether a value of *source* type may be given where *target* is declared."""
    if source is target:
        return True
    return (source, target) in {(V.int, V.number), (V.int, V.money), (V.money, V.number)}


class Val:
    """
    A value being computed, with a missing mask.

    *values* is an array with one entry per member (per group when *by* names
    the grouping column), or a scalar shared by all (a literal, a parameter);
    *missing* is None when every value is known.
    """

    __slots__ = ("by", "missing", "values")

    def __init__(self, values: Any, missing: Array | None = None, by: str | None = None) -> None:
        self.values = values
        self.missing = missing
        self.by = by


def ndim(x: Any) -> int:
    """The number of dimensions of *x* (0 for a scalar): ``numpy.ndim`` without its overhead."""
    return x.ndim if isinstance(x, np.ndarray) else 0


def any_missing(*masks: Array | None) -> Array | None:
    """The union of the missing masks (None when all are None)."""
    out: Array | None = None
    for m in masks:
        if m is not None:
            out = m if out is None else (out | m)
    return out


EXACT_LIMIT = 2**62
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


def max_abs(values: Any) -> int:
    """The largest magnitude among *values* as a Python integer (0 when empty)."""
    a = np.asarray(values)
    if a.size <= 16:
        # a few rows (an explanation): Python integers beat two numpy reductions
        return max((abs(int(v)) for v in a.ravel().tolist()), default=0)
    return max(abs(int(a.max())), abs(int(a.min())))


def check_range(e: Expr, op: str, x: Any, y: Any, missing: Array | None) -> None:
    """
    Raise :func:`too_large` when an integer ``x op y`` leaves :data:`EXACT_LIMIT` for a known row.

    The common case costs two min/max passes: only when the operands' bounds
    allow an overflow are the suspect rows recomputed with Python integers.
    """
    bx, by = max_abs(x), max_abs(y)
    if (bx * by if op == "*" else bx + by) < EXACT_LIMIT:
        return
    fx, fy = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    estimate = np.abs(fx * fy if op == "*" else fx + fy if op == "+" else fx - fy)
    suspect = estimate >= 2.0**61
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


def constant(value: Any, vtype: ValueType) -> Any:
    """A literal's or a parameter's *value* in the engine's representation of *vtype*."""
    if vtype is V.money:
        return round_to_fen(Decimal(value))
    if vtype is V.number:
        return float(value)
    if vtype is V.int:
        return int(value)
    if vtype is V.bool:
        return bool(value)
    if vtype is V.date:
        return np.datetime64(value, "D")
    return value


@functools.lru_cache(maxsize=256)
def scale_table(scale: Scale, x_type: ValueType, out_type: ValueType) -> tuple[Any, Any]:
    """
    The thresholds (in the representation of *x_type*) and amounts of *scale*.

    For integer and money inputs thresholds are rounded up to the next whole
    unit (fen), which keeps ``threshold <= x`` exact.
    """
    thresholds: list[Any] = []
    for b in scale.brackets:
        if x_type is V.money:
            thresholds.append(math.ceil(b.threshold * 100))
        elif x_type is V.int:
            thresholds.append(math.ceil(b.threshold))
        else:
            thresholds.append(float(b.threshold))
    if out_type is V.money:
        amounts: list[Any] = [round_to_fen(b.amount) for b in scale.brackets]
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


def elapsed(d: Array, unit: str, a: dt.date) -> Array:
    """Whole years or months from each date of *d* to *a* (birthday-exact)."""
    y, m, day = ymd(d)
    if unit == "years":
        out: Array = a.year - y - ((a.month * 100 + a.day) < (m * 100 + day))
    else:
        out = (a.year - y) * 12 + (a.month - m) - (a.day < day)
    return out


COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}
