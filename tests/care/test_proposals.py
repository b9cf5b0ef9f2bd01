"""Care triggers become rules, and proposals for a whole roster come from one batch."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest
from pydantic import ValidationError

from unionkit.care import CareAction, CareTrigger, birthday_this_month, propose_care
from unionkit.models import BenefitKind
from unionkit.rules import (
    MEMBER_FIELDS,
    Parameter,
    Parameters,
    ParameterValue,
    RuleSet,
    field,
    param,
)


def test_birthday_this_month_from_dates_and_missing_values() -> None:
    born = [date(1980, 6, 30), date(1990, 7, 1), None, date(1988, 2, 29)]

    assert [True, False, False, False] == birthday_this_month(born, date(2026, 6, 1)).tolist()
    assert [False, False, False, True] == birthday_this_month(born, date(2027, 2, 28)).tolist()


def test_birthday_this_month_from_datetime64_column() -> None:
    born = np.array(["1980-06-30", "NaT", "1975-12-01"], dtype="datetime64[D]")

    assert [False, False, True] == birthday_this_month(born, date(2026, 12, 15)).tolist()


def test_trigger_key_must_be_an_identifier() -> None:
    with pytest.raises(ValidationError, match="lowercase"):
        CareTrigger(
            key="Birthday Visit",
            label_zh="生日",
            label_en="birthday",
            when=field("serious_illness"),
        )


def test_proposals_carry_exact_amounts_from_dated_parameters() -> None:
    illness = CareTrigger(
        key="illness",
        label_zh="患病慰问",
        label_en="illness visit",
        when=field("serious_illness"),
        action=CareAction.VISIT_AND_PAYMENT,
        benefit_kind=BenefitKind.ILLNESS_VISIT,
        amount=param("care.illness"),
        must_visit=True,
    )
    params = Parameters(
        [
            Parameter(
                "care.illness",
                "yuan",
                values=(
                    ParameterValue(date(2020, 1, 1), Decimal("800.50")),
                    ParameterValue(date(2026, 1, 1), Decimal("1000.00")),
                ),
            )
        ]
    )
    ruleset = RuleSet(illness.rules(), params, MEMBER_FIELDS)
    data = {"member_id": ["a", "b", "c"], "serious_illness": [True, False, True]}

    before = propose_care(ruleset, {"illness": illness}, data, date(2025, 12, 31))
    after = propose_care(ruleset, {"illness": illness}, data, date(2026, 1, 1))

    assert [("a", Decimal("800.50")), ("c", Decimal("800.50"))] == [
        (p.member_id, p.amount) for p in before
    ]
    assert [Decimal("1000.00"), Decimal("1000.00")] == [p.amount for p in after]
    assert all(p.must_visit and p.benefit_kind is BenefitKind.ILLNESS_VISIT for p in after)
