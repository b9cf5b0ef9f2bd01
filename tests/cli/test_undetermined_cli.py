"""``unionkit evaluate --undetermined`` and ``unionkit explain --json`` for unknown answers."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

from test_rules_cli import write_roster
from typer.testing import CliRunner

from unionkit.cli.app import app

runner = CliRunner()

ROWS = [
    # MX earns, but the household's relative has a blank income and hire date
    ("MX", "吴刚", "是", "", "1980-03-01", "HX", "2005-01-01", "30000", "360000", "0", "0"),
    ("MX-1", "吴丽", "否", "", "1982-04-01", "HX", "", "", "", "", ""),
    ("M3", "赵强", "是", "", "1985-06-01", "H3", "2010-01-01", "5000.99", "12000", "0", "3"),
]


def test_evaluate_writes_the_undetermined_answers_and_counts_them(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv", ROWS)
    out, named = tmp_path / "results.csv", tmp_path / "undetermined.csv"

    result = runner.invoke(
        app,
        ["evaluate", str(roster), "--as-of", "2025-06-01", "--out", str(out),
         "--undetermined", str(named), "--json", "--lang", "en"],
    )  # fmt: skip

    assert 0 == result.exit_code, result.stderr
    assert stat.S_IMODE(named.stat().st_mode) == 0o600  # it names members
    with named.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    income = [r for r in rows if r["rule"] == "household_annual_income"]
    assert [("MX", "annual_income", "annual disposable income", "MX-1"),
            ("MX-1", "annual_income", "annual disposable income", "MX-1")] == [
        (r["member id"], r["missing input field"], r["missing input"], r["whose input"])
        for r in income
    ]  # fmt: skip
    assert not any(r["member id"] == "M3" for r in rows)  # everything known
    assert "360000" not in named.read_text(encoding="utf-8-sig")
    summary = json.loads(result.stdout)
    by_rule = {r["name"]: r for r in summary["rules"]}
    assert 1 == by_rule["household_annual_income"]["undetermined"]  # MX only: MX-1 is a relative
    assert {"annual_income": 1} == by_rule["household_annual_income"]["missing_inputs"]
    assert 0 == by_rule["subsidy_amount"]["undetermined"]
    assert str(named) == summary["undetermined_out"]


def test_members_only_leaves_relatives_answers_out(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv", ROWS)
    named = tmp_path / "undetermined.json"

    result = runner.invoke(
        app,
        ["evaluate", str(roster), "--as-of", "2025-06-01", "--out", str(tmp_path / "r.csv"),
         "--undetermined", str(named), "--members-only"],
    )  # fmt: skip

    assert 0 == result.exit_code, result.stderr
    rows = json.loads(named.read_text(encoding="utf-8"))
    assert {"MX"} == {r["member_id"] for r in rows}
    assert {"MX-1"} == {r["of_member"] for r in rows}
    assert "年可支配收入" in {r["input"] for r in rows}
    assert "待定" in result.stdout  # the summary table's column


def test_a_wrong_undetermined_suffix_is_a_usage_error(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv", ROWS)

    result = runner.invoke(
        app,
        ["evaluate", str(roster), "--as-of", "2025-06-01", "--out", str(tmp_path / "r.csv"),
         "--undetermined", str(tmp_path / "u.txt")],
    )  # fmt: skip

    assert 2 == result.exit_code
    assert ".json" in result.stderr
    assert not (tmp_path / "r.csv").exists()


def test_explain_json_and_text_name_the_missing_inputs(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv", ROWS)
    args = ["explain", str(roster), "--member", "MX", "--rule", "per_capita_monthly_income",
            "--as-of", "2025-06-01"]  # fmt: skip

    as_json = runner.invoke(app, [*args, "--json", "--tree", "--lang", "en"])
    as_text = runner.invoke(app, [*args, "--tree"])

    assert 0 == as_json.exit_code, as_json.stderr
    shown = json.loads(as_json.stdout)
    assert shown["undetermined"] is True
    assert [("annual_income", "MX-1")] == [(m["field"], m["member"]) for m in shown["missing"]]
    assert "undetermined, missing: annual disposable income (of member MX-1)" in shown["conclusion"]
    assert shown["tree"]
    assert 0 == as_text.exit_code, as_text.stderr
    first = as_text.stdout.splitlines()[0]
    assert first == "家庭人均月收入：待定（无法确定），缺少：年可支配收入（成员 MX-1）"
    assert "360000" not in as_json.stdout + as_text.stdout
