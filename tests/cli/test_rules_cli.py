"""``unionkit evaluate`` and ``unionkit explain`` over real roster files."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unionkit.cli.app import app
from unionkit.models.ids import id_check_digit
from unionkit.money import format_fen

ROOT = Path(__file__).parents[2]
AS_OF = date(2025, 6, 1)
runner = CliRunner()

HEADER = [
    "工号",
    "姓名",
    "是否会员",
    "身份证号",
    "出生日期",
    "家庭编号",
    "入职日期",
    "月工资",
    "年可支配收入",
    "刚性支出",
    "病假天数",
]


def _bad_id() -> str:
    body = "11010519700101123"
    good = id_check_digit(body)
    return body + ("1" if good != "1" else "2")


BAD_ID = _bad_id()

# (member_id, name, member?, id, birth date, household, hire date, salary, income, spending, sick)
ROWS = [
    ("M1", "张伟", "是", "", "1984-05-01", "H1", "2004-03-01", "8500.50", "36000.60", "0", "20"),
    ("M1-1", "李娜", "否", "", "1986-07-01", "H1", "", "", "0", "0", ""),
    ("M2", "王芳", "是", "", "1985-06-02", "H2", "2005-06-01", "12000", "180000", "0", "0"),
    ("M3", "赵强", "是", "", "1985-06-01", "H3", "2010-01-01", "5000.99", "12000", "0", "3"),
    ("M4", "刘洋", "否", "", "1960-01-01", "H4", "", "", "50000", "0", ""),
    ("M5", "陈静", "是", "", "1990-02-28", "H5", "2015-07-01", "6000", "90000", "0", "0"),
    # two bad rows: a wrong check digit, a negative salary; both members would be over 40
    ("M6", "孙丽", "是", BAD_ID, "1970-01-01", "H6", "1990-01-01", "7000", "80000", "0", "0"),
    ("M7", "周杰", "是", "", "1970-01-01", "H7", "1990-01-01", "-98765", "80000", "0", "0"),
]
BAD_MEMBERS = {"M6", "M7"}

EXTRA_RULES = """\
rules:
  - name: half_salary
    label: {zh: 半月工资, en: half a month's salary}
    type: money
    missing: propagate
    expr: monthly_salary / 2
  - name: year_salary
    label: {zh: 年工资, en: a year's salary}
    type: money
    missing: propagate
    expr: monthly_salary * 12
"""

SCREENING_AT_41 = """\
parameters:
  benefits.tumor_screening_age:
    unit: years
    description_zh: 本院筛查年龄
    description_en: This hospital's screening age
    source: test overlay
    values:
      2025-01-01: 41
"""


def age_on(born: str, day: date) -> int:
    b = date.fromisoformat(born)
    return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


def screened(min_age: int) -> set[str]:
    """The valid union members at least *min_age* on AS_OF, worked out from ROWS."""
    return {
        r[0]
        for r in ROWS
        if r[0] not in BAD_MEMBERS and r[2] == "是" and age_on(r[4], AS_OF) >= min_age
    }


def write_roster(path: Path, rows: Sequence[tuple[str, ...]] = ROWS) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def read_results(path: Path) -> dict[str, dict[str, str]]:
    """The results file keyed by member id, each rule's cell under its id, 是/否 as true/false."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert header[:4] == ["工号", "姓名", "部门", "会员"]
    keys = ["member_id", "name", "department", "is_member"]
    for cell in header[4:]:
        label, _, rule = cell.rpartition(" (")
        assert label and rule.endswith(")"), cell
        keys.append(rule[:-1])
    words = {"是": "true", "否": "false"}
    return {
        row[0]: {k: words.get(v, v) for k, v in zip(keys, row, strict=True)} for row in rows[1:]
    }


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    return write_roster(tmp_path / "roster.csv")


@pytest.fixture
def extra_rules(tmp_path: Path) -> Path:
    path = tmp_path / "salary.yaml"
    path.write_text(EXTRA_RULES, encoding="utf-8")
    return path


def evaluate(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["evaluate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_counts_and_money_match_values_worked_out_by_hand(
    roster: Path, extra_rules: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "results.csv"

    code, stdout, stderr = evaluate(
        str(roster),
        "--as-of",
        "2025-06-01",
        "--out",
        str(out),
        "--rule-file",
        str(extra_rules),
        "--json",
    )

    assert code == 0, stderr
    results = read_results(out)
    assert set(results) == {r[0] for r in ROWS} - BAD_MEMBERS
    eligible = {m for m, row in results.items() if row["tumor_screening_eligible"] == "true"}
    assert screened(40) == eligible
    # 8,500.50 yuan: half is exact, a year is 12 x; 5,000.99 / 2 = 2,500.495 rounds half up
    assert results["M1"]["half_salary"] == "4250.25"
    assert results["M1"]["year_salary"] == "102006.00"
    assert results["M3"]["half_salary"] == str(
        (Decimal("5000.99") / 2).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    )
    assert results["M1-1"]["half_salary"] == ""  # no salary: unknown, not 0
    # household H1: (36000.60 + 0 - 0) / (12 x 2) = 1500.025 -> 1500.03
    assert results["M1"]["per_capita_monthly_income"] == "1500.03"
    summary = json.loads(stdout)
    assert len(results) == summary["evaluated"]
    assert summary["as_of"] == "2025-06-01"
    assert summary["rows_with_errors"] == len(BAD_MEMBERS)
    by_rule = {r["name"]: r for r in summary["rules"]}
    assert len(screened(40)) == by_rule["tumor_screening_eligible"]["eligible"]
    # counted and totalled over union members only; relatives are evaluated but not counted
    valid = [r for r in ROWS if r[0] not in BAD_MEMBERS]
    members = [r for r in valid if r[2] == "是"]
    assert (len(members), len(valid) - len(members)) == (
        summary["union_members"],
        summary["relatives"],
    )
    total = sum(Decimal(r[7]) * 12 for r in members if r[7])
    assert f"{total:.2f}" == by_rule["year_salary"]["total_yuan"]
    assert by_rule["half_salary"]["unknown"] == 0  # only relatives (M1-1, M4) have no salary
    # a household's income is a measure: summed once per person it would mean nothing
    assert "none" == by_rule["household_annual_income"]["summary"]
    assert "total_yuan" not in by_rule["household_annual_income"]
    assert "none" == by_rule["living_aid_cap"]["summary"]
    # every rule still has a column for every row, relatives included
    assert results["M1-1"]["household_annual_income"] == "36000.60"
    assert results["M4"]["tumor_screening_eligible"] == "false"  # 65, but a relative


def test_the_summary_table_says_it_counts_members_only(roster: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.csv"

    code, stdout, stderr = evaluate(
        str(roster), "--as-of", "2025-06-01", "--out", str(out), "--lang", "en"
    )

    assert code == 0, stderr
    valid = [r for r in ROWS if r[0] not in BAD_MEMBERS]
    members = sum(1 for r in valid if r[2] == "是")
    assert (
        f"union members only ({members} members counted; {len(valid) - members} relatives evaluated"
    ) in " ".join(stdout.split())
    assert "tumor_screening_eligible" in stdout
    table = stdout.split("rules not summarised")[0]
    assert "household_annual_income" not in table
    assert "household_annual_income" in stdout.split("rules not summarised")[1]


def test_optional_library_fields_are_unknown_and_do_not_stop_the_tiers(
    roster: Path, tmp_path: Path
) -> None:
    out = tmp_path / "results.csv"

    code, _, stderr = evaluate(
        str(roster),
        "--as-of",
        "2025-06-01",
        "--out",
        str(out),
        "--rules",
        "hardship_excluded,deep_hardship,relative_hardship",
    )

    assert code == 0, stderr
    results = read_results(out)
    assert [
        "member_id",
        "name",
        "department",
        "is_member",
        "hardship_excluded",
        "deep_hardship",
        "relative_hardship",
    ] == list(results["M1"])
    assert all(row["hardship_excluded"] == "false" for row in results.values())
    # M3 alone in H3: 12000 / 12 = 1000 < 1170 (Beijing standard from 2020-07-01)
    assert results["M3"]["deep_hardship"] == "true"
    # H1: 1500.03 is between 1170 and 2 x 1170
    assert results["M1"]["relative_hardship"] == "true"


def test_row_errors_are_counted_on_stderr_without_personal_data(
    roster: Path, tmp_path: Path
) -> None:
    code, stdout, stderr = evaluate(
        str(roster), "--as-of", "2025-06-01", "--out", str(tmp_path / "r.csv"), "--lang", "en"
    )

    assert code == 0
    assert "2 roster rows have errors" in stderr
    assert "row 8" in stderr and "row 9" in stderr  # M6 and M7, the header being row 1
    for secret in (BAD_ID, BAD_ID[6:14], "孙丽", "周杰", "98765"):
        assert secret not in stderr + stdout
    assert "eligible for tumor screening" in stdout


def test_summary_table_in_chinese_names_rules_and_counts(roster: Path, tmp_path: Path) -> None:
    code, stdout, _ = evaluate(
        str(roster),
        "--as-of",
        "2025-06-01",
        "--out",
        str(tmp_path / "r.csv"),
        "--rules",
        "tumor_screening_eligible,hospitalisation_subsidy",
    )

    assert code == 0
    assert f"是：{len(screened(40))} 人" in stdout
    # sick leave 20 days (M1): 800; 3 days (M3): 300; the others 0
    assert "合计 1,100.00 元" in stdout
    assert "评估日期" in stdout and "2025-06-01" in stdout
    assert "规则集版本" in stdout


def test_a_parameter_file_overrides_the_standard_value(roster: Path, tmp_path: Path) -> None:
    params = tmp_path / "hospital.yaml"
    params.write_text(SCREENING_AT_41, encoding="utf-8")
    out = tmp_path / "r.csv"

    code, _, stderr = evaluate(
        str(roster),
        "--as-of",
        "2025-06-01",
        "--out",
        str(out),
        "--params",
        str(params),
        "--rules",
        "tumor_screening_eligible",
    )

    assert code == 0, stderr
    results = read_results(out)
    eligible = {m for m, row in results.items() if row["tumor_screening_eligible"] == "true"}
    assert screened(41) == eligible
    assert screened(41) != screened(40)  # the overlay changed someone's result


def test_parquet_keeps_money_exact(roster: Path, extra_rules: Path, tmp_path: Path) -> None:
    pl = pytest.importorskip("polars")
    out = tmp_path / "r.parquet"

    code, _, stderr = evaluate(
        str(roster),
        "--as-of",
        "2025-06-01",
        "--out",
        str(out),
        "--rule-file",
        str(extra_rules),
        "--rules",
        "half_salary,tumor_screening_eligible,age",
    )

    assert code == 0, stderr
    frame = pl.read_parquet(out)
    rows = {r["member_id"]: r for r in frame.to_dicts()}
    assert Decimal("4250.25") == rows["M1"]["half_salary"]
    assert rows["M1-1"]["half_salary"] is None
    assert rows["M1"]["tumor_screening_eligible"] is True
    assert age_on("1984-05-01", AS_OF) == rows["M1"]["age"]


def test_parquet_without_the_frames_extra_is_a_clear_usage_error(
    roster: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "polars", None)
    out = tmp_path / "r.parquet"

    code, _, stderr = evaluate(
        str(roster), "--as-of", "2025-06-01", "--out", str(out), "--lang", "en"
    )

    assert code == 2
    assert "unionkit[frames]" in stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "expected_code", "message"),
    [
        (["--as-of", "2025-13-01"], 2, "2026年6月1日"),
        (["--as-of", "2025-06-01", "--rules", "no_such_rule"], 1, "no_such_rule"),
        (["--as-of", "2025-06-01", "--params", "missing.yaml"], 2, "missing.yaml"),
        (["--as-of", "2025-06-01", "--no-such-option"], 2, "no-such-option"),
    ],
)
def test_exit_codes_for_bad_requests(
    roster: Path, tmp_path: Path, args: list[str], expected_code: int, message: str
) -> None:
    out = tmp_path / "r.csv"

    result = runner.invoke(app, ["evaluate", str(roster), "--out", str(out), "--lang", "en", *args])

    assert expected_code == result.exit_code
    assert message in result.stderr
    assert not out.exists()


def test_missing_roster_and_wrong_output_type_are_usage_errors(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv")

    missing = evaluate(
        str(tmp_path / "nope.csv"), "--as-of", "2025-06-01", "--out", str(tmp_path / "r.csv")
    )
    wrong = evaluate(str(roster), "--as-of", "2025-06-01", "--out", str(tmp_path / "r.ods"))

    assert missing[0] == 2
    assert "nope.csv" in missing[2]
    assert wrong[0] == 2
    assert ".xlsx" in wrong[2] and ".parquet" in wrong[2]


def test_nothing_valid_to_evaluate_exits_one_and_writes_nothing(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "bad.csv", [r for r in ROWS if r[0] in BAD_MEMBERS])
    out = tmp_path / "r.csv"

    code, _, stderr = evaluate(
        str(roster), "--as-of", "2025-06-01", "--out", str(out), "--lang", "en"
    )

    assert code == 1
    assert "no valid member" in stderr
    assert not out.exists()


def test_an_invalid_rule_file_names_the_file_and_line(roster: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad_rules.yaml"
    bad.write_text(
        "rules:\n  - name: x\n    label: {zh: 甲, en: x}\n    type: bool\n"
        "    expr: sick_leave_days >=\n",
        encoding="utf-8",
    )

    code, _, stderr = evaluate(
        str(roster),
        "--as-of",
        "2025-06-01",
        "--out",
        str(tmp_path / "r.csv"),
        "--rule-file",
        str(bad),
    )

    assert code == 1
    assert "bad_rules.yaml, line 5" in stderr
    assert "'x'" in stderr


def test_a_failed_run_keeps_the_previous_results_file(roster: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    out.write_text("previous results\n", encoding="utf-8")

    code, _, _ = evaluate(str(roster), "--as-of", "2020-01-01", "--out", str(out))

    # the standard screening age has values from 2023-01-01 only: 2020 cannot be evaluated
    assert code == 1
    assert out.read_text(encoding="utf-8") == "previous results\n"


def test_an_unwritable_output_is_reported_not_a_traceback(roster: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")

    code, _, stderr = evaluate(
        str(roster), "--as-of", "2025-06-01", "--out", str(blocker / "r.csv"), "--lang", "en"
    )

    assert code == 1
    assert "cannot write" in stderr


def test_explain_prints_the_tree_in_english(roster: Path) -> None:
    result = runner.invoke(
        app,
        [
            "explain",
            str(roster),
            "--member",
            "M1",
            "--rule",
            "tumor_screening_eligible",
            "--as-of",
            "2025-06-01",
            "--lang",
            "en",
            "--tree",
        ],
    )

    assert result.exit_code == 0, result.stderr
    assert "eligible for tumor screening for M1 as of 2025-06-01" in result.stdout
    assert f"= {age_on('1984-05-01', AS_OF)}" in result.stdout  # the age it found
    assert "1984-05-01" in result.stdout


def test_explain_sees_the_whole_household(roster: Path) -> None:
    result = runner.invoke(
        app,
        [
            "explain",
            str(roster),
            "--member",
            "M1",
            "--rule",
            "household_size",
            "--as-of",
            "2025-06-01",
            "--tree",
        ],
    )

    assert result.exit_code == 0, result.stderr
    # M1 and M1-1 share H1
    assert "[household_size] = 2" in result.stdout


@pytest.mark.parametrize(
    ("member", "rule", "message"),
    [
        ("M99", "age", "no member 'M99'"),
        ("M1", "agee", "unknown rule 'agee'"),
        ("M6", "age", "its row has errors"),
    ],
)
def test_explain_unknown_member_or_rule_exits_one(
    roster: Path, member: str, rule: str, message: str
) -> None:
    result = runner.invoke(
        app,
        [
            "explain",
            str(roster),
            "--member",
            member,
            "--rule",
            rule,
            "--as-of",
            "2025-06-01",
            "--lang",
            "en",
        ],
    )

    assert result.exit_code == 1
    assert message in result.stderr
    assert BAD_ID not in result.stderr


def test_format_fen_is_exact_for_any_amount() -> None:
    assert "8500.50" == format_fen(850050)
    assert "-0.05" == format_fen(-5)
    assert "92233720368547758.07" == format_fen(2**63 - 1)


def _example_screening(path: Path) -> tuple[int, int]:
    """Count valid rows and union members aged 40+ on AS_OF, straight from the CSV text."""
    from unionkit.io import read_roster

    rejected = {e.row for e in read_roster(path).errors}
    valid = eligible = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), start=2):
            if row_number in rejected:
                continue
            valid += 1
            born = row["出生日期"] or (
                f"{row['身份证号'][6:10]}-{row['身份证号'][10:12]}-{row['身份证号'][12:14]}"
            )
            if row["是否会员"] == "是" and age_on(born, AS_OF) >= 40:
                eligible += 1
    return valid, eligible


@pytest.mark.skipif(not (ROOT / "examples" / "roster.csv").exists(), reason="no example roster")
def test_the_example_roster_in_a_real_process(tmp_path: Path) -> None:
    roster = ROOT / "examples" / "roster.csv"
    out = tmp_path / "example.csv"

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "unionkit",
            "evaluate",
            str(roster),
            "--as-of",
            "2025-06-01",
            "--out",
            str(out),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    valid, eligible = _example_screening(roster)
    assert valid == summary["evaluated"]
    by_rule = {r["name"]: r for r in summary["rules"]}
    assert eligible == by_rule["tumor_screening_eligible"]["eligible"]
    assert valid == len(read_results(out))
    assert "roster rows have errors" in proc.stderr or "行有错误" in proc.stderr


def test_a_rule_label_that_looks_like_rich_markup_is_printed_as_written(
    roster: Path, tmp_path: Path
) -> None:
    rules = tmp_path / "odd.yaml"
    rules.write_text(
        "rules:\n"
        "  - name: long_leave\n"
        "    label: {zh: '[/b]长病假', en: '[/b]long leave'}\n"
        "    type: bool\n"
        "    expr: sick_leave_days > 10\n",
        encoding="utf-8",
    )

    code, stdout, stderr = evaluate(
        str(roster),
        "--as-of",
        "2025-06-01",
        "--out",
        str(tmp_path / "out.csv"),
        "--rule-file",
        str(rules),
        "--lang",
        "en",
    )

    assert 0 == code, stderr
    assert "[/b]long leave" in stdout


def test_a_blank_household_income_is_unknown_not_a_hardship_case(tmp_path: Path) -> None:
    # Issue 11, class 8: MX earns 30,000 yuan a month, but the household's income cells are
    # blank. They used to count as 0: per-capita income 0, a low-income hardship case with a
    # subsidy, and a summary saying nothing was unknown.
    rows = [
        ("MX", "吴刚", "是", "", "1980-03-01", "HX", "2005-01-01", "30000", "", "0", "0"),
        ("MX-1", "吴丽", "否", "", "1982-04-01", "HX", "", "", "", "", ""),
        # a household whose incomes are known, so the summary still has something to count
        ("M3", "赵强", "是", "", "1985-06-01", "H3", "2010-01-01", "5000.99", "12000", "0", "3"),
    ]
    roster = write_roster(tmp_path / "roster.csv", rows)
    out = tmp_path / "results.csv"

    code, stdout, stderr = evaluate(
        str(roster), "--as-of", "2025-06-01", "--out", str(out), "--json"
    )

    assert 0 == code, stderr
    results = read_results(out)
    mx = results["MX"]
    assert "" == mx["household_annual_income"] == mx["per_capita_monthly_income"]  # unknown
    assert "false" == mx["low_income_hardship"] == mx["hardship_eligible"]
    assert Decimal(mx["subsidy_amount"]) == 0
    assert "true" == results["M3"]["low_income_hardship"]  # 12,000 / 12 = 1,000 < 2,000
    by_rule = {r["name"]: r for r in json.loads(stdout)["rules"]}
    assert 1 == by_rule["household_annual_income"]["unknown"]  # MX (MX-1 is not counted)
    assert 1 == by_rule["per_capita_monthly_income"]["unknown"]
    assert 1 == by_rule["household_earners"]["unknown"]
    assert 1 == by_rule["low_income_hardship"]["eligible"]  # M3 only
    assert 0 == by_rule["subsidy_amount"]["unknown"]  # decided: no subsidy
