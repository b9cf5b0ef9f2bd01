"""Persistence on SQLite (embedded default) or PostgreSQL, with migrations at open."""

from __future__ import annotations

from unionkit.store._members import (
    LEFT_SHARE_LIMIT,
    MemberChange,
    MemberImport,
    import_members,
    in_good_standing,
    list_members,
    member_history,
)
from unionkit.store._store import (
    ANONYMOUS_NAME,
    DemandRow,
    EventRow,
    GrantValidator,
    Store,
    open_store,
)

__all__ = [
    "ANONYMOUS_NAME",
    "LEFT_SHARE_LIMIT",
    "DemandRow",
    "EventRow",
    "GrantValidator",
    "MemberChange",
    "MemberImport",
    "Store",
    "import_members",
    "in_good_standing",
    "list_members",
    "member_history",
    "open_store",
]
