"""Which fields are personal is declared once, on the models; every list is derived from it."""

from __future__ import annotations

from decimal import Decimal

from unionkit.io import PERSONAL_FIELDS as MASKED_IN_REPORTS
from unionkit.models import Member, Privacy, fields_by_privacy
from unionkit.rules import MEMBER_FIELDS
from unionkit.rules.schema import PERSONAL_FIELDS as MASKED_IN_EXPLANATIONS
from unionkit.store._store import _PERSONAL as ERASED

IDENTIFYING = fields_by_privacy(Member, Privacy.IDENTIFYING)
SENSITIVE = fields_by_privacy(Member, Privacy.SENSITIVE)


def test_the_member_model_declares_identity_health_and_income() -> None:
    assert {"name", "national_id", "phone"} == IDENTIFYING
    assert {
        "monthly_salary",
        "annual_income",
        "rigid_spending",
        "sick_leave_days",
        "serious_illness",
    } == SENSITIVE
    assert {"birth_date", "sex", "hire_date", "household_id", "household_role"} == (
        fields_by_privacy(Member, Privacy.PERSONAL)
    )


def test_error_reports_mask_identity_and_sensitive_facts() -> None:
    assert IDENTIFYING | SENSITIVE == MASKED_IN_REPORTS


def test_erasing_a_member_removes_every_personal_field() -> None:
    assert fields_by_privacy(Member) == ERASED


def test_the_engines_copy_matches_the_models() -> None:
    # The engine imports no pydantic, so it keeps its own list of roster columns; this
    # keeps it equal to the model's declaration.
    assert set(Member.model_fields) - IDENTIFYING == set(MEMBER_FIELDS)
    assert SENSITIVE == MASKED_IN_EXPLANATIONS


def test_a_member_repr_shows_no_identifying_or_sensitive_value() -> None:
    member = Member(
        member_id="M1",
        name="张三丰",
        phone="13812345678",
        monthly_salary=Decimal("8765.43"),
        sick_leave_days=17,
    )

    shown = repr(member)

    assert "M1" in shown
    assert not any(text in shown for text in ("张三丰", "13812345678", "8765.43", "17"))
