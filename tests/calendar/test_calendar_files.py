"""Tests for reading a year's arrangement from YAML files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from unionkit.calendar import DATA_DIR, load_calendar_years
from unionkit.errors import CalendarFileError

FIXTURES = Path(__file__).parent / "fixtures"


def test_fixture_file_expands_ranges_and_keeps_workdays() -> None:
    (year,) = load_calendar_years(FIXTURES / "fixture-2027-NOT-OFFICIAL.yaml")

    assert 2027 == year.year
    assert {date(2027, 1, d) for d in (1, 2, 3)} | {date(2027, 2, d) for d in range(6, 13)} == set(
        year.holidays
    )
    assert frozenset({date(2027, 2, 13)}) == year.workdays
    assert "TEST FIXTURE" in year.source
    assert not year.official


def test_folder_reads_every_yaml_file(tmp_path: Path) -> None:
    for y in (2030, 2031):
        (tmp_path / f"{y}.yaml").write_text(
            f"year: {y}\nsource: test\nholidays:\n  - name: x\n    date: {y}-01-01\n",
            encoding="utf-8",
        )

    assert [2030, 2031] == [y.year for y in load_calendar_years(tmp_path)]


def _load(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    load_calendar_years(path)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("year: 2030\nholidays: []\n", 1, "'source' is required"),
        ("year: x\nsource: s\n", 1, "'year' must be a year"),
        ("year: 2030\nsource: s\nholidays:\n  - date: 2030-01-01\n", 4, "has no name"),
        (
            "year: 2030\nsource: s\nholidays:\n  - name: a\n    date: 2030-13-01\n",
            5,
            "invalid date",
        ),
        (
            "year: 2030\nsource: s\nholidays:\n  - name: a\n    from: 2030-02-05\n"
            "    to: 2030-02-01\n",
            4,
            "backwards",
        ),
        ("year: 2030\nsource: s\nworkdays: [2030-01-07]\n", 3, "weekday"),
        ("year: 2030\nsource: s\nholiday: []\n", 3, "unknown key 'holiday'"),
        ("year: [2030\n", 2, "not valid YAML"),
    ],
)
def test_bad_file_names_the_file_the_line_and_the_problem(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    with pytest.raises(CalendarFileError, match=message) as caught:
        _load(tmp_path, text)

    assert "bad.yaml" in str(caught.value)
    assert [line] == [found for found, _, _ in caught.value.problems]


def test_missing_path_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_calendar_years(tmp_path / "nope.yaml")


def test_shipped_data_folder_parses_and_documents_its_format() -> None:
    load_calendar_years(DATA_DIR)

    assert "## Format" in (DATA_DIR / "README.md").read_text(encoding="utf-8")
