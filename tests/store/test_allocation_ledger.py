"""An allocation becomes proposed grants in the ledger, once; a second round respects the cap."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from unionkit.benefits import AllocationStatus, Programme, allocate
from unionkit.errors import InvalidGrantData
from unionkit.models import Benefit, BenefitKind, GrantForm, Member
from unionkit.models.benefit import GrantStatus
from unionkit.rules import Parameters, Rule, RuleSet
from unionkit.rules.parse import parse_expression
from unionkit.store import (
    Store,
    define_benefits,
    enter_file,
    import_members,
    list_grants,
    propose_allocation,
    received,
    reverse_grant,
)

ON = date(2026, 9, 20)
AID = Benefit(
    benefit_id="hardship-aid",
    kind=BenefitKind.HARDSHIP_AID,
    name_zh="困难补助",
    name_en="hardship aid",
    form=GrantForm.CASH,
)
RULES = RuleSet(
    [
        Rule("ok", parse_expression("is_member and sick_leave_days >= 1"), "可获", "ok", "bool"),
        Rule("points", parse_expression("sick_leave_days"), "评分", "points", "int"),
        Rule("due", parse_expression("rigid_spending"), "应发", "due", "money"),
    ],
    Parameters(),
)
ROSTER = {
    "member_id": np.array(["M1", "M2", "M3"], dtype=object),
    "is_member": np.array([True, True, True]),
    "sick_leave_days": np.array([9, 5, 2], dtype=np.int64),
    "rigid_spending": np.array([150_000, 40_000, 30_000], dtype=np.int64),  # fen
}


def programme(budget: str) -> Programme:
    return Programme(
        programme_id="aid",
        benefit_id="hardship-aid",
        name_zh="困难补助",
        name_en="hardship aid",
        budget=budget,
        eligible="ok",
        score="points",
        amount="due",
        cap_per_member="1500",
        period="2026",
    )


@pytest.fixture
def ledger(store: Store) -> Store:
    people = [
        Member(member_id=m, name="张三", dues_paid_through="2026-09") for m in ("M1", "M2", "M3")
    ]
    import_members(store, people, on=date(2026, 9, 1))
    define_benefits(store, [AID])
    # the ledger pays hardship aid only to members with a hardship file
    for member in ("M1", "M2", "M3"):
        enter_file(
            store, member, tier="relative", on=date(2026, 3, 1), evidence="E-1", actor="clerk"
        )
    return store


def test_allocation_is_proposed_to_the_ledger_once(ledger: Store) -> None:
    result = allocate(RULES, ROSTER, programme("2000"), ON)

    first = propose_allocation(ledger, result, on=ON, proposer="clerk")
    again = propose_allocation(ledger, result, on=ON, proposer="clerk")

    assert [("M1", Decimal("1500.00")), ("M2", Decimal("400.00"))] == [
        (o.grant.member_id, o.grant.amount) for o in first if o.grant is not None
    ]
    assert all(o.existing for o in again)
    grants = list_grants(ledger)
    assert 2 == len(grants)
    assert {"aid:2026:M1", "aid:2026:M2"} == {g.idempotency_key for g in grants}
    # above the 500-yuan approval threshold: proposed, not yet paid
    assert GrantStatus.PENDING is next(g for g in grants if g.member_id == "M1").status
    assert "ranked 1 of 3" in next(g for g in grants if g.member_id == "M1").reason


def test_a_second_round_counts_what_the_ledger_already_holds(ledger: Store) -> None:
    propose_allocation(
        ledger, allocate(RULES, ROSTER, programme("2000"), ON), on=ON, proposer="clerk"
    )
    already = received(ledger, "hardship-aid", 2026)

    second = allocate(RULES, ROSTER, programme("5000"), ON, already=already)

    assert {"M1": Decimal("1500.00"), "M2": Decimal("400.00")} == already
    assert AllocationStatus.NOTHING_DUE is second.place("M1").status
    assert AllocationStatus.NOTHING_DUE is second.place("M2").status
    assert [("M3", Decimal("300.00"))] == [
        (g.member_id, g.amount) for g in second.proposed_grants()
    ]


def test_a_reversal_frees_the_cap_for_the_next_round(ledger: Store) -> None:
    (m1, _) = propose_allocation(
        ledger, allocate(RULES, ROSTER, programme("2000"), ON), on=ON, proposer="clerk"
    )
    assert m1.grant is not None

    reverse_grant(ledger, m1.grant.grant_id, on=ON, reason="录入错误", actor="clerk")

    assert {"M2": Decimal("400.00")} == received(ledger, "hardship-aid", 2026)


def test_an_undefined_benefit_stores_nothing(store: Store) -> None:
    import_members(store, [Member(member_id="M1", name="张三")], on=date(2026, 9, 1))
    result = allocate(RULES, ROSTER, programme("2000"), ON)

    with pytest.raises(InvalidGrantData, match="hardship-aid"):
        propose_allocation(store, result, on=ON, proposer="clerk")
    assert [] == list_grants(store)


def test_received_adds_up_the_benefits_sharing_a_cap(ledger: Store) -> None:
    temp = AID.model_copy(update={"benefit_id": "temp-aid", "name_en": "temporary aid"})
    define_benefits(ledger, [temp])
    propose_allocation(
        ledger, allocate(RULES, ROSTER, programme("2000"), ON), on=ON, proposer="clerk"
    )
    other = Programme(
        programme_id="temp",
        benefit_id="temp-aid",
        name_zh="临时救助",
        name_en="temporary aid",
        budget="300",
        eligible="ok",
        score="points",
        fixed_amount="300",
        period="2026",
    )
    propose_allocation(ledger, allocate(RULES, ROSTER, other, ON), on=ON, proposer="clerk")

    assert {"M1": Decimal("300.00")} == received(ledger, "temp-aid", 2026)
    assert {"M1": Decimal("1800.00"), "M2": Decimal("400.00")} == received(
        ledger, ["hardship-aid", "temp-aid"], 2026
    )
