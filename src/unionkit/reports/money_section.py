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
    from unionkit.store.budgets import CategoryBudget

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
    ``over_cap`` counts members whose total exceeded the cap (``None`` without a cap);
    ``cap_yearly`` says whether the cap is a yearly total (else per event, compared with
    each member's largest grant). ``amount`` is what was spent: approved grants less
    their reversals. ``pending`` (``pending_grants`` entries) awaits approval and is kept
    apart, as the ledger keeps it: not spent, and not taken off the budget.

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
    pending: Decimal = Decimal(0)
    pending_grants: int = 0
    budget_sources: tuple[str, ...] = ()
    budget_from_programmes: bool = False
    cap_yearly: bool | None = None

    @property
    def remaining(self) -> Decimal | None:
        """
        The budget less what was spent (approved); grants awaiting approval are not taken off.

        .. versionadded:: 0.2.0
        """
        return None if self.budget is None else self.budget - self.amount

    @property
    def budget_used(self) -> float | None:
        """
        Spent over budget as a fraction, or ``None`` without a (non-zero) budget.

        .. versionadded:: 0.2.0
        """
        return float(self.amount / self.budget) if self.budget else None


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

    Budgets come from the store's budgets (migration v0006) for the period's year.

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
            "发放台账（已支出 = 已批准发放扣除冲正；待审批单列、不计支出）、预算记录、"
            "走访记录、困难职工档案",
            "the grants ledger (spent = approved grants less reversals; awaiting approval "
            "shown apart, not spent), budget records, visit records, hardship files",
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

    def _capped(self, on: date) -> dict[str, tuple[int, bool, str]]:
        """Every category the spending rules cap on *on*: fen, whether yearly, the rule."""
        from unionkit.benefits.spending import DEFAULT_SPENDING

        rules = self.rules or DEFAULT_SPENDING
        names = {
            n.rsplit(".", 1)[1]
            for n in rules
            if n.startswith(("spending.yearly_cap.", "spending.per_event_cap."))
        }
        if "spending.festival_total_cap" in rules:
            names.add("festival_goods")
        out = {}
        for cat in sorted(names):
            cap, rule, yearly = self._cap(cat, on)
            if cap is not None and rule is not None:
                out[cat] = (int(cap * 100), yearly, rule)
        return out

    def grant_totals(self, start: date, end: date) -> Sequence[GrantTotal]:
        """
        Approved grants less reversals by benefit category, with caps, breaches and budgets.

        The database does the adding up: per member and category (the festival total
        spans festivals), then per category with the members over its cap counted by a
        ``CASE``, so a year's 200,000 entries never come back to Python. Grants awaiting
        approval are not spent; they are summed apart (``pending``).
        """
        from sqlalchemy import and_, case, func, literal, literal_column, select

        from unionkit.store._money_schema import benefit_definitions as bd
        from unionkit.store._schema import grants

        g = grants.c
        in_period = (g.granted_on >= start) & (g.granted_on <= end)
        reversal = g.entry_kind == "reversal"
        signed = case((reversal, -g.amount_fen), else_=g.amount_fen)
        counted = case((reversal, 0), else_=1)
        # Only columns of the ledger's covering index (v0003): every entry of the period,
        # then the few not approved taken out again, found by the partial index (v0004)
        # through a literal (a bound parameter would keep SQLite from using it).
        unpaid = g.status != literal_column("'approved'")
        every = (
            select(
                g.benefit_id.label("b"),
                g.member_id.label("m"),
                func.sum(signed).label("net"),
                func.sum(counted).label("n"),
                func.max(case((reversal, 0), else_=g.amount_fen)).label("big"),
            )
            .where(in_period)
            .group_by(g.benefit_id, g.member_id)
            .subquery()
        )
        waiting_bm = (
            select(
                g.benefit_id.label("b"),
                g.member_id.label("m"),
                func.sum(signed).label("net"),
                func.sum(counted).label("n"),
            )
            .where(in_period, unpaid)
            .group_by(g.benefit_id, g.member_id)
            .subquery()
        )
        ev, wb = every.c, waiting_bm.c
        per_benefit = (
            select(
                ev.b,
                ev.m,
                (ev.net - func.coalesce(wb.net, 0)).label("net"),
                (ev.n - func.coalesce(wb.n, 0)).label("n"),
                ev.big,
            )
            .select_from(every.outerjoin(waiting_bm, and_(wb.b == ev.b, wb.m == ev.m)))
            .subquery()
        )
        pb = per_benefit.c
        category = func.coalesce(bd.c.category, pb.b)
        per_member = (
            select(
                category.label("cat"),
                pb.m,
                func.sum(pb.net).label("net"),
                func.sum(pb.n).label("n"),
                func.max(pb.big).label("big"),
            )
            .select_from(per_benefit.outerjoin(bd, bd.c.benefit_id == pb.b))
            .group_by(category, pb.m)
            .subquery()
        )
        pm = per_member.c
        caps = self._capped(end)
        breaches = [
            (and_(pm.cat == cat, (pm.net if yearly else pm.big) > fen), 1)
            for cat, (fen, yearly, _rule) in caps.items()
        ]
        over = func.sum(case(*breaches, else_=0)) if breaches else literal(0)
        totals = (
            select(
                pm.cat,
                func.sum(pm.n),
                func.sum(case((pm.n > 0, 1), else_=0)),
                func.sum(pm.net),
                over,
            )
            .group_by(pm.cat)
            .order_by(pm.cat)
        )
        waiting_cat = func.coalesce(bd.c.category, g.benefit_id)
        waiting = (
            select(waiting_cat, func.sum(signed), func.sum(counted))
            .select_from(grants.outerjoin(bd, bd.c.benefit_id == g.benefit_id))
            .where(in_period, unpaid)
            .group_by(waiting_cat)
        )
        with self.store.engine.connect() as conn:
            rows = {r[0]: r for r in conn.execute(totals)}
            pending = {r[0]: (int(r[1]), int(r[2])) for r in conn.execute(waiting)}
        budgets = self._budgets(start, end)
        out = []
        for cat in sorted(set(rows) | set(pending) | set(budgets)):
            row = rows.get(cat)
            cap = caps.get(cat)
            budget = budgets.get(cat)
            out.append(
                GrantTotal(
                    cat,
                    int(row[1]) if row else 0,
                    int(row[2]) if row else 0,
                    Decimal(int(row[3]) if row else 0) / 100,
                    None if budget is None else budget.amount,
                    None if cap is None else Decimal(cap[0]) / 100,
                    None if cap is None else (int(row[4]) if row else 0),
                    None if cap is None else cap[2],
                    pending=Decimal(pending.get(cat, (0, 0))[0]) / 100,
                    pending_grants=pending.get(cat, (0, 0))[1],
                    budget_sources=() if budget is None else budget.sources,
                    budget_from_programmes=budget is not None and budget.from_programmes,
                    cap_yearly=None if cap is None else cap[1],
                )
            )
        return out

    def _budgets(self, start: date, end: date) -> dict[str, CategoryBudget]:
        """The year's budgets by category, when the period is (within) one calendar year."""
        from unionkit.store.budgets import category_budgets

        if start.year != end.year:
            return {}
        return category_budgets(self.store, start.year)

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
