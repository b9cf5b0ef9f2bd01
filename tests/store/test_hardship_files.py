"""Hardship files: entering, yearly re-verification, leaving after notice, follow-up."""

from __future__ import annotations

from datetime import date

import pytest

from unionkit.errors import InvalidMemberData, NotFound
from unionkit.models import Benefit, BenefitKind, GrantForm, Member
from unionkit.models.benefit import Festival
from unionkit.store import (
    FileState,
    GrantRequest,
    HardshipTier,
    Store,
    confirm_leaving,
    define_benefits,
    due_for_reverification,
    enter_file,
    file_history,
    import_members,
    list_files,
    plan_hardship_visits,
    propose_grants,
    reverify_file,
    start_leaving,
)


@pytest.fixture
def filed(store: Store) -> Store:
    import_members(
        store,
        [Member(member_id="A", name="张三"), Member(member_id="B", name="李四")],
        on=date(2025, 1, 1),
    )
    return store


def test_enter_reverify_and_list(filed: Store) -> None:
    file = enter_file(
        filed, "A", tier="deep", on=date(2025, 3, 1), evidence="EV-2025-001", actor="clerk"
    )
    with pytest.raises(InvalidMemberData, match="already has a file"):
        enter_file(filed, "A", tier="relative", on=date(2025, 4, 1), evidence="x", actor="c")
    assert due_for_reverification(filed, date(2026, 2, 28)) == []
    assert [f.file_id for f in due_for_reverification(filed, date(2026, 3, 1))] == [file.file_id]
    again = reverify_file(
        filed,
        file.file_id,
        on=date(2026, 3, 2),
        actor="clerk",
        tier=HardshipTier.RELATIVE,
        evidence="EV-2026-004",
    )
    assert again.tier is HardshipTier.RELATIVE and again.version == 2
    assert due_for_reverification(filed, date(2026, 3, 3)) == []
    assert [a for _, a, *_ in file_history(filed, file.file_id)] == ["enter", "reverify"]


def test_leaving_needs_five_working_days_of_notice_then_follow_up(filed: Store) -> None:
    file = enter_file(
        filed, "B", tier="relative", on=date(2025, 3, 1), evidence="EV-1", actor="clerk"
    )
    leaving = start_leaving(
        filed, file.file_id, on=date(2026, 9, 28), actor="clerk", reason="收入已超过相对困难标准"
    )
    # 29 and 30 September, then the National Day holiday (1-7 October), then 8, 9 and the
    # make-up working Saturday 10 October: five working days.
    assert leaving.state is FileState.LEAVING and leaving.notice_until == date(2026, 10, 10)
    with pytest.raises(InvalidMemberData, match="2026-10-10"):
        confirm_leaving(filed, file.file_id, on=date(2026, 10, 10), actor="clerk")
    left = confirm_leaving(filed, file.file_id, on=date(2026, 10, 12), actor="clerk")
    assert left.state is FileState.LEFT and left.follow_up_until == date(2027, 4, 12)
    assert [f.file_id for f in list_files(filed, follow_up_on=date(2027, 4, 12))] == [file.file_id]
    assert list_files(filed, follow_up_on=date(2027, 4, 13)) == []
    with pytest.raises(InvalidMemberData, match="has left"):
        reverify_file(filed, file.file_id, on=date(2026, 11, 1), actor="clerk")
    # Leaving ends the file: the member can be entered again later.
    enter_file(filed, "B", tier="accident", on=date(2027, 1, 5), evidence="EV-9", actor="c")


def test_unknown_member_or_file(filed: Store) -> None:
    with pytest.raises(NotFound):
        enter_file(filed, "Z", tier="deep", on=date(2025, 1, 1), evidence="x", actor="c")
    with pytest.raises(NotFound):
        start_leaving(filed, "HF-none", on=date(2026, 1, 5), actor="c", reason="r")


def test_hardship_aid_needs_a_file_and_files_get_holiday_visits(filed: Store) -> None:
    aid = Benefit(
        benefit_id="aid",
        kind=BenefitKind.HARDSHIP_AID,
        name_zh="困难慰问",
        name_en="hardship aid",
        form=GrantForm.CASH,
        requires_good_standing=False,
    )
    define_benefits(filed, [aid])
    request = GrantRequest(
        member_id="A", benefit_id="aid", amount="800.00", on=date(2026, 1, 20), reason="春节帮扶"
    )
    (refused,) = propose_grants(filed, [request], proposer="clerk")
    assert refused.refused
    assert refused.verdict.refusals[0].rule == "hardship.file_required"  # type: ignore[union-attr]
    enter_file(filed, "A", tier="deep", on=date(2026, 1, 5), evidence="EV-7", actor="clerk")
    (paid,) = propose_grants(filed, [request], proposer="clerk")
    assert paid.grant is not None and not paid.refused
    (task,) = plan_hardship_visits(filed, Festival.SPRING, 2027)
    assert task.member_id == "A" and task.due_on == date(2027, 2, 6)
    assert plan_hardship_visits(filed, Festival.SPRING, 2027) == []
