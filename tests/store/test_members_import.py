"""Members as the system of record: roster imports upsert, keep changes, mark leavers."""

from __future__ import annotations

from datetime import date

import pytest

from unionkit.errors import InvalidMemberData
from unionkit.models import Member, MemberStatus
from unionkit.store import (
    Store,
    import_members,
    in_good_standing,
    list_members,
    member_history,
)

DAY = date(2026, 11, 2)
ID_A = "11010519491231002X"


def roster(n: int = 6) -> list[Member]:
    return [
        Member(
            member_id=f"H{i:04d}",
            name="张三丰" if i else "王小明",
            national_id=ID_A if i == 0 else None,
            department="内科" if i % 2 else "外科",
            union_group_id="内科一组" if i % 2 else None,
            household_id=f"F{i // 2}",
            household_role="leader" if i % 2 == 0 else "member",
            joined_on=date(2010, 1, 1),
            dues_paid_through="2026-10",
        )
        for i in range(n)
    ]


def test_first_import_adds_members_groups_and_memberships(store: Store) -> None:
    result = import_members(store, roster(), on=DAY, source="r.csv")
    assert len(result.added) == 6 and result.unchanged == 0 and not result.left
    # Two branches (内科, 外科), one union group, three households.
    assert result.groups_added == 6
    # Everyone in a branch and a household; the three in 内科 also in the union group.
    assert result.memberships_added == 6 + 6 + 3
    assert store.get_group("g:内科一组").parent_id == "b:内科"
    assert store.get_member("H0001").dues_paid_through == date(2026, 10, 31)
    assert store.count_rows()["members"] == 6


def test_importing_twice_changes_nothing(store: Store) -> None:
    import_members(store, roster(), on=DAY)
    before = store.count_rows()
    again = import_members(store, roster(), on=date(2026, 11, 3))
    assert not again.changed_anything and again.unchanged == 6 and again.import_id is None
    assert store.count_rows() == before


def test_changes_are_kept_with_before_and_after_masked_when_personal(store: Store) -> None:
    import_members(store, roster(), on=DAY)
    people = roster()
    people[0] = people[0].model_copy(update={"name": "王大明", "department": "儿科"})
    result = import_members(store, people, on=date(2026, 11, 3))
    assert result.updated == ("H0000",) and result.unchanged == 5
    changes = {c.field: c for c in member_history(store, "H0000")}
    assert changes["department"].before == "外科" and changes["department"].after == "儿科"
    assert not changes["department"].masked
    assert changes["name"].masked and changes["name"].before == "王**"
    assert "王大明" not in repr(changes) and "王小明" not in repr(changes)
    assert store.get_member("H0000").department == "儿科"
    # The old branch membership is closed and a new one opened.
    assert result.memberships_closed == 1 and result.memberships_added == 1


def test_an_id_number_change_is_recorded_masked(store: Store) -> None:
    import_members(store, roster(), on=DAY)
    people = roster()
    people[0] = people[0].model_copy(update={"national_id": None})
    import_members(store, people, on=DAY)
    (change,) = member_history(store, "H0000")
    assert change.field == "national_id" and change.masked
    assert change.before is not None and ID_A not in change.before and change.after is None


def test_missing_members_are_marked_left_never_deleted(store: Store) -> None:
    import_members(store, roster(), on=DAY)
    result = import_members(store, roster()[:5], on=date(2026, 11, 3))
    assert result.left == ("H0005",)
    gone = store.get_member("H0005")
    assert gone.status is MemberStatus.LEFT
    assert [m.member_id for m in list_members(store, status="left")] == ["H0005"]
    assert store.count_rows()["members"] == 6
    # Coming back on a later roster makes them active again (an update, not an add).
    back = import_members(store, roster(), on=date(2026, 11, 4))
    assert back.updated == ("H0005",) and not back.added
    assert store.get_member("H0005").status is MemberStatus.ACTIVE


def test_a_partial_roster_marks_nobody_as_left(store: Store) -> None:
    import_members(store, roster(), on=DAY)
    result = import_members(store, roster()[:1], on=DAY, partial=True)
    assert not result.left and result.unchanged == 1


def test_a_roster_that_would_mark_most_members_as_left_is_refused(store: Store) -> None:
    import_members(store, roster(), on=DAY)
    before = store.count_rows()
    with pytest.raises(InvalidMemberData, match=r"5 of 6 active members.*--partial"):
        import_members(store, roster()[:1], on=DAY, source="short.csv")
    assert store.count_rows() == before
    assert all(m.status is MemberStatus.ACTIVE for m in list_members(store))
    confirmed = import_members(store, roster()[:1], on=DAY, confirm_left=True)
    assert len(confirmed.left) == 5


def test_dry_run_writes_nothing(store: Store) -> None:
    result = import_members(store, roster(), on=DAY, dry_run=True)
    assert len(result.added) == 6 and result.dry_run
    assert store.count_rows()["members"] == 0 and store.count_rows()["groups"] == 0


def test_a_roster_repeating_a_member_id_is_refused(store: Store) -> None:
    people = roster()
    with pytest.raises(InvalidMemberData, match="H0001"):
        import_members(store, [*people, people[1]], on=DAY)
    assert store.count_rows()["members"] == 0


def test_good_standing_needs_active_membership_and_dues_paid() -> None:
    member = roster()[1]
    assert in_good_standing(member, date(2026, 10, 15))
    assert not in_good_standing(member, date(2026, 11, 15))
    assert in_good_standing(member, date(2026, 11, 15), grace_months=1)
    assert not in_good_standing(
        member.model_copy(update={"status": MemberStatus.LEFT}), date(2026, 10, 1)
    )
    assert not in_good_standing(
        member.model_copy(update={"dues_paid_through": None}), date(2026, 10, 1)
    )


@pytest.mark.parametrize("text", ["2026-10", "2026年10月", "2026/10", "2026-10-05"])
def test_dues_month_is_read_as_the_whole_month(text: str) -> None:
    member = Member(member_id="X1", name="李四", dues_paid_through=text)
    assert member.dues_paid_through == date(2026, 10, 31)
