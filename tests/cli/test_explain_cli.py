"""`unionkit explain` for people: conclusion first, masking through parents, --reveal audited."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unionkit.cli.app import app

runner = CliRunner()

# A1 meets no hardship criterion; B1 has 20 days of sick leave; C1 has a serious illness.
ROSTER = (
    "工号,姓名,是否会员,出生日期,家庭编号,入职日期,月工资,年可支配收入,刚性支出,病假天数,重大疾病\n"
    "A1,张伟,是,1984-05-01,H1,2004-03-01,15000,180000,0,3,否\n"
    "B1,王芳,是,1985-06-02,H2,2005-06-01,12000,180000,0,20,否\n"
    "C1,赵强,是,1985-06-01,H3,2010-01-01,5000.99,180000,0,0,是\n"
)


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


@pytest.fixture
def audit_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "private" / "audit.log"
    monkeypatch.setenv("UNIONKIT_AUDIT_LOG", str(path))
    return path


def explain(roster: Path, member: str, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(
        app,
        [
            "explain",
            str(roster),
            "--member",
            member,
            "--rule",
            "hardship_eligible",
            "--as-of",
            "2025-06-01",
            *extra,
        ],
    )
    return result.exit_code, result.stdout, result.stderr


def test_a_member_not_eligible_reads_the_conclusion_first_in_chinese(
    roster: Path, audit_log: Path
) -> None:
    code, out, err = explain(roster, "A1")

    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith("不符合困难帮扶条件：")
    # 180,000 a year for one person is 15,000 a month: over the 2,000 line, said without the figure
    assert "家庭人均月收入未低于2,000.00元" in first
    assert "病假天数未达到15天" in first
    assert "家庭人口距3人还差2人" in first  # the parameter's unit, in Chinese
    assert "15,000" not in out and "180,000" not in out
    assert "days" not in out and "people" not in out
    assert "[hardship_eligible]" not in out  # no tree unless asked
    assert not audit_log.exists()


def test_a_member_not_eligible_in_english(roster: Path, audit_log: Path) -> None:
    code, out, err = explain(roster, "A1", "--lang", "en")

    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith("Not eligible for hardship help: ")
    assert "per-capita monthly household income is not under 2,000.00 yuan" in first
    assert "sick-leave days below 15 days" in first
    assert "元" not in out


def test_an_eligible_member_is_told_the_deciding_reason(roster: Path, audit_log: Path) -> None:
    code, zh, _ = explain(roster, "B1")
    code_en, en, _ = explain(roster, "B1", "--lang", "en")

    assert code == code_en == 0
    assert zh.splitlines()[0].startswith("符合困难帮扶条件：")
    assert "病假天数已达到15天" in zh.splitlines()[0]
    # an `or` that is true is decided by its true operands only
    assert "家庭人均月收入" not in zh.splitlines()[0]
    assert en.splitlines()[0].startswith("Eligible for hardship help: ")
    assert "sick-leave days reaches 15 days" in en.splitlines()[0]


def test_a_masked_fact_does_not_leak_through_its_parents(roster: Path, audit_log: Path) -> None:
    code, out, err = explain(roster, "C1", "--tree")

    assert code == 0, err
    tree = out[out.index("C1 于") :].splitlines()[1:]
    root, below = tree[0], tree[1:]
    assert root.endswith("[hardship_eligible] = 是")  # the outcome itself is what is told
    reading = [line for line in below if "serious_illness" in line]
    assert len(reading) >= 3  # the fact, its `or`, and the `and` above them
    assert all(line.endswith("= ＊＊＊") for line in reading), reading
    assert "重大疾病（已遮蔽）" in out.splitlines()[0]


def test_reveal_shows_the_values_and_writes_one_audit_line(roster: Path, audit_log: Path) -> None:
    code, out, err = explain(roster, "C1", "--tree", "--reveal", "--actor", "办公室-李")

    assert code == 0, err
    assert "重大疾病 (serious_illness) = 是" in out
    assert "重大疾病：是" in out.splitlines()[0]
    assert "180,000.00元" in out  # the household income, revealed
    lines = audit_log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["who"] == "办公室-李"
    assert entry["member"] == "C1"
    assert entry["rule"] == "hardship_eligible"
    assert entry["roster"] == str(roster.resolve())
    assert entry["when"]
    for value in ("180,000", "180000", "5000.99", "15,000", "是"):
        assert value not in lines[0]
    assert stat.S_IMODE(audit_log.stat().st_mode) == 0o600


def test_a_second_reveal_appends_and_keeps_the_log_private(roster: Path, audit_log: Path) -> None:
    audit_log.parent.mkdir()
    audit_log.write_text("", encoding="utf-8")
    audit_log.chmod(0o644)

    assert explain(roster, "A1", "--reveal")[0] == 0
    assert explain(roster, "B1", "--reveal")[0] == 0

    members = [json.loads(x)["member"] for x in audit_log.read_text("utf-8").splitlines()]
    assert members == ["A1", "B1"]
    assert stat.S_IMODE(audit_log.stat().st_mode) == 0o600


def test_no_audit_log_means_nothing_revealed(roster: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "explain",
            str(roster),
            "--member",
            "C1",
            "--rule",
            "hardship_eligible",
            "--as-of",
            "2025-06-01",
            "--reveal",
            "--lang",
            "en",
        ],
        env={"UNIONKIT_AUDIT_LOG": str(blocker / "audit.log")},
    )

    assert result.exit_code == 1
    assert "cannot write the audit log" in result.stderr
    assert result.stdout == ""


def test_the_tree_shows_parameters_in_the_chosen_language(roster: Path, audit_log: Path) -> None:
    code, out, _ = explain(roster, "A1", "--tree")

    assert code == 0
    assert "[hardship_eligible] = 否" in out
    assert "sick_leave_days >= $hardship.long_sick_leave_days" in out  # the rule language
    assert "= 15天（参数，自 2023-01-01 起生效" in out
    assert "单位：天" in out and "单位：人" in out
    assert "unit:" not in out
