"""
A maintainer's alarm: next year's official holiday data must be loaded by 1 December.

The State Council publishes the next year's arrangement in November or December.
From 1 December on, deadlines of demands accepted in December cross New Year, so
this test FAILS (not skips, not xfails) when next year is missing from both
chinesecalendar and ``unionkit/calendar/data``: the fix is to upgrade chinesecalendar
or transcribe the notice into ``src/unionkit/calendar/data/<year>.yaml``.
Before 1 December a missing next year only raises a warning, shown in pytest's summary.
"""

from __future__ import annotations

import warnings
from datetime import date

import pytest

from unionkit.calendar import WorkCalendar

ALARM_MONTH = 12


def freshness(calendar: WorkCalendar, today: date) -> tuple[str, str] | None:
    """Return ``("fail"|"warn", message)`` when next year's data is missing, else None."""
    missing = [y for y in (today.year, today.year + 1) if not calendar.covers(y)]
    if not missing:
        return None
    message = (
        f"No official holiday arrangement loaded for {missing}: upgrade chinesecalendar "
        f"or add src/unionkit/calendar/data/<year>.yaml from the State Council notice "
        f"(see docs/demands.md). Deadlines crossing into it raise CalendarDataMissing."
    )
    if today.year in missing or today.month >= ALARM_MONTH:
        return "fail", message
    return "warn", message


def test_freshness_rule_fails_in_december_and_warns_before() -> None:
    calendar = WorkCalendar.default()
    last = max(calendar.years)

    assert "fail" == (freshness(calendar, date(last, 12, 1)) or ("", ""))[0]
    assert "warn" == (freshness(calendar, date(last, 11, 30)) or ("", ""))[0]
    assert freshness(calendar, date(last - 1, 12, 31)) is None


def test_next_years_holiday_data_is_loaded_by_december() -> None:
    verdict = freshness(WorkCalendar.default(), date.today())
    if verdict is None:
        return
    kind, message = verdict
    if kind == "fail":
        pytest.fail(message)
    warnings.warn(message, UserWarning, stacklevel=1)
