"""What unionkit writes: formula cells defused in every CSV, one file-mode policy."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from unionkit._csv import FORMULA_STARTS, defuse, restore
from unionkit.cli.app import app
from unionkit.io import read_roster, write_roster
from unionkit.models import Member

RESIDENT_ID = "110105199001011232"
PHONE = "13812345678"
HOSTILE = ['=HYPERLINK("http://evil","点我")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"]

runner = CliRunner()


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def _members() -> list[Member]:
    return [
        Member(
            member_id=f"M{i}",
            name=f"张{i}",
            department=text,
            position=text,
            national_id=RESIDENT_ID if i == 0 else None,
            phone=PHONE if i == 0 else None,
        )
        for i, text in enumerate(["=1+2", "+86 号码", "-外科", "@护理部"])
    ]


def test_formula_cells_are_quoted_and_numbers_are_not() -> None:
    for text in HOSTILE:
        assert f"'{text}" == defuse(text)
        assert text == restore(str(defuse(text)))
    for plain in ("-12.50", "+3", "张三", "2025-01-01", "", "'quoted"):
        assert plain == defuse(plain)
    assert "'=1" == restore(str(defuse("'=1")))
    assert 5 == defuse(5)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_defused_text_never_starts_a_formula_and_restores(text: str) -> None:
    safe = defuse(text)
    assert isinstance(safe, str)
    if safe.startswith(FORMULA_STARTS):
        assert safe.lstrip("+-").replace(".", "", 1).isdigit()
    assert text == restore(safe)


def test_write_roster_csv_defuses_and_reads_back_unchanged(tmp_path: Path) -> None:
    members = _members()
    path = write_roster(members, tmp_path / "roster.csv")

    with path.open(encoding="utf-8-sig", newline="") as handle:
        cells = [c for row in csv.reader(handle) for c in row]
    back = read_roster(path)

    assert not [c for c in cells if c.startswith(FORMULA_STARTS) and not c[1:].isdigit()]
    assert "'=1+2" in cells
    assert [m.department for m in members] == [m.department for m in back.members]
    assert [] == back.errors


def test_write_roster_xlsx_keeps_formulas_as_typed_strings(tmp_path: Path) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    path = write_roster(_members(), tmp_path / "roster.xlsx")
    sheet = load_workbook(path).active
    assert sheet is not None
    departments = [c for c in sheet.iter_rows(min_row=2) for c in c if c.value == "=1+2"]

    assert departments and all("s" == c.data_type for c in departments)


def test_evaluate_results_csv_defuses_member_ids(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    with roster.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(
            [["工号", "姓名", "出生日期"], ["=cmd|' /C calc'!A0", "张三", "1980-01-01"]]
        )
    results = tmp_path / "out.csv"

    done = runner.invoke(
        app, ["evaluate", str(roster), "--out", str(results), "--as-of", "2025-06-01"]
    )

    assert 0 == done.exit_code, done.output
    with results.open(encoding="utf-8-sig", newline="") as handle:
        ids = [row["工号"] for row in csv.DictReader(handle)]
    assert ["'=cmd|' /C calc'!A0"] == ids


def test_personal_files_are_private_and_masked_ones_follow_the_umask(
    tmp_path: Path, umask_027: None
) -> None:
    full = write_roster(_members(), tmp_path / "full.csv")
    shared = write_roster(_members(), tmp_path / "shared.csv", reveal_pii=False)
    shared_xlsx = write_roster(_members(), tmp_path / "shared.xlsx", reveal_pii=False)

    assert 0o600 == full.stat().st_mode & 0o777
    assert 0o640 == shared.stat().st_mode & 0o777
    assert 0o640 == shared_xlsx.stat().st_mode & 0o777
    assert RESIDENT_ID not in shared.read_text(encoding="utf-8-sig")
