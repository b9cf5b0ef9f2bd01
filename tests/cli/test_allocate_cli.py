"""``unionkit allocate`` over a real roster file and a rule file, in both languages and JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unionkit.cli.app import app

runner = CliRunner()

HEADER = [
    "工号",
    "姓名",
    "是否会员",
    "出生日期",
    "家庭编号",
    "入职日期",
    "月工资",
    "刚性支出",
    "病假天数",
]
ROWS = [
    ("M1", "张伟", "是", "1984-05-01", "H1", "2004-03-01", "8500", "1500", "20"),
    ("M2", "王芳", "是", "1985-06-02", "H2", "2005-06-01", "9000", "800", "5"),
    ("M3", "赵强", "是", "1985-06-01", "H3", "2010-01-01", "5000", "1200", "5"),
    ("M4", "刘洋", "否", "1960-01-01", "H4", "", "", "3000", "10"),
    ("M5", "陈静", "是", "1990-02-28", "H5", "2015-07-01", "6000", "900", "0"),
]
RULES = """\
rules:
  - name: aid_ok
    label: {zh: 可获补助, en: may receive aid}
    type: bool
    expr: is_member and sick_leave_days >= 1
  - name: aid_score
    label: {zh: 补助评分, en: aid score}
    type: int
    expr: sick_leave_days
  - name: aid_due
    label: {zh: 应发补助, en: aid due}
    type: money
    expr: rigid_spending
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    roster = tmp_path / "roster.csv"
    with roster.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    rules = tmp_path / "aid.yaml"
    rules.write_text(RULES, encoding="utf-8")
    return roster, rules


def run(files: tuple[Path, Path], *extra: str) -> tuple[int, str]:
    roster, rules = files
    result = runner.invoke(
        app,
        [
            "allocate",
            str(roster),
            "--as-of",
            "2026-09-01",
            "--budget",
            "2500",
            "--benefit",
            "sick-aid",
            "--eligible",
            "aid_ok",
            "--score",
            "aid_score",
            "--amount",
            "aid_due",
            "--rule-file",
            str(rules),
            *extra,
        ],
    )
    return result.exit_code, result.output


def test_json_lists_grants_waitlist_what_if_and_a_member_place(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "grants.csv"

    code, text = run(files, "--json", "--what-if", "3500,1500", "--member", "M3", "--out", str(out))

    summary = json.loads(text)
    assert 0 == code
    assert [("M1", "1500.00"), ("M2", "800.00")] == [
        (g["member_id"], g["amount"]) for g in summary["proposed_grants"]
    ]
    assert ["M3"] == summary["waitlist"]
    assert "sick-aid:2026:M1" == summary["proposed_grants"][0]["idempotency_key"]
    assert [3, 1] == [s["funded"] for s in summary["what_if"]]
    assert (
        "ranked 3 of 3 (score 5); the budget ran out at 2: waitlisted; 1,000.00 yuan "
        "more budget would reach them (1,200.00 due)" == summary["member"]["explain_en"]
    )
    assert {
        "funded": 2,
        "partial": 0,
        "waitlisted": 1,
        "nothing_due": 0,
        "not_eligible": 2,
    } == summary["counts"]
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [("1", "M1", "funded"), ("2", "M2", "funded"), ("3", "M3", "waitlisted")] == [
        (r["rank"], r["member_id"], r["status"]) for r in rows
    ]


def test_text_output_in_chinese_and_english(files: tuple[Path, Path]) -> None:
    code_zh, zh = run(files, "--member", "M3")
    code_en, en = run(files, "--member", "M3", "--lang", "en")

    assert 0 == code_zh == code_en
    assert "排序 3 人：前 2 位获安排，1 人候补" in zh
    assert "排名第 3 位（共 3 人，评分 5）；预算在第 2 位用完" in zh
    assert "3 ranked: the first 2 funded, 1 waitlisted" in en
    assert "member M3: ranked 3 of 3" in en


def test_partial_fill_and_cap(files: tuple[Path, Path]) -> None:
    code, text = run(files, "--json", "--fill", "partial", "--cap", "1000")

    summary = json.loads(text)
    assert 0 == code
    # capped at 1,000: M1 1,000, M2 800, M3 gets the 700 left of 1,000 due
    assert [("M1", "1000.00"), ("M2", "800.00"), ("M3", "700.00")] == [
        (g["member_id"], g["amount"]) for g in summary["proposed_grants"]
    ]


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (("--budget", "12.345"), 2, "two decimal places"),
        (("--fixed-amount", "100"), 2, "give exactly one"),
        (("--score", "nope"), 1, "unknown rule 'nope'"),
        (("--member", "M9"), 1, "M9"),
        (("--what-if", "abc"), 2, "--what-if"),
    ],
)
def test_bad_input_is_refused_with_a_reason(
    files: tuple[Path, Path], extra: tuple[str, ...], code: int, message: str
) -> None:
    got, text = run(files, *extra)

    assert code == got
    assert message in text


def test_db_counts_the_ledger_and_propose_stores_the_grants_once(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    from datetime import date

    from unionkit.models import Benefit, BenefitKind, GrantForm, Member
    from unionkit.store import define_benefits, enter_file, import_members, list_grants, open_store

    db = tmp_path / "union.db"
    with open_store(db) as store:
        import_members(
            store,
            [
                Member(member_id=m, name="张三", dues_paid_through="2026-09")
                for m in ("M1", "M2", "M3", "M5")
            ],
            on=date(2026, 9, 1),
        )
        define_benefits(
            store,
            [
                Benefit(
                    benefit_id="sick-aid",
                    kind=BenefitKind.HARDSHIP_AID,
                    name_zh="病假补助",
                    name_en="sick aid",
                    form=GrantForm.CASH,
                )
            ],
        )
        # a hardship payment needs a hardship file: M2 has none
        for member in ("M1", "M3"):
            enter_file(
                store, member, tier="relative", on=date(2026, 3, 1), evidence="E-1", actor="clerk"
            )

    code, text = run(files, "--db", str(db), "--propose", "--proposer", "clerk", "--lang", "en")
    again_code, again = run(files, "--db", str(db), "--propose", "--proposer", "clerk", "--json")
    usage, message = run(files, "--propose")

    assert 0 == code == again_code
    assert "grants ledger: 1 stored (1 awaiting approval), 0 already there, 1 refused" in text
    assert "  M2: a hardship payment needs a hardship file" in text
    summary = json.loads(again)
    # M1's 1,500 is in the ledger: nothing more is due to M1; M2 is proposed and refused again
    assert [("M2", "800.00"), ("M3", "1200.00")] == [
        (g["member_id"], g["amount"]) for g in summary["proposed_grants"]
    ]
    assert {"stored": 1, "pending": 1, "existing": 0, "refused": 1} == summary["ledger_counts"]
    with open_store(db) as store:
        assert {("M1", "1500.00"), ("M3", "1200.00")} == {
            (g.member_id, str(g.amount)) for g in list_grants(store)
        }
    assert 2 == usage
    assert "--propose needs --db" in message or "需要 --db" in message
