"""python-holidays as a second source of official years: transcribed notices only, never guesses."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from unionkit.calendar import (
    CalendarYear,
    WorkCalendar,
    _data,
    chinesecalendar_years,
    holidays_years,
    library_years,
)

pytest.importorskip("holidays")
from holidays.countries.china import ChinaStaticHolidays

# The 2006 notice made Saturday 2005-12-31 a working day; python-holidays has it,
# chinesecalendar 1.11 does not. Any other disagreement is a transcription error.
KNOWN_DIFFERENCES = {date(2005, 12, 31)}


@pytest.fixture(autouse=True)
def _fresh_library_years() -> Iterator[None]:
    library_years.cache_clear()
    yield
    library_years.cache_clear()


def test_only_years_with_a_transcribed_notice_are_returned() -> None:
    import holidays

    years = {year.year for year in holidays_years()}
    guessed = holidays.country_holidays("CN", years=2099)

    assert years == {y for y in ChinaStaticHolidays.special_public_holidays if isinstance(y, int)}
    assert len(guessed) > 0  # the library does compute a far year ...
    assert 2099 not in years  # ... which never counts as official


def test_both_libraries_agree_on_every_day_they_share() -> None:
    ours = WorkCalendar(chinesecalendar_years())
    theirs = WorkCalendar(holidays_years())
    shared = sorted(ours.years & theirs.years)

    differences = set()
    for year in shared:
        day = date(year, 1, 1)
        while day.year == year:
            if ours.is_workday(day) != theirs.is_workday(day):
                differences.add(day)
            day += timedelta(days=1)

    assert len(shared) >= 20
    assert differences <= KNOWN_DIFFERENCES


def test_years_from_holidays_are_marked_with_their_origin_and_source() -> None:
    year = next(y for y in holidays_years() if y.year == 2026)

    assert "holidays" == year.origin
    assert "python-holidays" in year.source
    assert "春节" == year.holidays[date(2026, 2, 17)]
    assert date(2026, 2, 14) in year.workdays


def test_holidays_fills_the_years_chinesecalendar_lacks_and_never_replaces_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    older = [y for y in chinesecalendar_years() if y.year < 2026]
    monkeypatch.setattr(_data, "chinesecalendar_years", lambda: older)

    years = {y.year: y for y in library_years()}

    assert "holidays" == years[2026].origin
    assert "chinesecalendar" == years[2025].origin


def test_without_holidays_installed_the_source_is_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "holidays", None)

    assert [] == holidays_years()


def test_a_library_year_can_still_be_replaced_by_a_year_file() -> None:
    calendar = WorkCalendar(library_years())
    calendar.add_year(
        CalendarYear(2026, {date(2026, 3, 2): "测试"}, set(), "file", origin="file"), replace=True
    )

    assert not calendar.is_workday(date(2026, 3, 2))
    assert calendar.is_workday(date(2026, 2, 17))
