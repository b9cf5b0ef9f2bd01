"""Personal identifiers (resident ID numbers, mobile numbers) that never print whole."""

from __future__ import annotations

import abc
import functools
import logging
import operator
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from itertools import compress, count, repeat
from typing import Any, ClassVar, Literal, Self, TypeVar, cast

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from unionkit.errors import InvalidIdNumber
from unionkit.masking import (
    ID_KEEP,
    MOBILE_KEEP,
    mask_name,
    mask_raw,
    mask_text,
    scrub,
)

__all__ = [
    "MaskingFilter",
    "MobileNumber",
    "PersonalNumber",
    "ResidentId",
    "SexCode",
    "birth_dates",
    "id_check_digit",
    "mask_name",
    "mask_raw",
    "mask_text",
    "masked_all",
    "reveal_all",
    "scrub",
]

SexCode = Literal["male", "female"]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ASCII_OFFSET = ord("0") * sum(_WEIGHTS)
# GB/T 2260 province-level codes, plus 71 (Taiwan), 81/82/83 (residence permits of
# Hong Kong, Macau and Taiwan residents) and 9x (2023 foreigner permanent residence).
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
    | set(range(91, 100))
)
_MAX_AGE_YEARS = 120
_N = TypeVar("_N", bound="PersonalNumber")


def _normalise(raw: str) -> str:
    # HR exports carry full-width digits, the ideographic space and stray separators.
    if raw.isalnum() and raw.isascii():
        return raw.upper()
    text = unicodedata.normalize("NFKC", raw).strip().replace(" ", "").replace("-", "")
    return text.upper()


def _excel_number_error() -> InvalidIdNumber:
    return InvalidIdNumber(
        "excel_number",
        "身份证号疑似被 Excel 当作数字保存（科学计数法或末三位变为000）；请把该列设为“文本”格式",
        "the ID number looks like an Excel number (scientific notation, or last digits "
        "turned to 000); format the ID column as Text",
    )


@functools.lru_cache(maxsize=65536)
def _yyyymmdd(text: str) -> date | None:
    # A roster's birth dates repeat (tens of thousands of distinct days for a million
    # people): parse each once.
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def id_check_digit(first17: str) -> str:
    """
    Return the GB 11643-1999 (ISO 7064 MOD 11-2) check character for 17 digits.

    Args:
        first17: The first seventeen digits of an 18-digit resident ID number.

    Returns:
        ``"0"``–``"9"`` or ``"X"``.
    """
    if len(first17) != 17 or not first17.isdigit():
        raise InvalidIdNumber(
            "format", "需要17位数字才能计算校验码", "need 17 digits to compute a check digit"
        )
    if first17.isascii():
        # Byte values of ASCII digits are the digits plus 48: one C-level pass, no int().
        total = sum(map(operator.mul, first17.encode(), _WEIGHTS)) - _ASCII_OFFSET
    else:
        total = sum(map(operator.mul, map(int, first17), _WEIGHTS))
    return _CHECK_CHARS[total % 11]


class PersonalNumber(abc.ABC):
    """
    A validated personal number that prints masked and is revealed only on request.

    Subclasses say how to parse and how much of the number a mask keeps.
    """

    __slots__ = ("_value",)
    _keep: ClassVar[tuple[int, int]]
    _schema: ClassVar[dict[str, Any]]

    def __init__(self, value: str) -> None:
        self._value = value

    @classmethod
    @abc.abstractmethod
    def parse(cls, raw: object) -> Self:
        """Validate *raw* and return the number, or raise :class:`InvalidIdNumber`."""

    def reveal(self) -> str:
        """Return the full number. Call only where it is needed (export, joins, contact)."""
        return self._value

    @property
    def masked(self) -> str:
        """The number with its middle hidden."""
        return mask_text(self._value, *self._keep)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.masked!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, PersonalNumber)
            and type(other) is type(self)
            and other._value == self._value
        )

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._value))

    @classmethod
    def _validate(cls, value: object) -> Self:
        try:
            return cls.parse(value)
        except InvalidIdNumber as exc:
            # pydantic puts ValueError text in its error; ours is already free of the number.
            raise ValueError(str(exc)) from exc

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                _serialise_pii, info_arg=True
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", **cls._schema}


