"""The year report's money figures, behind a small query seam until the grants ledger lands."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from attrs import frozen

if TYPE_CHECKING:
    from unionkit.store import Store

__all__ = ["GrantTotal", "GrantsTableMoney", "MoneyFigures", "MoneyQueries", "money_figures"]


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
