"""Welfare orders after the choice: delivery statuses, the moves allowed between them, the keys."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from attrs import frozen

from unionkit.benefits.provider import Order
from unionkit.errors import IllegalTransition
from unionkit.labels import LabelledEnum

__all__ = [
    "FINAL_STATUSES",
    "NEXT_STATUSES",
    "RELEASED",
    "OrderEvent",
    "OrderStatus",
    "StoredOrder",
    "TracksDelivery",
    "check_move",
    "idempotency_key",
]


class OrderStatus(LabelledEnum):
    """Where a welfare order is, from the member's choice to delivery."""

    CHOSEN = "chosen", "已选择", "chosen"
    PLACED = "placed", "已下单", "placed"
    CONFIRMED = "confirmed", "供应商已确认", "confirmed"
    SHIPPED = "shipped", "已发货", "shipped"
    DELIVERED = "delivered", "已送达", "delivered"
    FAILED = "failed", "失败", "failed"
    CANCELLED = "cancelled", "已取消", "cancelled"


S = OrderStatus
NEXT_STATUSES: Mapping[OrderStatus, frozenset[OrderStatus]] = MappingProxyType(
    {
        S.CHOSEN: frozenset({S.PLACED, S.FAILED, S.CANCELLED}),
        S.PLACED: frozenset({S.CONFIRMED, S.SHIPPED, S.DELIVERED, S.FAILED, S.CANCELLED}),
        S.CONFIRMED: frozenset({S.SHIPPED, S.DELIVERED, S.FAILED, S.CANCELLED}),
        S.SHIPPED: frozenset({S.DELIVERED, S.FAILED}),
        S.DELIVERED: frozenset(),
        S.FAILED: frozenset(),
        S.CANCELLED: frozenset(),
    }
)
"""Each status's possible next statuses: only forward, never back (a delivery is not undone)."""

FINAL_STATUSES = frozenset(s for s, nxt in NEXT_STATUSES.items() if not nxt)
"""Statuses an order never leaves."""

RELEASED = frozenset({S.FAILED, S.CANCELLED})
"""Statuses whose orders no longer count against the member's quota."""


@runtime_checkable
class TracksDelivery(Protocol):
    """
    A provider that reports where an order is (see ``WelfareOrders.track``).

    .. versionadded:: 0.1.0
    """

    provider_id: str

    def status(self, reference: str) -> OrderStatus:
        """Return the status of the order the provider knows as *reference*."""
        ...


def check_move(order_id: str, current: OrderStatus, new: OrderStatus) -> None:
    """
    Refuse a status change that is not forward along :data:`NEXT_STATUSES`.

    Raises:
        IllegalTransition: *new* does not follow *current*; the message names the order,
            both statuses and why.
    """
    if new in NEXT_STATUSES[current]:
        return
    if current in FINAL_STATUSES:
        why_en, why_zh = f"{current.label_en} is final", f"“{current.label_zh}”为最终状态"
    else:
        why_en = "a delivery status only moves forward"
        why_zh = "配送状态只能向前推进"
    raise IllegalTransition(
        order_id,
        current.value,
        new.value,
        f"Order {order_id!r} cannot move from {current.value} to {new.value}: {why_en}; "
        f"nothing was stored\n订单{order_id}不能从“{current.label_zh}”变为“{new.label_zh}”："
        f"{why_zh}，未作任何保存",
    )


def idempotency_key(order: Order) -> str:
    """
    The key an order is placed with: the same order always gets the same key.

    A provider that sees a key twice returns the first order instead of placing a
    second, so retrying after a timeout never orders goods twice.
    """
    return f"unionkit:{order.provider_id}:{order.order_id}"


@frozen
class OrderEvent:
    """
    One row of an order's append-only history.

    .. versionadded:: 0.1.0
    """

    order_id: str
    seq: int
    from_status: OrderStatus | None
    to_status: OrderStatus
    actor: str
    at: datetime
    note: str | None


@frozen
class StoredOrder:
    """
    An order as the store keeps it: the priced choice, its status and the provider's reference.

    .. versionadded:: 0.1.0
    """

    order: Order
    idempotency_key: str
    status: OrderStatus
    version: int
    chosen_on: date
    provider_reference: str | None
    expected_delivery: date | None

    @property
    def total(self) -> Decimal:
        """The order's total in exact yuan."""
        return self.order.total
