"""Reading input cells and columns into the engine's arrays: yes/no, numbers, fen, dates, text."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

import numpy as np

from unionkit.errors import RuleEvaluationError
from unionkit.labels import read_yes_no
from unionkit.money import floats_to_fen, parse_fen, round_to_fen
from unionkit.rules.schema import ValueType

__all__ = ["EPOCH", "MoneyUnit", "absent", "check_money_unit", "convert", "money_cell"]

V = ValueType
Array = np.ndarray[Any, Any]
EPOCH = np.datetime64("1970-01-01", "D")
"""The fill of a missing date (its mask says it is missing)."""

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


def money_cell(value: object, unit: MoneyUnit = "fen") -> int | None:
    """
    Convert one money cell to fen, or None when it is missing.

    An integer is fen, or whole yuan when *unit* is ``"yuan"``; a ``Decimal``
    or a float is yuan, rounded half up to the fen; a text (``"¥2,000.50"``) is
    yuan read as :func:`unionkit.money.parse_yuan` reads it (so a decimal comma,
    an exponent or a third decimal place is an error, not a different amount).
    """
    if absent(value):
        return None
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not money")
    if isinstance(value, int):
        return value * 100 if unit == "yuan" else value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return round_to_fen(value)
    if isinstance(value, float):
        return int(floats_to_fen(np.array([value]))[0])
    text = str(value)
    if not text.strip():
        return None
    # The same reading as roster cells: "8500,50" and "1e3" are errors, not 850,050 and 1,000.
    return parse_fen(text)


def _bool_cell(value: object) -> bool | None:
    if absent(value):
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
    if absent(value):
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
    if absent(value):
        return None
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not a number")
    if isinstance(value, str) and not value.strip():
        return None
    return float(value)  # type: ignore[arg-type]


def _date_cell(value: object) -> np.datetime64 | None:
    if absent(value):
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
    if absent(value):
        return None
    return str(value)


def _money_cell_yuan(value: object) -> int | None:
    return money_cell(value, "yuan")


_CELL: dict[ValueType, tuple[Callable[[object], Any], Any, Any]] = {
    V.bool: (_bool_cell, False, np.bool_),
    V.int: (_int_cell, 0, np.int64),
    V.number: (_number_cell, 0.0, np.float64),
    V.money: (money_cell, 0, np.int64),
    V.date: (_date_cell, EPOCH, "datetime64[D]"),
    V.text: (_text_cell, "", object),
}


def _slow(
    arr: Array, vtype: ValueType, column: str, unit: MoneyUnit = "fen"
) -> tuple[Array, Array | None]:
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


def absent(value: object) -> bool:
    """Whether a cell is missing: None, NaN, pandas' NA or NaT."""
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
        mask = np.fromiter((absent(v) for v in arr), dtype=bool, count=len(arr))
    return mask if mask.any() else None


def convert(
    arr: Any, vtype: ValueType, column: str, money_unit: MoneyUnit = "fen"
) -> tuple[Array, Array | None]:
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
    # numpy.ma is imported lazily and costs ~15 ms: only look at it for an ndarray subclass
    # (a masked array is one). Not "is numpy.ma in sys.modules": a test runner that restores
    # sys.modules (pytester) drops it while masked arrays made before still exist.
    if type(arr) is not np.ndarray and isinstance(arr, np.ndarray) and np.ma.isMaskedArray(arr):
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
                return floats_to_fen(np.where(mask, 0.0, a)), mask
            return floats_to_fen(a), None
        if kind == "O":
            money = _money_objects(a, money_unit)
            if money is not None:
                return money
    elif vtype is V.date:
        if kind == "M":
            d = a.astype("datetime64[D]", copy=False)
            mask = np.isnat(d)
            if mask.any():
                return np.where(mask, EPOCH, d), mask
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
            fen = [0 if d is None else round_to_fen(d) for d in cells]
            return np.array(fen, dtype=np.int64), missing
        if types <= {int}:
            ints = np.array([0 if c is None else c for c in cells], dtype=np.int64)
            return (ints * 100 if unit == "yuan" else ints), missing
        if types <= {float}:
            floats = np.array([np.nan if c is None else c for c in cells], dtype=np.float64)
            nan = np.isnan(floats)
            return floats_to_fen(np.where(nan, 0.0, floats)), (nan if nan.any() else None)
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
