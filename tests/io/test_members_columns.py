"""members_to_columns gives exactly what its former per-member loop gave, for any members."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from members_columns_reference import assert_same_columns, reference_members_to_columns
from roster_helpers import TODAY, make_id

from unionkit.io import MONEY_FIELDS, members_to_columns
from unionkit.io.arrays import _CHUNK
from unionkit.io.synthetic import REFERENCE_DATE, iter_roster
from unionkit.models import Member
from unionkit.models.ids import ResidentId
from unionkit.models.member import (
    EmploymentType,
    HouseholdRole,
    MemberStatus,
    Sex,
    derived_birth_dates,
    derived_sexes,
)

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn

_YUAN_MAX_FEN = 99_999_999_999_999


@st.composite
def amounts(draw: DrawFn) -> Decimal | None:
    """None, or yuan with 0, 1 or 2 decimals, from a fen up to the largest amount allowed."""
    if draw(st.booleans()):
        return None
    places = draw(st.sampled_from([0, 1, 2]))
    big = draw(st.booleans())
    whole, cents = divmod(draw(st.integers(0, _YUAN_MAX_FEN if big else 2_000_000)), 100)
    text = [f"{whole}", f"{whole}.{cents // 10}", f"{whole}.{cents:02d}"][places]
    return Decimal(text)


def _maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), values)


@st.composite
def members(draw: DrawFn) -> Member:
    """A valid member or relative: every optional field present or not."""
    born = draw(st.dates(date(1950, 1, 1), date(2010, 12, 31)))
    male = draw(st.booleans())
    has_id = draw(st.booleans())
    relative = draw(st.booleans())
    row: dict[str, Any] = {
        "member_id": draw(st.from_regex(r"[A-Z][0-9]{1,6}(-[0-9])?", fullmatch=True)),
        "name": draw(st.sampled_from(["张伟", "李娜", "欧阳晓明"])),
        "is_member": not relative,
    }
    if has_id:
        seq = f"{draw(st.integers(0, 99)):02d}{draw(st.sampled_from('13579' if male else '02468'))}"
        row["national_id"] = make_id(
            draw(st.sampled_from(["110105", "440305"])), born.strftime("%Y%m%d"), seq
        )
    if not has_id or draw(st.booleans()):
        # Stated or left to the ID number; stated facts must agree with it.
        row["birth_date"] = draw(_maybe(st.just(born)))
        row["sex"] = draw(_maybe(st.just(Sex.MALE if male else Sex.FEMALE)))
    text = st.sampled_from(["外科", "内科", "急诊科", "B-2", "药剂科（门诊）"])
    row["department"] = None if relative else draw(_maybe(text))
    row["union_group_id"] = draw(_maybe(text))
    row["household_id"] = draw(_maybe(st.sampled_from(["F1", "F2", "家庭3"])))
    row["household_role"] = (
        HouseholdRole.RELATIVE if relative else draw(_maybe(st.sampled_from(HouseholdRole)))
    )
    row["employment_type"] = draw(_maybe(st.sampled_from(EmploymentType)))
    row["position"] = draw(_maybe(text))
    row["frontline"] = draw(st.booleans())
    row["serious_illness"] = draw(st.booleans())
    row["status"] = draw(st.sampled_from(MemberStatus))
    earliest_hire = born + timedelta(days=16 * 366 + 1)
    if not relative and earliest_hire <= TODAY:
        row["hire_date"] = draw(_maybe(st.dates(earliest_hire, TODAY)))
    row["joined_on"] = draw(_maybe(st.dates(date(1980, 1, 1), TODAY)))
    row["dues_paid_through"] = draw(_maybe(st.dates(date(2000, 1, 1), TODAY)))
    for field in MONEY_FIELDS:
        row[field] = draw(amounts())
    row["sick_leave_days"] = draw(_maybe(st.integers(0, 366)))
    return Member.model_validate(
        {k: v for k, v in row.items() if v is not None}, context={"today": TODAY}
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(members(), max_size=30))
def test_columns_equal_the_former_implementation(people: list[Member]) -> None:
    assert_same_columns(members_to_columns(people), reference_members_to_columns(people))


@settings(max_examples=100, deadline=None)
@given(st.lists(members(), max_size=30))
def test_derived_columns_equal_the_properties(people: list[Member]) -> None:
    births = [m.birth_date for m in people]
    sexes = [m.sex for m in people]
    ids = [m.national_id for m in people]
    assert derived_birth_dates(births, ids) == [m.derived_birth_date for m in people]
    got_sexes = derived_sexes(sexes, ids)
    assert got_sexes == [m.derived_sex for m in people]
    assert all(s is None or type(s) is Sex for s in got_sexes)


def test_numbers_read_in_bulk_give_the_same_columns() -> None:
    # ResidentId.parse_many caches the birth dates it read; parse() leaves them to the property.
    texts = [make_id(born="19900307", seq="123"), make_id(born="20000229", seq="246")]
    bulk = ResidentId.parse_many(texts, today=TODAY)
    people = [
        Member.model_validate({"member_id": f"M{i}", "name": "张伟", "national_id": number})
        for i, number in enumerate([*bulk, *texts])
    ]
    cols = members_to_columns(people)
    assert_same_columns(cols, reference_members_to_columns(people))
    assert cols["birth_date"].tolist() == [date(1990, 3, 7), date(2000, 2, 29)] * 2
    assert cols["sex"].tolist() == ["male", "female"] * 2


def test_no_members_give_empty_columns() -> None:
    assert_same_columns(members_to_columns([]), reference_members_to_columns([]))


def test_a_fraction_of_a_fen_is_refused_as_yuan_to_fen_refuses_it() -> None:
    # Validation never lets one through; a model built without it must not be truncated.
    member = Member.model_construct(
        member_id="M1", name="张伟", monthly_salary=Decimal("1.005"), annual_income=None
    )
    with pytest.raises(ValueError, match="more than two decimal places"):
        members_to_columns([member])


def test_a_roster_larger_than_a_chunk_gives_the_same_columns() -> None:
    # The members are read a few hundred at a time: 1,300 people cross two chunk
    # boundaries and end in a partial chunk.
    rows = itertools.islice(iter_roster(500, seed=7), 1300)
    people = [Member.model_validate(row, context={"today": REFERENCE_DATE}) for row in rows]
    assert len(people) == 1300
    assert len(people) % _CHUNK and len(people) > 2 * _CHUNK
    assert_same_columns(members_to_columns(people), reference_members_to_columns(people))
