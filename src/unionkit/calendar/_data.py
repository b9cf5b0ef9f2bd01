"""Where working-day data comes from: the libraries, shipped year files and added year files."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from unionkit.calendar._year import CalendarYear
from unionkit.errors import CalendarDataError, CalendarFileError

__all__ = [
    "CALENDAR_DIR_VARIABLE",
    "DATA_DIR",
    "chinesecalendar_years",
    "holidays_years",
    "install_year_file",
    "library_years",
    "load_calendar_years",
    "read_year_file",
    "remove_year_file",
    "shipped_years",
    "user_calendar_dir",
    "user_years",
]

DATA_DIR = Path(__file__).with_name("data")
"""The folder of year files shipped with unionkit (``<year>.yaml``)."""

CALENDAR_DIR_VARIABLE = "UNIONKIT_CALENDAR_DIR"
"""Environment variable naming the folder of added year files (else a per-user data folder)."""

_CHINESECALENDAR_SOURCE = "chinesecalendar {version} (State Council notices, transcribed)"
_HOLIDAYS_SOURCE = "python-holidays {version} (State Council notice for {year}, transcribed)"
_KEYS = {"year", "source", "official", "holidays", "workdays", "notes"}
_NOTICE_KEYS = ("title", "number", "date")
_SATURDAY = 5
# A holiday period longer than this is a typo (2027-01-01 to 2072-01-01), not a notice.
_LONGEST_PERIOD = 31
_INVALID = object()


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
        CalendarYear(
            year, holidays[year], workdays.get(year, set()), source, origin="chinesecalendar"
        )
        for year in sorted(holidays)
    ]


def holidays_years() -> list[CalendarYear]:
    """
    Return the years python-holidays transcribed from a State Council notice.

    python-holidays (the optional ``unionkit[holidays]`` extra) releases monthly, so it may
    carry a new year's arrangement before chinesecalendar does. For a year without a
    notice it *computes* holidays (a weekend holiday moved to Monday, no make-up working
    days): such guesses are never returned. A year counts as transcribed when the
    library lists that notice's make-up working days (``special_public_holidays``);
    every notice since 2001 has some.

    Returns:
        The transcribed years, or an empty list when python-holidays is not installed or
        no longer exposes its notice table.
    """
    try:
        import holidays as pyholidays
        from holidays.countries.china import ChinaStaticHolidays
    except ImportError:
        return []
    notices = getattr(ChinaStaticHolidays, "special_public_holidays", None)
    if not isinstance(notices, dict):
        return []
    workdays: dict[int, set[date]] = {}
    for notice_year, entries in notices.items():
        for entry in entries if entries and isinstance(entries[0], tuple) else (entries,):
            # (month, day, from_month, from_day[, from_year]): the day off, and the weekend
            # day worked instead; other shapes are extra days off with a name.
            if len(entry) >= 4 and isinstance(entry[2], int) and isinstance(entry[3], int):
                worked = date(entry[4] if len(entry) > 4 else notice_year, entry[2], entry[3])
                workdays.setdefault(worked.year, set()).add(worked)
    source_version = getattr(pyholidays, "__version__", "unknown")
    years: list[CalendarYear] = []
    for year in sorted(y for y in notices if isinstance(y, int)):
        days = pyholidays.country_holidays("CN", years=year, language="zh_CN")
        off = {day: str(name) for day, name in days.items() if day.year == year}
        years.append(
            CalendarYear(
                year,
                off,
                workdays.get(year, set()) - set(off),
                _HOLIDAYS_SOURCE.format(version=source_version, year=year),
                origin="holidays",
            )
        )
    return years


@functools.cache
def library_years() -> tuple[CalendarYear, ...]:
    """
    The official years the installed libraries bring: chinesecalendar's, then python-holidays'.

    python-holidays fills only the years chinesecalendar lacks, so whichever library
    publishes a new year's notice first provides it. Computed once per process: the
    libraries' data does not change while it runs.
    """
    years = {year.year: year for year in chinesecalendar_years()}
    for year in holidays_years():
        years.setdefault(year.year, year)
    return tuple(years[y] for y in sorted(years))


def shipped_years() -> list[CalendarYear]:
    """Return the years in unionkit's own data folder (empty when none are shipped)."""
    return load_calendar_years(DATA_DIR, origin="shipped") if DATA_DIR.is_dir() else []


