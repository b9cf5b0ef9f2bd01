"""``unionkit roster check``: summary, JSON, languages and exit codes."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unionkit.cli.app import app
from unionkit.models.ids import id_check_digit

ROOT = Path(__file__).parents[2]
runner = CliRunner()


def make_id(seq: str) -> str:
    body = "11010519900307" + seq
    return body + id_check_digit(body)


def write(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header or ["工号", "姓名", "身份证号", "手机号", "月工资"])
        writer.writerows(rows)
    return path


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return write(tmp_path / "clean.csv", [["H1", "张伟", make_id("123"), "13800138000", "100"]])


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    wrong = make_id("125")[:-1] + ("1" if make_id("125")[-1] != "1" else "2")
    return write(
        tmp_path / "bad.csv",
        [
            ["H1", "张伟", make_id("123"), "13800138000", "100"],
            ["H2", "李娜", wrong, "13900139000", "-5"],
            ["H3", "王芳", make_id("123"), "13700137000", "1"],
        ],
    )


def test_clean_roster_exits_zero_with_a_summary(clean: Path) -> None:
    result = runner.invoke(app, ["roster", "check", str(clean), "--lang", "en"])

    assert result.exit_code == 0
    assert "rows read" in result.output
    assert "No errors found." in result.output


def test_errors_exit_one_and_are_listed_in_chinese(bad: Path) -> None:
    result = runner.invoke(app, ["roster", "check", str(bad)])

    assert result.exit_code == 1
    assert "id_checksum" in result.output
    assert "身份证号校验位不正确" in result.output
    assert "duplicate_national_id" in result.output


def test_json_output_is_complete_and_masked(bad: Path) -> None:
    result = runner.invoke(app, ["roster", "check", str(bad), "--json"])

    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["summary"]["valid"] == 1
    assert report["summary"]["errors_by_code"] == {
        "id_checksum": 1,
        "negative_amount": 1,
        "duplicate_national_id": 1,
    }
    assert {(e["row"], e["column"], e["code"]) for e in report["errors"]} == {
        (3, "身份证号", "id_checksum"),
        (3, "月工资", "negative_amount"),
        (4, "身份证号", "duplicate_national_id"),
    }
    for secret in (make_id("123"), make_id("125")[:17], "13900139000", "13700137000"):
        assert secret not in result.output


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["roster", "check", str(tmp_path / "nope.csv"), "--lang", "en"])

    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_unreadable_format_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"not a workbook")

    assert runner.invoke(app, ["roster", "check", str(path)]).exit_code == 2


def test_unknown_language_is_a_usage_error(clean: Path) -> None:
    assert runner.invoke(app, ["roster", "check", str(clean), "--lang", "fr"]).exit_code == 2


def test_mapping_file_renames_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", [["H1", "张伟"]], header=["职工代码", "姓名"])
    mapping = tmp_path / "map.yaml"
    mapping.write_text("职工代码: member_id\n", encoding="utf-8")

    without = runner.invoke(app, ["roster", "check", str(path)])
    with_map = runner.invoke(
        app, ["roster", "check", str(path), "--mapping", str(mapping), "--json"]
    )

    assert without.exit_code == 2
    assert with_map.exit_code == 0
    assert json.loads(with_map.output)["summary"]["valid"] == 1


def test_bad_mapping_file_is_a_usage_error(tmp_path: Path, clean: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("- just\n- a list\n", encoding="utf-8")

    result = runner.invoke(app, ["roster", "check", str(clean), "--mapping", str(mapping)])

    assert result.exit_code == 2


def test_python_dash_m_on_the_bundled_roster() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "unionkit", "roster", "check", "examples/roster.csv", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"]["errors"] == 6
    assert report["summary"]["members"] == 5394
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal
