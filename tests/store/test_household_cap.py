"""Yearly living aid is capped per household: a couple who are both members share one cap."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from store_support import StoreTarget, race
from unionkit.benefits.spending import DEFAULT_SPENDING, HOUSEHOLD_CAP_RULE
from unionkit.models import Benefit, BenefitKind, GrantForm, Member
from unionkit.models.member import HouseholdRole
from unionkit.rules.parameters import Parameter, Parameters, ParameterValue
from unionkit.store import (
    GrantRequest,
    Store,
    confirm_leaving,
    define_benefits,
    enter_file,
    import_members,
    list_files,
    list_grants,
    propose_grants,
    replay_grant,
    start_leaving,
)

WORKER = Path(__file__).with_name("ledger_worker.py")
ON = date(2026, 9, 20)
LIVING = Benefit(
    benefit_id="living",
    kind=BenefitKind.LIVING_AID,
    name_zh="生活救助",
    name_en="living aid",
    form=GrantForm.CASH,
)


def _people() -> list[Member]:
    def member(mid: str, household: str | None, role: HouseholdRole | None = None) -> Member:
        return Member(
            member_id=mid,
            name="张三",
            dues_paid_through="2026-09",
            household_id=household,
            household_role=role,
        )

    return [
        # A couple, both members: one household, one cap.
        member("A1", "HH-A", HouseholdRole.LEADER),
        member("A2", "HH-A", HouseholdRole.MEMBER),
        member("B1", "HH-B", HouseholdRole.LEADER),
        member("C1", None),
    ]


def _setup(store: Store) -> None:
    import_members(store, _people(), on=date(2026, 9, 1))
    define_benefits(store, [LIVING])
    # Only A1 is on file (deep: 12 x 1,170 = 14,040); B1 relative (10 x 1,170 = 11,700).
    enter_file(store, "A1", tier="deep", on=date(2026, 3, 1), evidence="E-1", actor="clerk")
    enter_file(store, "B1", tier="relative", on=date(2026, 3, 1), evidence="E-2", actor="clerk")


@pytest.fixture
def households(store: Store) -> Store:
    _setup(store)
    return store


def ask(member: str, amount: str, on: date = ON, key: str | None = None) -> GrantRequest:
    return GrantRequest(member, "living", amount, on, "生活救助", idempotency_key=key)


def test_a_couple_shares_one_cap_naming_rule_source_cap_used_and_remaining(
    households: Store,
) -> None:
    (first,) = propose_grants(households, [ask("A1", "8000.00")], proposer="clerk")
    assert first.grant is not None and not first.verdict.warnings  # type: ignore[union-attr]
    (second,) = propose_grants(households, [ask("A2", "7000.00")], proposer="clerk")
    assert second.refused and second.grant is None
    (finding,) = second.verdict.refusals  # type: ignore[union-attr]
    assert finding.rule == HOUSEHOLD_CAP_RULE
    assert (finding.cap, finding.used, finding.remaining) == ("14040.00", "8000.00", "6040.00")
    assert "12倍" in finding.source and "1170" in finding.source
    assert "household" in finding.message_en and "全家本年已用 8000.00" in finding.message_zh
    assert list_grants(households, member_id="A2") == []
    # What remains passes, with the 80 % warning (here 100 %).
    (third,) = propose_grants(households, [ask("A2", "6040.00")], proposer="clerk")
    assert third.grant is not None
    (warning,) = third.verdict.warnings  # type: ignore[union-attr]
    assert warning.rule == HOUSEHOLD_CAP_RULE and "100%" in warning.message_en


def test_the_warning_comes_at_80_percent_of_the_household_cap(households: Store) -> None:
    out = propose_grants(households, [ask("A1", "5000.00"), ask("A2", "6300.00")], proposer="clerk")
    assert out[0].verdict is not None and not out[0].verdict.warnings
    (warning,) = out[1].verdict.warnings  # type: ignore[union-attr]
    assert warning.rule == HOUSEHOLD_CAP_RULE and "80%" in warning.message_en
    assert warning.used == "5000.00"


def test_a_batch_is_judged_per_household_in_order(households: Store) -> None:
    out = propose_grants(
        households,
        [
            ask("A1", "8000.00"),
            ask("B1", "11700.00"),  # its own household: the whole relative cap
            ask("A2", "7000.00"),  # the couple's second grant: over the shared cap
            ask("C1", "100.00"),  # no household and no file: no living-aid cap at all
            ask("A2", "6000.00", key="A2-again"),
        ],
        proposer="clerk",
    )
    assert [o.grant is not None for o in out] == [True, True, False, False, True]
    assert out[2].verdict is not None and out[2].verdict.refusals[0].used == "8000.00"
    assert "no" in out[3].verdict.refusals[0].message_en  # type: ignore[union-attr]
    assert out[3].verdict.refusals[0].cap == "0.00"  # type: ignore[union-attr]
    # A refused proposal does not count for later ones: 8,000 + 6,000 fits 14,040.
    assert out[4].verdict is not None and out[4].verdict.refusals == ()


def test_other_years_and_reversals_do_not_count(households: Store) -> None:
    from unionkit.store import reverse_grant

    (last_year,) = propose_grants(
        households, [ask("A1", "14040.00", on=date(2025, 12, 1))], proposer="clerk"
    )
    # A1's file dates from 2026, so 2025 had no cap: refused, nothing counts.
    assert last_year.refused
    (big,) = propose_grants(households, [ask("A1", "14040.00")], proposer="clerk")
    assert big.grant is not None
    assert propose_grants(households, [ask("A2", "1.00")], proposer="clerk")[0].refused
    reverse_grant(households, big.grant.grant_id, on=ON, reason="错发", actor="clerk")
    assert propose_grants(households, [ask("A2", "1000.00")], proposer="clerk")[0].grant


def test_a_file_that_left_gives_no_cap(households: Store) -> None:
    (b_file,) = [f for f in list_files(households) if f.member_id == "B1"]
    start_leaving(households, b_file.file_id, on=date(2026, 6, 1), actor="clerk", reason="脱困")
    confirm_leaving(households, b_file.file_id, on=date(2026, 7, 1), actor="clerk")
    (out,) = propose_grants(households, [ask("B1", "100.00")], proposer="clerk")
    assert out.refused and out.verdict is not None
    assert out.verdict.refusals[0].rule == HOUSEHOLD_CAP_RULE


def test_a_branch_standard_moves_the_cap_and_replay_sees_it(households: Store) -> None:
    (grant,) = propose_grants(households, [ask("A1", "14000.00")], proposer="clerk")
    assert grant.grant is not None
    assert replay_grant(households, grant.grant.grant_id).agrees
    lower = DEFAULT_SPENDING.overlay(
        Parameters(
            [
                Parameter(
                    "hardship.minimum_living_standard",
                    "yuan",
                    "低保",
                    "minimum living standard",
                    (ParameterValue(date(2026, 1, 1), 1000, "某市民政局 2026"),),
                    source="某市民政局 2026",
                )
            ]
        )
    )
    again = replay_grant(households, grant.grant.grant_id, lower)
    assert not again.agrees
    assert any("hardship.minimum_living_standard" in c for c in again.changes)
    assert again.refusals[0].cap == "12000.00"


def test_concurrent_proposals_for_a_couple_cannot_both_pass_the_household_cap(
    store_target: StoreTarget,
) -> None:
    store = store_target.open()
    _setup(store)
    results = race(
        WORKER,
        [
            [store_target.target, store_target.schema or "", "living", member, "8000.00"]
            for member in ("A1", "A2")
        ],
    )
    # Two members, one household: 8,000 + 8,000 is over 14,040, so exactly one is stored.
    assert sorted(r["stored"] for r in results) == [False, True]
    assert len([g for g in list_grants(store) if g.benefit_id == "living"]) == 1
    store.close()
