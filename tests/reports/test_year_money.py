"""The year report's money: grants against budget and caps, SQL against a Python reference."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from unionkit.models import Benefit, Member
from unionkit.models.benefit import Grant, GrantStatus
from unionkit.reports.money_section import LedgerMoney
from unionkit.store import Store, define_benefits, open_store, reverse_grant
from unionkit.store.budgets import set_budget

YEAR_START, YEAR_END = date(2025, 1, 1), date(2025, 12, 31)
BENEFITS = [
    Benefit(
        benefit_id="spring",
        kind="festival_goods",
        name_zh="春节",
        name_en="spring",
        festival="spring",
    ),
    Benefit(
        benefit_id="autumn",
        kind="festival_goods",
        name_zh="中秋",
        name_en="mid-autumn",
        festival="mid_autumn",
    ),
    Benefit(benefit_id="bday", kind="birthday", name_zh="生日", name_en="birthday"),
]


def _add(store: Store, grants: list[Grant]) -> None:
    """Store *grants* as the ledger holds them, those awaiting approval included."""
    from sqlalchemy import update

    from unionkit.store._schema import grants as table

    store.add_grants(grants)
    waiting = [g.grant_id for g in grants if g.status is GrantStatus.PENDING]
    if waiting:
        # add_grants books plain paid grants; set the ledger's approval state as
        # propose_grants leaves a grant above the approval threshold.
        with store.engine.begin() as conn:
            conn.execute(
                update(table)
                .where(table.c.grant_id.in_(waiting))
                .values(status=GrantStatus.PENDING.value, approvals_needed=1)
            )


def _grant(i: int, benefit: str, member: str, amount: str, status: GrantStatus) -> Grant:
    return Grant(
        grant_id=f"g{i}",
        benefit_id=benefit,
        member_id=member,
        amount=Decimal(amount),
        granted_on=date(2025, 1 + i % 12, 10),
        reason="慰问",
        status=status,
        approvals_needed=1 if status is GrantStatus.PENDING else 0,
    )


def test_spending_against_budget_keeps_grants_awaiting_approval_apart(store: Store) -> None:
    from unionkit.reports.year import year_figures
    from unionkit.reports.year_render import to_markdown, year_document

    store.add_members([Member(member_id=m, name="职工") for m in ("A", "B", "C")])
    define_benefits(store, BENEFITS)
    _add(
        store,
        [
            _grant(0, "spring", "A", "500", GrantStatus.APPROVED),
            _grant(1, "autumn", "A", "400", GrantStatus.APPROVED),
            _grant(2, "spring", "B", "300", GrantStatus.APPROVED),
            _grant(3, "spring", "C", "800", GrantStatus.PENDING),
            _grant(4, "bday", "C", "200", GrantStatus.APPROVED),
        ],
    )
    reverse_grant(store, "g2", on=date(2025, 4, 1), reason="重复发放", actor="union-office")
    set_budget(store, 2025, "festival_goods", "5000", source="工代会决议2025-2", set_by="fin")
    set_budget(
        store, 2025, "school_aid", "3000", source="金秋助学方案", set_by="fin", programme="秋"
    )

    totals = {t.category: t for t in LedgerMoney(store).grant_totals(YEAR_START, YEAR_END)}

    festival = totals["festival_goods"]
    # The reversed grant still counts as a grant made; its money came back.
    assert (festival.grants, festival.members, festival.amount) == (3, 2, Decimal("900"))
    assert (festival.pending, festival.pending_grants) == (Decimal("800"), 1)
    assert (festival.budget, festival.remaining) == (Decimal("5000.00"), Decimal("4100.00"))
    assert festival.budget_used == 0.18
    assert festival.budget_sources == ("工代会决议2025-2",)
    school = totals["school_aid"]  # a budget and no grant yet: still shown
    assert (school.grants, school.amount, school.budget, school.budget_from_programmes) == (
        0,
        Decimal(0),
        Decimal("3000.00"),
        True,
    )
    assert totals["birthday"].budget is None and totals["birthday"].remaining is None

    figures = year_figures(store, 2025)
    zh, en = to_markdown(year_document(figures, "zh")), to_markdown(year_document(figures, "en"))
    assert "已支出 900.00 元 / 预算 8,000.00 元" in zh
    assert "工代会决议2025-2" in zh and "金秋助学方案" in zh
    assert "| 800.00 | 5,000.00 | 4,100.00 | 18.0% |" in zh
    assert "spent 900.00 of 8,000.00 yuan" in en
    assert "not counted as spent and not taken off the budget" in en


def _reference(
    rows: list[tuple[str, str, int, bool]],
    reversed_ids: set[int],
    caps: dict[str, tuple[int, bool]],
) -> dict[str, tuple[int, int, int, int | None, int]]:
    """Grants, members, net fen, members over the cap and pending fen per category, by hand."""
    category = {"spring": "festival_goods", "autumn": "festival_goods", "bday": "birthday"}
    per: dict[str, dict[str, list[int]]] = {}
    pending: dict[str, int] = {}
    for i, (benefit, member, fen, approved) in enumerate(rows):
        cat = category[benefit]
        entry = per.setdefault(cat, {}).setdefault(member, [0, 0, 0])
        entry[2] = max(entry[2], fen)  # the largest single entry, for a per-event cap
        if not approved:
            pending[cat] = pending.get(cat, 0) + fen
            continue
        entry[0] += fen
        entry[1] += 1
        if i in reversed_ids:
            entry[0] -= fen
    out = {}
    for cat, members in per.items():
        fen_cap, yearly = caps.get(cat, (0, False))
        over = (
            sum(1 for net, _n, big in members.values() if (net if yearly else big) > fen_cap)
            if cat in caps
            else None
        )
        out[cat] = (
            sum(n for _net, n, _b in members.values()),
            sum(1 for _net, n, _b in members.values() if n),
            sum(net for net, _n, _b in members.values()),
            over,
            pending.get(cat, 0),
        )
    return out


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["spring", "autumn", "bday"]),
            st.sampled_from(["A", "B", "C", "D"]),
            st.integers(min_value=1, max_value=150_000),
            st.booleans(),
        ),
        min_size=1,
        max_size=30,
    ),
    st.data(),
)
def test_the_sql_totals_agree_with_a_grant_by_grant_reference(
    rows: list[tuple[str, str, int, bool]], data: st.DataObject
) -> None:
    import tempfile
    from pathlib import Path

    approved = [i for i, r in enumerate(rows) if r[3]]
    reversed_ids = (
        set(data.draw(st.lists(st.sampled_from(approved), unique=True))) if approved else set()
    )
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "m.db") as store:
        store.add_members([Member(member_id=m, name="职工") for m in "ABCD"])
        define_benefits(store, BENEFITS)
        _add(
            store,
            [
                _grant(
                    i,
                    b,
                    m,
                    str(Decimal(fen) / 100),
                    GrantStatus.APPROVED if ok else GrantStatus.PENDING,
                )
                for i, (b, m, fen, ok) in enumerate(rows)
            ],
        )
        for i in sorted(reversed_ids):
            reverse_grant(store, f"g{i}", on=date(2025, 12, 20), reason="更正", actor="office")
        money = LedgerMoney(store)
        caps = {cat: (fen, yearly) for cat, (fen, yearly, _rule) in money._capped(YEAR_END).items()}
        found = {
            t.category: (
                t.grants,
                t.members,
                int(t.amount * 100),
                t.over_cap,
                int(t.pending * 100),
            )
            for t in money.grant_totals(YEAR_START, YEAR_END)
        }
    assert found == _reference(rows, reversed_ids, caps)