class ResidentId(PersonalNumber):
    """
    An 18-digit Chinese resident identity number (居民身份证号), validated and masked.

    ``str()``, ``repr()``, f-strings and logging show the masked form
    (``1101**********1234``); :meth:`reveal` is the only way to the full number.
    Region, birth date and sex are derived from the number.
    """

    __slots__ = ("_born",)
    _born: date  # kept from parse(): every roster row's cross-checks read it
    _keep = ID_KEEP
    _schema: ClassVar[dict[str, Any]] = {
        "minLength": 15,
        "maxLength": 18,
        "title": "Resident ID / 居民身份证号",
        "description": "18-digit GB 11643 number; serialised masked unless "
        "context={'reveal_pii': True}",
    }

    @classmethod
    def parse(
        cls,
        raw: object,
        *,
        legacy: Literal["convert", "reject"] = "convert",
        today: date | None = None,
    ) -> Self:
        """
        Validate *raw* and return a :class:`ResidentId`.

        Args:
            raw: The number as text (full-width digits, spaces and a lower-case ``x``
                are accepted). Numbers are refused: Excel has already lost digits.
            legacy: What to do with a 15-digit number issued before 1999: convert it to
                18 digits (the century is 19) or reject it.
            today: The date against which a future birth date is judged.

        Raises:
            InvalidIdNumber: With a ``code`` of ``format``, ``excel_number``,
                ``legacy``, ``region``, ``birth_date`` or ``checksum``.
        """
        if type(raw) is not str:  # text first: a roster holds a million of them
            if isinstance(raw, cls):
                return raw
            if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
                raise InvalidIdNumber("format", "身份证号必须是文本", "an ID number must be text")
            if isinstance(raw, (int, float)):
                raise _excel_number_error()
        text = _normalise(raw)
        if "E+" in text:
            raise _excel_number_error()
        if len(text) == 15 and text.isdigit():
            if legacy == "reject":
                raise InvalidIdNumber(
                    "legacy",
                    "15位旧身份证号不被接受，请提供18位号码",
                    "15-digit legacy ID numbers are not accepted; give the 18-digit number",
                )
            body = text[:6] + "19" + text[6:]
            text = body + id_check_digit(body)
        if len(text) != 18 or not text[:17].isdigit() or text[17] not in "0123456789X":
            raise InvalidIdNumber(
                "format",
                f"身份证号应为18位（17位数字加校验位），实际为{len(text)}位",
                f"an ID number has 18 characters (17 digits and a check character), "
                f"got {len(text)}",
            )
        if int(text[:2]) not in _PROVINCES:
            raise InvalidIdNumber(
                "region",
                f"身份证号的地区码 {text[:2]} 不存在",
                f"region code {text[:2]} does not exist",
            )
        born = _yyyymmdd(text[6:14])
        if born is None:
            raise InvalidIdNumber(
                "birth_date",
                "身份证号中的出生日期不存在",
                "the birth date inside the ID number is not a real date",
            )
        ref = today or date.today()
        if born > ref:
            raise InvalidIdNumber(
                "birth_date",
                "身份证号中的出生日期在未来",
                "the birth date inside the ID number is in the future",
            )
        if ref.year - born.year > _MAX_AGE_YEARS:
            raise InvalidIdNumber(
                "birth_date",
                f"身份证号中的出生年份 {born.year} 早于{_MAX_AGE_YEARS}年前",
                f"the birth year {born.year} is more than {_MAX_AGE_YEARS} years ago",
            )
        if id_check_digit(text[:17]) != text[17]:
            if text.endswith("000"):
                # Excel keeps 15 significant digits: a long number comes back ending in 000.
                raise _excel_number_error()
            raise InvalidIdNumber(
                "checksum",
                "身份证号校验位不正确（若来自 Excel，请把该列设为“文本”格式）",
                "the ID number's check digit is wrong (if it came from Excel, "
                "format the ID column as Text)",
            )
        number = cls(text)
        number._born = born
        return number

    @classmethod
    def parse_many(
        cls, raws: Sequence[object], *, today: date | None = None
    ) -> list[Self | InvalidIdNumber]:
        """
        Validate many numbers at once: what :meth:`parse` returns or raises, for each.

        The common shape (18 ASCII characters: 17 digits and a digit or ``X``) is checked
        for region, birth date, age and check digit with numpy over the whole batch;
        every other value, and every value that fails there, goes through :meth:`parse`
        itself, so the outcome and the error are always :meth:`parse`'s.

        Args:
            raws: The values as read.
            today: The date against which a future birth date is judged.

        Returns:
            For each value, the number or the :class:`InvalidIdNumber` :meth:`parse` raised.
        """
        ref = today or date.today()
        out: list[Self | InvalidIdNumber | None] = [None] * len(raws)
        fast, texts = _fixed_width_ascii(raws, 18)
        if fast:
            import numpy as np

            digits = _digit_matrix(texts, 18)
            ok = (digits[:, :17] <= 9).all(axis=1)
            last = digits[:, 17]
            ok &= (last <= 9) | (last == ord("X") - ord("0"))
            body = np.where(digits[:, :17] <= 9, digits[:, :17], 0).astype(np.int64)
            ok &= np.isin(body[:, 0] * 10 + body[:, 1], np.array(sorted(_PROVINCES)))
            check = np.frombuffer(_CHECK_CHARS.encode("ascii"), np.uint8)[
                (body @ np.array(_WEIGHTS, np.int64)) % 11
            ]
            ok &= check == last + ord("0")
            born, real = _dates_from_digits(body[:, 6:14])
            ok &= real & (born <= np.datetime64(ref, "D"))
            ok &= ref.year - (body[:, 6:10] @ np.array([1000, 100, 10, 1])) <= _MAX_AGE_YEARS
            good = np.flatnonzero(ok)
            numbers = _place(out, fast, good.tolist(), texts, cls)
            # Day numbers to dates by C-level passes (astype(object) makes them one by one).
            days = map(date.fromordinal, (born[good].astype(np.int64) + _EPOCH_ORDINAL).tolist())
            deque(map(_BORN_SLOT.__set__, numbers, days), maxlen=0)
        return _parse_rest(out, raws, functools.partial(cls.parse, today=ref))

    @property
    def region_code(self) -> str:
        """The six-digit administrative division code of the issuing place."""
        return self._value[:6]

    @property
    def birth_date(self) -> date:
        """The birth date encoded in the number."""
        try:
            return self._born
        except AttributeError:
            born = _yyyymmdd(self._value[6:14])
            assert born is not None  # checked by parse()
            self._born = born
            return born

    @property
    def sex(self) -> SexCode:
        """The sex encoded in the 17th digit (odd: male)."""
        return "male" if int(self._value[16]) % 2 else "female"


