"""The grants ledger: spending rules, idempotency, approvals, reversals, closed years, replay."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from unionkit.benefits.spending import DEFAULT_SPENDING
from unionkit.errors import InvalidGrantData
from unionkit.models import Benefit, BenefitKind, GrantForm, Member, MemberStatus, Period
from unionkit.models.benefit import Festival, GrantStatus, Relation
from unionkit.rules.parameters import Parameter, Parameters, ParameterValue
from unionkit.store import (
    GrantRequest,
    Store,
    approve_grant,
    close_year,
    define_benefits,
    import_members,
    list_grants,
    propose_grants,
    replay_grant,
    reverse_grant,
    spent,
)

ON = date(2026, 9, 20)
SPRING = Benefit(
    benefit_id="spring",
    kind=BenefitKind.FESTIVAL_GOODS,
    name_zh="春节慰问品",
    name_en="Spring Festival goods",
    forms=(GrantForm.GOODS, GrantForm.VOUCHER),
    festival=Festival.SPRING,
)
AUTUMN = SPRING.model_copy(
    update={
        "benefit_id": "autumn",
        "festival": Festival.MID_AUTUMN,
        "name_zh": "中秋慰问品",
        "name_en": "Mid-Autumn goods",
    }
)
BIRTHDAY = Benefit(
    benefit_id="birthday",
    kind=BenefitKind.BIRTHDAY,
    name_zh="生日慰问",
    name_en="birthday",
    form=GrantForm.CAKE_VOUCHER,
)
HOSPITAL = Benefit(
    benefit_id="hospital",
    kind=BenefitKind.HOSPITAL_VISIT,
    name_zh="住院慰问",
    name_en="hospital visit",
    form=GrantForm.CASH,
    cap_period=Period.PER_EVENT,
    covers=(Relation.SELF, Relation.SPOUSE),
)


@pytest.fixture
def ledger(store: Store) -> Store:
    people = [Member(member_id=f"M{i}", name="张三", dues_paid_through="2026-09") for i in range(3)]
    people.append(Member(member_id="LATE", name="李四", dues_paid_through="2026-01"))
    import_members(store, people, on=date(2026, 9, 1))
    define_benefits(store, [SPRING, AUTUMN, BIRTHDAY, HOSPITAL])
    return store


def ask(member: str, benefit: str, amount: str, **kw: object) -> GrantRequest:
    return GrantRequest(
        member_id=member,
        benefit_id=benefit,
        amount=amount,
        on=kw.pop("on", ON),
        reason="慰问",
        **kw,
    )  # type: ignore[arg-type]


def test_festival_total_cap_refuses_with_rule_source_cap_used_and_remaining(
    ledger: Store,
) -> None:
    (first,) = propose_grants(ledger, [ask("M0", "spring", "1500.00")], proposer="clerk")
    assert first.grant is not None and not first.refused
    (second,) = propose_grants(ledger, [ask("M0", "autumn", "800.00")], proposer="clerk")
    assert second.refused and second.grant is None
    (finding,) = second.verdict.refusals  # type: ignore[union-attr]
    assert finding.rule == "spending.festival_total_cap"
    assert "皖工发〔2025〕18号" in finding.source
    assert (finding.cap, finding.used, finding.remaining) == ("2200.00", "1500.00", "700.00")
    assert "remaining 700.00" in finding.message_en
    assert len(list_grants(ledger, member_id="M0")) == 1


def test_reaching_80_percent_of_a_cap_is_accepted_with_a_warning(ledger: Store) -> None:
    (out,) = propose_grants(ledger, [ask("M1", "birthday", "400.00")], proposer="clerk")
    assert out.grant is not None and out.verdict is not None
    (warning,) = out.verdict.warnings
    assert warning.rule == "spending.per_event_cap.birthday" and "80%" in warning.message_en


def test_the_cap_in_force_on_the_grant_date_applies(ledger: Store) -> None:
    early = date(2025, 3, 1)
    (out,) = propose_grants(ledger, [ask("M1", "birthday", "400.00", on=early)], proposer="clerk")
    assert out.refused
    assert out.verdict.refusals[0].cap == "300.00"  # type: ignore[union-attr]


def test_forms_relations_standing_and_frequency(ledger: Store) -> None:
    outs = propose_grants(
        ledger,
        [
            ask("M0", "spring", "100.00", form="shopping_card"),
            ask("M0", "spring", "100.00", form="cash", idempotency_key="k2"),
            ask("M1", "hospital", "500.00", relation="parent", event_key="ill-1"),
            ask("LATE", "birthday", "100.00"),
            ask("M2", "hospital", "500.00", event_key="ill-9"),
            ask("M2", "hospital", "300.00", event_key="ill-9", idempotency_key="again"),
        ],
        proposer="clerk",
    )
    rules = [[f.rule for f in o.verdict.refusals] for o in outs]  # type: ignore[union-attr]
    assert rules[0] == ["spending.forms.festival_goods"]
    assert rules[1] == ["spending.forms.festival_goods"]
    assert rules[2] == ["spending.relatives_covered"]
    assert rules[3] == ["spending.standing_grace_months"]
    assert rules[4] == []
    assert "spending.times_per_event_per_year.hospital_visit" in rules[5]


def test_a_refused_proposal_does_not_count_for_later_ones(ledger: Store) -> None:
    outs = propose_grants(
        ledger,
        [
            ask("M0", "spring", "2300.00"),
            ask("M0", "autumn", "2000.00"),
        ],
        proposer="clerk",
    )
    assert outs[0].refused and not outs[1].refused


def test_a_repeated_idempotency_key_returns_the_stored_grant(ledger: Store) -> None:
    (first,) = propose_grants(ledger, [ask("M0", "birthday", "200.00")], proposer="clerk")
    (again,) = propose_grants(ledger, [ask("M0", "birthday", "200.00")], proposer="clerk")
    assert again.existing and again.grant == first.grant
    assert len(list_grants(ledger)) == 1


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (ask("NOBODY", "birthday", "10.00"), "member_id"),
        (ask("M0", "nothing", "10.00"), "benefit_id"),
        (ask("M0", "birthday", "-10.00"), "amount"),
        (ask("M0", "birthday", "10.005"), "amount"),
    ],
)
def test_bad_requests_are_refused_and_store_nothing(
    ledger: Store, request_: GrantRequest, field: str
) -> None:
    with pytest.raises(InvalidGrantData, match=field):
        propose_grants(ledger, [ask("M1", "birthday", "10.00"), request_], proposer="clerk")
    assert list_grants(ledger) == []


def test_a_closed_year_takes_no_grant_or_reversal(ledger: Store) -> None:
    (out,) = propose_grants(ledger, [ask("M0", "birthday", "10.00")], proposer="clerk")
    close_year(ledger, 2026, by="treasurer")
    with pytest.raises(InvalidGrantData, match="closed year"):
        propose_grants(ledger, [ask("M1", "birthday", "10.00")], proposer="clerk")
    with pytest.raises(InvalidGrantData, match="closed year"):
        reverse_grant(
            ledger,
            out.grant.grant_id,
            on=date(2026, 12, 1),  # type: ignore[union-attr]
            reason="x",
            actor="clerk",
        )


def test_approval_threshold_self_approval_and_spent(ledger: Store) -> None:
    (out,) = propose_grants(
        ledger, [ask("M0", "hospital", "1500.00", event_key="ill-1")], proposer="clerk"
    )
    grant = out.grant
    assert grant is not None and grant.status is GrantStatus.PENDING
    assert grant.approvals_needed == 1
    assert spent(ledger, 2026) == Decimal("0.00")
    with pytest.raises(InvalidGrantData, match="cannot approve"):
        approve_grant(ledger, grant.grant_id, "clerk")
    done = approve_grant(ledger, grant.grant_id, "chair")
    assert done.status is GrantStatus.APPROVED
    assert spent(ledger, 2026) == Decimal("1500.00")
    with pytest.raises(InvalidGrantData, match="already approved"):
        approve_grant(ledger, grant.grant_id, "vice-chair")


def test_a_reversal_corrects_the_ledger_and_frees_the_cap(ledger: Store) -> None:
    (out,) = propose_grants(ledger, [ask("M0", "spring", "2000.00")], proposer="clerk")
    gid = out.grant.grant_id  # type: ignore[union-attr]
    first = reverse_grant(ledger, gid, on=ON, reason="发错人", actor="clerk")
    again = reverse_grant(ledger, gid, on=ON, reason="发错人", actor="clerk")
    assert first == again and first.reverses == gid
    assert spent(ledger, 2026) == Decimal("0.00")
    assert len(list_grants(ledger)) == 2
    (later,) = propose_grants(ledger, [ask("M0", "autumn", "2000.00")], proposer="clerk")
    assert not later.refused


def test_replay_agrees_under_the_same_rules_and_names_what_changed(ledger: Store) -> None:
    (out,) = propose_grants(ledger, [ask("M0", "birthday", "450.00")], proposer="clerk")
    gid = out.grant.grant_id  # type: ignore[union-attr]
    same = replay_grant(ledger, gid)
    assert same.agrees and same.changes == ()
    stricter = DEFAULT_SPENDING.overlay(
        Parameters(
            [
                Parameter(
                    "spending.per_event_cap.birthday",
                    "yuan",
                    values=(ParameterValue(date(2026, 1, 1), Decimal(400), "branch rule 2026"),),
                )
            ]
        )
    )
    changed = replay_grant(ledger, gid, stricter)
    assert not changed.agrees
    assert any("spending.per_event_cap.birthday: 500" in c and "400" in c for c in changed.changes)
    assert changed.refusals[0].cap == "400.00"


def test_festival_goods_must_name_a_festival(ledger: Store) -> None:
    define_benefits(ledger, [SPRING.model_copy(update={"benefit_id": "any", "festival": None})])
    (out,) = propose_grants(ledger, [ask("M0", "any", "100.00")], proposer="clerk")
    assert out.refused and out.verdict.refusals[0].rule == "festival"  # type: ignore[union-attr]


def test_a_member_who_left_is_not_in_good_standing(ledger: Store) -> None:
    gone = Member(
        member_id="M2", name="张三", dues_paid_through="2026-09", status=MemberStatus.LEFT
    )
    import_members(ledger, [gone], on=ON, partial=True)
    (out,) = propose_grants(ledger, [ask("M2", "birthday", "10.00")], proposer="clerk")
    assert out.refused
