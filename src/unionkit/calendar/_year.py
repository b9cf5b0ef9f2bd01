"""One year's official holiday arrangement, as an immutable value."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType

from attrs import field, frozen

from unionkit.errors import CalendarDataError

__all__ = ["CalendarYear"]

_SATURDAY = 5


def _frozen_holidays(value: Mapping[date, str]) -> Mapping[date, str]:
    return MappingProxyType(dict(sorted(value.items())))


def _frozen_days(value: Iterable[date]) -> frozenset[date]:
    return frozenset(value)


@frozen(hash=False)
class CalendarYear:
    """
    One year's official arrangement: the days off and the make-up working days.

    Args:
        year: The calendar year the arrangement covers.
        holidays: Every day off that falls on what would otherwise be a working day or a
            weekend inside a holiday period, mapped to the holiday's name.
        workdays: The weekend days that are working days (调休上班).
        source: Where the data comes from, e.g. the State Council notice's number.
        origin: Which kind of source loaded it: ``"chinesecalendar"``, ``"holidays"``
            (python-holidays), ``"shipped"`` (a file shipped with unionkit), ``"file"``
            (a year file added with ``unionkit calendar add``), ``"plugin"`` or
            ``"code"`` (built by hand, the default).
        official: Whether the data is transcribed from the published notice; a draft or
            test file says ``official: false`` and never counts as official data.

    Raises:
        CalendarDataError: A date lies outside *year*, a day is both a holiday and a
            working day, or a make-up working day is not a Saturday or Sunday.

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.2.0
       ``origin`` and ``official``.
    """

    year: int
    holidays: Mapping[date, str] = field(converter=_frozen_holidays)
    workdays: frozenset[date] = field(converter=_frozen_days)
    source: str
    origin: str = "code"
    official: bool = True

    def __attrs_post_init__(self) -> None:
        where = f"calendar year {self.year} ({self.source})"
        for day in [*self.holidays, *self.workdays]:
            if day.year != self.year:
                raise CalendarDataError(
                    f"{where}: {day.isoformat()} is not in {self.year} / "
                    f"{day.isoformat()}不在{self.year}年内"
                )
        both = sorted(set(self.holidays) & self.workdays)
        if both:
            raise CalendarDataError(
                f"{where}: {both[0].isoformat()} is both a holiday and a working day / "
                f"{both[0].isoformat()}既是假日又是调休工作日"
            )
        for day in sorted(self.workdays):
            if day.weekday() < _SATURDAY:
                raise CalendarDataError(
                    f"{where}: make-up working day {day.isoformat()} is a weekday; "
                    f"only a Saturday or Sunday can be one / "
                    f"调休工作日{day.isoformat()}不是周六或周日"
                )
        if not self.source.strip():
            raise CalendarDataError(f"{where}: the source is empty / 未注明数据来源")