class MobileNumber(PersonalNumber):
    """
    A mainland China mobile number (手机号), stored as 11 digits, shown masked (``138****8000``).

    :meth:`reveal` returns the full national number; :attr:`e164` the ``+86`` form.
    """

    __slots__ = ()
    _keep = MOBILE_KEEP
    _schema: ClassVar[dict[str, Any]] = {
        "title": "Mobile number / 手机号",
        "description": "11-digit mainland mobile number; serialised masked unless "
        "context={'reveal_pii': True}",
    }

    @classmethod
    def parse(cls, raw: object) -> Self:
        """
        Validate *raw* as a mainland China mobile number.

        ``+86``/``0086`` prefixes, spaces and dashes are accepted.

        Raises:
            InvalidIdNumber: With ``code`` ``format`` or ``not_mobile``.
        """
        if isinstance(raw, cls):
            return raw
        if not isinstance(raw, str):
            raise InvalidIdNumber("format", "手机号必须是文本", "a mobile number must be text")
        text = _normalise(raw)
        if text.startswith("+86"):
            text = text[3:]
        elif text.startswith("0086"):
            text = text[4:]
        if not text.isdigit():
            raise InvalidIdNumber(
                "format", "手机号只能包含数字", "a mobile number contains digits only"
            )
        if len(text) != 11 or not text.startswith("1"):
            raise InvalidIdNumber(
                "not_mobile",
                f"手机号应为以1开头的11位数字，实际为{len(text)}位",
                f"a mobile number has 11 digits starting with 1, got {len(text)} digits",
            )
        if not _is_assigned_mobile(text):
            raise InvalidIdNumber(
                "not_mobile",
                f"号段 {text[:3]} 不是有效的手机号段",
                f"prefix {text[:3]} is not an assigned mobile range",
            )
        return cls(text)

    @classmethod
    def parse_many(cls, raws: Sequence[object]) -> list[Self | InvalidIdNumber]:
        """
        Validate many numbers at once: what :meth:`parse` returns or raises, for each.

        Plain 11-digit numbers starting with 1 are checked with numpy, each four-digit
        range judged once (as :meth:`parse` judges it); every other value, and every
        number whose range is not plainly mobile, goes through :meth:`parse` itself.

        Returns:
            For each value, the number or the :class:`InvalidIdNumber` :meth:`parse` raised.
        """
        out: list[Self | InvalidIdNumber | None] = [None] * len(raws)
        fast, texts = _fixed_width_ascii(raws, 11)
        if fast:
            import numpy as np

            digits = _digit_matrix(texts, 11)
            ok = (digits <= 9).all(axis=1) & (digits[:, 0] == 1)
            ranges = np.where(ok, digits[:, :4].astype(np.int64) @ np.array([1000, 100, 10, 1]), 0)
            ok &= _plainly_mobile(ranges)
            _place(out, fast, np.flatnonzero(ok).tolist(), texts, cls)
        return _parse_rest(out, raws, cls.parse)

    @property
    def e164(self) -> str:
        """The number in E.164 form, ``+86`` and 11 digits."""
        return "+86" + self._value


