"""The festivals festival goods may be given for, dated each year (lunar ones by lunar-python)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from attrs import frozen

from unionkit.models.benefit import Festival

__all__ = ["MinorityFestival", "festival_date", "festival_dates", "lunar_to_solar"]

_SOLAR = {Festival.NEW_YEAR: (1, 1), Festival.LABOUR_DAY: (5, 1), Festival.NATIONAL_DAY: (10, 1)}
_LUNAR = {Festival.SPRING: (1, 1), Festival.DRAGON_BOAT: (5, 5), Festival.MID_AUTUMN: (8, 15)}


def lunar_to_solar(year: int, month: int, day: int) -> date:
    """
    The calendar date of a lunar month and day in the lunar year that starts in *year*.

    Args:
        year: The lunar year (the one whose 正月初一 falls in calendar *year*).
        month: The lunar month, 1 to 12 (never a leap month).
        day: The lunar day, 1 to 30.

    Raises:
        ValueError: The day does not exist that year (e.g. a 30th in a short month).
    """
    from lunar_python import Lunar

    try:
        solar = Lunar.fromYmd(year, month, day).getSolar()
    except Exception as exc:  # lunar-python raises plain Exception for impossible days
        raise ValueError(
            f"lunar {year}-{month:02d}-{day:02d} does not exist / 该农历日期不存在"
        ) from exc
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def festival_date(festival: Festival, year: int) -> date:
    """
    The date of one of the seven festivals of the 2017 national rule in *year*.

    Spring Festival, Dragon Boat and Mid-Autumn follow the lunar calendar, Qingming the
    solar term; the others are fixed dates.

    .. versionadded:: 0.2.0
    """
    if festival in _SOLAR:
        month, day = _SOLAR[festival]
        return date(year, month, day)
    if festival in _LUNAR:
        return lunar_to_solar(year, *_LUNAR[festival])
    from lunar_python import Solar

    terms = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()
    qingming = terms["清明"]
    return date(qingming.getYear(), qingming.getMonth(), qingming.getDay())


@frozen
class MinorityFestival:
    """
    A minority festival a province approves for festival goods (e.g. 古尔邦节, 泼水节).

    Args:
        key: A short id, e.g. ``"water_splashing"``.
        name_zh: The Chinese name.
        name_en: The English name.
        month: The month (lunar when *lunar*).
        day: The day.
        lunar: Whether month and day are lunar.
        dates: Explicit dates by year, for festivals on neither calendar (the Islamic
            calendar's festivals are announced each year).
    """

    key: str
    name_zh: str
    name_en: str
    month: int = 0
    day: int = 0
    lunar: bool = False
    dates: tuple[date, ...] = ()

    def on(self, year: int) -> date | None:
        """The festival's date in *year*, or ``None`` when it is not known."""
        for known in self.dates:
            if known.year == year:
                return known
        if not self.month:
            return None
        return (
            lunar_to_solar(year, self.month, self.day)
            if self.lunar
            else date(year, self.month, self.day)
        )


def festival_dates(year: int, minority: Iterable[MinorityFestival] = ()) -> dict[str, date]:
    """
    Every festival's date in *year*: the seven national ones and the configured minority ones.

    Returns:
        ``{key: date}`` in date order; a minority festival with no date that year is left out.

    .. versionadded:: 0.2.0
    """
    found = {f.value: festival_date(f, year) for f in Festival}
    for extra in minority:
        day = extra.on(year)
        if day is not None:
            found[extra.key] = day
    return dict(sorted(found.items(), key=lambda item: item[1]))
