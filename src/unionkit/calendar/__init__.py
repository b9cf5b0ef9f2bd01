"""China's working-day calendar: official holidays and make-up working days, as data."""

from __future__ import annotations

from unionkit.calendar._arrays import WorkdayArrays, working_days
from unionkit.calendar._data import (
    CALENDAR_DIR_VARIABLE,
    DATA_DIR,
    chinesecalendar_years,
    holidays_years,
    install_year_file,
    library_years,
    load_calendar_years,
    read_year_file,
    remove_year_file,
    user_calendar_dir,
)
from unionkit.calendar._status import (
    ALERT_MONTH,
    MISSING_EXIT_CODE,
    CalendarOrigin,
    CalendarStatus,
    YearStatus,
    calendar_status,
)
from unionkit.calendar._workdays import Deadline, WorkCalendar, WorkdayCalendar
from unionkit.calendar._year import CalendarYear

__all__ = [
    "ALERT_MONTH",
    "CALENDAR_DIR_VARIABLE",
    "DATA_DIR",
    "MISSING_EXIT_CODE",
    "CalendarOrigin",
    "CalendarStatus",
    "CalendarYear",
    "Deadline",
    "WorkCalendar",
    "WorkdayArrays",
    "WorkdayCalendar",
    "YearStatus",
    "calendar_status",
    "chinesecalendar_years",
    "holidays_years",
    "install_year_file",
    "library_years",
    "load_calendar_years",
    "read_year_file",
    "remove_year_file",
    "user_calendar_dir",
    "working_days",
]
