"""Exact money: yuan as ``Decimal``, fen (分) as ``int``; reading, converting, formatting."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = [
    "FEN",
    "fen_to_yuan",
    "floats_to_fen",
    "format_fen",
    "format_yuan",
    "parse_fen",
    "parse_nonnegative_yuan",
    "parse_yuan",
    "round_to_fen",
    "round_yuan",
    "yuan_to_fen",
]

FEN = Decimal("0.01")
_YUAN_MAX = Decimal("999999999999.99")


def parse_yuan(value: object) -> Decimal:
    """
    Convert a money cell to exact ``Decimal`` yuan with two places.

    Accepts ``Decimal``, ``int``, text such as ``"5,000.50"``, ``"¥5000"`` or
    ``"5000元"``, and floats through their shortest text form (never binary
    arithmetic). More than two decimal places is an error, not a rounding; so are
    an exponent (``"1e3"``) and a comma that is not a thousands separator
    (``"8500,50"``), which would otherwise be read as a very different amount.

    Raises:
        ValueError: The value is not an amount of money.
    """
    if type(value) is str and _PLAIN_MONEY.fullmatch(value) is not None:
        # Nearly every roster cell: at most 12 digits and 2 decimals, so finite, in range
        # and in fen by construction; only the two places remain to be set.
        return Decimal(value).quantize(FEN)
    if isinstance(value, bool):
        raise ValueError("an amount of money cannot be a yes/no value / 金额不能是是/否")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        amount = _parse_money_text(value)
    else:
        raise ValueError("not an amount of money / 不是有效金额")
    if not amount.is_finite():
        raise ValueError("not a finite amount / 金额必须是有限数")
    if abs(amount) > _YUAN_MAX:
        raise ValueError("amount too large / 金额过大")
    in_fen = amount.quantize(FEN)
    if in_fen != amount:
        raise ValueError("more than two decimal places (fen) / 金额最多精确到分（两位小数）")
    return in_fen


_PLAIN_MONEY = re.compile(r"-?[0-9]{1,12}(?:\.[0-9]{1,2})?")
_MONEY_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_NOT_FINITE = frozenset({"nan", "inf", "infinity"})


def _parse_money_text(value: str) -> Decimal:
    if _PLAIN_MONEY.fullmatch(value) is not None:
        # Nearly every cell is plain digits: skip normalisation for them.
        return Decimal(value)
    text = unicodedata.normalize("NFKC", value).strip()
    for junk in ("¥", "元", "RMB", " "):
        text = text.replace(junk, "")
    if text.lstrip("+-").casefold() in _NOT_FINITE:
        raise ValueError("not a finite amount / 金额必须是有限数")
    if "e" in text.casefold():
        # Decimal reads "1e3" as 1000: in a salary cell it is a typo or a mangled export.
        raise ValueError(
            "not an amount of money in plain digits (no exponent such as 1e3) / "
            "金额应为普通数字，不能用科学计数法（如 1e3）"
        )
    if "," in text:
        # "8500,50" is a decimal comma, not 850,050 yuan: commas only as thousands separators.
        if _GROUPED.fullmatch(text) is None:
            raise ValueError(
                "not an amount of money: a comma may only separate thousands (5,000.50) / "
                "不是有效金额：逗号只能用作千位分隔符（如 5,000.50）"
            )
        text = text.replace(",", "")
    if _MONEY_TEXT.fullmatch(text) is None:
        raise ValueError("not an amount of money / 不是有效金额")
    return Decimal(text)


def round_yuan(amount: Decimal) -> Decimal:
    """Round *amount* to fen, half up (四舍五入), as union finance does."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def parse_nonnegative_yuan(value: object) -> Decimal:
    """Like :func:`parse_yuan`, and refuse a negative amount."""
    amount = parse_yuan(value)
    if amount < 0:
        raise ValueError("must not be negative / 不能为负数")
    return amount


def parse_fen(value: object) -> int:
    """Read *value* as :func:`parse_yuan` does and return it as whole fen."""
    return int(parse_yuan(value).scaleb(2))


def yuan_to_fen(amount: Decimal) -> int:
    """
    Return *amount* yuan as whole fen, exactly (``Decimal("8500.50")`` -> ``850050``).

    Raises:
        ValueError: The amount has a fraction of a fen.
    """
    # No quantize first: it would round 1.005 half-even to 1.00 and hide the extra place.
    fen = amount.scaleb(2)
    if fen != fen.to_integral_value():
        raise ValueError(f"amount {amount} has more than two decimal places / 金额最多精确到分")
    return int(fen)


def fen_to_yuan(fen: int) -> Decimal:
    """Return *fen* as exact ``Decimal`` yuan with two places (``850050`` -> ``8500.50``)."""
    return Decimal(int(fen)).scaleb(-2).quantize(FEN)


def format_fen(fen: int, *, grouping: bool = False) -> str:
    """
    Write an amount of fen as yuan with two decimals, exactly (``850050`` -> ``"8500.50"``).

    No unit; any size of integer is exact.

    Args:
        fen: The amount in fen (分).
        grouping: Put a thousands separator in the yuan (``"8,500.50"``), as printed
            summaries do; files keep plain numbers so that spreadsheets read them back
            as the same amount.

    Returns:
        The amount in yuan, as text with exactly two decimals.
    """
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}" if grouping else f"{sign}{whole}.{cents:02d}"


def format_yuan(amount: Decimal) -> str:
    """
    Write *amount* yuan with exactly two decimals (``Decimal("5")`` -> ``"5.00"``).

    Raises:
        ValueError: The amount has a fraction of a fen.
    """
    return format_fen(yuan_to_fen(amount))


def round_to_fen(amount: Decimal) -> int:
    """*amount* yuan as whole fen, rounded half up (四舍五入) past the second place."""
    return int(amount.scaleb(2).to_integral_value(ROUND_HALF_UP))


def floats_to_fen(values: Any) -> Any:
    """
    Round an array of float yuan to ``int64`` fen, half up (四舍五入) on the decimal value.

    Binary noise such as ``1.005 * 100 == 100.49999999999999`` is absorbed
    (a tolerance of a millionth of a fen) so that the amount a person typed
    is rounded as written. numpy is imported only when this is called.
    """
    import numpy as np

    y = np.asarray(values, dtype=np.float64) * 100.0
    negative = bool(len(y)) and bool(y.min() < 0)
    a = np.abs(y) if negative else y
    f = np.floor(a)
    frac = np.subtract(a, f, out=a if not negative else None)
    f += frac >= 0.5 - 1e-6
    if negative:
        np.copysign(f, y, out=f)
    return f.astype(np.int64)
