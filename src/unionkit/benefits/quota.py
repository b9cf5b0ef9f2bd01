"""Quota accounting: price a member's choice, check it against their quota, and confirm it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TypeVar

from unionkit.benefits.provider import (
    CatalogueItem,
    Confirmation,
    Order,
    OrderLine,
    Quota,
    Selection,
    WelfareProvider,
)
from unionkit.errors import QuotaExceeded, Rejected
from unionkit.models import BenefitKind, GrantForm, Period

__all__ = [
    "QuotaLedger",
    "choose",
    "confirm",
    "price_selections",
    "quota_exceeded",
    "require_per_year",
]

T = TypeVar("T")

_ZERO = Decimal("0.00")


class QuotaLedger:
    """
    What each member has already taken against each quota, per year.

    Amounts are exact yuan. The ledger only records confirmed orders, so a
    failed confirmation never uses up a member's quota.

    .. versionadded:: 0.1.0
    """

    def __init__(self) -> None:
        self._spent: dict[tuple[str, str, int], Decimal] = {}
        self._orders: set[str] = set()
        self._lock = threading.Lock()

    def spent(self, member_id: str, quota_key: str, year: int) -> Decimal:
        """Return what *member_id* has taken against *quota_key* in *year*."""
        return self._spent.get((member_id, quota_key, year), _ZERO)

    def remaining(self, member_id: str, quota: Quota, year: int) -> Decimal:
        """Return how much of *quota* is left to *member_id* in *year* (never negative)."""
        return max(_ZERO, quota.cap - self.spent(member_id, quota.key, year))

    def commit(self, order: Order, quota: Quota, place: Callable[[], T]) -> T:
        """
        Check that *order* still fits *quota*, call *place*, then record the order.

        The check, the call and the record happen under one lock, so two
        orders for the same member cannot both slip under the cap; if *place*
        raises, nothing is recorded. Committing an already recorded order
        calls *place* again but records nothing twice.

        Raises:
            QuotaExceeded: The order no longer fits (another order was confirmed first).
        """
        with self._lock:
            key = (order.member_id, order.quota_key, order.year)
            already = order.order_id in self._orders
            new_total = self._spent.get(key, _ZERO) + (_ZERO if already else order.total)
            if new_total > quota.cap:
                raise QuotaExceeded(
                    f"Order {order.order_id!r} for member {order.member_id!r}: "
                    f"{new_total} yuan would exceed the {quota.cap} yuan quota {quota.key!r}\n"
                    f"订单{order.order_id}：会员{order.member_id}合计{new_total}元，"
                    f"超出{quota.key}限额{quota.cap}元"
                )
            result = place()
            self._spent[key] = new_total
            self._orders.add(order.order_id)
            return result


def _check_fund_rules(item: CatalogueItem, provider_id: str) -> None:
    # Union fund rules (2017): festival goods are goods, never cash or shopping cards.
    if item.kind is BenefitKind.FESTIVAL_GOODS and item.form is not GrantForm.GOODS:
        raise Rejected(
            f"Provider {provider_id!r} item {item.item_id!r}: festival benefits must be goods, "
            f"not {item.form.label_en}\n"
            f"供应商{provider_id}的商品{item.item_id}：节日慰问只能发放实物，"
            f"不能发放{item.form.label_zh}"
        )


def price_selections(
    provider_id: str,
    provider_name_zh: str,
    member_id: str,
    items: Mapping[str, CatalogueItem],
    selections: Sequence[Selection],
    *,
    on: date,
) -> tuple[list[OrderLine], Decimal]:
    """
    Price *selections* from *items* exactly, checking each against the union fund rules.

    Args:
        provider_id: The provider (named in errors).
        provider_name_zh: Its Chinese name (named in errors).
        member_id: Who is choosing (named in errors).
        items: The catalogue on *on*, by item id.
        selections: Item ids and quantities.
        on: The date of the choice (named in errors).

    Returns:
        The order lines and their total in yuan.

    Raises:
        Rejected: Nothing was chosen, an item is unknown, a quantity is not positive,
            or an item breaks the fund rules.

    .. versionadded:: 0.1.0
    """
    if not selections:
        raise Rejected(f"Member {member_id!r} chose nothing / 会员{member_id}未选择任何商品")
    lines: list[OrderLine] = []
    total = _ZERO
    for sel in selections:
        item = items.get(sel.item_id)
        if item is None:
            raise Rejected(
                f"Member {member_id!r}: item {sel.item_id!r} is not in the catalogue of "
                f"{provider_id!r} on {on}\n"
                f"会员{member_id}：{on}的{provider_name_zh}目录中没有商品{sel.item_id}"
            )
        if sel.quantity < 1:
            raise Rejected(
                f"Member {member_id!r}: quantity of {sel.item_id!r} must be at least 1"
                f" / 会员{member_id}：商品{sel.item_id}的数量至少为1"
            )
        _check_fund_rules(item, provider_id)
        amount = item.price * sel.quantity
        lines.append(
            OrderLine(
                item_id=item.item_id, quantity=sel.quantity, unit_price=item.price, amount=amount
            )
        )
        total += amount
    return lines, total


def require_per_year(provider_id: str, quota: Quota) -> None:
    """
    Refuse a quota that is not per year (the only period quotas are kept for).

    Raises:
        Rejected: The quota is per event or once.
    """
    if quota.period is not Period.PER_YEAR:
        raise Rejected(
            f"Provider {provider_id!r}: only per-year quotas are supported, "
            f"not {quota.period.label_en} / 目前只支持按年度限额"
        )


def quota_exceeded(
    member_id: str, total: Decimal, left: Decimal, quota: Quota, year: int
) -> QuotaExceeded:
    """
    The error for a choice costing *total* when only *left* of *quota* remains in *year*.

    .. versionadded:: 0.1.0
    """
    return QuotaExceeded(
        f"Member {member_id!r}: the choice costs {total} yuan but only {left} yuan of quota "
        f"{quota.key!r} (cap {quota.cap}) is left for {year}; nothing was stored\n"
        f"会员{member_id}：所选合计{total}元，{year}年{quota.key}限额{quota.cap}元仅剩{left}元，"
        f"未作任何保存"
    )


def choose(
    provider: WelfareProvider,
    member_id: str,
    selections: Sequence[Selection],
    ledger: QuotaLedger,
    *,
    on: date,
    order_id: str,
) -> Order:
    """
    Price *selections* from *provider*'s catalogue and check them against the member's quota.

    Args:
        provider: The welfare provider whose catalogue the member chose from.
        member_id: Who is choosing.
        selections: Item ids and quantities.
        ledger: What the member has already taken.
        on: The date of the choice; picks the catalogue, the quota and the quota year.
        order_id: An id for the order (unique per provider).

    Returns:
        A priced order, not yet confirmed.

    Raises:
        Rejected: An item is unknown, a quantity is not positive, or an item breaks the fund rules.
        QuotaExceeded: The total is more than the member has left.

    .. versionadded:: 0.1.0
    """
    items = {item.item_id: item for item in provider.catalogue(on)}
    quota = provider.quota(on)
    require_per_year(provider.provider_id, quota)
    lines, total = price_selections(
        provider.provider_id, provider.name_zh, member_id, items, selections, on=on
    )
    left = ledger.remaining(member_id, quota, on.year)
    if total > left:
        raise quota_exceeded(member_id, total, left, quota, on.year)
    return Order(
        order_id=order_id,
        provider_id=provider.provider_id,
        member_id=member_id,
        quota_key=quota.key,
        year=on.year,
        lines=tuple(lines),
        total=total,
        delivery_address_on_file=any(items[s.item_id].home_delivery for s in selections),
    )


def confirm(
    provider: WelfareProvider, order: Order, ledger: QuotaLedger, *, on: date
) -> Confirmation:
    """
    Confirm *order* with its provider, then record it against the member's quota.

    If the provider fails, nothing is recorded; if the quota was used up by
    another order in the meantime, the order is refused before it reaches the provider.

    Args:
        provider: The provider the order was priced from.
        order: The order returned by :func:`choose`.
        ledger: Where the member's spending is recorded.
        on: The date of confirmation (picks the quota).

    Returns:
        The provider's acknowledgement.

    Raises:
        QuotaExceeded: The order no longer fits the member's quota.

    .. versionadded:: 0.1.0
    """
    return ledger.commit(order, provider.quota(on), lambda: provider.confirm(order))
