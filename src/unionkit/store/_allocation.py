"""Allocations and the grants ledger: what members already received, and proposals as grants."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from unionkit.models.benefit import EntryKind
from unionkit.store._ledger import GrantOutcome, GrantRequest, list_grants, propose_grants

if TYPE_CHECKING:
    from unionkit.benefits.allocation import Allocation
    from unionkit.rules import Parameters
    from unionkit.store._store import Store

__all__ = ["propose_allocation", "received"]

_REASON_LIMIT = 500


def received(
    store: Store,
    benefit_ids: str | Iterable[str],
    year: int,
    member_ids: Iterable[str] | None = None,
) -> dict[str, Decimal]:
    """
    What each member has received of *benefit_ids* (one or several) in *year*, net of reversals.

    Grants awaiting approval count too: once approved they are paid, so a cap must
    already leave room for them. Pass the result as :func:`unionkit.benefits.allocate`'s
    *already*, so a second round of a programme never takes a member past the cap.

    Args:
        store: The store holding the ledger.
        benefit_ids: A benefit id, or several whose grants are added up (for a cap
            shared between benefits: :func:`unionkit.benefits.allocate`'s *elsewhere*).
        year: The calendar year of the grant dates.
        member_ids: Only these members (all by default).

    Returns:
        ``{member_id: yuan}`` for members with a non-zero net amount.

    .. versionadded:: 0.2.0
    """
    benefits = {benefit_ids} if isinstance(benefit_ids, str) else set(benefit_ids)
    wanted = None if member_ids is None else set(member_ids)
    net: dict[str, Decimal] = {}
    for grant in list_grants(store, year=year):
        if grant.benefit_id not in benefits or (
            wanted is not None and grant.member_id not in wanted
        ):
            continue
        sign = -1 if grant.entry_kind is EntryKind.REVERSAL else 1
        net[grant.member_id] = net.get(grant.member_id, Decimal("0.00")) + sign * grant.amount
    return {member: amount for member, amount in net.items() if amount}


def propose_allocation(
    store: Store,
    allocation: Allocation,
    *,
    on: date,
    proposer: str,
    rules: Parameters | None = None,
) -> list[GrantOutcome]:
    """
    Propose an allocation's grants to the ledger, in rank order, under the spending rules.

    Each proposed grant keeps the allocation's idempotency key
    (``programme:period:member``), so proposing the same allocation again stores
    nothing new and returns the grants already stored. The ledger's compliance checks
    and approval thresholds apply as to any proposal: a grant that breaks a rule is
    refused (see each outcome's verdict), grants above the threshold wait for approval.

    Args:
        store: The store holding the ledger (with the programme's benefit defined).
        allocation: The allocation (:func:`unionkit.benefits.allocate`).
        on: The grant date.
        proposer: Who proposes the grants (may not approve them).
        rules: The spending rules (the ledger's defaults if None).

    Returns:
        One outcome per proposed grant, in rank order.

    Raises:
        InvalidGrantData: The benefit is not defined, a member is not in the store, or
            *on* is in a closed year; nothing is stored.

    .. versionadded:: 0.2.0
    """
    requests = [
        GrantRequest(
            member_id=g.member_id,
            benefit_id=g.benefit_id,
            amount=g.amount,
            on=on,
            reason=f"{g.reason_zh} / {g.reason_en}"[:_REASON_LIMIT],
            form=g.form,
            idempotency_key=g.idempotency_key,
        )
        for g in allocation.proposed_grants()
    ]
    return propose_grants(store, requests, proposer=proposer, rules=rules)
