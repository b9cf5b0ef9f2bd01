"""Exporting rosters: what is written reads back as the same members."""

from __future__ import annotations

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
