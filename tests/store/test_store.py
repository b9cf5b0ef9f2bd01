"""The store's behaviour on SQLite and PostgreSQL: lifecycle, queries, bad input, erasure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from store_support import MONDAY, StoreTarget
from unionkit.errors import (
    ConflictError,
    IllegalTransition,
    InvalidDemandData,
    InvalidMemberData,
    NotFound,
)
from unionkit.models import Grant, Group, GroupKind, Member, Membership
from unionkit.models.demand import MAX_TEXT, DemandAction, DemandState
from unionkit.store import ANONYMOUS_NAME, Store

# A valid test ID number (GB 11643 check digit computed by ISO 7064 MOD 11-2) and mobile number.
RESIDENT_ID = "110105199001011232"
PHONE = "13812345678"


def _member(member_id: str = "M1", **extra: object) -> Member:
    return Member.model_validate({"member_id": member_id, "name": "张三丰", **extra})


def _demand(store: Store, demand_id: str = "D1", **extra: Any) -> str:
    return store.submit_demand(
        member_id="M1",
        kind="request",
        title="夜班食堂",
        content=f"请联系我 {PHONE}",
        demand_id=demand_id,
        at=MONDAY,
        **extra,
    ).demand_id


@pytest.fixture
def seeded(store: Store) -> Store:
    store.add_members([_member(national_id=RESIDENT_ID, phone=PHONE), _member("M2"), _member("M3")])
    return store


def test_full_loop_is_stored_with_its_history(seeded: Store) -> None:
    d = _demand(seeded)
    seeded.transition(d, "accept", "office", 1, at=MONDAY, category="canteen")
    seeded.transition(d, "start", "logistics", 2, at=MONDAY)
    seeded.transition(d, "resolve", "logistics", 3, at=MONDAY, answer="窗口延长")
    final = seeded.transition(d, "feedback", "M1", 4, at=MONDAY, satisfaction="非常满意")

    assert final == seeded.get_demand(d)
    assert (DemandState.CLOSED, "logistics", date(2026, 3, 5), 5) == (
        final.state,
        final.department,
        final.deadline,
        final.version,
    )
    assert ["submit", "accept", "start", "resolve", "feedback"] == [
        e.action.value for e in seeded.history(d)
    ]
    assert [1, 2, 3, 4, 5] == [e.seq for e in seeded.history(d)]


def test_stale_version_is_a_conflict_and_changes_nothing(seeded: Store) -> None:
    d = _demand(seeded)
    seeded.transition(d, "note", "a", 1, note="first")
    before = seeded.count_rows()

    with pytest.raises(ConflictError, match="version 1"):
        seeded.transition(d, "note", "b", 1, note="second")

    assert before == seeded.count_rows()
    assert 2 == seeded.get_demand(d).version


def test_illegal_transition_stores_nothing(seeded: Store) -> None:
    d = _demand(seeded)
    before = seeded.count_rows()

    with pytest.raises(IllegalTransition, match="'D1'"):
        seeded.transition(d, DemandAction.RESOLVE, "x", 1, answer="a")

    assert before == seeded.count_rows()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda s: s.transition("D1", "accept", "o", 1), InvalidDemandData, "category"),
        (
            lambda s: s.transition("D1", "accept", "o", 1, category="parking"),
            InvalidDemandData,
            "department",
        ),
        (
            lambda s: s.transition("D1", "note", "o", 1, note="x" * (MAX_TEXT + 1)),
            InvalidDemandData,
            "note",
        ),
        (lambda s: s.transition("D1", "fly", "o", 1), InvalidDemandData, "unknown action"),
        (lambda s: s.transition("D9", "note", "o", 1, note="n"), NotFound, "D9"),
        (lambda s: s.transition("D1", "merge", "o", 1, into="D9"), NotFound, "D9"),
        (
            lambda s: s.submit_demand(member_id="M404", kind="request", title="t", content="c"),
            NotFound,
            "M404",
        ),
        (
            lambda s: s.submit_demand(
                member_id="M1", kind="request", title="t", content="x" * (MAX_TEXT + 1)
            ),
            InvalidDemandData,
            "content",
        ),
        (
            lambda s: s.submit_demand(
                member_id="M1", kind="request", title="t", content="c", demand_id="D1"
            ),
            InvalidDemandData,
            "already stored",
        ),
        (
            lambda s: s.submit_demand(
                member_id="M1", kind="proposal", title="t", content="c", co_signers=["M2", "M404"]
            ),
            NotFound,
            "M404",
        ),
        (lambda s: s.list_demands(state="lost"), InvalidDemandData, "unknown state"),
        (lambda s: s.add_members([_member("M9"), _member("M1")]), InvalidMemberData, "M1"),
        (
            lambda s: s.add_grants(
                [
                    Grant(
                        grant_id="G1",
                        benefit_id="B",
                        member_id="M404",
                        amount=Decimal("1.00"),
                        granted_on=date(2026, 1, 5),
                        reason="r",
                    )
                ]
            ),
            NotFound,
            "M404",
        ),
    ],
)
def test_bad_input_is_a_clear_error_and_nothing_is_stored(
    seeded: Store, call: object, error: type[Exception], match: str
) -> None:
    _demand(seeded)
    before = seeded.count_rows()

    with pytest.raises(error, match=match):
        call(seeded)  # type: ignore[operator]

    assert before == seeded.count_rows()
    assert 1 == seeded.get_demand("D1").version


def test_merge_into_an_open_demand(seeded: Store) -> None:
    _demand(seeded, "D1")
    _demand(seeded, "D2")
    merged = seeded.transition("D2", "merge", "office", 1, into="D1")

    assert (DemandState.MERGED, "D1") == (merged.state, merged.merged_into)
    with pytest.raises(InvalidDemandData, match="open"):
        _demand(seeded, "D3")
        seeded.transition("D3", "merge", "office", 1, into="D2")


def test_overdue_and_due_soon_queries_use_working_days(seeded: Store) -> None:
    for name, category in (("D1", "canteen"), ("D2", "pay"), ("D3", "canteen")):
        _demand(seeded, name)
        seeded.transition(name, "accept", "o", 1, at=MONDAY, category=category)
    seeded.transition("D3", "resolve", "o", 2, at=MONDAY, answer="done")
    # D1 due Thu 2026-03-05 (3 working days), D2 due 2026-03-23 (15); D3 resolved.

    assert ["D1"] == [d.demand_id for d in seeded.list_demands(overdue_on=date(2026, 3, 6))]
    assert [] == seeded.list_demands(overdue_on=date(2026, 3, 5))
    # Friday 03-20 plus 1 working day is Monday 03-23.
    assert ["D2"] == [d.demand_id for d in seeded.list_demands(due_within=(date(2026, 3, 20), 1))]
    assert [] == seeded.list_demands(due_within=(date(2026, 3, 19), 1))
    assert ["D2"] == [d.demand_id for d in seeded.list_demands(department="hr")]
    assert ["D3"] == [d.demand_id for d in seeded.list_demands(state="resolved")]


def test_member_personal_fields_round_trip(seeded: Store) -> None:
    member = seeded.get_member("M1")

    assert RESIDENT_ID == member.national_id.reveal()  # type: ignore[union-attr]
    assert PHONE == member.phone.reveal()  # type: ignore[union-attr]
    assert "张三丰" == member.name


@pytest.mark.parametrize("erase", ["anonymise_member", "delete_member"])
def test_erasing_a_member_keeps_history_without_personal_data(seeded: Store, erase: str) -> None:
    _demand(seeded)
    seeded.transition("D1", "accept", "office", 1, category="pay")
    seeded.add_grants(
        [
            Grant(
                grant_id="G1",
                benefit_id="B",
                member_id="M1",
                amount=Decimal("500.00"),
                granted_on=date(2026, 1, 5),
                reason="r",
            )
        ]
    )
    before = seeded.count_rows()

    new_id = getattr(seeded, erase)("M1")

    demand = seeded.get_demand("D1")
    history = seeded.history("D1")
    assert before == seeded.count_rows()
    assert (new_id, 2) == (demand.member_id, len(history))
    assert PHONE not in demand.content
    assert new_id == history[0].actor
    assert [Decimal("500.00")] == [g.amount for g in seeded.grants_for(new_id)]
    with pytest.raises(NotFound):
        seeded.get_member("M1")
    if erase == "delete_member":
        with pytest.raises(NotFound):
            seeded.get_member(new_id)
    else:
        kept = seeded.get_member(new_id)
        assert (ANONYMOUS_NAME, None, None) == (kept.name, kept.national_id, kept.phone)


def test_money_is_exact_in_integer_fen(seeded: Store) -> None:
    amounts = [
        Decimal("0.01"),
        Decimal("0.10"),
        Decimal("4500.00"),
        Decimal("999999999.99"),
        Decimal("0.07"),
        Decimal("1234.56"),
    ]
    seeded.add_grants(
        [
            Grant(
                grant_id=f"G{i}",
                benefit_id="B",
                member_id="M1",
                amount=a,
                granted_on=date(2026, 1, i + 1),
                reason="r",
            )
            for i, a in enumerate(amounts)
        ]
    )
    back = [g.amount for g in seeded.grants_for("M1")]

    assert amounts == back
    # 0.1 + 0.2 in binary floats is not 0.3; the stored sum is exact.
    assert sum(amounts, Decimal(0)) == sum(back, Decimal(0))


def test_groups_and_memberships(seeded: Store) -> None:
    seeded.add_groups([Group(group_id="B1", kind=GroupKind.BRANCH, name="内科分工会")])
    seeded.add_memberships([Membership(member_id="M1", group_id="B1")])

    assert "内科分工会" == seeded.get_group("B1").name
    with pytest.raises(NotFound, match="B9"):
        seeded.add_memberships([Membership(member_id="M1", group_id="B9")])


def test_a_batch_repeating_or_reusing_an_id_names_it_and_stores_nothing(seeded: Store) -> None:
    seeded.add_groups([Group(group_id="B1", kind=GroupKind.BRANCH, name="内科")])
    grant = Grant(
        grant_id="G1",
        benefit_id="B",
        member_id="M1",
        amount=Decimal("1.00"),
        granted_on=date(2026, 1, 5),
        reason="r",
    )
    seeded.add_grants([grant])
    before = seeded.count_rows()
    # Members name the lowest clashing id; groups and grants a stored one first, else the
    # first repeated one in batch order.
    batches: list[tuple[Callable[[], object], str]] = [
        (
            lambda: seeded.add_members(
                [_member("M8"), _member("M7"), _member("M8"), _member("M7")]
            ),
            "'M7'",
        ),
        (lambda: seeded.add_members([_member("M9"), _member("M2"), _member("M9")]), "'M2'"),
        (
            lambda: seeded.add_groups(
                [
                    Group(group_id=g, kind=GroupKind.BRANCH, name="x")
                    for g in ("B3", "B2", "B2", "B3")
                ]
            ),
            "'B3'",
        ),
        (
            lambda: seeded.add_groups(
                [Group(group_id=g, kind=GroupKind.BRANCH, name="x") for g in ("B2", "B2", "B1")]
            ),
            "'B1'",
        ),
        (
            lambda: seeded.add_grants(
                [grant.model_copy(update={"grant_id": g}) for g in ("G3", "G2", "G2", "G3")]
            ),
            "'G3'",
        ),
        (
            lambda: seeded.add_grants(
                [grant.model_copy(update={"grant_id": g}) for g in ("G2", "G2", "G1")]
            ),
            "'G1'",
        ),
    ]

    for call, named in batches:
        with pytest.raises(InvalidMemberData, match=f"record {named}"):
            call()

    assert before == seeded.count_rows()


def test_bulk_import_and_plain_rows_for_reports(seeded: Store) -> None:
    flow = seeded.workflow
    first = flow.submit(
        demand_id="X1",
        member_id="M2",
        kind="suggestion",
        title="t",
        content="c",
        at=datetime(2025, 6, 2, 10),
    )
    accepted = flow.apply(
        first.demand, "accept", actor="o", at=datetime(2025, 6, 3), category="pay"
    )
    seeded.import_demands([(accepted.demand, [first.event, accepted.event])])

    rows = seeded.demand_rows(date(2025, 1, 1), date(2026, 1, 1))
    events = seeded.event_rows(date(2025, 1, 1), date(2026, 1, 1))

    assert [("X1", "accepted", "hr", 2)] == [
        (r.demand_id, r.state, r.department, r.version) for r in rows
    ]
    assert [1, 2] == [e.seq for e in events]
    with pytest.raises(InvalidDemandData, match="history"):
        seeded.import_demands([(accepted.demand, [accepted.event])])


def test_migration_is_idempotent_and_reopens(store_target: StoreTarget) -> None:
    first = store_target.open()
    version = first.schema_version()
    first.add_members([_member()])
    first.close()
    again = store_target.open()
    try:
        assert version == again.migrate() == again.schema_version() == "v0006"
        assert 1 == again.count_rows()["members"]
    finally:
        again.close()


def test_notifier_failure_does_not_undo_the_commit(store_target: StoreTarget) -> None:
    from attrs import evolve

    from store_support import make_workflow

    def boom(demand: object, event: object) -> None:
        raise RuntimeError("mail server down")

    opened = store_target.open(evolve(make_workflow(), notify=boom))
    try:
        opened.add_members([_member()])
        demand = _demand(opened)

        assert 1 == opened.get_demand(demand).version
    finally:
        opened.close()


def test_engine_is_public_read_only_and_reads_what_the_store_wrote(seeded: Store) -> None:
    import sqlalchemy as sa

    with seeded.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT count(*) FROM members")).scalar_one()

    assert 3 == stored
    assert seeded.dialect == seeded.engine.dialect.name
    with pytest.raises(AttributeError):
        seeded.engine = seeded.engine  # type: ignore[misc]


def test_an_amount_with_a_third_decimal_place_is_refused_not_rounded(seeded: Store) -> None:
    # The model refuses 1.005 yuan; a grant built without validation must not slip
    # through the store as 1.00 (half-even) either.
    good = Grant(
        grant_id="G1",
        benefit_id="B",
        member_id="M1",
        amount=Decimal("1.00"),
        granted_on=date(2026, 1, 5),
        reason="r",
    )
    odd = Grant.model_construct(
        **{**good.model_dump(), "grant_id": "G2", "amount": Decimal("1.005")}
    )
    before = seeded.count_rows()

    with pytest.raises(ValueError, match="more than two decimal places"):
        seeded.add_grants([good, odd])

    assert before == seeded.count_rows()
