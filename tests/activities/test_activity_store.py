"""Activities in the store: registration, waitlist, attendance, participation, group sizes."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from unionkit.activities import (
    SUMMER_CHILDCARE,
    Eligibility,
    OrganiserKind,
    ParticipationBasis,
    RegistrationStatus,
)
from unionkit.errors import InvalidActivityData, NotFound, RuleDefinitionError
from unionkit.models import Activity, Group, GroupKind, Member, Membership
from unionkit.models.activity import ActivityKind
from unionkit.store import Store
from unionkit.store.activities import ActivityBook

AT = datetime(2025, 6, 1, 9, 0)
R = RegistrationStatus


def _members(store: Store, n: int = 6) -> list[str]:
    people = [
        Member(
            member_id=f"M{i}",
            name=f"职工{i}",
            department="nursing",
            birth_date=date(1985, 1, 1),
            household_id=f"h{i}",
        )
        for i in range(1, n + 1)
    ]
    store.add_members(people)
    return [p.member_id for p in people]


def _activity(aid: str = "A1", capacity: int | None = 2, **kw: object) -> Activity:
    return Activity.model_validate(
        {
            "activity_id": aid,
            "kind": ActivityKind.SPORTS,
            "title": "羽毛球赛",
            "starts_on": date(2025, 7, 1),
            "ends_on": date(2025, 7, 1),
            "capacity": capacity,
            **kw,
        }
    )


def test_registration_past_capacity_goes_to_the_waitlist_and_is_promoted_in_order(
    store: Store,
) -> None:
    ids = _members(store)
    book = ActivityBook(store)
    book.add_activity(_activity(), OrganiserKind.BRANCH)

    outcomes = [book.register("A1", m, AT) for m in ids[:4]]

    assert [R.REGISTERED, R.REGISTERED, R.WAITLISTED, R.WAITLISTED] == [o.status for o in outcomes]
    assert [None, None, 1, 2] == [o.waitlist_position for o in outcomes]
    assert "M3" == book.cancel("A1", "M1", AT)
    assert "M4" == book.cancel("A1", "M3", AT)
    statuses = {r.member_id: r.status for r in book.registrations("A1")}
    assert {
        "M1": R.CANCELLED,
        "M2": R.REGISTERED,
        "M3": R.CANCELLED,
        "M4": R.REGISTERED,
    } == statuses


def test_cancelling_a_waitlisted_registration_promotes_nobody(store: Store) -> None:
    ids = _members(store)
    book = ActivityBook(store)
    book.add_activity(_activity(capacity=1), OrganiserKind.BRANCH)
    book.register_many("A1", ids[:3], AT)

    promoted = book.cancel("A1", "M2", AT)

    assert promoted is None
    assert "M3" == book.cancel("A1", "M1", AT)


def test_registering_twice_is_refused_and_stores_nothing(store: Store) -> None:
    ids = _members(store)
    book = ActivityBook(store)
    book.add_activity(_activity(), OrganiserKind.BRANCH)
    book.register("A1", ids[0], AT)

    with pytest.raises(InvalidActivityData, match="already registered") as caught:
        book.register_many("A1", [ids[1], ids[0]], AT)

    assert "A1/M1" == caught.value.record
    assert ["M1"] == [r.member_id for r in book.registrations("A1")]


def test_a_cancelled_member_may_register_again_at_the_back(store: Store) -> None:
    ids = _members(store)
    book = ActivityBook(store)
    book.add_activity(_activity(capacity=1), OrganiserKind.BRANCH)
    book.register_many("A1", ids[:2], AT)
    book.cancel("A1", "M1", AT)

    again = book.register("A1", "M1", AT)

    assert (R.WAITLISTED, 1) == (again.status, again.waitlist_position)


def test_attendance_for_someone_without_a_place_is_refused_whole(store: Store) -> None:
    ids = _members(store)
    book = ActivityBook(store)
    book.add_activity(_activity(capacity=1), OrganiserKind.BRANCH)
    book.register_many("A1", ids[:2], AT)

    with pytest.raises(InvalidActivityData, match="waitlisted"):
        book.record_attendance("A1", {"M1": True, "M2": True})
    with pytest.raises(InvalidActivityData, match="not registered"):
        book.record_attendance("A1", {"M1": True, "M5": True})

    assert [None, None] == [r.attended for r in book.registrations("A1")]


def test_unknown_activity_and_member_are_named(store: Store) -> None:
    _members(store)
    book = ActivityBook(store)
    book.add_activity(_activity(), OrganiserKind.BRANCH)

    with pytest.raises(NotFound, match="'A9'"):
        book.register("A9", "M1", AT)
    with pytest.raises(NotFound, match="'X1'"):
        book.register("A1", "X1", AT)
    with pytest.raises(InvalidActivityData, match="already stored"):
        book.add_activity(_activity(), OrganiserKind.BRANCH)


def test_summer_childcare_admits_only_staff_with_a_child_aged_6_to_12(store: Store) -> None:
    store.add_members(
        [
            Member(member_id="P1", name="家长甲", household_id="h1", birth_date=date(1985, 3, 1)),
            Member(
                member_id="C1",
                name="孩子甲",
                is_member=False,
                household_id="h1",
                birth_date=date(2016, 5, 1),
            ),
            Member(member_id="P2", name="家长乙", household_id="h2", birth_date=date(1985, 3, 1)),
            Member(
                member_id="C2",
                name="孩子乙",
                is_member=False,
                household_id="h2",
                birth_date=date(2021, 5, 1),
            ),
        ]
    )
    book = ActivityBook(store)
    book.add_activity(
        _activity("S1", capacity=30, kind=ActivityKind.CHILDCARE),
        OrganiserKind.BRANCH,
        SUMMER_CHILDCARE,
    )

    placed = book.register("S1", "P1", AT)
    with pytest.raises(InvalidActivityData, match="child aged 6 to 12"):
        book.register("S1", "P2", AT)

    assert R.REGISTERED == placed.status
    assert ["P1"] == [r.member_id for r in book.registrations("S1")]
    assert SUMMER_CHILDCARE == book.get_activity("S1").eligibility


def test_an_eligibility_rule_that_is_not_yes_or_no_is_refused() -> None:
    with pytest.raises(RuleDefinitionError):
        Eligibility("years_since(hire_date)")
    with pytest.raises(RuleDefinitionError):
        Eligibility("no_such_field > 3")


def test_participation_states_its_basis_and_uses_it(store: Store) -> None:
    ids = _members(store, 8)
    store.add_members([Member(member_id="R1", name="家属", is_member=False, household_id="h1")])
    store.add_groups([Group(group_id="G1", kind=GroupKind.ASSOCIATION, name="羽毛球协会")])
    store.add_memberships([Membership(member_id=m, group_id="G1") for m in ids[:4]])
    book = ActivityBook(store)
    book.add_activity(
        _activity(capacity=None, organiser_group_id="G1"),
        OrganiserKind.ASSOCIATION,
        Eligibility("department == 'nursing'", "护理人员", "nurses"),
    )
    book.register_many("A1", ids[:5], AT)
    book.record_attendance("A1", {"M1": True, "M2": True, "M3": False, "M5": True})

    organiser = book.participation("A1", ParticipationBasis.ORGANISER)
    everyone = book.participation("A1", "all")
    eligible = book.participation("A1", "eligible")

    assert (2, 4) == (organiser.numerator, organiser.denominator)
    assert (3, 8) == (everyone.numerator, everyone.denominator)
    assert (3, 8) == (eligible.numerator, eligible.denominator)
    assert ParticipationBasis.ORGANISER is organiser.basis
    assert "参加人数 ÷ 主办组织成员数" == organiser.basis.label("zh")


def test_an_organiser_group_of_the_wrong_kind_is_refused(store: Store) -> None:
    store.add_groups([Group(group_id="H1", kind=GroupKind.SMALL_HOME, name="门诊小家")])
    book = ActivityBook(store)

    with pytest.raises(InvalidActivityData, match="not a association"):
        book.add_activity(_activity(organiser_group_id="H1"), OrganiserKind.ASSOCIATION)
    with pytest.raises(NotFound):
        book.add_activity(_activity(organiser_group_id="nope"), OrganiserKind.ASSOCIATION)

    assert [] == book.list_activities(date(2025, 1, 1), date(2025, 12, 31))


def test_association_and_small_home_member_counts_follow_membership_dates(store: Store) -> None:
    ids = _members(store, 5)
    store.add_groups(
        [
            Group(group_id="G1", kind=GroupKind.ASSOCIATION, name="摄影协会"),
            Group(group_id="G2", kind=GroupKind.SMALL_HOME, name="门诊小家"),
            Group(group_id="G3", kind=GroupKind.ASSOCIATION, name="书法协会"),
        ]
    )
    store.add_memberships(
        [
            Membership(member_id=ids[0], group_id="G1"),
            Membership(member_id=ids[1], group_id="G1", since=date(2025, 3, 1)),
            Membership(member_id=ids[2], group_id="G1", until=date(2024, 12, 31)),
            Membership(member_id=ids[3], group_id="G2"),
        ]
    )

    counts = ActivityBook(store).group_member_counts(date(2025, 6, 30))

    assert [("G1", 2), ("G3", 0), ("G2", 1)] == [(c.group_id, c.members) for c in counts]
