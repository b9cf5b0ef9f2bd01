"""Hostile roster files: each ends in a RosterFormatError or a result, fast, never a crash."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from unionkit.cli.app import app
from unionkit.errors import RosterFormatError
from unionkit.io import _source as source
from unionkit.io import read_roster

runner = CliRunner()


def _far_cell_xlsx(path: Path, row: int, col: int) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["工号", "姓名"])
    sheet.write_row(1, 0, ["M1", "张三"])
    sheet.write_string(row, col, "x")
    book.close()
    return path


def test_a_small_xlsx_with_one_far_cell_is_refused_in_a_subprocess(tmp_path: Path) -> None:
    # A subprocess: were the bound missing, calamine would abort the whole interpreter.
    path = _far_cell_xlsx(tmp_path / "far.xlsx", 1048575, 16383)
    assert path.stat().st_size < 10_000
    code = (
        "import sys\nfrom unionkit.io import read_roster\nfrom unionkit.errors import "
        "RosterFormatError\ntry:\n    read_roster(sys.argv[1])\nexcept RosterFormatError as e:\n"
        "    print('REFUSED', e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert 0 == done.returncode, done.stderr[-500:]
    assert "REFUSED" in done.stdout and "row 1048576 and column 16384" in done.stdout


def test_a_far_cell_within_the_bound_is_read(tmp_path: Path) -> None:
    path = _far_cell_xlsx(tmp_path / "near.xlsx", 2000, 30)

    result = read_roster(path)

    assert ["M1"] == [m.member_id for m in result.members]


def test_a_zip_bomb_sheet_is_refused_before_it_is_unpacked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "_SHEET_XML_BYTES", 1 << 20)
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b"<sheetData>" + b" " * (4 << 20))

    with pytest.raises(RosterFormatError, match="zip bomb"):
        read_roster(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "roster.csv"
    os.mkfifo(fifo)

    with pytest.raises(RosterFormatError, match="named pipe"):
        read_roster(fifo)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_refused_as_a_device() -> None:
    with pytest.raises(RosterFormatError, match="device"):
        read_roster("/dev/zero")


def test_a_file_over_the_size_bound_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.csv"
    path.write_text("工号,姓名\n" + "M1,张三\n" * 500, encoding="utf-8")

    with pytest.raises(RosterFormatError, match="larger than"):
        read_roster(path)
    with pytest.raises(RosterFormatError, match="larger than"), path.open("rb") as handle:
        read_roster(handle)


def test_a_cell_over_the_csv_limit_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "cell.csv"
    path.write_text('工号,姓名\nM1,张三\nM2,"' + "x" * 200_000 + '"\n', encoding="utf-8")

    with pytest.raises(RosterFormatError, match="near line 3 is longer than 131072"):
        read_roster(path)
    refused = runner.invoke(app, ["roster", "check", str(path)])
    assert 2 == refused.exit_code
    assert "Traceback" not in refused.output


def test_a_hundred_thousand_unknown_columns_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    header = ["工号", "姓名", *(f"列{i}" for i in range(100_000))]
    path.write_text(",".join(header) + "\nM1,张三\n", encoding="utf-8")

    done = runner.invoke(app, ["roster", "check", str(path)])

    assert 2 == done.exit_code
    assert "100002" in done.stderr and "1024" in done.stderr
    assert len(done.output.splitlines()) < 5


def test_unknown_columns_under_the_bound_print_a_bounded_summary(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    header = ["工号", "姓名", *(f"[/bold]列{i}" for i in range(900))]
    path.write_text(",".join(header) + "\nM1,张三\n", encoding="utf-8")

    done = runner.invoke(app, ["roster", "check", str(path)])

    assert 0 == done.exit_code, done.output
    assert "more warnings not shown" in done.output or "条提示未显示" in done.output
    assert len(done.output.splitlines()) < 80


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ""]))
def test_arbitrary_bytes_end_in_a_result_or_a_format_error(data: bytes, suffix: str) -> None:
    handle = io.BytesIO(data)
    handle.name = f"fuzz{suffix}"
    with contextlib.suppress(RosterFormatError):
        read_roster(handle)


_CELL = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(_CELL, min_size=0, max_size=6), max_size=8))
def test_arbitrary_csv_cells_end_in_a_result_or_a_format_error(rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out).writerows([["工号", "姓名", "科室"], *rows])
    handle = io.BytesIO(out.getvalue().encode("utf-8"))
    handle.name = "fuzz.csv"
    try:
        result = read_roster(handle)
    except RosterFormatError:
        return
    assert len(result.members) <= len(rows)
