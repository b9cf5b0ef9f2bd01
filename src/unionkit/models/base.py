"""Building blocks shared by every model: bilingual labels, exact money, labelled enums."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo

from unionkit.labels import LabelledEnum

__all__ = [
    "FEN",
    "LabelledEnum",
    "NonNegativeYuan",
    "UnionModel",
    "Yuan",
    "field_labels",
    "labelled",
    "parse_bool",
    "parse_nonnegative_yuan",
    "parse_yuan",
    "round_yuan",
    "today_from",
]

FEN = Decimal("0.01")
_YUAN_MAX = Decimal("999999999999.99")

_TRUE = frozenset({"1", "true", "yes", "y", "t", "是", "有", "对", "√", "✓"})
_FALSE = frozenset({"0", "false", "no", "n", "f", "否", "无", "没有", "×", ""})


def labelled(zh: str, en: str, **kwargs: Any) -> Any:
    """
    Return a pydantic ``Field`` carrying a Chinese and an English label.

    The English label becomes the JSON Schema ``title``; both appear as
    ``x-label-zh`` / ``x-label-en`` so forms and reports can show either.
    """
    extra = dict(kwargs.pop("json_schema_extra", None) or {})
    extra.update({"x-label-zh": zh, "x-label-en": en})
    return Field(title=en, description=kwargs.pop("description", f"{zh} / {en}"),
                 json_schema_extra=extra, **kwargs)


def field_labels(model: type[BaseModel]) -> dict[str, tuple[str, str]]:
    """Return ``{field name: (zh label, en label)}`` for every labelled field of *model*."""
    out: dict[str, tuple[str, str]] = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict):
            zh, en = extra.get("x-label-zh"), extra.get("x-label-en")
            if isinstance(zh, str) and isinstance(en, str):
                out[name] = (zh, en)
    return out


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


def parse_bool(value: object) -> bool:
    """Read a yes/no cell: ``是``/``否``, ``true``/``false``, ``1``/``0``, ``√`` …"""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        key = unicodedata.normalize("NFKC", value).strip().casefold()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    raise ValueError("expected yes or no (是/否) / 应为“是”或“否”")


def parse_nonnegative_yuan(value: object) -> Decimal:
    """Like :func:`parse_yuan`, and refuse a negative amount."""
    amount = parse_yuan(value)
    if amount < 0:
        raise ValueError("must not be negative / 不能为负数")
    return amount


Yuan = Annotated[Decimal, BeforeValidator(parse_yuan)]
"""Exact money in yuan, two decimal places; never a float."""

NonNegativeYuan = Annotated[Decimal, BeforeValidator(parse_nonnegative_yuan)]
"""Exact money in yuan that cannot be negative (salaries, incomes)."""


def today_from(info: ValidationInfo) -> date:
    """The reference date for validation: ``context={"today": date}`` or the real today."""
    ctx = info.context
    if isinstance(ctx, dict):
        today = ctx.get("today")
        if isinstance(today, date):
            return today
    return date.today()


class UnionModel(BaseModel):
    """Base of every unionkit model: unknown fields are errors, text is stripped."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        frozen=True,
        populate_by_name=True,
        use_enum_values=False,
        # pydantic echoes the raw input in its errors; ours may be an ID number.
        hide_input_in_errors=True,
    )
