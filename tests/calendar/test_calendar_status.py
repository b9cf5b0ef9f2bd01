"""The freshness rule with injected dates, and `unionkit calendar status|add|remove`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unionkit.calendar import (
    MISSING_EXIT_CODE,
    CalendarOrigin,
    CalendarYear,
    WorkCalendar,
    calendar_status,
    install_year_file,
    read_year_file,
)
from unionkit.cli.app import app
from unionkit.errors import CalendarDataError, CalendarDataMissing, CalendarFileError

# A year no library will carry while these tests live, so no release changes a verdict.
FAR = 2099

YEAR_FILE = f"""\
# Invented for unionkit's tests: not a State Council arrangement.
year: {FAR}
source:
  title: 测试用通知（虚构）
  number: 国办发明电〔{FAR - 1}〕1号
  date: {FAR - 1}-11-20
holidays:
  - name: 元旦
    from: {FAR}-01-01
    to: {FAR}-01-03
workdays:
  - {FAR}-01-04
"""


def _year(number: int, *, official: bool = True) -> CalendarYear:
    return CalendarYear(
        number, {date(number, 1, 1): "元旦"}, set(), f"notice {number}", official=official
    )


@pytest.fixture
def calendar_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "calendar"
    monkeypatch.setenv("UNIONKIT_CALENDAR_DIR", str(folder))
    return folder


@pytest.fixture
def year_file(tmp_path: Path) -> Path:
    path = tmp_path / f"{FAR}.yaml"
    path.write_text(YEAR_FILE, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("today", "missing"),
    [
        (date(2026, 6, 1), ()),
        (date(2026, 10, 31), ()),
        (date(2026, 11, 1), (2027,)),
        (date(2026, 12, 5), (2027,)),
        (date(2027, 1, 10), (2027,)),
        (date(2025, 12, 31), ()),
        (date(2024, 3, 1), (2024,)),
    ],
)
def test_next_year_is_needed_from_november_and_this_year_always(
    today: date, missing: tuple[int, ...]
) -> None:
    calendar = WorkCalendar([_year(2025), _year(2026)])

    status = calendar_status(calendar, today)

    assert missing == status.missing
    assert (0 if not missing else MISSING_EXIT_CODE) == status.exit_code
    assert (today.year + 1 not in (2025, 2026)) == status.next_year_missing


def test_a_draft_year_is_loaded_but_never_counts_as_official() -> None:
    calendar = WorkCalendar([_year(2026), _year(2027, official=False)])

    status = calendar_status(calendar, date(2026, 12, 5))

    assert (2027,) == status.missing
    assert [True, False] == [y.official for y in status.years]


def test_default_calendar_names_each_years_origin() -> None:
    status = calendar_status(WorkCalendar.default(), date(2020, 6, 1))
    origins = {y.year: y.origin for y in status.years}

    assert CalendarOrigin.CHINESECALENDAR == origins[2020]
    assert all(y.official for y in status.years)


def test_missing_year_error_gives_the_remedies_in_both_languages() -> None:
    message = str(CalendarDataMissing(FAR))

    for part in (
        "unionkit_register_calendar_years",
        "unionkit calendar add",
        "--estimate",
        "未载入",
        "处理办法",
        "Remedy",
    ):
        assert part in message
    assert "unionkit_extra_calendar" not in message


def test_an_added_year_file_changes_a_deadline_in_that_year(
    calendar_dir: Path, year_file: Path
) -> None:
    with pytest.raises(CalendarDataMissing) as caught:
        WorkCalendar.default().add_workdays(date(FAR, 1, 1), 1)
    assert FAR == caught.value.year
    estimate = WorkCalendar.default().add_workdays(date(FAR, 1, 1), 1, estimate=True)

    result = CliRunner().invoke(app, ["calendar", "add", str(year_file)])
    deadline = WorkCalendar.default().add_workdays(date(FAR, 1, 1), 1)

    assert 0 == result.exit_code, result.output
    assert (calendar_dir / f"{FAR}.yaml").is_file()
    # 01-02 (Fri) and 01-03 are off in the file; 01-04 (Sun) is a make-up working day.
    assert date(FAR, 1, 4) == deadline.date
    assert not deadline.estimated
    assert (date(FAR, 1, 2), True) == (estimate.date, estimate.estimated)


def test_status_lists_sources_and_exits_3_while_a_needed_year_is_missing(
    calendar_dir: Path, year_file: Path
) -> None:
    runner = CliRunner()

    before = runner.invoke(app, ["calendar", "status", "--today", f"{FAR}-06-01", "--json"])
    runner.invoke(app, ["calendar", "add", str(year_file)])
    after = runner.invoke(app, ["calendar", "status", "--today", f"{FAR}-06-01", "--json"])
    november = runner.invoke(app, ["calendar", "status", "--today", f"{FAR}-11-02"])

    assert MISSING_EXIT_CODE == before.exit_code
    assert [FAR] == json.loads(before.stdout)["missing"]
    assert 0 == after.exit_code
    listed = {y["year"]: y for y in json.loads(after.stdout)["years"]}
    assert "file" == listed[FAR]["origin"]
    assert "测试用通知（虚构）（国办发明电〔2098〕1号，2098-11-20）" == listed[FAR]["source"]
    assert "chinesecalendar" == listed[2020]["origin"]
    assert MISSING_EXIT_CODE == november.exit_code
    assert str(FAR + 1) in november.stderr


def test_status_in_english_names_origins_in_english(calendar_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["calendar", "status", "--today", "2020-06-01", "--lang", "en"]
    )

    assert 0 == result.exit_code
    assert "chinesecalendar library" in result.stdout
    assert "every year needed (2020)" in result.stdout


def test_status_refuses_a_date_it_cannot_read(calendar_dir: Path) -> None:
    result = CliRunner().invoke(app, ["calendar", "status", "--today", "5 Dec"])

    assert 2 == result.exit_code


def test_add_lists_every_problem_with_its_line_and_installs_nothing(
    calendar_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        YEAR_FILE.replace(
            f"  - {FAR}-01-04\n",
            textwrap.dedent(f"""\
          - {FAR}-01-04
          - {FAR}-01-04
          - {FAR}-01-02
          - {FAR}-01-07
          - {FAR + 1}-01-03
        """),
        ),
        encoding="utf-8",
    )

    result = CliRunner().invoke(app, ["calendar", "add", str(bad)])

    assert 1 == result.exit_code
    for expected in (
        "line 13 / 第13行: 2099-01-04 is listed twice (also on line 12)",
        "line 14 / 第14行: 2099-01-02 is both a holiday (line 8) and a make-up working day",
        "line 16 / 第16行: 2100-01-03 is outside 2099",
        "line 15 / 第15行: make-up working day 2099-01-07 is a weekday",
    ):
        assert expected in result.stderr
    assert not calendar_dir.exists()


def test_a_holiday_listed_twice_names_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text(
        YEAR_FILE.replace("workdays:", f"  - name: 又一次\n    date: {FAR}-01-02\nworkdays:"),
        encoding="utf-8",
    )

    with pytest.raises(CalendarFileError) as caught:
        read_year_file(path)

    assert [(11, f"{FAR}-01-02 is listed twice (also on line 8)")] == [
        (line, en) for line, en, _ in caught.value.problems
    ]


def test_add_needs_the_notice_title_number_and_date(tmp_path: Path) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text(f"year: {FAR}\nsource: some notice\nholidays: []\n", encoding="utf-8")

    with pytest.raises(CalendarFileError, match="title, number and date"):
        read_year_file(path)


def test_add_refuses_a_file_with_two_years(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    second = YEAR_FILE.split("holidays:", maxsplit=1)[0].replace(f"year: {FAR}", f"year: {FAR + 1}")
    path.write_text(YEAR_FILE + "---\n" + second, encoding="utf-8")

    with pytest.raises(CalendarFileError, match="exactly one year"):
        read_year_file(path)


def test_adding_an_installed_year_needs_replace_and_remove_takes_it_away(
    calendar_dir: Path, year_file: Path
) -> None:
    runner = CliRunner()
    runner.invoke(app, ["calendar", "add", str(year_file)])
    year_file.write_text(YEAR_FILE.replace("元旦", "新年"), encoding="utf-8")

    again = runner.invoke(app, ["calendar", "add", str(year_file)])
    kept = WorkCalendar.default().holiday_name(date(FAR, 1, 1))
    replaced = runner.invoke(app, ["calendar", "add", str(year_file), "--replace"])
    renamed = WorkCalendar.default().holiday_name(date(FAR, 1, 1))
    removed = runner.invoke(app, ["calendar", "remove", str(FAR)])
    removed_again = runner.invoke(app, ["calendar", "remove", str(FAR)])

    assert (2, "元旦") == (again.exit_code, kept)
    assert (0, "新年") == (replaced.exit_code, renamed)
    assert 0 == removed.exit_code
    assert not WorkCalendar.default().covers(FAR)
    assert 2 == removed_again.exit_code


def test_an_installed_file_edited_into_a_bad_one_names_the_file(
    calendar_dir: Path, year_file: Path
) -> None:
    _, installed = install_year_file(year_file)
    installed.write_text(YEAR_FILE.replace(f"{FAR}-01-04", f"{FAR}-01-05"), encoding="utf-8")

    with pytest.raises(CalendarDataError, match=f"{FAR}.yaml"):
        WorkCalendar.default()


def test_the_session_clock_can_be_moved_to_a_december_day(tmp_path: Path) -> None:
    test_file = tmp_path / "test_clock.py"
    test_file.write_text(
        "import time\n\n"
        "def test_today() -> None:\n"
        "    assert '2026-12-05' == time.strftime('%Y-%m-%d')\n",
        encoding="utf-8",
    )
    env = {**os.environ, "UNIONKIT_TEST_TODAY": "2026-12-05"}

    moved = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "unionkit.testing",
            str(test_file),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert 0 == moved.returncode, moved.stdout + moved.stderr
    assert "clock moved to 2026-12-05" in moved.stdout
