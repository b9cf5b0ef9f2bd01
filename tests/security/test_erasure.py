"""Erasure leaves no ID number, phone or name in any free text or history payload."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from store_support import MONDAY
from unionkit.models import Grant, Member
from unionkit.store import Store

RESIDENT_ID = "110105199001011232"
PHONE = "13812345678"
NAME = "欧阳娜娜"
SPACED_PHONE = "138 1234 5678"


def _dump(store: Store) -> str:
    """Every stored cell of every table, as one text."""
    out = []
    with store.engine.connect() as conn:
        for table in ("members", "demands", "demand_events", "grants", "memberships"):
            for row in conn.execute(sa.text(f"SELECT * FROM {table}")):
                out.append(json.dumps([str(v) for v in row], ensure_ascii=False))
    return "\n".join(out)


@pytest.mark.parametrize("erase", ["anonymise_member", "delete_member"])
def test_erasure_scrubs_every_text_and_payload(store: Store, erase: str) -> None:
    store.add_members(
        [
            Member(member_id="M1", name=NAME, national_id=RESIDENT_ID, phone=PHONE),
            Member(member_id="M2", name="李四"),
        ]
    )
    mine = f"我是{NAME}，身份证 {RESIDENT_ID}，电话 {SPACED_PHONE}"
    store.submit_demand(
        member_id="M1",
        kind="request",
        title=f"{NAME}的诉求",
        content=mine,
        demand_id="D1",
        at=MONDAY,
        note=f"代{NAME}登记 {PHONE}",
    )
    store.transition(
        "D1",
        "accept",
        "office",
        1,
        at=MONDAY,
        category="canteen",
        department="logistics",
        note=f"联系 {PHONE}",
    )
    store.transition("D1", "resolve", "office", 2, at=MONDAY, answer=f"已电话联系{NAME}（{PHONE}）")
    # Another member's demand mentioning the person, rejected with a reason naming them.
    store.submit_demand(
        member_id="M2",
        kind="request",
        title="同事",
        demand_id="D2",
        content=f"请联系{NAME} {PHONE}",
        at=MONDAY,
    )
    store.transition(
        "D2", "reject", "office", 1, at=MONDAY, reason=f"重复：{NAME}已提出（身份证 {RESIDENT_ID}）"
    )
    store.add_grants(
        [
            Grant(
                grant_id="G1",
                benefit_id="B",
                member_id="M1",
                amount=Decimal("100.00"),
                granted_on=date(2026, 3, 2),
                reason=f"{NAME}住院慰问",
            )
        ]
    )
    before = store.count_rows()
    # Numbers are masked in texts when stored and encrypted in the member row; the
    # name is still written whole in texts until the person is erased.
    assert NAME in _dump(store) and RESIDENT_ID not in _dump(store)

    getattr(store, erase)("M1")

    stored = _dump(store)
    for trace in (RESIDENT_ID, PHONE, NAME, SPACED_PHONE):
        assert trace not in stored
    assert before["demand_events"] == store.count_rows()["demand_events"]
    assert "李四" in stored and "重复" in stored  # other people's text stays readable
    assert 3 == store.get_demand("D1").version
