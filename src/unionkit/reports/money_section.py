"""The year report's money figures, behind a small query seam until the grants ledger lands."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from attrs import frozen

if TYPE_CHECKING:
    from unionkit.rules import Parameters
    from unionkit.store import Store

__all__ = [
    "GrantTotal",
    "GrantsTableMoney",
    "LedgerMoney",
    "MoneyFigures",
    "MoneyQueries",
    "money_figures",
]


@frozen
class GrantTotal:
    """
    The grants of one category (benefit) in a period, against its budget and cap if known.

    ``budget`` and ``cap_per_member`` are ``None`` when the source does not know them;
    ``over_cap`` counts members whose total exceeded the cap (``None`` without a cap).

    .. versionadded:: 0.1.0
    """

    category: str
    grants: int
    members: int
    amount: Decimal
    budget: Decimal | None = None
    cap_per_member: Decimal | None = None
    over_cap: int | None = None
    cap_rule: str | None = None


class MoneyQueries(Protocol):
    """
    Where the year report reads money from: the grants ledger, or the plain grants table.

    .. versionadded:: 0.1.0
    """

    def grant_totals(self, start: date, end: date) -> Sequence[GrantTotal]:
        """Grants by category granted from *start* to *end* (both included)."""
        ...

    def visits_done(self, start: date, end: date) -> int | None:
        """Care visits done in the period, or ``None`` when visits are not recorded."""
        ...

    def hardship_files(self, start: date, end: date) -> tuple[int, int] | None:
        """Hardship files entered and left in the period, or ``None`` when not recorded."""
        ...

    @property
    def source(self) -> tuple[str, str]:
        """What the figures come from, in Chinese and English, for the report's basis."""
        ...


