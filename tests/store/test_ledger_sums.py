"""The check's sums of the ledger (added up in SQL) equal a plain count over the ledger's rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from unionkit.benefits.spending import CONSTRAINTS, Proposal, priors
from unionkit.models import Benefit, BenefitKind, GrantForm, Member, Period
from unionkit.models.benefit import Festival, Relation
from unionkit.store import Store, _ledger, define_benefits, import_members
from unionkit.store._schema import grants

MEMBERS = ("M0", "M1", "M2", "M3", "M4", "M5")
HOUSEHOLD = {"M0": "H-A", "M1": "H-A", "M2": "H-B", "M3": "H-B", "M4": None, "M5": None}
BENEFITS = {
    "spring": Benefit(
        benefit_id="spring",
        kind=BenefitKind.FESTIVAL_GOODS,
        name_zh="春节",
        name_en="spring",
        festival=Festival.SPRING,
    ),
    "autumn": Benefit(
        benefit_id="autumn",
        kind=BenefitKind.FESTIVAL_GOODS,
        name_zh="中秋",
        name_en="autumn",
        festival=Festival.MID_AUTUMN,
    ),
    "hospital": Benefit(
        benefit_id="hospital",
        kind=BenefitKind.HOSPITAL_VISIT,
        name_zh="住院",
        name_en="hospital",
        form=GrantForm.CASH,
        cap_period=Period.PER_EVENT,
    ),
    "living": Benefit(
        benefit_id="living",
        kind=BenefitKind.LIVING_AID,
        name_zh="生活救助",
        name_en="living aid",
        form=GrantForm.CASH,
    ),
}
# The ledger may hold a benefit no longer defined: it counts as "other".
LEDGER_BENEFITS = (*BENEFITS, "retired")
EVENTS = (None, "", "e1", "e2", "e3")

ledger_rows = st.lists(
    st.tuples(
        st.sampled_from(MEMBERS),
        st.sampled_from(LEDGER_BENEFITS),
        st.dates(date(2023, 1, 1), date(2027, 12, 31)),
        st.integers(1, 500_000),
        st.sampled_from(EVENTS),
        st.booleans(),  # a reversal
    ),
    max_size=60,
)
batches = st.lists(
    st.tuples(
        st.sampled_from(MEMBERS),
        st.sampled_from(tuple(BENEFITS)),
        st.sampled_from((2024, 2025, 2026)),
        st.integers(1, 500_000),
        st.sampled_from(EVENTS),
        st.booleans(),  # counted for the later proposals
    ),
    min_size=1,
    max_size=25,
)


@pytest.fixture
def members_store(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """Six members in two households and two alone, four benefits defined."""
    people = [
        Member(member_id=m, name="张三", dues_paid_through="2026-12", household_id=HOUSEHOLD[m])
        for m in MEMBERS
    ]
    import_members(store, people, on=date(2023, 1, 1))
    define_benefits(store, BENEFITS.values())
    # Two members per statement on SQLite: the sums are read in several chunks.
    monkeypatch.setattr(_ledger, "_CHUNK", 2)
    yield store


def _category(benefit_id: str) -> str:
    found = BENEFITS.get(benefit_id)
    return found.kind.value if found is not None else BenefitKind.OTHER.value


def expected(
    rows: list[tuple[str, str, date, int, str | None, bool]],
    batch: list[tuple[str, str, int, int, str | None, bool]],
) -> dict[str, list[int]]:
    """What each proposal finds used, by plain loops over the rows and the batch."""
    low, high = min(b[2] for b in batch), max(b[2] for b in batch)
    # Households count for the living-aid cap: those of the members living aid is for.
    aided = {HOUSEHOLD[m] for m, b, *_ in batch if b == "living"} - {None}

    def household(member: str) -> str:
        found = HOUSEHOLD[member]
        return found if found is not None and found in aided else f"alone:{member}"

    festival = BenefitKind.FESTIVAL_GOODS.value
    # (member, category, year, signed fen, signed count, event or None)
    entries = [
        (m, _category(b), on.year, fen * (-1 if rev else 1), -1 if rev else 1, event or None)
        for m, b, on, fen, event, rev in rows
        if low <= on.year <= high
    ]
    out: dict[str, list[int]] = {name: [] for name in CONSTRAINTS}
    for i, (member, benefit_id, year, _, event_key, _) in enumerate(batch):
        category = _category(benefit_id)
        event = event_key or None
        seen = entries + [
            (m, _category(b), y, fen, 1, e or None)
            for m, b, y, fen, e, counted in batch[:i]
            if counted
        ]
        same = [s for s in seen if s[:3] == (member, category, year)]
        out["per_event"].append(
            0
            if event is None
            else sum(f for m, c, _, f, _, e in seen if (m, c, e) == (member, category, event))
        )
        out["yearly"].append(sum(s[3] for s in same))
        out["festival_total"].append(
            sum(f for m, c, y, f, _, _ in seen if (m, c, y) == (member, festival, year))
            if category == festival
            else 0
        )
        out["times_per_year"].append(sum(s[4] for s in same))
        out["times_per_event_per_year"].append(sum(s[4] for s in same if s[5] == event))
        out["household_yearly"].append(
            sum(
                f
                for m, c, y, f, _, _ in seen
                if (household(m), c, y) == (household(member), category, year)
            )
        )
    return out


def _store_rows(store: Store, rows: list[tuple[str, str, date, int, str | None, bool]]) -> None:
    with store._write() as conn:
        conn.execute(delete(grants))
        if rows:
            conn.execute(
                insert(grants),
                [
                    {
                        "grant_id": f"S{i}",
                        "benefit_id": benefit_id,
                        "member_id": member,
                        "amount_fen": fen,
                        "granted_on": on,
                        "form": "goods",
                        "reason": "seed",
                        "entry_kind": "reversal" if reversal else "grant",
                        "idempotency_key": f"seed|{i}",
                        "event_key": event,
                        "status": "approved",
                        "approvals_needed": 0,
                    }
                    for i, (member, benefit_id, on, fen, event, reversal) in enumerate(rows)
                ],
            )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=ledger_rows, batch=batches)
def test_sums_read_in_sql_equal_a_plain_count_of_the_rows(
    members_store: Store,
    rows: list[tuple[str, str, date, int, str | None, bool]],
    batch: list[tuple[str, str, int, int, str | None, bool]],
) -> None:
    _store_rows(members_store, rows)
    proposals = [
        Proposal(
            member,
            BENEFITS[benefit_id],
            fen,
            date(year, 6, 1),
            BENEFITS[benefit_id].form,
            Relation.SELF,
            event,
            True,
        )
        for member, benefit_id, year, fen, event, _ in batch
    ]
    counted = np.array([c for *_, c in batch], dtype=bool)
    with members_store._read() as conn:
        aided = sorted({p.member_id for p in proposals if p.benefit.kind is BenefitKind.LIVING_AID})
        _, mates = _ledger._households(conn, aided)
        everyone = sorted(set(aided) | {m for ms in mates.values() for m in ms})
        ledger, arrays = _ledger._arrays(conn, proposals, _ledger._benefits(conn), everyone, mates)
    found = priors(ledger, arrays, counted)
    want = expected(rows, batch)
    for name in CONSTRAINTS:
        assert found[name].tolist() == want[name], name
