"""A re-import's field changes: compared as values, exactly as the stored JSON would differ."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from unionkit.models import Member
from unionkit.models.ids import MobileNumber, ResidentId, id_check_digit
from unionkit.models.member import EmploymentType, HouseholdRole, MemberStatus, Sex
from unionkit.store._members import MemberChange, _field_changes, _shown


def _id(seq: str) -> ResidentId:
    body = f"11010519900307{seq}"
    return ResidentId.parse(body + id_check_digit(body), today=date(2026, 1, 1))


# Per field, values of its type that differ, serialise alike, or differ only in how many
# decimals an amount is written with (1.5 and 1.50 are equal, their JSON is not).
_VALUES: dict[str, list[Any]] = {
    "name": ["张伟", "李娜"],
    "is_member": [True, False],
    "national_id": [None, _id("123"), _id("135")],
    "sex": [None, Sex.MALE, Sex.FEMALE],
    "birth_date": [None, date(1990, 3, 7), date(1990, 3, 8)],
    "phone": [None, MobileNumber.parse("13812345678"), MobileNumber.parse("13912345678")],
    "department": [None, "外科", "内科"],
    "household_role": [None, HouseholdRole.MEMBER, HouseholdRole.LEADER],
    "employment_type": [None, EmploymentType.CONTRACT, EmploymentType.PERMANENT],
    "status": [MemberStatus.ACTIVE, MemberStatus.LEFT],
    "monthly_salary": [None, Decimal("1.5"), Decimal("1.50"), Decimal("1.51"), Decimal("0")],
    "annual_income": [None, Decimal("100"), Decimal("100.00"), Decimal("100.0")],
    "sick_leave_days": [None, 0, 3],
    "dues_paid_through": [None, date(2026, 10, 31), date(2026, 11, 30)],
}


def _json_changes(old: Member, new: Member) -> list[MemberChange]:
    # The former comparison, kept as the reference: both members serialised whole.
    before = old.model_dump(mode="json", context={"reveal_pii": True})
    after = new.model_dump(mode="json", context={"reveal_pii": True})
    out: list[MemberChange] = []
    for field in type(new).model_fields:
        if before.get(field) != after.get(field):
            was, masked = _shown(old, field)
            now, masked_now = _shown(new, field)
            out.append(MemberChange(new.member_id, field, was, now, masked or masked_now))
    return out


_BASE = Member(member_id="H1", name="张伟")

_STATES = st.fixed_dictionaries({f: st.sampled_from(v) for f, v in _VALUES.items()})


@given(_STATES, _STATES)
def test_field_changes_are_the_fields_whose_json_differs(
    was: dict[str, Any], now: dict[str, Any]
) -> None:
    old = _BASE.model_copy(update=was)
    new = _BASE.model_copy(update=now)

    assert _field_changes(old, new) == _json_changes(old, new)


def test_an_amount_written_with_more_decimals_is_a_change() -> None:
    old = _BASE.model_copy(update={"monthly_salary": Decimal("1.5")})
    new = _BASE.model_copy(update={"monthly_salary": Decimal("1.50")})

    [change] = _field_changes(old, new)

    assert (change.field, change.before, change.after) == ("monthly_salary", "***", "***")
