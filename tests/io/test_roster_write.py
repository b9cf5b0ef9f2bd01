"""Exporting rosters: what is written reads back as the same members."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest
from roster_helpers import TODAY

from unionkit.errors import RosterFormatError
from unionkit.io import generate_roster, read_roster, write_roster, write_rows
from unionkit.io.synthetic import REFERENCE_DATE
from unionkit.models import Member


@pytest.fixture(scope="module")
def members(tmp_path_factory: pytest.TempPathFactory) -> list[Member]:
    path = tmp_path_factory.mktemp("src") / "roster.csv"
    write_rows(generate_roster(150, seed=11), path)
    result = read_roster(path, today=REFERENCE_DATE)
    assert result.ok, result.errors[:3]
    assert any(m.phone is None for m in result.members)  # relatives: gaps must survive too
    return result.members


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("utf8.csv", {}),
        ("gb.csv", {"encoding": "gb18030"}),
        ("english.csv", {"headers": "en"}),
        ("book.xlsx", {}),
        ("book_en.xlsx", {"headers": "en"}),
    ],
)
def test_round_trip_gives_equal_members(
    tmp_path: Path, members: list[Member], name: str, options: dict[str, str]
) -> None:
    path = write_roster(members, tmp_path / name, **options)  # type: ignore[arg-type]

    again = read_roster(path, today=TODAY)

    assert again.errors == []
    assert again.warnings == []
    assert again.members == members


def test_gb18030_export_is_really_gb18030(tmp_path: Path, members: list[Member]) -> None:
    path = write_roster(members[:5], tmp_path / "gb.csv", encoding="gb18030")

    text = path.read_bytes().decode("gb18030")

    assert text.startswith("工号,姓名")
    assert read_roster(path, today=TODAY).encoding == "gb18030"


def test_ids_are_text_cells_in_xlsx(tmp_path: Path, members: list[Member]) -> None:
    path = write_roster(members[:3], tmp_path / "r.xlsx")

    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("身份证号") + 1)

    assert cell.data_type == "s"
    assert members[0].national_id is not None
    assert cell.value == members[0].national_id.reveal()


def test_masked_export_hides_numbers(tmp_path: Path, members: list[Member]) -> None:
    path = write_roster(members[:3], tmp_path / "share.csv", reveal_pii=False)

    text = path.read_text(encoding="utf-8-sig")

    for member in members[:3]:
        assert member.national_id is not None
        assert member.national_id.reveal() not in text
        assert member.national_id.masked in text


@pytest.mark.parametrize("name", ["share.csv", "share.xlsx"])
def test_shared_export_hides_names_income_and_health(
    tmp_path: Path, members: list[Member], name: str
) -> None:
    sample = [m for m in members if m.monthly_salary and m.phone and m.sick_leave_days][:3]
    assert sample, "the generated roster should have salaried members with sick leave"
    path = write_roster(sample, tmp_path / name, reveal_pii=False)

    rows = read_back_cells(path)

    header = rows[0]
    for member, row in zip(sample, rows[1:], strict=True):
        cells = dict(zip(header, row, strict=True))
        assert member.name not in cells.values()
        assert member.masked_name == cells["姓名"]
        for column in ("月工资", "年可支配收入", "刚性支出", "病假天数", "重大疾病"):
            assert "" == cells[column], column
        assert member.phone is not None
        assert member.phone.masked == cells["手机号"]


def read_back_cells(path: Path) -> list[list[str]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    sheet = openpyxl.load_workbook(path).active
    return [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]


def test_failed_write_keeps_the_old_file(tmp_path: Path, members: list[Member]) -> None:
    path = write_roster(members[:2], tmp_path / "r.csv")
    before = path.read_bytes()

    def broken() -> object:
        yield members[0]
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_roster(broken(), path)  # type: ignore[arg-type]

    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]


def test_unknown_suffix_needs_a_format(tmp_path: Path, members: list[Member]) -> None:
    with pytest.raises(RosterFormatError):
        write_roster(members[:1], tmp_path / "r.dat")

    path = write_roster(members[:1], tmp_path / "r.dat", format="csv")
    assert read_roster(path, today=TODAY).members == members[:1]