_RANGE_SAMPLES = ("0000000", "1234567", "3141592", "5555555", "7654321", "9999999")
_range_verdicts: dict[str, bool | None] = {}


def _phonenumbers_says_mobile(number: str) -> bool:
    # Imported here: phonenumbers' metadata costs ~30 ms and most runs never need it.
    import phonenumbers

    parsed = phonenumbers.parse(number, "CN")
    return phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def _range_verdict(prefix: str) -> bool | None:
    # A full libphonenumber check costs ~30 us; a roster repeats a few hundred 4-digit ranges,
    # so judge each range once from sample numbers: None for ranges whose samples disagree
    # (e.g. 1740, split between satellite and mobile), whose numbers are checked one by one.
    if prefix not in _range_verdicts:
        votes = {_phonenumbers_says_mobile(prefix + tail) for tail in _RANGE_SAMPLES}
        _range_verdicts[prefix] = votes.pop() if len(votes) == 1 else None
    return _range_verdicts[prefix]


@functools.cache
def _range_table() -> Any:
    """Each four-digit range's verdict so far: 0 not judged yet, 1 mobile, 2 anything else."""
    import numpy as np

    # No mobile number starts with 0 or 2-9: only 1000-1999 are ever judged.
    table = np.full(10_000, 2, np.int8)
    table[1000:2000] = 0
    return table


def _plainly_mobile(ranges: Any) -> Any:
    """Whether each four-digit range (an array) is plainly mobile (see :func:`_range_verdict`)."""
    import numpy as np

    table = _range_table()
    for r in np.unique(ranges[table[ranges] == 0]).tolist():
        table[r] = 1 if _range_verdict(str(r)) is True else 2
    return table[ranges] == 1


def _is_assigned_mobile(number: str) -> bool:
    verdict = _range_verdict(number[:4])
    return _phonenumbers_says_mobile(number) if verdict is None else verdict


_BORN_SLOT: Any = ResidentId.__dict__["_born"]
_VALUE_SLOT: Any = PersonalNumber.__dict__["_value"]


def reveal_all(numbers: Iterable[PersonalNumber]) -> list[str]:
    """
    The full numbers of many personal numbers, as :meth:`PersonalNumber.reveal` gives each.

    Read by one C-level pass: a roster's columns hold a hundred thousand of them.
    """
    return list(map(_VALUE_SLOT.__get__, numbers))


def masked_all(numbers: Sequence[PersonalNumber]) -> list[str]:
    """
    The masked form of many personal numbers, as :attr:`PersonalNumber.masked` gives each.

    A column holds numbers of one type: their shared ``_keep`` is read once.
    """
    if not numbers:
        return []
    keep = numbers[0]._keep
    if all(map(operator.is_, map(operator.attrgetter("_keep"), numbers), repeat(keep))):
        return list(map(mask_text, reveal_all(numbers), repeat(keep[0]), repeat(keep[1])))
    return [number.masked for number in numbers]


