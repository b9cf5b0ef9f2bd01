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

__all__ = ["ANONYMOUS_NAME", "DemandRow", "EventRow", "GrantValidator", "Store", "open_store"]
