"""Persistence on SQLite (embedded default) or PostgreSQL, with migrations at open."""

from __future__ import annotations

from unionkit.store._allocation import propose_allocation, received
from unionkit.store._ledger import (
    GrantOutcome,
    GrantRequest,
    Replay,
    approvals,
    approve_grant,
    close_year,
    define_benefits,
    get_benefit,
    list_benefits,
    list_grants,
    propose_grants,
    replay_grant,
    reverse_grant,
    spent,
)
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
from unionkit.store._welfare import WelfareOrders

__all__ = [
    "ANONYMOUS_NAME",
    "LEFT_SHARE_LIMIT",
    "DemandRow",
    "EventRow",
    "GrantOutcome",
    "GrantRequest",
    "GrantValidator",
    "MemberChange",
    "MemberImport",
    "Replay",
    "Store",
    "WelfareOrders",
    "approvals",
    "approve_grant",
    "close_year",
    "define_benefits",
    "get_benefit",
    "import_members",
    "in_good_standing",
    "list_benefits",
    "list_grants",
    "list_members",
    "member_history",
    "open_store",
    "propose_allocation",
    "propose_grants",
    "received",
    "replay_grant",
    "reverse_grant",
    "spent",
]