def birth_dates(numbers: Sequence[ResidentId]) -> list[date]:
    """The birth date of each resident ID number, as :attr:`ResidentId.birth_date` gives it."""
    try:
        return list(map(_BORN_SLOT.__get__, numbers))
    except AttributeError:  # a number made without parse(): worked out from its digits
        return [number.birth_date for number in numbers]


def _instances(cls: type[_N], texts: list[str]) -> list[_N]:
    # Numbers already validated: made without running __init__ per value (C-level passes).
    numbers = list(map(cls.__new__, repeat(cls, len(texts))))
    deque(map(_VALUE_SLOT.__set__, numbers, texts), maxlen=0)
    return numbers


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _place(
    out: list[Any], fast: list[int], good: list[int], texts: list[str], cls: type[_N]
) -> list[_N]:
    """Put a number made from ``texts[k]`` at ``out[fast[k]]`` for each *good* k; return them."""
    numbers = _instances(cls, list(map(texts.__getitem__, good)))
    deque(map(out.__setitem__, map(fast.__getitem__, good), numbers), maxlen=0)
    return numbers


def _parse_rest(
    out: list[Any], raws: Sequence[object], parse: Callable[[object], PersonalNumber]
) -> list[Any]:
    """Fill each ``None`` left in *out* with ``parse(raw)``, or the error it raised."""
    for i in compress(count(), map(operator.is_, out, repeat(None))):
        try:
            out[i] = parse(raws[i])
        except InvalidIdNumber as exc:
            out[i] = exc
    return out


def _fixed_width_ascii(raws: Sequence[object], width: int) -> tuple[list[int], list[str]]:
    """The positions and texts of the values that are text of *width* ASCII characters."""
    if not set(map(type, raws)) <= {str}:
        picked = [
            (i, raw)
            for i, raw in enumerate(raws)
            if type(raw) is str and len(raw) == width and raw.isascii()
        ]
        return [i for i, _ in picked], [raw for _, raw in picked]
    import numpy as np

    texts = cast(Sequence[str], raws)
    # All text (a CSV column): lengths and ASCII checked in C, cell by cell only if needed.
    lengths = np.fromiter(map(len, texts), np.intp, len(texts))
    fits = lengths == width
    if fits.all():
        where, chosen = list(range(len(texts))), list(texts)
    else:
        where = np.flatnonzero(fits).tolist()
        chosen = list(map(texts.__getitem__, where))
    if "".join(chosen).isascii():
        return where, chosen
    kept = [k for k, text in enumerate(chosen) if text.isascii()]
    return [where[k] for k in kept], [chosen[k] for k in kept]


def _digit_matrix(texts: list[str], width: int) -> Any:
    """An array of each text's characters minus ``"0"`` (digits 0-9; anything else above 9)."""
    import numpy as np

    data = np.frombuffer("".join(texts).encode("ascii"), np.uint8).reshape(len(texts), width)
    return data - np.uint8(ord("0"))  # wraps: characters below "0" come out above 9 too


def _dates_from_digits(digits: Any) -> tuple[Any, Any]:
    """Dates from rows of eight digits (``YYYYMMDD``), and whether each is a real date."""
    import numpy as np

    year = digits[:, 0:4] @ np.array([1000, 100, 10, 1])
    month = digits[:, 4] * 10 + digits[:, 5]
    day = digits[:, 6] * 10 + digits[:, 7]
    first = (year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + np.clip(
        month - 1, 0, 11
    ).astype("timedelta64[M]")
    dates = first.astype("datetime64[D]") + (day - 1).astype("timedelta64[D]")
    # A day past the month's end rolls into the next month: not a real date.
    real = (month >= 1) & (month <= 12) & (day >= 1) & (dates.astype("datetime64[M]") == first)
    return dates, real


def _serialise_pii(value: PersonalNumber, info: Any) -> str:
    context = getattr(info, "context", None)
    if isinstance(context, dict) and context.get("reveal_pii"):
        return value.reveal()
    return value.masked


class MaskingFilter(logging.Filter):
    """
    A logging filter that masks resident IDs and mobile numbers in every record.

    Install it on a handler (``handler.addFilter(MaskingFilter())``) so that a
    number passed by mistake to a log call never reaches the log whole.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with personal numbers masked; always keep it."""
        message = record.getMessage()
        masked = scrub(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
