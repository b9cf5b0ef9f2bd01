"""Benefits (福利): welfare providers' catalogues, members' choices within quota, confirmation."""

from __future__ import annotations

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
    "CatalogueItem",
    "Confirmation",
    "Order",
    "OrderLine",
    "Quota",
    "QuotaLedger",
    "Selection",
    "WelfareProvider",
    "choose",
    "confirm",
]