class GrantsTableMoney:
    """
    Money figures from the store's grants table alone (no budgets, caps, visits or files).

    .. versionadded:: 0.1.0
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def source(self) -> tuple[str, str]:
        """The basis: the grants table; budgets, caps, visits and files not recorded."""
        return (
            "发放记录（本库未记录预算、限额、走访与困难档案）",
            "grant records (this store records no budgets, caps, visits or hardship files)",
        )

    def grant_totals(self, start: date, end: date) -> Sequence[GrantTotal]:
        """Grants by benefit id in the period: count, members and amount."""
        from sqlalchemy import func, select

        from unionkit.store._schema import grants

        g = grants.c
        query = (
            select(
                g.benefit_id,
                func.count(),
                func.count(func.distinct(g.member_id)),
                func.sum(g.amount_fen),
            )
            .where(g.granted_on >= start, g.granted_on <= end)
            .group_by(g.benefit_id)
            .order_by(g.benefit_id)
        )
        with self.store.engine.connect() as conn:
            return [
                GrantTotal(r[0], int(r[1]), int(r[2]), Decimal(int(r[3])) / 100)
                for r in conn.execute(query)
            ]

    def visits_done(self, start: date, end: date) -> int | None:
        """Not recorded in this store."""
        return None

    def hardship_files(self, start: date, end: date) -> tuple[int, int] | None:
        """Not recorded in this store."""
        return None


class LedgerMoney:
    """
    Money figures from the grants ledger: approved grants net of reversals by benefit
    category, against the spending rules' caps; care visits done; hardship files.

    Budgets are not recorded in the ledger, so they show as not recorded.

    Args:
        store: An open store (with the ledger's tables, migration v0003).
        rules: The spending rules whose caps to compare with; the defaults otherwise.

    .. versionadded:: 0.1.0
    """

    def __init__(self, store: Store, rules: Parameters | None = None) -> None:
        self.store = store
        self.rules = rules

    @property
    def source(self) -> tuple[str, str]:
        """The basis: the ledger (approved grants less reversals), the visits and the files."""
        return (
            "发放台账（已批准发放扣除冲正；未记录预算）、走访记录、困难职工档案",
            "the grants ledger (approved grants less reversals; no budgets recorded), "
            "visit records, hardship files",
        )

    def _cap(self, category: str, on: date) -> tuple[Decimal | None, str | None, bool]:
        """The category's cap on *on*: amount, parameter name, and whether it is per year."""
        from unionkit.benefits.spending import DEFAULT_SPENDING

        rules = self.rules or DEFAULT_SPENDING
        candidates = [
            (f"spending.yearly_cap.{category}", True),
            (f"spending.per_event_cap.{category}", False),
        ]
        if category == "festival_goods":
            candidates.insert(0, ("spending.festival_total_cap", True))
        for name, yearly in candidates:
            if name in rules:
                try:
                    return Decimal(str(rules.value(name, on))), name, yearly
                except LookupError:
                    continue
        return None, None, False

    def grant_totals(self, start: date, end: date) -> Sequence[GrantTotal]:
        """Approved grants less reversals by benefit category, with caps and breaches."""
        from sqlalchemy import func, literal_column, select

        from unionkit.store._money_schema import benefit_definitions
        from unionkit.store._schema import grants

        g = grants.c
        in_period = (g.granted_on >= start) & (g.granted_on <= end)
        # Only columns of the ledger's covering index, and no per-row expressions: a
        # year's 200,000 entries are grouped without visiting the table; the few entries
        # not (yet) approved are taken out after.
        query = (
            select(
                g.benefit_id,
                g.member_id,
                g.entry_kind,
                func.sum(g.amount_fen),
                func.count(),
                func.max(g.amount_fen),
            )
            .where(in_period)
            .group_by(g.benefit_id, g.member_id, g.entry_kind)
        )
        # A literal, not a bound parameter, so SQLite can use the partial index (v0004).
        unpaid = select(g.benefit_id, g.member_id, g.entry_kind, g.amount_fen).where(
            in_period, g.status != literal_column("'approved'")
        )
        sums: dict[tuple[str, str], list[int]] = {}
        with self.store.engine.connect() as conn:
            kinds = dict(
                conn.execute(
                    select(benefit_definitions.c.benefit_id, benefit_definitions.c.category)
                ).all()
            )
            for benefit, member, kind, total, n, largest in conn.execute(query):
                entry = sums.setdefault((benefit, member), [0, 0, 0])
                if kind == "reversal":
                    entry[0] -= int(total)
                else:
                    entry[0] += int(total)
                    entry[1] += int(n)
                    entry[2] = max(entry[2], int(largest))
            for benefit, member, kind, amount in conn.execute(unpaid):
                entry = sums[(benefit, member)]
                entry[0] += int(amount) if kind == "reversal" else -int(amount)
                entry[1] -= 0 if kind == "reversal" else 1
        # Benefits of one category add up per member (the festival total spans festivals).
        merged: dict[str, dict[str, tuple[int, int, int]]] = {}
        for (benefit, member), (net, n, largest) in sums.items():
            into = merged.setdefault(str(kinds.get(benefit, benefit)), {})
            was = into.get(member, (0, 0, 0))
            into[member] = (was[0] + net, was[1] + n, max(was[2], largest))
        per = {cat: list(members.values()) for cat, members in merged.items()}
        out = []
        for cat in sorted(per):
            rows = per[cat]
            cap, rule, yearly = self._cap(cat, end)
            over = None
            if cap is not None:
                fen = int(cap * 100)
                over = sum(1 for net, _n, big in rows if (net if yearly else big) > fen)
            out.append(
                GrantTotal(
                    cat,
                    sum(n for _net, n, _big in rows),
                    sum(1 for _net, n, _ in rows if n),
                    Decimal(sum(net for net, _n, _big in rows)) / 100,
                    None,
                    cap,
                    over,
                    rule,
                )
            )
        return out

    def visits_done(self, start: date, end: date) -> int | None:
        """Care visits marked done in the period."""
        from sqlalchemy import func, select

        from unionkit.store._money_schema import visits

        with self.store.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).where(
                        visits.c.status == "done",
                        visits.c.done_on >= start,
                        visits.c.done_on <= end,
                    )
                ).scalar_one()
            )

    def hardship_files(self, start: date, end: date) -> tuple[int, int] | None:
        """Hardship files entered, and files left, in the period."""
        from sqlalchemy import func, select

        from unionkit.store._money_schema import hardship_files as files

        f = files.c
        with self.store.engine.connect() as conn:
            entered = conn.execute(
                select(func.count()).where(f.entered_on >= start, f.entered_on <= end)
            ).scalar_one()
            left = conn.execute(
                select(func.count()).where(f.left_on >= start, f.left_on <= end)
            ).scalar_one()
        return int(entered), int(left)


@frozen
class MoneyFigures:
    """
    The year's money: grants by category, visits done, hardship files entered and left.

    .. versionadded:: 0.1.0
    """

    by_category: tuple[GrantTotal, ...]
    visits_done: int | None
    hardship_entered: int | None
    hardship_left: int | None
    source: tuple[str, str]

    @property
    def total(self) -> Decimal:
        """All grants' amount."""
        return sum((t.amount for t in self.by_category), Decimal(0))

    @property
    def grants(self) -> int:
        """How many grants."""
        return sum(t.grants for t in self.by_category)


def money_figures(queries: MoneyQueries, start: date, end: date) -> MoneyFigures:
    """
    Read the period's money figures through *queries*.

    .. versionadded:: 0.1.0
    """
    files = queries.hardship_files(start, end)
    return MoneyFigures(
        tuple(queries.grant_totals(start, end)),
        queries.visits_done(start, end),
        files[0] if files else None,
        files[1] if files else None,
        queries.source,
    )
