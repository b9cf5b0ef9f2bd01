"""Where working-day data comes from: chinesecalendar, shipped YAML files, a branch's YAML files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from unionkit.calendar._workdays import CalendarYear
from unionkit.errors import CalendarDataError

__all__ = ["DATA_DIR", "chinesecalendar_years", "load_calendar_years", "shipped_years"]

DATA_DIR = Path(__file__).with_name("data")
"""The folder of year files shipped with unionkit (``<year>.yaml``)."""

_CHINESECALENDAR_SOURCE = "chinesecalendar {version} (State Council notices, transcribed)"


def chinesecalendar_years() -> list[CalendarYear]:
    """
    Return every year chinesecalendar has data for, as :class:`CalendarYear` values.

    chinesecalendar keeps the holidays and the make-up working days of each year since
    2004; a year appears here when it has at least one holiday in that data.
    """
    import chinese_calendar
    from chinese_calendar import constants

    source = _CHINESECALENDAR_SOURCE.format(
        version=getattr(chinese_calendar, "__version__", "unknown")
    )
    holidays: dict[int, dict[date, str]] = {}
    for day, name in constants.holidays.items():
        holidays.setdefault(day.year, {})[day] = str(name)
    workdays: dict[int, set[date]] = {}
    for day in constants.workdays:
        workdays.setdefault(day.year, set()).add(day)
    return [
        CalendarYear(year, holidays[year], workdays.get(year, set()), source)
        for year in sorted(holidays)
    ]


def shipped_years() -> list[CalendarYear]:
    """Return the years in unionkit's own data folder (empty when none are shipped)."""
    return load_calendar_years(DATA_DIR) if DATA_DIR.is_dir() else []


def load_calendar_years(path: str | Path) -> list[CalendarYear]:
    """
    Read official holiday arrangements from a YAML file or a folder of them.

    The format is documented in ``unionkit/calendar/data/README.md`` and in the
    demands guide: one YAML document per year with ``year``, ``source``,
    ``holidays`` (each a ``name`` with a ``date`` or a ``from``/``to`` range) and
    ``workdays`` (the make-up working weekends). A file may hold several documents
    separated by ``---``; a folder is read file by file in name order (``*.yaml``,
    ``*.yml``).

    Args:
        path: A file, or a folder of files.

    Returns:
        The years found, in file order.

    Raises:
        CalendarDataError: A file cannot be parsed or an entry is invalid; the
            message names the file, the entry and the field.
        FileNotFoundError: *path* does not exist.
    """
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"calendar data not found: {root} / 找不到节假日数据文件")
    files = (
        sorted([*root.glob("*.yaml"), *root.glob("*.yml")]) if root.is_dir() else [root]
    )
    years: list[CalendarYear] = []
    for file in files:
        years.extend(_read_file(file))
    return years


def _read_file(file: Path) -> Iterator[CalendarYear]:
    try:
        documents = list(yaml.safe_load_all(file.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        raise CalendarDataError(f"{file}: not valid YAML / 不是有效的YAML: {exc}") from exc
    except ValueError as exc:
        # PyYAML builds dates itself and raises ValueError for 2030-13-01.
        raise CalendarDataError(f"{file}: invalid date / 日期无效: {exc}") from exc
    for index, document in enumerate(documents, start=1):
        if document is None:
            continue
        yield _parse_year(document, f"{file} (document {index})")


def _parse_year(document: object, where: str) -> CalendarYear:
    if not isinstance(document, dict):
        raise CalendarDataError(f"{where}: expected a mapping with 'year' / 应为含year的映射")
    unknown = set(document) - {"year", "source", "holidays", "workdays", "notes"}
    if unknown:
        raise CalendarDataError(
            f"{where}: unknown keys {sorted(map(str, unknown))} / 无法识别的字段"
        )
    year = document.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise CalendarDataError(f"{where}: field 'year' must be a year number / year须为年份")
    source = document.get("source")
    if not isinstance(source, str) or not source.strip():
        raise CalendarDataError(
            f"{where}: field 'source' is required (the notice it comes from) / "
            f"须填写source（数据所依据的通知）"
        )
    holidays: dict[date, str] = {}
    for n, entry in enumerate(_list(document.get("holidays"), where, "holidays"), start=1):
        at = f"{where}: holidays[{n}]"
        if not isinstance(entry, dict):
            raise CalendarDataError(f"{at}: expected name and date or from/to / 应为名称和日期")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise CalendarDataError(f"{at}: field 'name' is required / 缺少name")
        if "date" in entry:
            first = last = _date(entry["date"], at, "date")
        else:
            first = _date(entry.get("from"), at, "from")
            last = _date(entry.get("to"), at, "to")
            if last < first:
                raise CalendarDataError(f"{at}: 'to' is before 'from' / 结束日期早于开始日期")
        day = first
        while day <= last:
            holidays[day] = name.strip()
            day += timedelta(days=1)
    workdays = {
        _date(value, f"{where}: workdays[{n}]", "date")
        for n, value in enumerate(_list(document.get("workdays"), where, "workdays"), start=1)
    }
    try:
        return CalendarYear(year, holidays, workdays, source.strip())
    except CalendarDataError as exc:
        raise CalendarDataError(f"{where}: {exc}") from exc


def _list(value: object, where: str, key: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise CalendarDataError(f"{where}: field {key!r} must be a list / {key}须为列表")
    return value


def _date(value: object, where: str, key: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarDataError(
        f"{where}: field {key!r} must be a date like 2027-01-01, got {value!r} / "
        f"{key}须为日期（如2027-01-01）"
    )
