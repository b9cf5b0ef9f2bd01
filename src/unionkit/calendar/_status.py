"""Whether the working-day calendar holds the official years a union needs now."""

from __future__ import annotations

from datetime import date

from attrs import frozen

from unionkit.calendar._workdays import WorkCalendar
from unionkit.labels import LabelledEnum

__all__ = [
    "ALERT_MONTH",
    "MISSING_EXIT_CODE",
    "CalendarOrigin",
    "CalendarStatus",
    "YearStatus",
    "calendar_status",
]

ALERT_MONTH = 11
"""From the 1st of this month, next year's missing arrangement is an alert, not a note.

The State Council publishes the next year's notice in November or December, and from
December on, deadlines of demands accepted cross New Year."""

MISSING_EXIT_CODE = 3
"""Exit code of ``unionkit calendar status`` when a year needed now has no official data."""


class CalendarOrigin(LabelledEnum):
    """Which kind of source loaded a year's arrangement."""

    CHINESECALENDAR = "chinesecalendar", "chinesecalendar 库", "chinesecalendar library"
    HOLIDAYS = "holidays", "holidays 库", "python-holidays library"
    SHIPPED = "shipped", "unionkit 自带数据", "shipped with unionkit"
    FILE = "file", "年度文件（calendar add）", "year file (calendar add)"
    PLUGIN = "plugin", "分会插件", "branch plugin"
    CODE = "code", "程序添加", "added in code"


@frozen
class YearStatus:
    """
    One loaded year: where it comes from and whether it is official.

    .. versionadded:: 0.2.0
    """

    year: int
    origin: CalendarOrigin
    source: str
    official: bool


@frozen
class CalendarStatus:
    """
    The calendar's years on a given day, and the years needed then that lack official data.

    ``missing`` holds this year when it lacks official data, and next year too from
    1 November (:data:`ALERT_MONTH`). ``next_year_missing`` says whether next year lacks
    it whatever the month, as a note before November.

    .. versionadded:: 0.2.0
    """

    today: date
    years: tuple[YearStatus, ...]
    missing: tuple[int, ...]
    next_year_missing: bool

    @property
    def ok(self) -> bool:
        """Whether every year needed now has official data."""
        return not self.missing

    @property
    def exit_code(self) -> int:
        """0 when :attr:`ok`, else :data:`MISSING_EXIT_CODE`."""
        return 0 if self.ok else MISSING_EXIT_CODE


def calendar_status(calendar: WorkCalendar, today: date) -> CalendarStatus:
    """
    Say which years *calendar* holds and which years needed on *today* lack official data.

    Args:
        calendar: The calendar to inspect, e.g. ``WorkCalendar.default()`` or a branch's.
        today: The day to judge for; pass it in (a scheduled job passes the real date).

    Returns:
        The status; its ``exit_code`` is what ``unionkit calendar status`` exits with.
    """
    years = []
    for number in sorted(calendar.years):
        arrangement = calendar.arrangement(number)
        try:
            origin = CalendarOrigin(arrangement.origin)
        except ValueError:
            origin = CalendarOrigin.CODE
        years.append(YearStatus(number, origin, arrangement.source, arrangement.official))
    official = {status.year for status in years if status.official}
    needed = [today.year, today.year + 1] if today.month >= ALERT_MONTH else [today.year]
    return CalendarStatus(
        today=today,
        years=tuple(years),
        missing=tuple(year for year in needed if year not in official),
        next_year_missing=today.year + 1 not in official,
    )
