"""A working-day calendar over whole arrays of dates, for the rule language's functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np

from unionkit.calendar._workdays import MAX_WORKDAYS, WorkdayCalendar

__all__ = ["WorkdayArrays", "working_days"]

Array = np.ndarray[Any, Any]


class WorkdayArrays:
    """
    A :class:`WorkdayCalendar` tabulated year by year, answering for arrays of dates at once.

    Each year a run reaches is asked of the calendar once (day by day), then counts
    are cumulative sums and additions binary searches over that table; so the answers
    are the calendar's own (``add_workdays``, ``workdays_between``), holidays and
    make-up working days (调休) included, and a year without data raises as it does.

    Implements :class:`unionkit.rules.workdays.WorkingDays`.

    .. versionadded:: Unreleased
    """

    def __init__(
        self,
        calendar: WorkdayCalendar | Callable[[], WorkdayCalendar],
        *,
        estimate: bool = False,
    ) -> None:
        self._calendar = calendar
        self.estimate = estimate
        self._first = 0  # day number of the table's first day
        self._cum: Array = np.zeros(0, dtype=np.int64)  # working days up to and including each

    @property
    def calendar(self) -> WorkdayCalendar:
        """The calendar answering (built on first use when a function to build it was given)."""
        if not isinstance(self._calendar, WorkdayCalendar):
            self._calendar = self._calendar()
        return self._calendar

    def _cover(self, lo: int, hi: int) -> None:
        """Tabulate whole years so that day numbers *lo* .. *hi* are in the table."""
        end = self._first + len(self._cum) - 1
        if len(self._cum) and self._first <= lo and hi <= end:
            return
        years = [int(str(np.datetime64(d, "D"))[:4]) for d in (lo, hi)]
        if len(self._cum):
            years += [int(str(np.datetime64(d, "D"))[:4]) for d in (self._first, end)]
        y0, y1 = min(years), max(years)
        first = dt.date(y0, 1, 1)
        count = (dt.date(y1, 12, 31) - first).days + 1
        flags = np.fromiter(
            (
                self.calendar.is_workday(first + dt.timedelta(days=k), estimate=self.estimate)
                for k in range(count)
            ),
            dtype=bool,
            count=count,
        )
        self._first = int(np.datetime64(first, "D").astype(np.int64))
        self._cum = np.cumsum(flags, dtype=np.int64)

    def between(self, start: Array, end: Array) -> Array:
        """Working days after each *start* up to and including *end* (negative when before)."""
        a = np.asarray(start, dtype="datetime64[D]").view(np.int64)
        b = np.asarray(end, dtype="datetime64[D]").view(np.int64)
        if len(a) == 0:
            return np.zeros(0, dtype=np.int64)
        self._cover(int(min(a.min(), b.min())), int(max(a.max(), b.max())))
        out: Array = self._cum[b - self._first] - self._cum[a - self._first]
        return out

    def add(self, start: Array, n: Array) -> Array:
        """The *n*-th working day after each *start*; ``n == 0`` gives *start*."""
        a = np.asarray(start, dtype="datetime64[D]").view(np.int64)
        k = np.broadcast_to(np.asarray(n, dtype=np.int64), a.shape)
        if len(a) == 0:
            return np.zeros(0, dtype="datetime64[D]")
        if (k < 0).any() or (k > MAX_WORKDAYS).any():
            raise ValueError(
                f"working days must be from 0 to {MAX_WORKDAYS} / "
                f"工作日数须在 0 到 {MAX_WORKDAYS} 之间"
            )
        # whole years, one more at a time, only while some count runs past the table: a
        # year without data is asked for (and refused) only when a count reaches it
        reach = int(a.max())
        while True:
            self._cover(int(a.min()), reach)
            want = self._cum[a - self._first] + k
            at = np.searchsorted(self._cum, want, side="left")
            if (at < len(self._cum)).all():
                break
            reach = self._first + len(self._cum)  # the first day of the next year
        found = at + self._first
        out = np.where(k == 0, a, found)
        return out.astype(np.int64).view("datetime64[D]")


def working_days(
    calendar: WorkdayCalendar | Callable[[], WorkdayCalendar], *, estimate: bool = False
) -> WorkdayArrays:
    """
    The working days of *calendar* for rules (``add_working_days``, ``working_days_between``).

    Args:
        calendar: The branch's calendar (official holidays and make-up days), or a
            function building it on first use (loading the holiday data takes a second).
        estimate: Count weekends only in years without official data, as
            ``WorkCalendar.add_workdays(..., estimate=True)`` does.

    Returns:
        An implementation of :class:`unionkit.rules.workdays.WorkingDays`; give it to
        :meth:`RuleSet.with_working_days`.

    .. versionadded:: Unreleased
    """
    return WorkdayArrays(calendar, estimate=estimate)
