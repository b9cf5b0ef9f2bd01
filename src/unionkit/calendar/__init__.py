"""China's working-day calendar: official holidays and make-up working days, as data."""

from __future__ import annotations

from unionkit.calendar._data import DATA_DIR, chinesecalendar_years, load_calendar_years
from unionkit.calendar._workdays import CalendarYear, Deadline, WorkCalendar, WorkdayCalendar

__all__ = [
    "DATA_DIR",
    "CalendarYear",
    "Deadline",
    "WorkCalendar",
    "WorkdayCalendar",
    "chinesecalendar_years",
    "load_calendar_years",
]
