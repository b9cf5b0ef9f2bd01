"""Working days in mainland China: official holidays, make-up working days (调休) and deadlines."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Literal, Protocol, runtime_checkable

from attrs import frozen

from unionkit.calendar._year import CalendarYear
from unionkit.errors import CalendarDataError, CalendarDataMissing

__all__ = [
    "CalendarYear",
    "Deadline",
    "WorkCalendar",
    "WorkdayCalendar",
]

_SATURDAY = 5
Fallback = Literal["error", "weekends"]


@frozen
class Deadline:
    """
    A due date, and whether it is only a weekends-only estimate.

    ``estimated`` is true when a year on the way had no official arrangement and the
    caller opted in to skipping weekends only; the real date may differ.

    .. versionadded:: 0.1.0
    """

    date: date
    estimated: bool = False


@runtime_checkable
class WorkdayCalendar(Protocol):
    """
    What the demand lifecycle needs from a working-day calendar.

    :class:`WorkCalendar` is the default implementation; a branch may pass its own.

    .. versionadded:: 0.1.0
    """

    def is_workday(self, day: date, *, estimate: bool = False) -> bool:
        """Whether *day* is a working day."""
        ...

    def add_workdays(self, start: date, n: int, *, estimate: bool = False) -> Deadline:
        """The *n*-th working day after *start*."""
        ...

    def workdays_between(self, start: date, end: date, *, estimate: bool = False) -> int:
        """Working days after *start* up to and including *end*."""
        ...


MAX_WORKDAYS = 2500
"""The longest count :meth:`WorkCalendar.add_workdays` accepts: about ten years of working days."""


class WorkCalendar:
    """
    China's working-day calendar: chinesecalendar's data plus years added as data.

    A day is a working day when it is a make-up working day (调休), or a Monday to
    Friday that is not an official holiday. A year without official data raises
    :class:`~unionkit.errors.CalendarDataMissing` unless the caller opts in with
    ``estimate=True`` (or the calendar was built with ``fallback="weekends"``), in
    which case weekends alone are skipped and deadlines come back marked estimated.

    Args:
        years: Arrangements to start with (see :meth:`default` for the usual set).
        fallback: ``"error"`` (the default) or ``"weekends"`` to estimate every missing
            year without being asked each time.

    .. versionadded:: 0.1.0
    """

    def __init__(self, years: Iterable[CalendarYear] = (), *, fallback: Fallback = "error") -> None:
        if fallback not in ("error", "weekends"):
            raise ValueError(f"fallback must be 'error' or 'weekends', not {fallback!r}")
        self._fallback: Fallback = fallback
        self._lock = threading.Lock()
        self._years: dict[int, CalendarYear] = {}
        self._holidays: dict[date, str] = {}
        self._workdays: set[date] = set()
        for year in years:
            self.add_year(year)

    @classmethod
    def default(cls, *, fallback: Fallback = "error") -> WorkCalendar:
        """
        Build the calendar from every official source installed, in increasing precedence.

        1. chinesecalendar's data (transcribed State Council notices since 2004);
        2. python-holidays' transcribed notices, for years chinesecalendar lacks (when the
           ``unionkit[holidays]`` extra is installed; its computed guesses are never used);
        3. year files shipped in ``unionkit/calendar/data/``;
        4. year files added with ``unionkit calendar add`` (see
           :func:`~unionkit.calendar.user_calendar_dir`).

        A later source replaces an earlier one's data for the same year. Years that branch
        plugins return from ``unionkit_register_calendar_years`` are added by the plugin
        host for that branch's calendar.

        Args:
            fallback: As for the constructor.

        Returns:
            A new calendar; later :meth:`add_year` calls affect only it.

        Raises:
            CalendarDataError: An added year file was edited into an invalid one.
        """
        from unionkit.calendar._data import library_years, shipped_years, user_years

        calendar = cls(library_years(), fallback=fallback)
        for year in [*shipped_years(), *user_years()]:
            calendar.add_year(year, replace=True)
        return calendar

    def arrangement(self, year: int) -> CalendarYear:
        """
        The official arrangement loaded for *year*, with its source and origin.

        Raises:
            CalendarDataMissing: *year* has no data.
        """
        try:
            return self._years[year]
        except KeyError:
            raise CalendarDataMissing(year) from None

    @property
    def years(self) -> frozenset[int]:
        """The years that have official data."""
        return frozenset(self._years)

    def covers(self, year: int) -> bool:
        """Whether *year* has official data."""
        return year in self._years

    def source(self, year: int) -> str:
        """
        Where *year*'s data comes from.

        Raises:
            CalendarDataMissing: *year* has no data.
        """
        return self.arrangement(year).source

    def add_year(self, year: CalendarYear, *, replace: bool = False) -> None:
        """
        Add (or, with *replace*, swap in) one year's official arrangement.

        Args:
            year: The arrangement, for example from :func:`load_calendar_years`.
            replace: Allow replacing a year that already has data.

        Raises:
            CalendarDataError: The year already has data and *replace* is false.
        """
        with self._lock:
            old = self._years.get(year.year)
            if old is not None:
                if not replace:
                    raise CalendarDataError(
                        f"calendar year {year.year} already has data ({old.source}); "
                        f"pass replace=True to replace it / {year.year}年已有节假日数据"
                    )
                for day in old.holidays:
                    self._holidays.pop(day, None)
                self._workdays.difference_update(old.workdays)
            self._years[year.year] = year
            self._holidays.update(year.holidays)
            self._workdays.update(year.workdays)

    def holiday_name(self, day: date) -> str | None:
        """
        The holiday *day* belongs to, or ``None``.

        Raises:
            CalendarDataMissing: *day*'s year has no data.
        """
        self._require(day.year, estimate=False)
        return self._holidays.get(day)

    def is_workday(self, day: date, *, estimate: bool = False) -> bool:
        """
        Whether *day* is a working day.

        Args:
            day: The day to check.
            estimate: For a year without data, answer from weekends alone.

        Raises:
            CalendarDataMissing: *day*'s year has no data and no estimate was asked for.
        """
        if self._require(day.year, estimate=estimate):
            if day in self._workdays:
                return True
            if day in self._holidays:
                return False
        return day.weekday() < _SATURDAY

    def add_workdays(self, start: date, n: int, *, estimate: bool = False) -> Deadline:
        """
        Return the *n*-th working day after *start* (*start* itself is not counted).

        ``add_workdays(friday, 1)`` is the next Monday on an ordinary week;
        ``n == 0`` returns *start* unchanged.

        Args:
            start: The day the count starts from, e.g. the day a demand was accepted.
            n: How many working days; not negative.
            estimate: Skip weekends only in years without data, and mark the result.

        Returns:
            The date, with ``estimated`` set when a year without data was crossed.

        Raises:
            ValueError: *n* is negative or above :data:`MAX_WORKDAYS`.
            CalendarDataMissing: The count reaches a year without data and no estimate
                was asked for.
        """
        if n < 0:
            raise ValueError(f"n must not be negative, got {n} / 工作日数不能为负")
        if n > MAX_WORKDAYS:
            # The count walks day by day; a typo of 1500000 in a branch's deadline table
            # would otherwise spin for minutes before running out of holiday data.
            raise ValueError(
                f"n must be at most {MAX_WORKDAYS} working days, got {n} / "
                f"工作日数不能超过{MAX_WORKDAYS}天"
            )
        day = start
        estimated = False
        left = n
        while left:
            day += timedelta(days=1)
            if not self._require(day.year, estimate=estimate):
                estimated = True
            if self.is_workday(day, estimate=estimate):
                left -= 1
        return Deadline(day, estimated)

    def workdays_between(self, start: date, end: date, *, estimate: bool = False) -> int:
        """
        Count working days after *start* up to and including *end*.

        It is the inverse of :meth:`add_workdays`: ``workdays_between(d,
        add_workdays(d, n).date) == n``. When *end* is before *start* the count is
        negative (the working days from *end* up to *start*, excluding *end*).

        Raises:
            CalendarDataMissing: The range touches a year without data and no estimate
                was asked for.
        """
        if end < start:
            return -self.workdays_between(end, start, estimate=estimate)
        count = 0
        day = start + timedelta(days=1)
        while day <= end:
            if self.is_workday(day, estimate=estimate):
                count += 1
            day += timedelta(days=1)
        return count

    def _require(self, year: int, *, estimate: bool) -> bool:
        """True when *year* has data; False when it may be estimated; else raise."""
        if year in self._years:
            return True
        if estimate or self._fallback == "weekends":
            return False
        raise CalendarDataMissing(year)
