"""Persistence on SQLite (embedded default) or PostgreSQL, with migrations at open."""

from __future__ import annotations

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
from unionkit.store._visits import (
    add_visits,
    assign_visit,
    complete_visit,
    list_visits,
    plan_birthdays,
)

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
    "add_visits",
    "approvals",
    "approve_grant",
    "assign_visit",
    "close_year",
    "complete_visit",
    "define_benefits",
    "get_benefit",
    "import_members",
    "in_good_standing",
    "list_benefits",
    "list_grants",
    "list_members",
    "list_visits",
    "member_history",
    "open_store",
    "plan_birthdays",
    "propose_grants",
    "replay_grant",
    "reverse_grant",
    "spent",
]
