"""Persistence on SQLite (embedded default) or PostgreSQL, with migrations at open."""

from __future__ import annotations

from unionkit.store._store import (
    ANONYMOUS_NAME,
    DemandRow,
    EventRow,
    GrantValidator,
    Store,
    open_store,
)
from unionkit.store._welfare import WelfareOrders

__all__ = ["ANONYMOUS_NAME", "DemandRow", "EventRow", "GrantValidator", "Store", "WelfareOrders",
           "open_store"]
