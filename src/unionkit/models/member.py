"""Members (会员/职工) and the relatives that make up their households."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from itertools import compress, repeat
from operator import and_, is_, is_not, itemgetter, not_
from typing import Annotated, Any, Self, TypeVar

from attrs import frozen
from pydantic import AfterValidator, BeforeValidator, ValidationInfo, model_validator

from unionkit.models.base import (
    LabelledEnum,
    NonNegativeYuan,
    Privacy,
    UnionModel,
    control_character_message,
    labelled,
    parse_bool,
    today_from,
)
from unionkit.models.columns import FieldColumn, TrustedBuilder
from unionkit.models.ids import MobileNumber, ResidentId, birth_dates, mask_name, reveal_all

__all__ = [
    "EmploymentType",
    "HouseholdRole",
    "Inconsistency",
    "Member",
    "MemberStatus",
    "Sex",
    "blank_cells",
    "consistency_by_row",
    "consistency_problems",
    "derived_birth_dates",
    "derived_sexes",
    "member_columns",
]

MIN_WORKING_AGE = 16

Flag = Annotated[bool, BeforeValidator(parse_bool)]


def _month_end(value: object) -> object:
    # Dues are paid by the month: "2026-10" (or 2026年10月, or any day in it) means the
    # whole of October 2026 is paid, so the stored date is that month's last day.
    if isinstance(value, str):
        text = value.strip().replace("年", "-").replace("月", "").replace("/", "-")
        parts = text.split("-")
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            value = date(int(parts[0]), int(parts[1]), 1)
        else:
            try:
                value = date.fromisoformat(text)
            except ValueError:
                return value
    if isinstance(value, date):
        following = date(value.year + value.month // 12, value.month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    return value


def blank_cells(values: Iterable[object]) -> list[bool]:
    """
    Say for each value whether it counts as not given: empty or all-whitespace text.

    Spreadsheets leave empty cells as ``""``; a member row and a roster column alike
    treat them as missing (the field's default applies).

    .. versionadded:: 0.1.0
    """
    cells = values if isinstance(values, (list, tuple)) else list(values)
    try:
        # All text (a CSV column): the same test in C, nothing left once stripped (strip
        # removes exactly the characters isspace() calls whitespace; a cell without
        # surrounding whitespace comes back as itself, uncopied).
        return list(map(not_, map(str.strip, cells)))
    except TypeError:
        return [isinstance(v, str) and (not v or v.isspace()) for v in cells]


# Field rules live in the field's type (not in @field_validator) so that validating a
# whole roster column (unionkit.models.columns.FieldColumn) applies them too.
def _born_in_the_past(value: date, info: ValidationInfo) -> date:
    today = today_from(info)
    if value > today:
        raise ValueError("birth date is in the future / 出生日期在未来")
    if today.year - value.year > 120:
        raise ValueError("birth date more than 120 years ago / 出生日期早于120年前")
    return value


def _hired_in_the_past(value: date, info: ValidationInfo) -> date:
    if value > today_from(info):
        raise ValueError("hire date is in the future / 入职日期在未来")
    return value


BirthDate = Annotated[date, AfterValidator(_born_in_the_past)]
HireDate = Annotated[date, AfterValidator(_hired_in_the_past)]


class Sex(LabelledEnum):
    """Sex as recorded by HR (性别)."""

    MALE = "male", "男", "male"
    FEMALE = "female", "女", "female"


class EmploymentType(LabelledEnum):
    """How the person is employed (用工性质)."""

    PERMANENT = "permanent", "在编", "permanent"
    CONTRACT = "contract", "合同制", "contract"
    DISPATCHED = "dispatched", "劳务派遣", "dispatched"
    MIGRANT = "migrant", "农民工", "migrant worker"
    RETIRED = "retired", "退休", "retired"


class MemberStatus(LabelledEnum):
    """Whether the member is active in the union (会籍状态)."""

    ACTIVE = "active", "在册", "active"
    SUSPENDED = "suspended", "暂停", "suspended"
    LEFT = "left", "已转出", "left"


class HouseholdRole(LabelledEnum):
    """A person's place in a household (家庭角色)."""

    LEADER = "leader", "户主", "leader"
    MEMBER = "member", "职工", "member"
    RELATIVE = "relative", "家属", "relative"


@frozen
class Inconsistency:
    """
    Two of a member's facts that cannot both be true.

    Args:
        code: ``birth_date_mismatch``, ``sex_mismatch`` or ``hire_before_16``.
        field: The field reported as wrong (the ID number is taken as the reference).
        message_zh: The reason in Chinese.
        message_en: The reason in English.
    """

    code: str
    field: str
    message_zh: str
    message_en: str


def consistency_problems(
    *,
    national_id: ResidentId | None,
    birth_date: date | None,
    sex: Sex | None,
    hire_date: date | None,
) -> list[Inconsistency]:
    """
    Return every disagreement between a member's ID number, birth date, sex and hire date.

    :class:`Member` refuses a record with any of them; the roster reader calls this
    directly so that a row with another bad cell still gets these reported too.
    Pass ``None`` for a fact that is missing or itself invalid.

    Args:
        national_id: The resident ID number.
        birth_date: The stated birth date.
        sex: The stated sex.
        hire_date: The hire date.

    Returns:
        The problems found, in a fixed order; empty when the facts agree.

    .. versionadded:: 0.1.0
    """
    return _problems(national_id, birth_date, sex, hire_date)


def _problems(
    national_id: ResidentId | None,
    birth_date: date | None,
    sex: Sex | None,
    hire_date: date | None,
) -> list[Inconsistency]:
    found: list[Inconsistency] = []
    if national_id is not None:
        if birth_date is not None and birth_date != national_id.birth_date:
            found.append(
                Inconsistency(
                    "birth_date_mismatch",
                    "birth_date",
                    "出生日期与身份证号中的出生日期不一致",
                    "birth_date disagrees with the birth date in the ID number",
                )
            )
        if sex is not None and sex.value != national_id.sex:
            found.append(
                Inconsistency(
                    "sex_mismatch",
                    "sex",
                    "性别与身份证号不一致",
                    "sex disagrees with the ID number",
                )
            )
    born = birth_date or (national_id.birth_date if national_id is not None else None)
    if (
        born is not None
        and hire_date is not None
        and _years_between(born, hire_date) < (MIN_WORKING_AGE)
    ):
        found.append(
            Inconsistency(
                "hire_before_16",
                "hire_date",
                f"入职时未满{MIN_WORKING_AGE}周岁",
                f"hired before age {MIN_WORKING_AGE}",
            )
        )
    return found


def control_character_problem(field: str, where: str) -> Inconsistency:
    """
    The problem of a cell holding a control character, worded as the model refuses it.

    .. versionadded:: 0.2.0
    """
    en, zh = control_character_message(field, where)
    return Inconsistency("control_character", field, zh, en)


def consistency_by_row(columns: Mapping[str, Sequence[Any]]) -> dict[int, list[Inconsistency]]:
    """
    Apply :func:`consistency_problems` to every row of a roster given as columns.

    Args:
        columns: Validated ``national_id``, ``birth_date``, ``sex`` and ``hire_date``
            columns, ``None`` where a value is missing or invalid; a field without a
            column is missing in every row.

    Returns:
        ``{row index: problems}`` for the rows with any.

    .. versionadded:: 0.1.0
    """
    n = max((len(c) for c in columns.values()), default=0)
    none = [None] * n
    nids, births, sexes, hires = (
        columns.get(f, none) for f in ("national_id", "birth_date", "sex", "hire_date")
    )
    found: dict[int, list[Inconsistency]] = {}
    # The rule is _problems; numpy only narrows down the rows it has to look at.
    for j in _rows_to_check(nids, births, sexes, hires):
        problems = _problems(nids[j], births[j], sexes[j], hires[j])
        if problems:
            found[j] = problems
    return found


def _rows_to_check(
    nids: Sequence[Any], births: Sequence[Any], sexes: Sequence[Any], hires: Sequence[Any]
) -> list[int]:
    """The rows that may break :func:`_problems`' rules (more, never fewer), found by numpy."""
    import numpy as np

    n = len(nids)
    has_id = list(map(is_not, nids, repeat(None)))
    id_born = np.full(n, -1, np.int64)
    id_sex = np.full(n, -1, np.int8)
    if any(has_id):
        given = np.array(has_id, bool)
        numbers = list(compress(nids, has_id))
        # The numbers' own fields, read by C-level passes (the properties run Python code):
        # the birth date parse() kept, and the 17th digit, odd for a man.
        id_born[given] = np.fromiter(map(date.toordinal, birth_dates(numbers)), np.int64)
        id_sex[given] = _sex_digits(reveal_all(numbers))
    stated = _day_numbers(births)
    code = {Sex.FEMALE: 0, Sex.MALE: 1}
    sex = np.fromiter(map(code.get, sexes, repeat(-1)), np.int8, n)
    hired = _day_numbers(hires)
    suspect = (stated >= 0) & (id_born >= 0) & (stated != id_born)
    suspect |= (sex >= 0) & (id_sex >= 0) & (sex != id_sex)
    born = np.where(stated >= 0, stated, id_born)
    # Sixteen years are at most 16 * 366 days: rows hired later than that are surely fine.
    suspect |= (hired >= 0) & (born >= 0) & (hired - born < MIN_WORKING_AGE * 366)
    rows: list[int] = np.flatnonzero(suspect).tolist()
    return rows


_ODD = {str(d): d % 2 for d in range(10)}


def _sex_digits(numbers: list[str]) -> Any:
    """The parity of each 18-character number's 17th digit (1 for a man), as an array."""
    import numpy as np

    joined = "".join(numbers)
    if len(joined) == 18 * len(numbers) and joined.isascii():
        table = np.frombuffer(joined.encode("ascii"), np.uint8).reshape(len(numbers), 18)
        return (table[:, 16] & 1).astype(np.int8)  # "0" is 48: ASCII digits keep their parity
    digits = map(itemgetter(16), numbers)
    return np.fromiter(map(_ODD.__getitem__, digits), np.int8, len(numbers))


def _day_numbers(days: Sequence[date | None]) -> Any:
    """Each date's day number (``date.toordinal``), or -1 for ``None``."""
    import numpy as np

    given = list(map(is_not, days, repeat(None)))
    out = np.full(len(days), -1, np.int64)
    if any(given):
        values = map(date.toordinal, compress(days, given))  # type: ignore[arg-type]
        out[np.array(given, bool)] = np.fromiter(values, np.int64)
    return out


def derived_birth_dates(
    stated: Sequence[date | None], national_ids: Sequence[ResidentId | None]
) -> list[date | None]:
    """
    :attr:`Member.derived_birth_date` of many members at once, from two of their columns.

    Args:
        stated: Each member's ``birth_date``.
        national_ids: Each member's ``national_id``, in the same order.

    Returns:
        The stated birth date, else the one in the ID number, else ``None``.

    .. versionadded:: 0.2.0
    """
    return _stated_else_from_id(stated, national_ids, birth_dates)


_SEX_OF_PARITY = (Sex.FEMALE, Sex.MALE)
_T = TypeVar("_T")


def derived_sexes(
    stated: Sequence[Sex | None], national_ids: Sequence[ResidentId | None]
) -> list[Sex | None]:
    """
    :attr:`Member.derived_sex` of many members at once, from two of their columns.

    Args:
        stated: Each member's ``sex``.
        national_ids: Each member's ``national_id``, in the same order.

    Returns:
        The stated sex, else the one in the ID number, else ``None``.

    .. versionadded:: 0.2.0
    """

    def from_ids(numbers: list[ResidentId]) -> Iterable[Sex]:
        return map(_SEX_OF_PARITY.__getitem__, _sex_digits(reveal_all(numbers)).tolist())

    return _stated_else_from_id(stated, national_ids, from_ids)


def _stated_else_from_id(
    stated: Sequence[_T | None],
    national_ids: Sequence[ResidentId | None],
    from_ids: Callable[[list[ResidentId]], Iterable[_T]],
) -> list[_T | None]:
    """Each stated value, or where it is ``None`` and there is an ID number, ``from_ids``'s."""
    out = list(stated)
    # C-level passes: the rows with nothing stated but an ID number, filled in one go.
    wanted = list(map(and_, map(is_, out, repeat(None)), map(is_not, national_ids, repeat(None))))
    if any(wanted):
        numbers: list[ResidentId] = list(compress(national_ids, wanted))  # type: ignore[arg-type]
        rows = compress(range(len(out)), wanted)
        deque(map(out.__setitem__, rows, from_ids(numbers)), maxlen=0)
    return out


class Member(UnionModel):
    """
    One person on a roster: a union member, or a relative in a member's household.

    Relatives (``is_member=False``) belong to a household so that household
    rules (size, earners, per-capita income) can count them; they have no
    department or hire date. ``repr`` and ``str`` show the name masked and leave
    out the ID and phone numbers, income and health facts. Serialisation
    (``model_dump``, ``model_dump_json``) masks the ID and phone numbers unless
    ``context={"reveal_pii": True}`` is given, but keeps the name, income and
    health facts whole (a store needs them): treat its output as personal data.

    .. versionadded:: 0.1.0
    """

    member_id: str = labelled("人员编号", "member id", min_length=1, max_length=32)
    name: str = labelled("姓名", "name", min_length=1, max_length=64, privacy=Privacy.IDENTIFYING)
    is_member: Flag = labelled("是否会员", "union member", default=True)
    national_id: ResidentId | None = labelled(
        "身份证号", "resident ID number", default=None, privacy=Privacy.IDENTIFYING
    )
    sex: Sex | None = labelled("性别", "sex", default=None, privacy=Privacy.PERSONAL)
    birth_date: BirthDate | None = labelled(
        "出生日期", "birth date", default=None, privacy=Privacy.PERSONAL
    )
    phone: MobileNumber | None = labelled(
        "手机号", "mobile number", default=None, privacy=Privacy.IDENTIFYING
    )
    department: str | None = labelled("科室", "department", default=None, max_length=64)
    union_group_id: str | None = labelled("工会小组", "union group", default=None, max_length=64)
    household_id: str | None = labelled(
        "家庭编号", "household", default=None, max_length=64, privacy=Privacy.PERSONAL
    )
    household_role: HouseholdRole | None = labelled(
        "家庭角色", "household role", default=None, privacy=Privacy.PERSONAL
    )
    hire_date: HireDate | None = labelled(
        "入职日期", "hire date", default=None, privacy=Privacy.PERSONAL
    )
    employment_type: EmploymentType | None = labelled("用工性质", "employment type", default=None)
    position: str | None = labelled("岗位", "position", default=None, max_length=64)
    frontline: Flag = labelled("一线岗位", "front-line post", default=False)
    monthly_salary: NonNegativeYuan | None = labelled(
        "月工资（元）", "monthly salary (yuan)", default=None, privacy=Privacy.SENSITIVE
    )
    annual_income: NonNegativeYuan | None = labelled(
        "年可支配收入（元）",
        "annual disposable income (yuan)",
        default=None,
        privacy=Privacy.SENSITIVE,
    )
    rigid_spending: NonNegativeYuan | None = labelled(
        "年刚性支出（元）", "annual rigid spending (yuan)", default=None, privacy=Privacy.SENSITIVE
    )
    sick_leave_days: int | None = labelled(
        "本年病假天数",
        "sick-leave days this year",
        default=None,
        ge=0,
        le=366,
        privacy=Privacy.SENSITIVE,
    )
    serious_illness: Flag = labelled(
        "重大疾病", "serious illness", default=False, privacy=Privacy.SENSITIVE
    )
    status: MemberStatus = labelled("会籍状态", "membership status", default=MemberStatus.ACTIVE)
    joined_on: date | None = labelled("入会日期", "date joined the union", default=None)
    dues_paid_through: Annotated[date | None, BeforeValidator(_month_end)] = labelled(
        "会费缴至", "union dues paid through (month)", default=None
    )

    @model_validator(mode="before")
    @classmethod
    def _blank_cells_are_missing(cls, data: Any) -> Any:
        # Spreadsheets leave empty cells as "": one pass here instead of a validator per field.
        if isinstance(data, dict):
            blank = blank_cells(data.values())
            return {k: v for (k, v), gap in zip(data.items(), blank, strict=True) if not gap}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = consistency_problems(
            national_id=self.national_id,
            birth_date=self.birth_date,
            sex=self.sex,
            hire_date=self.hire_date,
        )
        if problems:
            first = problems[0]
            raise ValueError(f"{first.message_en} / {first.message_zh}")
        return self

    @property
    def derived_birth_date(self) -> date | None:
        """The stated birth date, or the one in the ID number."""
        if self.birth_date is not None:
            return self.birth_date
        return self.national_id.birth_date if self.national_id is not None else None

    @property
    def derived_sex(self) -> Sex | None:
        """The stated sex, or the one in the ID number."""
        if self.sex is not None:
            return self.sex
        return Sex(self.national_id.sex) if self.national_id is not None else None

    @property
    def masked_name(self) -> str:
        """The name with all but its first character hidden (``张*``, ``欧**``)."""
        return mask_name(self.name)

    def __repr_args__(self) -> Any:
        yield from super().__repr_args__()
        yield "name", self.masked_name

    def to_row(self) -> dict[str, Any]:
        """
        Return the member as a flat dict of plain values for the rules engine.

        Personal numbers are left out; dates stay ``date``, money stays ``Decimal``.
        """
        row = {
            k: getattr(self, k)
            for k in type(self).model_fields
            if k not in ("national_id", "phone", "name")
        }
        row["birth_date"] = self.derived_birth_date
        derived = self.derived_sex
        row["sex"] = derived.value if derived is not None else None
        for key in ("household_role", "employment_type", "status"):
            value = row[key]
            row[key] = value.value if value is not None else None
        return row


def _years_between(start: date, end: date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


@cache
def member_columns() -> tuple[TrustedBuilder[Member], dict[str, FieldColumn]]:
    """
    The builder and per-field validators for reading many members as columns, made once.

    Each field's validator is compiled from :class:`Member`'s own field definition; the
    roster reader and the store's bulk reads share them.

    .. versionadded:: 0.2.0
    """
    return TrustedBuilder(Member), {f: FieldColumn(Member, f) for f in Member.model_fields}
