"""`unionkit allocate --programme FILE --db DB`: members from the store, the ledger."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from store_support import StoreTarget
from unionkit.cli.app import app
from unionkit.models import Benefit, BenefitKind, GrantForm, Member, MemberStatus
from unionkit.store import define_benefits, import_members, list_grants

runner = CliRunner()

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
PROGRAMME = """\
name: sick-aid-2026
label: {zh: 病假补助, en: sick-leave aid}
year: 2026
as_of: 2026-09-01
benefit: sick-aid
budget: "2500.00"
eligibility: aid_ok
score: aid_score
amount: aid_due
caps: {per_member: "1000.00"}
tie_break: [-aid_due]
waitlist: {fill: strict, limit: 1}
rule_files: [aid.yaml]
"""
# (id, sick-leave days, rigid spending, status): M4 is not a union member, M6 has left.
PEOPLE = [
    ("M1", 20, "1500", True, MemberStatus.ACTIVE),
    ("M2", 5, "800", True, MemberStatus.ACTIVE),
    ("M3", 5, "1200", True, MemberStatus.ACTIVE),
    ("M4", 10, "3000", False, MemberStatus.ACTIVE),
    ("M5", 3, "900", True, MemberStatus.ACTIVE),
    ("M6", 30, "900", True, MemberStatus.LEFT),
]


@pytest.fixture
def db(store_target: StoreTarget) -> Iterator[str]:
    """A ``--db`` value holding the members and the benefit."""
    store = store_target.open()
    import_members(
        store,
        [
            Member(
                member_id=m,
                name="张三",
                is_member=member,
                sick_leave_days=days,
                rigid_spending=spend,
                status=status,
                dues_paid_through="2026-09",
            )
            for m, days, spend, member, status in PEOPLE
        ],
        on=date(2026, 9, 1),
        partial=True,
    )
    define_benefits(
        store,
        [
            Benefit(
                benefit_id="sick-aid",
                kind=BenefitKind.ILLNESS_VISIT,
                name_zh="病假补助",
                name_en="sick aid",
                form=GrantForm.CASH,
                requires_good_standing=False,
            )
        ],
    )
    store.close()
    yield store_target.url


@pytest.fixture
def programme(tmp_path: Path) -> Path:
    (tmp_path / "aid.yaml").write_text(RULES, encoding="utf-8")
    path = tmp_path / "sick-aid.programme.yaml"
    path.write_text(PROGRAMME, encoding="utf-8")
    return path


def test_a_programme_file_over_the_store_proposes_grants(
    db: str, programme: Path, store_target: StoreTarget
) -> None:
    args = ["allocate", "--programme", str(programme), "--db", db]
    out = runner.invoke(
        app, [*args, "--what-if-budget", "1000", "--what-if-budget", "9000", "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["programme"] == "sick-aid-2026" and data["budget"] == "2500.00"
    # Ranked by sick-leave days (M1 20, then M2 and M3 on 5: more rigid spending first);
    # M4 is no member, M6 has left: neither is ranked. Caps at 1,000: M1 1,000, M3 1,000,
    # then M2's 800 does not fit the 500 left: strict, so M2 and M5 wait.
    assert [(g["member_id"], g["amount"]) for g in data["proposed_grants"]] == [
        ("M1", "1000.00"),
        ("M3", "1000.00"),
    ]
    assert data["waitlist"] == ["M2"] and data["waitlist_total"] == 2
    assert [(w["budget"], w["funded"]) for w in data["what_if"]] == [
        ("1000.00", 1),
        ("9000.00", 4),
    ]
    text = runner.invoke(app, [*args, "--lang", "en"])
    assert text.exit_code == 0 and "waitlist (1 listed of 2): M2" in text.stdout
    stored = runner.invoke(app, [*args, "--propose", "--proposer", "张会计", "--json"])
    assert stored.exit_code == 0, stored.output
    assert json.loads(stored.stdout)["ledger_counts"]["stored"] == 2
    # Run again: the ledger's grants count, so M1 and M3 are at the cap and the
    # waitlisted are reached; a third run finds nothing more due.
    again = runner.invoke(app, [*args, "--propose", "--proposer", "张会计", "--json"])
    assert [g["member_id"] for g in json.loads(again.stdout)["proposed_grants"]] == ["M2", "M5"]
    third = runner.invoke(app, [*args, "--propose", "--proposer", "张会计", "--json"])
    assert json.loads(third.stdout)["ledger_counts"]["stored"] == 0
    store = store_target.open()
    try:
        assert sorted((g.member_id, str(g.amount)) for g in list_grants(store)) == [
            ("M1", "1000.00"),
            ("M2", "800.00"),
            ("M3", "1000.00"),
            ("M5", "900.00"),
        ]
    finally:
        store.close()


def test_bad_uses_are_refused(db: str, programme: Path, tmp_path: Path) -> None:
    base = ["allocate", "--programme", str(programme)]
    clash = runner.invoke(app, [*base, "--db", db, "--budget", "100"])
    assert clash.exit_code == 2 and "--budget" in clash.output
    no_members = runner.invoke(app, base)
    assert no_members.exit_code == 2 and "--db" in no_members.output
    broken = tmp_path / "broken.programme.yaml"
    broken.write_text(PROGRAMME.replace('budget: "2500.00"', "budget: 2500.001"), encoding="utf-8")
    bad = runner.invoke(app, ["allocate", "--programme", str(broken), "--db", db])
    assert bad.exit_code == 1 and f"{broken}, line 6: budget" in bad.output
    old_style = runner.invoke(app, ["allocate", "--db", db])
    assert old_style.exit_code == 2 and "--budget" in old_style.output