def user_calendar_dir() -> Path:
    """
    The folder where ``unionkit calendar add`` installs year files.

    ``$UNIONKIT_CALENDAR_DIR`` when set, else ``calendar`` in the per-user data folder
    (platformdirs: ``~/.local/share/unionkit/calendar`` on Linux).
    """
    configured = os.environ.get(CALENDAR_DIR_VARIABLE, "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("unionkit", appauthor=False)) / "calendar"


def user_years() -> list[CalendarYear]:
    """
    Return the years added with ``unionkit calendar add`` (empty when none).

    Raises:
        CalendarDataError: An installed file was edited into an invalid one; the message
            names the file and the line.
    """
    folder = user_calendar_dir()
    return load_calendar_years(folder, origin="file") if folder.is_dir() else []


def load_calendar_years(path: str | Path, *, origin: str = "file") -> list[CalendarYear]:
    """
    Read official holiday arrangements from a YAML file or a folder of them.

    The format is documented in ``docs/calendar.md``: one YAML document per year with
    ``year``, ``source`` (the notice: a text, or ``title``/``number``/``date``),
    ``holidays`` (each a ``name`` with a ``date`` or a ``from``/``to`` range), ``workdays``
    (the make-up working weekends) and optionally ``official: false`` for a draft. A
    file may hold several documents separated by ``---``; a folder is read file by file
    in name order (``*.yaml``, ``*.yml``).

    Args:
        path: A file, or a folder of files.
        origin: What kind of source the files are, recorded on each year.

    Returns:
        The years found, in file order.

    Raises:
        CalendarFileError: A file cannot be parsed or an entry is invalid; the error
            lists each problem with its line.
        FileNotFoundError: *path* does not exist.
    """
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"calendar data not found: {root} / 找不到节假日数据文件")
    files = sorted([*root.glob("*.yaml"), *root.glob("*.yml")]) if root.is_dir() else [root]
    years: list[CalendarYear] = []
    for file in files:
        years.extend(_read_file(file, origin=origin, require_notice=False))
    return years


def read_year_file(path: str | Path, *, origin: str = "file") -> CalendarYear:
    """
    Read and validate one year file as ``unionkit calendar add`` requires it.

    The file holds exactly one year, every holiday and make-up working day of it, and
    the notice it comes from as ``source`` with ``title``, ``number`` and ``date``.

    Args:
        path: The YAML file.
        origin: Recorded on the year.

    Returns:
        The year.

    Raises:
        CalendarFileError: Each problem with its line: a date outside the year, a day
            listed twice, a day both a holiday and a make-up working day, a make-up
            working day that is not a Saturday or Sunday, a missing or malformed field.
        FileNotFoundError: *path* does not exist.
    """
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"year file not found: {file} / 找不到年度节假日文件")
    years = list(_read_file(file, origin=origin, require_notice=True))
    if len(years) != 1:
        raise CalendarFileError(
            str(file),
            [
                (
                    1,
                    f"a year file holds exactly one year, found {len(years)}",
                    f"年度文件应只含一年的安排，实际为{len(years)}个",
                )
            ],
        )
    return years[0]


def install_year_file(
    path: str | Path, *, replace: bool = False, directory: Path | None = None
) -> tuple[CalendarYear, Path]:
    """
    Validate a year file and install it where every later run finds it.

    The file is copied as it is (comments kept) to ``<year>.yaml`` in
    :func:`user_calendar_dir` (or *directory*), atomically: a reader never sees half a
    file, and a failed copy leaves the old one.

    Args:
        path: The year file, see :func:`read_year_file`.
        replace: Replace a year file already installed for that year.
        directory: Install there instead of the user calendar folder.

    Returns:
        The year and the installed file's path.

    Raises:
        CalendarFileError: The file is invalid (nothing is installed).
        CalendarDataError: That year is already installed and *replace* is false.
    """
    year = read_year_file(path)
    folder = directory if directory is not None else user_calendar_dir()
    target = folder / f"{year.year}.yaml"
    if target.exists() and not replace:
        raise CalendarDataError(
            f"a year file for {year.year} is already installed ({target}); "
            f"use --replace to replace it / {year.year}年的节假日文件已安装，替换请加 --replace"
        )
    folder.mkdir(parents=True, exist_ok=True)
    data = Path(path).read_bytes()
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{year.year}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)  # holiday dates are public, unlike everything personal
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return year, target


