"""Benefits (福利): catalogues, choices within quota, orders, allocation within a budget."""

from __future__ import annotations

from unionkit.benefits.allocation import (
    Allocation,
    AllocationStatus,
    BudgetScenario,
    MemberPlace,
    Programme,
    ProposedGrant,
    allocate,
)
from unionkit.benefits.orders import (
    FINAL_STATUSES,
    NEXT_STATUSES,
    OrderEvent,
    OrderStatus,
    StoredOrder,
    TracksDelivery,
    check_move,
    idempotency_key,
)
from unionkit.benefits.provider import (
    CatalogueItem,
    Confirmation,
    Order,
    OrderLine,
    Quota,
    Selection,
    WelfareProvider,
)
from unionkit.benefits.quota import QuotaLedger, choose, confirm

__all__ = [
    "FINAL_STATUSES",
    "NEXT_STATUSES",
    "Allocation",
    "AllocationStatus",
    "BudgetScenario",
    "CatalogueItem",
    "Confirmation",
    "MemberPlace",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderStatus",
    "Programme",
    "ProposedGrant",
    "Quota",
    "QuotaLedger",
    "Selection",
    "StoredOrder",
    "TracksDelivery",
    "WelfareProvider",
    "allocate",
    "check_move",
    "choose",
    "confirm",
    "idempotency_key",
]
