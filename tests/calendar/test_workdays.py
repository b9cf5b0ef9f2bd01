"""Tests for the working-day calendar: official data, added years, estimates, deadlines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from unionkit.calendar import CalendarYear, Deadline, WorkCalendar, load_calendar_years
from unionkit.errors import CalendarDataError, CalendarDataMissing

FIXTURE_2027 = Path(__file__).parent / "fixtures" / "fixture-2027-NOT-OFFICIAL.yaml"


@pytest.fixture(scope="module")
def official() -> WorkCalendar:
    return WorkCalendar.default()


def test_spring_festival_2026_follows_the_state_council_notice(official: WorkCalendar) -> None:
    # 国办发明电〔2025〕7号: 2月15日至23日放假，2月14日（周六）、2月28日（周六）上班.
    assert official.is_workday(date(2026, 2, 14))
    assert official.is_workday(date(2026, 2, 28))
    assert not any(official.is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert official.is_workday(date(2026, 2, 24))


def test_ordinary_weekend_is_not_a_workday(official: WorkCalendar) -> None:
    assert not official.is_workday(date(2026, 3, 7))
    assert official.is_workday(date(2026, 3, 9))


def test_add_workdays_counts_make_up_saturday_and_skips_the_holiday(
    official: WorkCalendar,
) -> None:
    friday = date(2026, 2, 13)

    assert Deadline(date(2026, 2, 14)) == official.add_workdays(friday, 1)
    assert Deadline(date(2026, 2, 24)) == official.add_workdays(friday, 2)


def test_add_zero_workdays_is_the_start_day(official: WorkCalendar) -> None:
    assert Deadline(date(2026, 3, 7)) == official.add_workdays(date(2026, 3, 7), 0)


def test_negative_workdays_are_refused(official: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        official.add_workdays(date(2026, 3, 2), -1)


def test_workdays_between_is_the_inverse_of_add_workdays(official: WorkCalendar) -> None:
    start = date(2026, 9, 15)
    for n in (0, 1, 5, 12, 30):
        end = official.add_workdays(start, n).date

        assert n == official.workdays_between(start, end)
        assert -n == official.workdays_between(end, start)


def test_national_day_week_2026(official: WorkCalendar) -> None:
    # Oct 1-7 off; Sunday Sep 20 and Saturday Oct 10 are working days.
    assert official.is_workday(date(2026, 9, 20))
    assert official.is_workday(date(2026, 10, 10))
    assert 0 == official.workdays_between(date(2026, 9, 30), date(2026, 10, 7))
    assert "National Day" == official.holiday_name(date(2026, 10, 3))


# The pinned December-2026 case of issue 6: accepted 2026-12-21, 15 working days.
ACCEPTED = date(2026, 12, 21)


def test_deadline_into_a_year_without_data_raises(official: WorkCalendar) -> None:
    with pytest.raises(CalendarDataMissing) as caught:
        official.add_workdays(ACCEPTED, 15)

    assert 2027 == caught.value.year


def test_deadline_uses_an_added_year() -> None:
    calendar = WorkCalendar.default()
    for year in load_calendar_years(FIXTURE_2027):
        calendar.add_year(year)

    # Dec 22-25 and 28-31 are 8 days; the fixture's Jan 1-3 are off; Jan 4-8 and 11-12 are 7.
    assert Deadline(date(2027, 1, 12), estimated=False) == calendar.add_workdays(ACCEPTED, 15)


def test_opt_in_estimate_skips_weekends_only_and_says_so(official: WorkCalendar) -> None:
    # Weekends only: Jan 1 (a Friday) counts, so the 15th day is Monday Jan 11.
    assert Deadline(date(2027, 1, 11), estimated=True) == official.add_workdays(
        ACCEPTED, 15, estimate=True
    )


def test_estimate_within_covered_years_is_not_marked(official: WorkCalendar) -> None:
    assert not official.add_workdays(date(2026, 3, 2), 5, estimate=True).estimated


def test_weekends_fallback_calendar_estimates_without_being_asked() -> None:
    calendar = WorkCalendar.default(fallback="weekends")

    assert calendar.add_workdays(ACCEPTED, 15).estimated


def test_year_before_the_data_raises_too(official: WorkCalendar) -> None:
    with pytest.raises(CalendarDataMissing):
        official.is_workday(date(2000, 5, 1))


def test_adding_a_covered_year_needs_replace() -> None:
    calendar = WorkCalendar.default()
    year = CalendarYear(2026, {date(2026, 3, 2): "test day"}, set(), "test")

    with pytest.raises(CalendarDataError, match="already has data"):
        calendar.add_year(year)
    calendar.add_year(year, replace=True)

    assert not calendar.is_workday(date(2026, 3, 2))
    # The replaced year's old holidays are gone with it.
    assert calendar.is_workday(date(2026, 10, 5))


def test_make_up_workday_must_be_a_weekend() -> None:
    with pytest.raises(CalendarDataError, match="2027-01-04"):
        CalendarYear(2027, {}, {date(2027, 1, 4)}, "test")


def test_date_outside_the_year_is_refused() -> None:
    with pytest.raises(CalendarDataError, match="2028-01-01"):
        CalendarYear(2027, {date(2028, 1, 1): "x"}, set(), "test")


def test_day_cannot_be_holiday_and_workday() -> None:
    with pytest.raises(CalendarDataError, match="both"):
        CalendarYear(2027, {date(2027, 2, 13): "x"}, {date(2027, 2, 13)}, "test")


def test_an_absurd_working_day_count_is_refused_at_once() -> None:
    from unionkit.calendar._workdays import MAX_WORKDAYS

    calendar = WorkCalendar.default()

    with pytest.raises(ValueError, match="at most"):
        calendar.add_workdays(date(2025, 3, 3), MAX_WORKDAYS + 1)
    assert date(2025, 3, 4) == calendar.add_workdays(date(2025, 3, 3), 1).date
