"""Care visits as records: planned once, assigned, done with a note, money through the ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from unionkit.care import CareAction, CareProposal
from unionkit.care.visits import VisitKind, VisitStatus, birthday_on, tasks_from_proposals
from unionkit.errors import InvalidGrantData, NotFound, Rejected
from unionkit.models import Benefit, BenefitKind, GrantForm, Member
from unionkit.store import (
    Store,
    add_visits,
    assign_visit,
    complete_visit,
    define_benefits,
    import_members,
    list_grants,
    list_visits,
    plan_birthdays,
)

NOV = date(2026, 11, 1)
HOSPITAL = Benefit(
    benefit_id="hospital",
    kind=BenefitKind.HOSPITAL_VISIT,
    name_zh="住院慰问",
    name_en="hospital visit",
    form=GrantForm.CASH,
)


@pytest.fixture
def people(store: Store) -> Store:
    import_members(
        store,
        [
            Member(
                member_id="A",
                name="张三",
                birth_date=date(1980, 11, 3),
                dues_paid_through="2026-12",
            ),
            Member(
                member_id="B", name="李四", birth_date=date(1985, 5, 9), dues_paid_through="2026-12"
            ),
            Member(member_id="C", name="王五", birth_date=date(1990, 11, 20), status="left"),
        ],
        on=NOV,
    )
    define_benefits(store, [HOSPITAL])
    return store


def test_birthday_tasks_are_planned_once_for_active_members(people: Store) -> None:
    made = plan_birthdays(people, NOV)
    assert [(t.member_id, t.due_on) for t in made] == [("A", date(2026, 11, 3))]
    assert plan_birthdays(people, NOV) == []
    assert len(list_visits(people)) == 1


def test_lunar_birthdays() -> None:
    # Born 1980-11-03 = lunar 九月廿六 (1980); in 2026 that is 2026-11-04.
    assert birthday_on(date(1980, 11, 3), 2026, lunar=True) == date(2026, 11, 4)
    assert birthday_on(date(2024, 2, 29), 2026) == date(2026, 2, 28)


def test_care_proposals_become_tasks_and_payments_only_do_not(people: Store) -> None:
    proposals = [
        CareProposal(
            "B",
            "hospital",
            "住院慰问",
            "hospital",
            CareAction.VISIT_AND_PAYMENT,
            BenefitKind.HOSPITAL_VISIT,
            Decimal("500.00"),
            True,
        ),
        CareProposal(
            "A",
            "subsidy",
            "补助",
            "subsidy",
            CareAction.PAYMENT,
            BenefitKind.HOSPITALISATION_SUBSIDY,
            Decimal("100.00"),
            False,
        ),
    ]
    tasks = tasks_from_proposals(proposals, date(2026, 11, 30))
    assert [(t.member_id, t.kind) for t in tasks] == [("B", VisitKind.HOSPITAL)]
    assert len(add_visits(people, tasks)) == 1 and add_visits(people, tasks) == []


def test_a_visit_is_assigned_and_done_with_money_through_the_ledger(people: Store) -> None:
    (task,) = add_visits(
        people,
        tasks_from_proposals(
            [
                CareProposal(
                    "B",
                    "hospital",
                    "住院慰问",
                    "hospital",
                    CareAction.VISIT_AND_PAYMENT,
                    BenefitKind.HOSPITAL_VISIT,
                    Decimal("500.00"),
                    True,
                )
            ],
            date(2026, 11, 30),
        ),
    )
    assert assign_visit(people, task.visit_id, "工会干事甲").assignee == "工会干事甲"
    with pytest.raises(Rejected, match="per-event cap"):
        complete_visit(
            people,
            task.visit_id,
            on=date(2026, 11, 10),
            note="探望",
            by="clerk",
            amount="2500.00",
            benefit_id="hospital",
        )
    assert list_visits(people, status="open")[0].visit_id == task.visit_id
    assert list_grants(people) == []
    done = complete_visit(
        people,
        task.visit_id,
        on=date(2026, 11, 10),
        note="探望，病情稳定",
        by="clerk",
        amount="300.00",
        benefit_id="hospital",
    )
    assert done.status is VisitStatus.DONE and done.done_on == date(2026, 11, 10)
    (grant,) = list_grants(people)
    assert done.grant_id == grant.grant_id and grant.event_key == task.source_key
    with pytest.raises(InvalidGrantData, match="already done"):
        complete_visit(people, task.visit_id, on=date(2026, 11, 11), note="again", by="clerk")


def test_unknown_visit_or_member(people: Store) -> None:
    with pytest.raises(NotFound):
        complete_visit(people, "V-nothing", on=NOV, note="x", by="clerk")
    with pytest.raises(NotFound):
        add_visits(
            people,
            tasks_from_proposals(
                [CareProposal("Z", "t", "t", "t", CareAction.VISIT, BenefitKind.OTHER, None, True)],
                NOV,
            ),
        )
