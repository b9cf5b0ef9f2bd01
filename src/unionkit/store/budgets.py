"""Budgets in the store: per year and category (or programme), exact yuan, append-only history."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from attrs import frozen
from sqlalchemy import Connection, func, insert, select

from unionkit.errors import InvalidBudgetData
from unionkit.models.benefit import BenefitKind
from unionkit.money import fen_to_yuan, parse_nonnegative_yuan, yuan_to_fen
from unionkit.store._budget_schema import budgets

if TYPE_CHECKING:
    from unionkit.store._store import Store

__all__ = [
    "Budget",
    "CategoryBudget",
    "budget_history",
    "category_budgets",
    "list_budgets",
    "set_budget",
]

_SOURCE_MAX = 300
_NAME_MAX = 64


@frozen
class Budget:
    """
    One budget entry: a year's amount for a benefit category, or for one programme in it.

    Entries are never changed or deleted: setting a budget again appends an entry that
    ``supersedes`` the previous one, so the history of every budget stays readable.

    .. versionadded:: 0.2.0
    """

    entry_id: int
    year: int
    category: str
    programme: str | None
    amount: Decimal
    source: str
    set_by: str
    set_at: datetime
    note: str | None = None
    supersedes: int | None = None

    @property
    def key(self) -> str:
        """``year/category`` or ``year/category/programme``, as messages name it."""
        return _key(self.year, self.category, self.programme)

    def as_json(self) -> dict[str, Any]:
        """The entry as JSON-ready values (the amount as text, exact)."""
        return {
            "entry_id": self.entry_id,
            "year": self.year,
            "category": self.category,
            "programme": self.programme,
            "amount": str(self.amount),
            "source": self.source,
            "set_by": self.set_by,
            "set_at": self.set_at.isoformat(),
            "note": self.note,
            "supersedes": self.supersedes,
        }


@frozen
class CategoryBudget:
    """
    A category's budget for a year, and what it was taken from.

    ``from_programmes`` is true when no budget was set for the category as a whole and
    the amount is the sum of its programmes' budgets; ``sources`` lists the decisions.

    .. versionadded:: 0.2.0
    """

    category: str
    amount: Decimal
    from_programmes: bool
    sources: tuple[str, ...]


def _key(year: int, category: str, programme: str | None) -> str:
    return f"{year}/{category}" + (f"/{programme}" if programme else "")


def _budget(row: Any) -> Budget:
    return Budget(
        entry_id=int(row.entry_id),
        year=int(row.year),
        category=row.category,
        programme=row.programme or None,
        amount=fen_to_yuan(int(row.amount_fen)),
        source=row.source,
        set_by=row.set_by,
        set_at=row.set_at,
        note=row.note,
        supersedes=None if row.supersedes is None else int(row.supersedes),
    )


def _check(  # noqa: PLR0917 - one private call site, every field of an entry
    year: int,
    category: str,
    programme: str | None,
    amount: object,
    source: str,
    set_by: str,
) -> tuple[int, str, str, int]:
    """Validate every field at once; return year, category, programme ("" for none), fen."""
    problems: list[str] = []
    good_year = isinstance(year, int) and not isinstance(year, bool) and 1900 <= year <= 9999
    if not good_year:
        problems.append(f"year: {year!r} is not a year from 1900 to 9999 / 年份无效")
    kinds = [k.value for k in BenefitKind]
    if category not in kinds:
        problems.append(
            f"category: {category!r} is not a benefit category ({', '.join(kinds)}) / "
            "不是已知的福利类别"
        )
    if programme is not None and (
        not isinstance(programme, str)
        or not programme.strip()
        or len(programme) > _NAME_MAX
        or "/" in programme
    ):
        problems.append(
            f"programme: must be 1 to {_NAME_MAX} characters without '/' / "
            f"项目名称须为 1 至 {_NAME_MAX} 个字符且不含“/”"
        )
    fen = 0
    try:
        fen = yuan_to_fen(parse_nonnegative_yuan(amount))
    except ValueError as exc:
        problems.append(f"amount: {exc}")
    if not isinstance(source, str) or not source.strip() or len(source) > _SOURCE_MAX:
        problems.append(
            f"source: name the decision or document that set the budget (1 to {_SOURCE_MAX} "
            f"characters) / 须注明预算依据（决议或文件编号）"
        )
    if not isinstance(set_by, str) or not set_by.strip() or len(set_by) > _NAME_MAX:
        problems.append(f"set_by: who set the budget (1 to {_NAME_MAX} characters) / 须注明设定人")
    if problems:
        record = f"{year}/{category}" + (f"/{programme}" if programme else "")
        raise InvalidBudgetData(record, problems)
    return year, category, (programme or "").strip(), fen


def _latest_ids(year: int | None = None) -> Any:
    b = budgets.c
    query = select(func.max(b.entry_id)).group_by(b.year, b.category, b.programme)
    if year is not None:
        query = query.where(b.year == year)
    return query


def _latest(conn: Connection, year: int, category: str, programme: str) -> Budget | None:
    b = budgets.c
    row = conn.execute(
        select(budgets)
        .where(b.year == year, b.category == category, b.programme == programme)
        .order_by(b.entry_id.desc())
        .limit(1)
    ).first()
    return None if row is None else _budget(row)


def set_budget(
    store: Store,
    year: int,
    category: BenefitKind | str,
    amount: Decimal | str | int,
    *,
    source: str,
    set_by: str,
    programme: str | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> Budget:
    """
    Set a year's budget for a category (or a programme within it), keeping the history.

    The entry is appended; an earlier budget for the same year, category and programme
    stays in the history and is marked as superseded by the new one. Setting the same
    amount from the same source again changes nothing and returns the entry in force.

    Args:
        store: An open store (migration v0006).
        year: The budget year.
        category: A benefit category (``hardship_aid``, ``festival_goods`` …).
        amount: Exact yuan, at most two decimals, not negative.
        source: The decision or document that set it (``工会委员会2025年第3次会议纪要``).
        set_by: Who recorded it.
        programme: A programme within the category (this autumn's school aid …), or
            ``None`` for the category as a whole.
        note: A free note.
        at: When it was set (now, in UTC, by default).

    Returns:
        The entry in force after the call.

    Raises:
        InvalidBudgetData: A field is wrong (each problem names the field and why);
            nothing was stored.

    .. versionadded:: 0.2.0
    """
    kind = category.value if isinstance(category, BenefitKind) else category
    y, cat, prog, fen = _check(year, kind, programme, amount, source, set_by)
    when = at if at is not None else datetime.now(UTC).replace(tzinfo=None)
    with store._write() as conn:
        before = _latest(conn, y, cat, prog)
        if (
            before is not None
            and yuan_to_fen(before.amount) == fen
            and before.source == source.strip()
        ):
            return before
        new_id = conn.execute(
            insert(budgets).values(
                year=y,
                category=cat,
                programme=prog,
                amount_fen=fen,
                source=source.strip(),
                set_by=set_by.strip(),
                set_at=when,
                note=note,
                supersedes=None if before is None else before.entry_id,
            )
        ).inserted_primary_key
        assert new_id is not None
        row = conn.execute(select(budgets).where(budgets.c.entry_id == new_id[0])).one()
    return _budget(row)


def list_budgets(store: Store, year: int | None = None) -> list[Budget]:
    """
    The budgets in force (the latest entry of each), by year, category and programme.

    Args:
        store: An open store.
        year: Only this year's budgets; every year by default.

    Returns:
        The entries in force, the category-wide one before its programmes.

    .. versionadded:: 0.2.0
    """
    b = budgets.c
    query = (
        select(budgets)
        .where(b.entry_id.in_(_latest_ids(year)))
        .order_by(b.year, b.category, b.programme)
    )
    with store._read() as conn:
        return [_budget(r) for r in conn.execute(query)]


def budget_history(
    store: Store, year: int, category: BenefitKind | str, programme: str | None = None
) -> list[Budget]:
    """
    Every entry ever set for one budget, oldest first (the last one is in force).

    .. versionadded:: 0.2.0
    """
    kind = category.value if isinstance(category, BenefitKind) else category
    b = budgets.c
    query = (
        select(budgets)
        .where(b.year == year, b.category == kind, b.programme == (programme or ""))
        .order_by(b.entry_id)
    )
    with store._read() as conn:
        return [_budget(r) for r in conn.execute(query)]


def category_budgets(store: Store, year: int) -> dict[str, CategoryBudget]:
    """
    Each category's budget for *year*: the category-wide one, or the sum of its programmes.

    A budget set for the category as a whole is its budget, whatever its programmes add
    up to; without one, the programmes' budgets are added up (and the result says so).

    Args:
        store: An open store.
        year: The budget year.

    Returns:
        ``{category: CategoryBudget}`` for every category with a budget in *year*.

    .. versionadded:: 0.2.0
    """
    whole: dict[str, Budget] = {}
    parts: dict[str, list[Budget]] = {}
    for entry in list_budgets(store, year):
        if entry.programme is None:
            whole[entry.category] = entry
        else:
            parts.setdefault(entry.category, []).append(entry)
    out: dict[str, CategoryBudget] = {}
    for cat in sorted(set(whole) | set(parts)):
        if cat in whole:
            w = whole[cat]
            out[cat] = CategoryBudget(cat, w.amount, False, (w.source,))
        else:
            ps = parts[cat]
            out[cat] = CategoryBudget(
                cat,
                sum((p.amount for p in ps), Decimal(0)),
                True,
                tuple(dict.fromkeys(p.source for p in ps)),
            )
    return out