def remove_year_file(year: int, *, directory: Path | None = None) -> Path:
    """
    Remove the year file installed for *year*.

    Args:
        year: The year.
        directory: The folder, else :func:`user_calendar_dir`.

    Returns:
        The removed file's path.

    Raises:
        CalendarDataError: No file is installed for *year* (years from chinesecalendar,
            python-holidays or unionkit itself cannot be removed this way).
    """
    folder = directory if directory is not None else user_calendar_dir()
    target = folder / f"{year}.yaml"
    if not target.is_file():
        raise CalendarDataError(
            f"no year file is installed for {year} in {folder} / 未安装{year}年的节假日文件"
        )
    target.unlink()
    return target


class _Problems:
    """Collects one file's problems, each with its line, so all are reported at once."""

    def __init__(self) -> None:
        self.items: list[tuple[int, str, str]] = []

    def add(self, node: yaml.Node, en: str, zh: str) -> None:
        self.items.append((node.start_mark.line + 1, en, zh))


def _read_file(file: Path, *, origin: str, require_notice: bool) -> Iterator[CalendarYear]:
    try:
        text = file.read_text(encoding="utf-8")
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except UnicodeDecodeError as exc:
        raise CalendarFileError(str(file), [(1, "not UTF-8 text", "不是UTF-8文本")]) from exc
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 1
        raise CalendarFileError(
            str(file), [(line, f"not valid YAML: {exc.problem}", "不是有效的YAML")]
        ) from exc
    for node in documents:
        problems = _Problems()
        year = _parse_year(node, problems, origin=origin, require_notice=require_notice)
        if problems.items or year is None:
            raise CalendarFileError(str(file), problems.items)
        yield year


def _construct(node: yaml.Node, problems: _Problems) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    except (yaml.YAMLError, ValueError) as exc:
        # PyYAML builds dates itself and raises ValueError for 2030-13-01.
        problems.add(node, f"invalid date or value: {exc}", "日期或值无效")
        return _INVALID
    finally:
        loader.dispose()


def _parse_year(
    node: yaml.Node, problems: _Problems, *, origin: str, require_notice: bool
) -> CalendarYear | None:
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, "expected a mapping with 'year'", "应为含year的映射")
        return None
    fields: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in _KEYS:
            problems.add(key_node, f"unknown key {key!r}", f"无法识别的字段{key!r}")
        elif key in fields:
            problems.add(key_node, f"key {key!r} given twice", f"字段{key!r}重复")
        else:
            fields[key] = value_node
    year = _construct(fields["year"], problems) if "year" in fields else None
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
        problems.add(
            fields.get("year", node),
            "field 'year' must be a year like 2027",
            "year须为年份（如2027）",
        )
        return None
    source = _source(fields.get("source"), node, problems, require_notice=require_notice)
    official = True
    if "official" in fields:
        value = _construct(fields["official"], problems)
        if not isinstance(value, bool):
            problems.add(
                fields["official"],
                "field 'official' must be true or false",
                "official须为true或false",
            )
        else:
            official = value
    holidays, first_line = _holidays(fields.get("holidays"), year, problems)
    workdays = _workdays(fields.get("workdays"), year, holidays, first_line, problems)
    if problems.items or source is None:
        return None
    return CalendarYear(year, holidays, workdays, source, origin=origin, official=official)


def _source(
    node: yaml.Node | None, parent: yaml.Node, problems: _Problems, *, require_notice: bool
) -> str | None:
    notice_hint = ("the notice's title, number and date", "通知的标题、文号和日期")
    if node is None:
        problems.add(
            parent,
            f"field 'source' is required: {notice_hint[0]}",
            f"须填写source：{notice_hint[1]}",
        )
        return None
    value = _construct(node, problems)
    if isinstance(value, str) and value.strip() and not require_notice:
        return value.strip()
    if not isinstance(value, dict):
        problems.add(
            node,
            f"field 'source' must give {notice_hint[0]} "
            "(source: {title: ..., number: ..., date: ...})",
            f"source须写明{notice_hint[1]}（title、number、date）",
        )
        return None
    missing = [key for key in _NOTICE_KEYS if not str(value.get(key) or "").strip()]
    if missing:
        problems.add(node, f"source lacks {', '.join(missing)}", f"source缺少{'、'.join(missing)}")
        return None
    if not isinstance(value["date"], date):
        problems.add(
            node,
            "source.date must be a date like 2026-11-20",
            "source.date须为日期（如2026-11-20）",
        )
        return None
    extra = set(value) - set(_NOTICE_KEYS)
    if extra:
        problems.add(
            node, f"unknown keys in source: {sorted(map(str, extra))}", "source含无法识别的字段"
        )
        return None
    return (
        f"{str(value['title']).strip()}（{str(value['number']).strip()}，{value['date']:%Y-%m-%d}）"
    )


