"""The public notice before a hardship file leaves: a standard-library rule over working days."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from unionkit.calendar import WorkCalendar, working_days
from unionkit.models import Member
from unionkit.rulefiles.assembly import hardship_files_ruleset
from unionkit.rules import Parameter, Parameters, ParameterValue
from unionkit.store import Store, enter_file, import_members, start_leaving


def test_the_notice_rule_gives_the_calendars_day_for_every_start_in_two_years() -> None:
    calendar = WorkCalendar.default()
    days = [date(2025, 1, 1) + timedelta(days=k) for k in range(700)]
    rules = hardship_files_ruleset().with_working_days(working_days(calendar))

    frame = rules.evaluate(
        {"hardship_notice_from": np.array(days, dtype="datetime64[D]")},
        date(2025, 1, 1),
        ["hardship_notice_until"],
    ).frame

    got = [d.item() for d in frame["hardship_notice_until"]]
    # the Python computation the rule replaced: the calendar's own count of 5 working days
    assert got == [calendar.add_workdays(d, 5).date for d in days]
    # across National Day 2025 (1-8 October) and its make-up Saturday (11 October)
    assert got[days.index(date(2025, 9, 30))] == date(2025, 10, 14)
    # across the 2026 Spring Festival (15-23 February): 13, 14 (make-up Saturday), 24, 25, 26
    assert got[days.index(date(2026, 2, 12))] == date(2026, 2, 26)


@pytest.fixture
def filed(store: Store) -> Store:
    import_members(store, [Member(member_id="B", name="李四")], on=date(2025, 1, 1))
    return store


def test_a_branchs_longer_notice_comes_through_the_rule(filed: Store) -> None:
    file = enter_file(filed, "B", tier="relative", on=date(2025, 3, 1), evidence="E", actor="c")
    seven = Parameters(
        [
            Parameter(
                "hardship.leave_notice_workdays",
                "working days",
                "退档公示工作日数",
                "public notice before leaving the file, in working days",
                (ParameterValue(date(2019, 1, 1), 7, "a branch's own rule"),),
            )
        ]
    )

    leaving = start_leaving(
        filed, file.file_id, on=date(2025, 9, 30), actor="c", reason="r", rules=seven
    )

    # 9, 10, 11 (make-up Saturday), 13, 14, 15, 16 October
    assert leaving.notice_until == date(2025, 10, 16)
