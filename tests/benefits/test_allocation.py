"""Allocation within a budget: ranking, caps, waitlist, explanations, what-ifs, proposed grants."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from unionkit.benefits.allocation import (
    AllocationStatus,
    Programme,
    allocate,
)
from unionkit.errors import NotFound, Rejected, RuleDefinitionError
from unionkit.rules import Parameters, Rule, RuleSet
from unionkit.rules.parse import parse_expression

AS_OF = date(2026, 9, 1)


def ruleset() -> RuleSet:
    """Eligible: members with sick leave; score: sick-leave days; due: their rigid spending."""
    return RuleSet(
        [
            Rule(
                "aid_eligible",
                parse_expression("is_member and sick_leave_days >= 1"),
                "可获补助",
                "eligible",
                "bool",
            ),
            Rule("aid_score", parse_expression("sick_leave_days"), "评分", "score", "int"),
            Rule("aid_amount", parse_expression("rigid_spending"), "应发", "due", "money"),
            Rule("salary", parse_expression("monthly_salary"), "月薪", "salary", "money"),
        ],
        Parameters(),
    )


def roster(rows: list[tuple[str, bool, int, int, int]]) -> dict[str, Any]:
    """Rows of (member_id, is_member, sick days, due in fen, salary in fen)."""
    ids, member, days, due, salary = zip(*rows, strict=True)
    return {
        "member_id": np.array(ids, dtype=object),
        "is_member": np.array(member, dtype=bool),
        "sick_leave_days": np.array(days, dtype=np.int64),
        "rigid_spending": np.array(due, dtype=np.int64),
        "monthly_salary": np.array(salary, dtype=np.int64),
    }


ROSTER = roster(
    [
        ("M05", True, 5, 100_000, 500_000),  # score 5, due 1,000.00
        ("M01", True, 9, 200_000, 400_000),  # score 9: first
        ("M03", True, 5, 150_000, 300_000),  # ties M05 on score; lower salary ranks first
        ("M04", True, 2, 80_000, 300_000),
        ("M02", False, 20, 300_000, 100_000),  # a relative: not eligible
        ("M06", True, 0, 90_000, 200_000),  # no sick leave: not eligible
        ("M07", True, 1, 0, 200_000),  # eligible but nothing due
    ]
)


def programme(budget: str = "4000", **kw: Any) -> Programme:
    values: dict[str, Any] = {
        "programme_id": "aid",
        "benefit_id": "hardship-aid",
        "name_zh": "困难补助",
        "name_en": "hardship aid",
        "budget": budget,
        "eligible": "aid_eligible",
        "score": "aid_score",
        "amount": "aid_amount",
        "period": "2026",
        "tie_break": ("salary",),
    }
    values.update(kw)
    return Programme(**values)


def test_ranks_by_score_then_tie_break_and_stops_when_the_budget_runs_out() -> None:
    result = allocate(ruleset(), ROSTER, programme("4000"), AS_OF)

    # M01 2,000 + M03 1,500 = 3,500; M05's 1,000 would pass 4,000: strict stops there.
    assert ["M01", "M03"] == [g.member_id for g in result.proposed_grants()]
    assert [Decimal("2000.00"), Decimal("1500.00")] == [g.amount for g in result.proposed_grants()]
    assert ["M05", "M04"] == result.waitlist()
    assert [("M01", 1), ("M03", 2), ("M05", 3), ("M04", 4)] == [
        (p.member_id, p.rank) for p in result.ranked_places()
    ]
    assert 4 == result.ranked
    assert 2 == result.cutoff
    assert Decimal("500.00") == result.left
    assert {
        AllocationStatus.FUNDED: 2,
        AllocationStatus.PARTIAL: 0,
        AllocationStatus.WAITLISTED: 2,
        AllocationStatus.NOTHING_DUE: 1,
        AllocationStatus.NOT_ELIGIBLE: 2,
    } == result.counts()


def test_strict_fill_does_not_skip_ahead_to_a_cheaper_member() -> None:
    # 500 left would pay M04's 800? No: 800 > 500. With 5,200 left after M01+M03 ... use 4,400:
    # M05 (1,000) does not fit the 900 left; M04 (800) would, but ranks below M05.
    result = allocate(ruleset(), ROSTER, programme("4400"), AS_OF)

    assert ["M01", "M03"] == [g.member_id for g in result.proposed_grants()]
    assert AllocationStatus.WAITLISTED is result.place("M04").status


def test_partial_fill_gives_the_next_member_what_is_left() -> None:
    result = allocate(ruleset(), ROSTER, programme("4000", fill="partial"), AS_OF)

    grants = result.proposed_grants()
    assert [
        ("M01", Decimal("2000.00")),
        ("M03", Decimal("1500.00")),
        ("M05", Decimal("500.00")),
    ] == [(g.member_id, g.amount) for g in grants]
    assert AllocationStatus.PARTIAL is result.place("M05").status
    assert Decimal("0.00") == result.left


def test_tie_break_descending_and_member_id_last() -> None:
    by_salary_desc = allocate(ruleset(), ROSTER, programme("100000", tie_break=("-salary",)), AS_OF)
    by_id = allocate(ruleset(), ROSTER, programme("100000", tie_break=()), AS_OF)

    assert ["M01", "M05", "M03", "M04"] == [g.member_id for g in by_salary_desc.proposed_grants()]
    assert ["M01", "M03", "M05", "M04"] == [g.member_id for g in by_id.proposed_grants()]


def test_order_does_not_depend_on_the_roster_row_order() -> None:
    reversed_roster = {k: v[::-1].copy() for k, v in ROSTER.items()}

    a = allocate(ruleset(), ROSTER, programme("4000", tie_break=()), AS_OF)
    b = allocate(ruleset(), reversed_roster, programme("4000", tie_break=()), AS_OF)

    assert [g.member_id for g in a.proposed_grants()] == [g.member_id for g in b.proposed_grants()]


def test_cap_counts_what_the_member_already_received() -> None:
    result = allocate(
        ruleset(),
        ROSTER,
        programme("100000", cap_per_member="1800"),
        AS_OF,
        already={"M01": "300", "M03": "1800"},
    )

    amounts = {g.member_id: g.amount for g in result.proposed_grants()}
    assert {
        "M01": Decimal("1500.00"),
        "M05": Decimal("1000.00"),
        "M04": Decimal("800.00"),
    } == amounts
    assert AllocationStatus.NOTHING_DUE is result.place("M03").status
    assert result.place("M01").capped


def test_explanations_name_rank_and_cutoff_in_both_languages() -> None:
    result = allocate(ruleset(), ROSTER, programme("4000"), AS_OF)

    waiting = result.place("M04")
    assert (
        "ranked 4 of 4 (score 2); the budget ran out at 2: waitlisted; 1,300.00 yuan more "
        "budget would reach them (800.00 due)" == waiting.explain("en")
    )
    assert waiting.explain("zh").startswith("排名第 4 位（共 4 人，评分 2）；预算在第 2 位用完")
    assert "the budget covers the first 2" in result.place("M01").explain("en")
    assert "not eligible" in result.place("M02").explain("en")
    assert "不符合" in result.place("M06").explain("zh")
    assert "nothing is due" in result.place("M07").explain("en")


def test_what_if_budget_counts_members_covered() -> None:
    result = allocate(ruleset(), ROSTER, programme("4000"), AS_OF)

    scenarios = result.what_if(["3500", "4500", Decimal("5300"), 0])

    assert [2, 3, 4, 0] == [s.funded for s in scenarios]
    assert [0, 1, 2, -2] == [s.change for s in scenarios]
    assert Decimal("4500.00") == scenarios[1].spent
    assert Decimal("5300.00") == result.needed


def test_proposed_grants_carry_key_reason_and_version() -> None:
    result = allocate(ruleset(), ROSTER, programme("4000"), AS_OF)

    first = result.proposed_grants()[0]
    assert "aid:2026:M01" == first.idempotency_key
    assert "hardship aid: ranked 1 of 4, score 9" == first.reason("en")
    assert "困难补助：第 1/4 位，评分 9" == first.reason("zh")
    assert ruleset().version == first.rule_version
    assert "hardship-aid" == first.benefit_id


def test_fixed_amount_programme_and_money_stays_exact() -> None:
    result = allocate(
        ruleset(), ROSTER, programme("999.03", amount=None, fixed_amount="333.01"), AS_OF
    )

    assert [Decimal("333.01")] * 3 == [g.amount for g in result.proposed_grants()]
    assert Decimal("0.00") == result.left


def test_bad_programmes_and_rosters_are_refused_with_reasons() -> None:
    with pytest.raises(Rejected, match="two decimal"):
        programme("100.001")
    with pytest.raises(Rejected, match="negative"):
        programme("-5")
    with pytest.raises(Rejected, match="not both"):
        programme(fixed_amount="10")
    with pytest.raises(RuleDefinitionError, match="unknown rule 'nope'"):
        allocate(ruleset(), ROSTER, programme(score="nope"), AS_OF)
    with pytest.raises(RuleDefinitionError, match="'aid_score' gives int"):
        allocate(ruleset(), ROSTER, programme(eligible="aid_score"), AS_OF)
    twice = {k: np.concatenate([v, v[:1]]) for k, v in ROSTER.items()}
    with pytest.raises(Rejected, match="'M05' appears more than once"):
        allocate(ruleset(), twice, programme(), AS_OF)
    with pytest.raises(NotFound, match="X9"):
        allocate(ruleset(), ROSTER, programme(), AS_OF).place("X9")


def test_pandas_frame_gives_the_same_allocation() -> None:
    pd = pytest.importorskip("pandas")

    from_frame = allocate(ruleset(), pd.DataFrame(ROSTER), programme("4000"), AS_OF)
    from_dict = allocate(ruleset(), ROSTER, programme("4000"), AS_OF)

    assert from_dict.proposed_grants() == from_frame.proposed_grants()


def test_a_cap_shared_with_other_benefits_counts_them_against_the_cap_only() -> None:
    shared = programme("100000", cap_per_member="1800", cap_shared_with=("temp-aid",))

    result = allocate(
        ruleset(),
        ROSTER,
        shared,
        AS_OF,
        already={"M05": "400"},
        elsewhere={"M01": "1000", "M05": "1000"},
    )

    amounts = {g.member_id: g.amount for g in result.proposed_grants()}
    # M01: due 2,000, cap room 1,800 - 1,000 = 800; M05: due 1,000 - 400 = 600, room 400
    assert Decimal("800.00") == amounts["M01"]
    assert Decimal("400.00") == amounts["M05"]
    assert Decimal("1500.00") == amounts["M03"]