def _items(node: yaml.Node | None, key: str, problems: _Problems) -> list[yaml.Node]:
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        problems.add(node, f"field {key!r} must be a list", f"{key}须为列表")
        return []
    return list(node.value)


def _day(node: yaml.Node, value: object, year: int, what: str, problems: _Problems) -> date | None:
    if value is _INVALID:
        return None  # already reported where it could not be built
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = date.fromisoformat(value.strip())
    if not isinstance(value, date):
        problems.add(
            node,
            f"{what} must be a date like {year}-01-01, got {value!r}",
            f"{what}须为日期（如{year}-01-01）",
        )
        return None
    if value.year != year:
        problems.add(
            node, f"{value.isoformat()} is outside {year}", f"{value.isoformat()}不在{year}年内"
        )
        return None
    return value


def _holidays(
    node: yaml.Node | None, year: int, problems: _Problems
) -> tuple[dict[date, str], dict[date, int]]:
    holidays: dict[date, str] = {}
    line_of: dict[date, int] = {}
    for item in _items(node, "holidays", problems):
        if not isinstance(item, yaml.MappingNode):
            problems.add(item, "a holiday needs a name and a date or from/to", "假日应写名称和日期")
            continue
        entry = {str(key.value): value for key, value in item.value}
        unknown = set(entry) - {"name", "date", "from", "to"}
        if unknown:
            problems.add(item, f"unknown keys {sorted(unknown)}", "无法识别的字段")
            continue
        name = _construct(entry["name"], problems) if "name" in entry else None
        if not isinstance(name, str) or not name.strip():
            problems.add(item, "the holiday has no name", "假日缺少名称")
            continue
        days = [
            _day(
                entry.get(key, item),
                _construct(entry[key], problems) if key in entry else None,
                year,
                key,
                problems,
            )
            for key in (("date",) if "date" in entry else ("from", "to"))
        ]
        first, last = days[0], days[-1]
        if first is None or last is None:
            continue
        if last < first or (last - first).days >= _LONGEST_PERIOD:
            problems.add(
                item,
                f"the period {first} to {last} is not a holiday period "
                f"(backwards or over {_LONGEST_PERIOD} days)",
                f"{first}至{last}不是有效的放假时段",
            )
            continue
        line = item.start_mark.line + 1
        day = first
        while day <= last:
            if day in holidays:
                problems.add(
                    item,
                    f"{day.isoformat()} is listed twice (also on line {line_of[day]})",
                    f"{day.isoformat()}重复列出（另见第{line_of[day]}行）",
                )
            holidays[day] = name.strip()
            line_of.setdefault(day, line)
            day += timedelta(days=1)
    return holidays, line_of


def _workdays(
    node: yaml.Node | None,
    year: int,
    holidays: dict[date, str],
    holiday_line: dict[date, int],
    problems: _Problems,
) -> set[date]:
    workdays: dict[date, int] = {}
    for item in _items(node, "workdays", problems):
        day = _day(item, _construct(item, problems), year, "a make-up working day", problems)
        if day is None:
            continue
        line = item.start_mark.line + 1
        if day in workdays:
            problems.add(
                item,
                f"{day.isoformat()} is listed twice (also on line {workdays[day]})",
                f"{day.isoformat()}重复列出（另见第{workdays[day]}行）",
            )
            continue
        if day in holidays:
            problems.add(
                item,
                f"{day.isoformat()} is both a holiday (line "
                f"{holiday_line[day]}) and a make-up working day",
                f"{day.isoformat()}既是假日（第{holiday_line[day]}行）又是调休工作日",
            )
        if day.weekday() < _SATURDAY:
            problems.add(
                item,
                f"make-up working day {day.isoformat()} is a weekday; only a "
                "Saturday or Sunday can be one",
                f"调休工作日{day.isoformat()}不是周六或周日",
            )
        workdays[day] = line
    return set(workdays)
