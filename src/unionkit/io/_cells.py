"""Turning one raw roster cell into a Member field value, or a reason it cannot be one."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from itertools import repeat

from attrs import frozen

from unionkit.errors import InvalidIdNumber
from unionkit.models import EmploymentType, HouseholdRole, MemberStatus, Sex
from unionkit.models.base import LabelledEnum, parse_bool
from unionkit.models.ids import MobileNumber, ResidentId
from unionkit.money import FEN

__all__ = ["Fail", "MoneyColumn", "NumberColumn", "cell_text", "converters"]


@frozen
class Fail:
    """Why a cell could not be converted: a code and the reason in both languages."""

    code: str
    zh: str
    en: str


Converter = Callable[[object], object]

_DATE_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:0{2}(?::0{2})?)?"
)
_COMPACT_DATE_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def cell_text(value: object) -> str:
    """
    Return a spreadsheet cell as the text a person would type.

    Whole numbers lose their ``.0`` (``1001.0`` -> ``"1001"``); other numbers keep the
    fifteen significant digits Excel shows (a formula's ``0.30000000000000004`` is the
    ``0.3`` the user sees); dates become ISO text.
    """
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # Excel computes and displays with 15 significant digits; the 16th and 17th of
        # a stored double are binary noise, not fen. Decimal keeps the text free of exponents.
        return format(Decimal(format(value, ".15g")), "f") if math.isfinite(value) else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _parse_date(raw: object) -> object:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)):
        return Fail(
            "invalid_date",
            "日期被存成了数字；请把该列设为“日期”格式或写成 2024-03-01",
            "the date is stored as a number; format the column as Date or write 2024-03-01",
        )
    text = str(raw).strip()
    if len(text) == 10 and text[4] == text[7] == "-" and text.isascii():
        # Most cells are ISO dates: read them in C; anything else takes the patterns below.
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    match = _DATE_RE.fullmatch(text) or _COMPACT_DATE_RE.fullmatch(text)
    if match is None:
        return Fail(
            "invalid_date",
            "无法识别的日期；请写成 2024-03-01、2024/3/1 或 2024年3月1日",
            "not a date; write it as 2024-03-01, 2024/3/1 or 2024年3月1日",
        )
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return Fail("invalid_date", "日期不存在（如2月30日）", "no such date (e.g. 30 February)")


class NumberColumn:
    """
    A personal-number converter that also converts a whole column at once.

    Calling it converts one cell (the number type's ``parse``); :meth:`many` converts a
    column's cells together (:meth:`ResidentId.parse_many`, :meth:`MobileNumber.parse_many`),
    with the same outcome cell for cell: the number, or a :class:`Fail` with the reason.

    Args:
        parse_many: The number type's batch parser.
        code: How an :class:`InvalidIdNumber` code becomes the cell's error code.
    """

    def __init__(
        self,
        parse: Callable[[object], object],
        parse_many: Callable[[Sequence[object]], Sequence[object]],
        code: Callable[[str], str],
        kind: type,
    ) -> None:
        # The numbers it makes need no further validation: the field's type returns them as
        # they are (see unionkit.models.columns.validate_rows, prepare).
        self.final = (kind,)
        self._parse = parse
        self._parse_many = parse_many
        self._code = code

    def __call__(self, raw: object) -> object:
        try:
            return self._parse(raw)
        except InvalidIdNumber as exc:
            return self._fail(exc)

    def _fail(self, exc: InvalidIdNumber) -> Fail:
        return Fail(self._code(exc.code), exc.message_zh, exc.message_en)

    def many(self, raws: Sequence[object]) -> list[object]:
        """Convert each of *raws*: the number, or a :class:`Fail`."""
        parsed = self._parse_many(raws)
        if not any(map(isinstance, parsed, repeat(InvalidIdNumber))):
            return list(parsed)
        return [self._fail(r) if isinstance(r, InvalidIdNumber) else r for r in parsed]


def _parse_id(today: date) -> NumberColumn:
    return NumberColumn(
        partial(ResidentId.parse, today=today),
        partial(ResidentId.parse_many, today=today),
        lambda code: code if code == "excel_number" else f"id_{code}",
        ResidentId,
    )


def _all_text(raws: Sequence[object]) -> bool:
    return set(map(type, raws)) <= {str}


def _spreadsheet_phones(raws: Sequence[object]) -> Sequence[object]:
    # A spreadsheet may keep a phone number as a number: read it as the digits shown.
    if _all_text(raws):
        return raws
    return [str(int(r)) if isinstance(r, float) and r.is_integer() else r for r in raws]


def _parse_phone() -> NumberColumn:
    return NumberColumn(
        lambda raw: MobileNumber.parse(_spreadsheet_phones([raw])[0]),
        lambda raws: MobileNumber.parse_many(_spreadsheet_phones(raws)),
        lambda code: f"phone_{code}",
        MobileNumber,
    )


class MoneyColumn:
    """
    Money cells read as the field's validation reads them, plain amounts a column at once.

    A cell of plain digits with at most two decimals and no sign (nearly every salary and
    income on a roster) becomes its exact ``Decimal`` in fen, as
    :func:`~unionkit.money.parse_nonnegative_yuan` makes it, by C-level passes over the
    column; every other cell is passed on as its text for the field's validation, which
    explains what is wrong with it.
    """

    final = (Decimal,)
    """Types of values that need no further validation (see ``validate_rows``' prepare)."""

    def __call__(self, raw: object) -> object:
        return self.many([raw])[0]

    def many(self, raws: Sequence[object]) -> list[object]:
        """Read each of *raws*: a ``Decimal`` for a plain amount, else the cell's text."""
        texts = list(map(str.strip if _all_text(raws) else cell_text, raws))  # type: ignore[arg-type]
        # One pattern over the joined column vouches for every cell at once; a column of
        # amounts all written with two decimals is already in fen as Decimal reads it.
        joined = _joined_lines(texts)
        if _IN_FEN.fullmatch(joined):
            return list(map(Decimal, texts))
        if _PLAIN_AMOUNTS.fullmatch(joined):
            return list(map(Decimal.quantize, map(Decimal, texts), repeat(FEN)))
        plain = list(map(_PLAIN_AMOUNT.fullmatch, texts))
        return [Decimal(t).quantize(FEN) if m else t for t, m in zip(texts, plain, strict=True)]


# parse_yuan's own fast shape, without a sign: a negative amount goes to the field's
# validation, which refuses it with its reason.
_AMOUNT = r"[0-9]{1,12}(?:\.[0-9]{1,2})?"
_PLAIN_AMOUNT = re.compile(_AMOUNT)
_PLAIN_AMOUNTS = re.compile(rf"{_AMOUNT}(?:\n{_AMOUNT})*")
_IN_FEN = re.compile(r"[0-9]{1,12}\.[0-9]{2}(?:\n[0-9]{1,12}\.[0-9]{2})*")


def _joined_lines(texts: list[str]) -> str:
    """The texts one to a line, for one pattern to vouch for them all; "" if any has a newline."""
    joined = "\n".join(texts)
    return joined if joined.count("\n") == len(texts) - 1 else ""


class DateColumn:
    """
    The date converter, which also reads a whole column of ISO dates at once.

    Calling it reads one cell (each distinct cell once); :meth:`many` reads a column's
    cells with the same outcome cell for cell: the date, or a :class:`Fail`.
    """

    def __init__(self) -> None:
        self._one = _cached(_parse_date)

    def __call__(self, raw: object) -> object:
        return self._one(raw)

    def many(self, raws: Sequence[object]) -> list[object]:
        """Read each of *raws*: a ``date``, or a :class:`Fail` saying why not."""
        # Nearly every cell of a CSV's date column is plain ISO text: when all are, one
        # pattern over the joined column vouches for them and the C parser reads them
        # (date.fromisoformat alone would also take week dates such as 2024-W01-1).
        if raws and _all_text(raws):
            texts = list(map(str.strip, raws))  # type: ignore[arg-type]
            if _ISO_DATES.fullmatch(_joined_lines(texts)):
                try:
                    return list(map(date.fromisoformat, texts))
                except ValueError:
                    pass  # a day that does not exist: each cell says which
        return list(map(self._one, raws))


_ISO_DATES = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:\n[0-9]{4}-[0-9]{2}-[0-9]{2})*")


def _cached(convert: Converter) -> Converter:
    # Dates, yes/no and choices repeat endlessly on a roster; parse each text once.
    cache: dict[object, object] = {}

    def lookup(raw: object) -> object:
        try:
            return cache[raw]
        except KeyError:
            value = cache[raw] = convert(raw)
            return value
        except TypeError:
            return convert(raw)

    return lookup


def _parse_flag(raw: object) -> object:
    try:
        return parse_bool(raw if isinstance(raw, (str, bool, int)) else cell_text(raw))
    except ValueError:
        return Fail("invalid_bool", "应为“是”或“否”", "expected yes or no (是/否)")


def _parse_choice(enum: type[LabelledEnum]) -> Converter:
    zh_choices = "、".join(m.label_zh for m in enum)
    en_choices = ", ".join(m.label_en for m in enum)

    def convert(raw: object) -> object:
        try:
            return enum(cell_text(raw))
        except ValueError:
            return Fail(
                "invalid_choice", f"应为以下之一：{zh_choices}", f"expected one of: {en_choices}"
            )

    return convert


def _as_text(raw: object) -> object:
    return cell_text(raw)


def converters(today: date) -> dict[str, Converter]:
    """
    Return a fresh converter per field that needs one; other fields take the text as is.

    Each converter returns the field's value, or a :class:`Fail`.
    """
    dates = DateColumn()
    return {
        "national_id": _parse_id(today),
        "phone": _parse_phone(),
        "birth_date": dates,
        "hire_date": dates,
        "is_member": _cached(_parse_flag),
        "frontline": _cached(_parse_flag),
        "serious_illness": _cached(_parse_flag),
        "sex": _cached(_parse_choice(Sex)),
        "household_role": _cached(_parse_choice(HouseholdRole)),
        "employment_type": _cached(_parse_choice(EmploymentType)),
        "status": _cached(_parse_choice(MemberStatus)),
        "sick_leave_days": _as_text,
        "monthly_salary": MoneyColumn(),
        "annual_income": MoneyColumn(),
        "rigid_spending": MoneyColumn(),
    }
