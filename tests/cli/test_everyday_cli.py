"""Everyday use of the CLI: Chinese help, dates, did-you-mean, results a colleague can open."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from unionkit.cli.app import app
from unionkit.cli.demands import parse_action
from unionkit.cli.i18n import help_lang, pick
from unionkit.cli.lang import Lang
from unionkit.io.dates import parse_date
from unionkit.io.writer import neutralise_csv_cell
from unionkit.models.demand import DemandAction

ROOT = Path(__file__).parents[2]
runner = CliRunner()

HEADER = [
    "工号",
    "姓名",
    "是否会员",
    "科室",
    "出生日期",
    "家庭编号",
    "入职日期",
    "月工资",
    "年可支配收入",
    "刚性支出",
    "病假天数",
]
ROWS = [
    (
        "M1",
        "张伟",
        "是",
        "内科",
        "1984-05-01",
        "H1",
        "2004-03-01",
        "8500.50",
        "36000.60",
        "0",
        "20",
    ),
    ("M1-1", "李娜", "否", "", "1986-07-01", "H1", "", "", "0", "0", ""),
    (
        "M2",
        '=HYPERLINK("x")',
        "是",
        "@外科",
        "1985-06-02",
        "H2",
        "2005-06-01",
        "1234567.89",
        "180000",
        "0",
        "0",
    ),
]
EXTRA_RULES = """\
rules:
  - name: half_salary
    label: {zh: 半月工资, en: half a month's salary}
    type: money
    missing: propagate
    expr: monthly_salary / 2
  - name: twin_a
    label: {zh: 生日慰问, en: birthday visit}
    type: bool
    summary: count
    expr: is_member
  - name: twin_b
    label: {zh: 生日慰问, en: birthday visit}
    type: bool
    summary: count
    expr: is_member
"""


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return path


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "extra.yaml"
    path.write_text(EXTRA_RULES, encoding="utf-8")
    return path


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def all_commands() -> list[list[str]]:
    """Every command path of ``unionkit``, as the arguments that reach it."""
    import typer

    found: list[list[str]] = [[]]

    def walk(command: Any, path: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            found.append([*path, name])
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


# --- help in Chinese and English ---


@pytest.mark.parametrize("path", all_commands(), ids=lambda p: " ".join(p) or "unionkit")
def test_every_help_reads_in_chinese_and_in_english_without_python_types_or_cuts(
    path: list[str],
) -> None:
    zh = runner.invoke(
        app,
        [*path, "--help"],
        env={"LANG": "zh_CN.UTF-8", "LC_ALL": "", "UNIONKIT_LANG": "", "COLUMNS": "80"},
    )
    en = runner.invoke(app, ["--lang", "en", *path, "--help"], env={"COLUMNS": "80"})

    assert 0 == zh.exit_code, zh.output
    assert 0 == en.exit_code, en.output
    for text in (zh.stdout, en.stdout):
        assert not re.search(r"<(str|int|path|bool|list\[[A-Za-z]+\])>", text), text
        assert "…" not in text.replace("PDL-…", "").replace("规则名,…", "").replace("RULE,…", ""), (
            text
        )
        assert max(len(line) for line in text.splitlines()) <= 80
    assert "用法" in zh.stdout and "Usage:" not in zh.stdout
    assert "[必填]" in zh.stdout or "必填" not in zh.stdout
    # Chinese help has no English sentence of ours left: only option names and values
    words = re.sub(r"--[a-z-]+", "", zh.stdout)
    assert not re.search(r"\b(the|and|of)\b", words), zh.stdout
    assert not re.search(r"[\u4e00-\u9fff]", en.stdout.replace("生日", "")) or path[:1] == [
        "postal"
    ], en.stdout


def test_version() -> None:
    from importlib.metadata import version

    result = run("--version")

    assert 0 == result.exit_code
    assert f"unionkit {version('unionkit')}" == result.stdout.strip()


def test_help_language_comes_from_lang_then_the_locale() -> None:
    assert "en" == help_lang(["evaluate", "--lang", "en"], {"LANG": "zh_CN.UTF-8"})
    assert "zh" == help_lang(["--lang=zh"], {"LANG": "en_US.UTF-8"})
    assert "zh" == help_lang([], {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"})
    assert "en" == help_lang([], {"LANG": "en_GB.UTF-8"})
    assert help_lang([], {"LANG": "C.UTF-8"}) is None
    assert "评估日期" == pick("评估日期 / evaluation date.", "zh")
    assert "evaluation date." == pick("评估日期 / evaluation date.", "en")
    # a one-language text (a plugin's) stays whole in either language
    assert "only English here" == pick("only English here", "zh")


# --- dates ---


@pytest.mark.parametrize("typed", ["2025-06-01", "2025/06/01", "2025/6/1", "2025年6月1日"])
def test_dates_are_read_as_the_roster_reads_them(typed: str, roster: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"

    result = run("evaluate", str(roster), "--as-of", typed, "--out", str(out), "--json")

    assert 0 == result.exit_code, result.stderr
    assert '"as_of": "2025-06-01"' in result.stdout
    assert parse_date(typed).isoformat() == "2025-06-01"


def test_a_bad_date_is_a_usage_error_showing_the_accepted_forms(
    roster: Path, tmp_path: Path
) -> None:
    result = run(
        "evaluate", str(roster), "--as-of", "2025年2月30日", "--out", str(tmp_path / "r.csv")
    )

    assert 2 == result.exit_code
    assert "2026年6月1日" in result.stderr
    with pytest.raises(ValueError, match="no such date"):
        parse_date("2025-02-30")


# --- did you mean ---


def test_did_you_mean_for_rules_commands_and_branches(roster: Path, tmp_path: Path) -> None:
    rule = run(
        "evaluate",
        str(roster),
        "--as-of",
        "2025-06-01",
        "--out",
        str(tmp_path / "r.csv"),
        "--rules",
        "tumor_screening",
        "--lang",
        "en",
    )
    command = subprocess.run(
        [sys.executable, "-m", "unionkit", "evalute"],
        capture_output=True,
        text=True,
        check=False,
        env={"LANG": "zh_CN.UTF-8"},
    )
    branch = run(
        "evaluate",
        str(roster),
        "--as-of",
        "2025-06-01",
        "--out",
        str(tmp_path / "r.csv"),
        "--branch",
        "hosptial",
        "--lang",
        "en",
    )

    assert 1 == rule.exit_code
    assert "Did you mean 'tumor_screening_eligible'?" in rule.stderr
    assert 2 == command.returncode
    assert "'evaluate'" in command.stderr and "没有命令" in command.stderr
    assert 0 != branch.exit_code
    assert "'hospital'" in branch.stderr


# --- demand actions in Chinese ---


@pytest.mark.parametrize(
    ("typed", "action"),
    [
        ("受理", DemandAction.ACCEPT),
        ("受理并交办", DemandAction.ACCEPT),
        ("办结", DemandAction.CLOSE),
        ("close", DemandAction.CLOSE),
        ("答复", DemandAction.RESOLVE),
        ("不予立案", DemandAction.REJECT),
        ("督办", DemandAction.ESCALATE),
    ],
)
def test_demand_actions_are_accepted_in_chinese(typed: str, action: DemandAction) -> None:
    assert action is parse_action(typed)


def test_an_unknown_action_lists_the_valid_ones(tmp_path: Path) -> None:
    import typer

    with pytest.raises(typer.BadParameter) as caught:
        parse_action("办完", Lang.zh)
    result = run(
        "demands",
        "transition",
        "Q1",
        "submit",
        "--actor",
        "x",
        "--db",
        str(tmp_path / "none.sqlite3"),
        "--lang",
        "en",
    )

    assert "办结(close)" in str(caught.value) and "受理并交办(accept)" in str(caught.value)
    assert "您是不是要输入" in str(caught.value) and "'办结'？" in str(caught.value)
    assert 2 == result.exit_code
    assert "reopen" in result.stderr


def test_a_demand_moves_with_chinese_actions_end_to_end(tmp_path: Path) -> None:
    from unionkit.demands.synthetic import hospital_members
    from unionkit.store import open_store

    db = str(tmp_path / "d.sqlite3")
    with open_store(db) as store:
        store.add_members(hospital_members(3))
    run(
        "demands",
        "submit",
        "--db",
        db,
        "--id",
        "Q1",
        "--member",
        "H00001",
        "--kind",
        "诉求",
        "--title",
        "夜班餐",
        "--content",
        "延长供应",
        "--category",
        "canteen",
        "--at",
        "2025年3月3日",
    )

    accepted = run(
        "demands",
        "transition",
        "Q1",
        "受理",
        "--actor",
        "office",
        "--db",
        db,
        "--department",
        "后勤",
        "--at",
        "2025-03-03T10:00",
        "--deadline",
        "2025年3月20日",
    )

    assert 0 == accepted.exit_code, accepted.stderr
    assert "受理并交办" in accepted.stdout
    with open_store(db) as store:
        demand = store.get_demand("Q1")
    assert demand.deadline is not None
    assert "2025-03-20" == demand.deadline.isoformat()
    with open_store(db) as store:
        submitted = store.history("Q1")[0]
    assert "2025-03-03T00:00" == submitted.at.isoformat(timespec="minutes")[:16]


# --- results a colleague can open ---


def evaluate_rules(roster: Path, rules: Path, out: str, names: str, *extra: str) -> Any:
    """``unionkit evaluate`` of the test roster with the extra rules, as of 2025-06-01."""
    return run(
        "evaluate",
        str(roster),
        "--as-of",
        "2025-06-01",
        "--out",
        out,
        "--rule-file",
        str(rules),
        "--rules",
        names,
        *extra,
    )


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_has_labelled_headers_masked_names_departments_and_yuan(
    roster: Path, rules: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.csv"

    result = evaluate_rules(roster, rules, str(out), "half_salary,tumor_screening_eligible")
    rows = read_csv(out)

    assert 0 == result.exit_code, result.stderr
    assert [
        "工号",
        "姓名",
        "部门",
        "会员",
        "半月工资 (half_salary)",
        "可参加肿瘤筛查 (tumor_screening_eligible)",
    ] == rows[0]
    assert ["M1", "张*", "内科", "是", "4250.25", "是"] == rows[1]
    assert ["M1-1", "李*", "", "否", "", "否"] == rows[2]
    # a name or department a spreadsheet would run as a formula is text
    assert rows[3][1].startswith("'=") and "'@外科" == rows[3][2]
    assert "617283.95" == rows[3][4]  # 1,234,567.89 / 2 rounded half up, no separator in a file
    assert 0o600 == out.stat().st_mode & 0o777


def test_members_only_english_headers_and_revealed_names(
    roster: Path, rules: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r.csv"

    result = evaluate_rules(
        roster, rules, str(out), "half_salary", "--members-only", "--reveal-names", "--lang", "en"
    )
    rows = read_csv(out)

    assert 0 == result.exit_code, result.stderr
    assert [
        "member id",
        "name",
        "department",
        "union member",
        "half a month's salary (half_salary)",
    ] == rows[0]
    assert ["M1", "M2"] == [r[0] for r in rows[1:]]
    assert ["张伟", "yes"] == [rows[1][1], rows[1][3]]


def test_xlsx_opens_with_the_same_columns_and_money_as_numbers(
    roster: Path, rules: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    out = tmp_path / "r.xlsx"

    result = evaluate_rules(roster, rules, str(out), "half_salary,tumor_screening_eligible")
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]

    assert 0 == result.exit_code, result.stderr
    assert "半月工资 (half_salary)" == rows[0][4]
    assert ["M1", "张*", "内科", "是", 4250.25, "是"] == rows[1]
    assert "=HYPERLINK" not in str(sheet["B4"].value) or sheet["B4"].data_type == "s"
    assert "#,##0.00" == sheet["E2"].number_format
    assert rows[2][4] is None  # unknown stays empty, not 0


def test_the_summary_tells_rules_with_one_label_apart_and_groups_thousands(
    roster: Path, rules: Path, tmp_path: Path
) -> None:
    result = evaluate_rules(roster, rules, str(tmp_path / "r.csv"), "twin_a,twin_b,half_salary")
    lines = {
        line.split("│")[1].strip(): line
        for line in result.stdout.splitlines()
        if line.count("│") > 3
    }

    assert 0 == result.exit_code, result.stderr
    assert "生日慰问（同名 1/2）" in lines["twin_a"]
    assert "生日慰问（同名 2/2）" in lines["twin_b"]
    assert "合计 621,534.20 元" in lines["half_salary"]


def test_csv_cells_are_neutralised_but_numbers_kept() -> None:
    assert "'=1+1" == neutralise_csv_cell("=1+1")
    assert "'+cmd" == neutralise_csv_cell("+cmd")
    assert "'@SUM(A1)" == neutralise_csv_cell("@SUM(A1)")
    assert "-12.50" == neutralise_csv_cell("-12.50")
    assert "张伟" == neutralise_csv_cell("张伟")


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_frame_results_carry_member_id(kind: str) -> None:
    from datetime import date

    from unionkit.rulefiles import standard_ruleset

    data = {
        "member_id": ["A", "B"],
        "is_member": [True, False],
        "birth_date": [date(1980, 6, 1), date(1990, 1, 2)],
    }
    if kind == "pandas":
        import pandas as pd

        frame: Any = pd.DataFrame(data)
    else:
        import polars as pl

        frame = pl.DataFrame(data)

    out = standard_ruleset().evaluate(frame, date(2025, 6, 1), ["age"]).frame

    assert ["member_id", "age"] == list(out.columns)
    assert ["A", "B"] == list(out["member_id"])
    assert [45, 35] == list(out["age"])


def test_plugins_diff_shows_old_and_new_values_of_each_override() -> None:
    import json

    text = run("plugins", "--diff", "--branch", "hospital")
    payload = run("plugins", "--diff", "--branch", "hospital", "--json")

    assert 0 == text.exit_code, text.output
    entries = {(e["kind"], e["name"]): e for e in json.loads(payload.stdout)["diff"]["hospital"]}
    days = entries[("parameter", "hardship.long_sick_leave_days")]
    assert ("2023-01-01: 15 (days)", "2023-01-01: 60 (days)") == (days["old"], days["new"])
    rule = entries[("rule", "hardship_eligible")]
    assert "low_income_hardship" in rule["old"] and "hardship_criteria_any" in rule["new"]
    assert "旧/old: 2023-01-01: 15 (days)" in text.stdout
    assert "old" not in entries[("hardship criterion", "hospital_long_sick_leave")]


def test_click_errors_are_shown_in_chinese() -> None:
    from unionkit.cli.i18n import translate_error

    missing = runner.invoke(
        app, ["evaluate", "x.csv"], env={"LANG": "zh_CN.UTF-8", "LC_ALL": "", "UNIONKIT_LANG": ""}
    )

    assert 2 == missing.exit_code
    assert "缺少选项 '--as-of'" in missing.output
    assert "没有选项 --bogus（您是不是要输入 --out？）" == translate_error(
        "No such option: --bogus (Possible options: --out)", "zh"
    )
    assert "Missing option '--out'." == translate_error("Missing option '--out'.", "en")
    assert translate_error("Missing option '--out'.", None).endswith("Missing option '--out'.")
