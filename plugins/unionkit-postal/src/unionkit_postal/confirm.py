"""Confirming dual-link subsidy proposals as grants in the unionkit store, at most once each."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from attrs import frozen

from unionkit.errors import InvalidMemberData, NotFound, Rejected
from unionkit.models import Benefit, BenefitKind, Grant, GrantForm, Period
from unionkit.money import fen_to_yuan
from unionkit_postal.dual_link import DualLinkError
from unionkit_postal.state import (
    DualLinkState,
    ProposalStatus,
    StoredProposal,
    StoreDualLinkState,
    add_visit_tasks,
    is_store,
)

if TYPE_CHECKING:
    from unionkit.hooks import PluginHost
    from unionkit.store import GrantRequest, Store

__all__ = [
    "SUBSIDY",
    "SUBSIDY_BENEFIT",
    "ConfirmResult",
    "ConfirmedGrant",
    "confirm_proposals",
    "ensure_subsidy_benefit",
    "proposal_ref",
    "subsidy_request",
]

SUBSIDY = "hospitalisation_subsidy"
"""The one kind of proposal that becomes a grant; visits are care work, not money."""

SUBSIDY_BENEFIT = Benefit(
    benefit_id="postal-dual-link-hospitalisation-subsidy",
    kind=BenefitKind.HOSPITALISATION_SUBSIDY,
    name_zh="双联通住院补助",
    name_en="dual-link hospitalisation subsidy",
    form=GrantForm.CASH,
    cap_per_member=Decimal("1000.00"),
    cap_period=Period.PER_EVENT,
    source="邮政分工会“双联通”住院补助（seed 002）；最高档即省级细则的住院慰问上限",
)
"""The postal benefit every confirmed subsidy grants, given to the branch's grant check."""

_ATTEMPTS = 3


def proposal_ref(key: str) -> str:
    """
    Return the short public reference of a proposal, which is also its grant id.

    The key names the hospital and the admission date (health facts), so output
    shows this hash of it instead; it is stable, so confirming twice finds the
    same grant.

    Args:
        key: The proposal's key in the state file.

    Returns:
        ``PDL-`` and 20 hex digits of the key's SHA-256 (24 characters).
    """
    return "PDL-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


@frozen
class ConfirmedGrant:
    """
    A subsidy proposal and the grant it is in the store.

    Args:
        ref: The proposal's reference, equal to the grant id.
        member_id: The member paid.
        amount: Exact yuan.
        granted_on: The grant's date.
        month: The month of the run that proposed it.
    """

    ref: str
    member_id: str
    amount: Decimal
    granted_on: date
    month: str


@frozen
class ConfirmResult:
    """
    What a confirmation did.

    Args:
        stored: Grants this call stored.
        already: Grants that were already in the store (an earlier or a concurrent
            confirmation); nothing was stored again for them.
        visits: References of selected visit proposals, which are not grants and were
            left as they are.
        added_members: Members added to the store from the roster first.
        visit_tasks: Visit tasks made for the selected visit proposals (state in the
            store only; a task already made is not made again).
    """

    stored: tuple[ConfirmedGrant, ...]
    already: tuple[ConfirmedGrant, ...]
    visits: tuple[str, ...]
    added_members: tuple[str, ...]
    visit_tasks: int = 0

    @property
    def total_stored(self) -> Decimal:
        """The sum of the grants this call stored, exact yuan."""
        return sum((g.amount for g in self.stored), Decimal("0.00"))


def _select(statuses: Sequence[ProposalStatus], keys: Sequence[str] | None) -> list[ProposalStatus]:
    if keys is None:
        return [s for s in statuses if s.kind != SUBSIDY or s.grant_id is None]
    by_key = {s.key: s for s in statuses}
    by_ref = {proposal_ref(s.key): s for s in statuses}
    chosen: dict[str, ProposalStatus] = {}
    for given in keys:
        ref = given.strip()
        if ref.upper().startswith("PDL-"):
            ref = "PDL-" + ref[4:].lower()
        found = by_key.get(given) or by_ref.get(ref)
        if found is None:
            # A full key names a hospital: the error shows only its reference.
            shown = given if given.upper().startswith("PDL-") else proposal_ref(given)
            raise DualLinkError(
                f"no proposal {shown} in the state file; see `unionkit-postal list` / "
                f"状态文件中没有该提议"
            )
        chosen[found.key] = found
    return list(chosen.values())


def _grant(status: ProposalStatus, on: date) -> Grant:
    if status.amount_fen is None or status.amount_fen <= 0:
        raise DualLinkError(
            f"proposal {proposal_ref(status.key)} (member {status.member_id!r}) has no amount"
            f" / 该补助提议没有金额"
        )
    return Grant(
        grant_id=proposal_ref(status.key),
        benefit_id=SUBSIDY_BENEFIT.benefit_id,
        member_id=status.member_id,
        amount=fen_to_yuan(status.amount_fen),
        granted_on=on,
        form=GrantForm.CASH,
        reason=f"双联通住院补助（{status.month}）/ dual-link hospitalisation subsidy "
        f"({status.month})",
        rule_version=status.ruleset_version,
    )


def _stored(store: Store, wanted: Sequence[Grant]) -> dict[str, Grant]:
    """The grants among *wanted* already in the store, checked to be the same payment."""
    found: dict[str, Grant] = {}
    ids = {g.grant_id for g in wanted}
    for member_id in sorted({g.member_id for g in wanted}):
        for grant in store.grants_for(member_id):
            if grant.grant_id in ids:
                found[grant.grant_id] = grant
    for grant in wanted:
        there = found.get(grant.grant_id)
        if there is not None and there.amount != grant.amount:
            raise DualLinkError(
                f"grant {grant.grant_id} (member {grant.member_id!r}) is already stored with "
                f"{there.amount} yuan, not {grant.amount}; nothing was stored / "
                f"该发放已以不同金额保存，本批未保存"
            )
    return found


def _missing_members(store: Store, ids: set[str]) -> list[str]:
    from unionkit.store import get_members

    found = get_members(store, ids)
    return sorted(ids - found.keys())


def _add_from_roster(
    store: Store, missing: Sequence[str], roster: str | os.PathLike[str] | None, on: date
) -> tuple[str, ...]:
    if not missing:
        return ()
    if roster is None:
        raise NotFound(
            f"member {missing[0]!r} is not in the unionkit store; import the roster first "
            f"(unionkit members import ROSTER --db DB) or "
            f"pass --roster; nothing was stored / "
            f"会员不在数据库中，请先导入名册（unionkit members import 名册文件 --db 数据库）"
            f"或加 --roster，本批未保存"
        )
    from unionkit.io import read_roster

    people = {m.member_id: m for m in read_roster(roster, today=on).members}
    absent = [m for m in missing if m not in people]
    if absent:
        raise NotFound(
            f"member {absent[0]!r} is neither in the unionkit store nor a valid row of the "
            f"roster; nothing was stored / 会员既不在数据库中，也不是名册中的有效行，本批未保存"
        )
    store.add_members(people[m] for m in missing)
    return tuple(missing)


def confirm_proposals(
    host: PluginHost,
    *,
    state: str | os.PathLike[str],
    db: str | os.PathLike[str],
    on: date,
    keys: Sequence[str] | None = None,
    branch: str = "postal",
    roster: str | os.PathLike[str] | None = None,
    schema: str | None = None,
) -> ConfirmResult:
    """
    Store the chosen hospitalisation-subsidy proposals as grants, each at most once.

    Every grant's id is its proposal's reference (:func:`proposal_ref`), so a
    second confirmation, or one racing this one, finds the grant stored and
    stores nothing again. The branch's plugins check every grant against
    :data:`SUBSIDY_BENEFIT` before any is stored; a veto, a missing member or a
    bad key stores none of the batch. The state file then records the
    confirmations, so ``dual-link`` and ``list`` show them.

    Args:
        host: The plugin host whose plugins check the grants.
        state: The dual-link state file.
        db: The unionkit store (SQLite path or URL, or a PostgreSQL URL).
        on: The date the grants are made.
        keys: Proposals to confirm, by key or reference; ``None`` for every
            proposal not yet confirmed.
        branch: The branch paying.
        roster: A roster to add missing members from; without it a member
            missing from the store is an error.
        schema: PostgreSQL only: the schema holding the store's tables.

    Returns:
        What was stored, what was already stored, and which visits were left.

    Raises:
        DualLinkError: A key is not in the state file, or a grant is stored with
            another amount.
        NotFound: A member is neither in the store nor (with *roster*) in the roster.
        Rejected: A plugin vetoed a grant (named, with the plugin).
        StoreError: The store cannot be opened.

    .. versionadded:: 0.1.0
    """
    from sqlalchemy.exc import IntegrityError

    from unionkit.store import open_store

    if is_store(state):
        return _confirm_in_store(
            host, state=state, db=db, on=on, keys=keys, branch=branch, roster=roster, schema=schema
        )
    if not os.path.exists(state):
        raise DualLinkError(f"no state file at {os.fspath(state)!r} / 找不到状态文件")
    ledger = DualLinkState(state)
    selected = _select(ledger.statuses(), keys)
    subsidies = [s for s in selected if s.kind == SUBSIDY]
    visits = tuple(proposal_ref(s.key) for s in selected if s.kind != SUBSIDY)
    wanted = [_grant(s, on) for s in subsidies]
    month = {proposal_ref(s.key): s.month for s in subsidies}
    key_of = {proposal_ref(s.key): s.key for s in subsidies}

    with open_store(db, schema=schema, grant_validator=host.grant_validator(branch)) as store:
        before = _stored(store, wanted)
        todo = [g for g in wanted if g.grant_id not in before]
        missing = _missing_members(store, {g.member_id for g in todo})
        if missing and store.grant_validator is not None:
            # Check before adding anyone, so a veto leaves the store as it was.
            for grant in todo:
                try:
                    store.grant_validator(grant, SUBSIDY_BENEFIT)
                except Rejected as exc:
                    raise Rejected(
                        f"grant {grant.grant_id} (member {grant.member_id!r}) was rejected; "
                        f"nothing was stored\ncause: {exc}\n发放被否决，本批未保存"
                    ) from exc
        added = _add_from_roster(store, missing, roster, on)
        stored: list[Grant] = []
        for attempt in range(_ATTEMPTS):
            try:
                store.add_grants(todo, benefits=[SUBSIDY_BENEFIT])
                stored = todo
                break
            except (InvalidMemberData, IntegrityError):
                # Another confirmation stored some of these since we looked: skip them.
                if attempt == _ATTEMPTS - 1:
                    raise
                now = _stored(store, todo)
                todo = [g for g in todo if g.grant_id not in now]
        after = _stored(store, wanted)

    done_ids = {g.grant_id for g in stored}
    ledger.confirm((key_of[gid], gid, grant.granted_on) for gid, grant in after.items())

    def confirmed(grant: Grant) -> ConfirmedGrant:
        return ConfirmedGrant(
            grant.grant_id, grant.member_id, grant.amount, grant.granted_on, month[grant.grant_id]
        )

    return ConfirmResult(
        stored=tuple(confirmed(g) for g in wanted if g.grant_id in done_ids),
        already=tuple(
            confirmed(after[g.grant_id])
            for g in wanted
            if g.grant_id not in done_ids and g.grant_id in after
        ),
        visits=visits,
        added_members=added,
    )


def subsidy_request(status: ProposalStatus, on: date) -> GrantRequest:
    """
    The ledger request a subsidy proposal becomes: its idempotency key is the proposal's.

    Args:
        status: The subsidy proposal.
        on: The grant date.

    Returns:
        The request (the spending rules and the branch's plugins still judge it).
    """
    from unionkit.store import GrantRequest

    ref = proposal_ref(status.key)
    return GrantRequest(
        member_id=status.member_id,
        benefit_id=SUBSIDY_BENEFIT.benefit_id,
        amount=(Decimal(status.amount_fen or 0) / 100).quantize(Decimal("0.01")),
        on=on,
        reason=f"双联通住院补助（{status.month}）/ dual-link hospitalisation subsidy "
        f"({status.month})",
        form=GrantForm.CASH,
        event_key=ref,
        idempotency_key=f"postal|{ref}",
    )


def ensure_subsidy_benefit(store: Store) -> None:
    """Define :data:`SUBSIDY_BENEFIT` in the store unless it is defined already."""
    from unionkit.store import define_benefits, list_benefits

    if SUBSIDY_BENEFIT.benefit_id not in {b.benefit_id for b in list_benefits(store)}:
        # Paid with the insurance data, not as collective welfare: no dues gate.
        define_benefits(
            store, [SUBSIDY_BENEFIT.model_copy(update={"requires_good_standing": False})]
        )


def _confirm_in_store(
    host: PluginHost,
    *,
    state: str | os.PathLike[str],
    db: str | os.PathLike[str],
    on: date,
    keys: Sequence[str] | None,
    branch: str,
    roster: str | os.PathLike[str] | None,
    schema: str | None,
) -> ConfirmResult:
    """
    Confirm subsidies whose proposals live in the store, through the grants ledger.

    Each subsidy is proposed with :func:`unionkit.store.propose_grants` (the spending
    rules, the branch's plugins, an idempotency key per proposal), so confirming again
    finds the grant already stored. A refusal by a rule or a plugin stores nothing.
    """
    from unionkit.store import open_store, propose_grants

    if os.fspath(state) != os.fspath(db):
        raise DualLinkError(
            "with the proposals in the store, --state and --db must name the "
            "same store / 提议已存入数据库时，--state 与 --db 须为同一数据库"
        )
    ledger = StoreDualLinkState(state, schema)
    try:
        selected = _select(ledger.statuses(), keys)
    finally:
        ledger.close()
    subsidies = [s for s in selected if s.kind == SUBSIDY]
    visits = tuple(proposal_ref(s.key) for s in selected if s.kind != SUBSIDY)
    for s in subsidies:
        _grant(s, on)  # refuses a subsidy without an amount, naming it
    requests = [subsidy_request(s, on) for s in subsidies]
    with open_store(db, schema=schema, grant_validator=host.grant_validator(branch)) as store:
        ensure_subsidy_benefit(store)
        wanted = {r.member_id for r in requests}
        if roster is not None:
            # With a roster, the visits' members are added too, so they get their tasks.
            wanted |= {s.member_id for s in selected if s.kind != SUBSIDY}
        missing = _missing_members(store, wanted)
        checked = (
            propose_grants(store, requests, proposer=branch, dry_run=True) if not missing else []
        )
        refused = [o for o in checked if o.refused]
        if refused:
            first = refused[0]
            reasons = (
                "; ".join(f.message_en for f in first.verdict.refusals) if first.verdict else ""
            )
            raise Rejected(
                f"subsidy for member {first.request.member_id!r} is refused by the "
                f"spending rules: {reasons}; nothing was stored / 补助不符合经费规定，"
                f"本批未保存"
            )
        added = _add_from_roster(store, missing, roster, on)
        outcomes = propose_grants(store, requests, proposer=branch)
        tasks = 0
        for month in sorted({s.month for s in selected if s.kind != SUBSIDY}):
            tasks += add_visit_tasks(
                store,
                [
                    StoredProposal(s.key, s.member_id, s.kind, s.amount_fen, s.reason)
                    for s in selected
                    if s.kind != SUBSIDY and s.month == month
                ],
                month,
            )
    refused = [o for o in outcomes if o.refused]
    if refused:
        raise Rejected(
            f"subsidy for member {refused[0].request.member_id!r} was refused; "
            f"the others were stored / 补助被拒绝"
        )
    ledger = StoreDualLinkState(state, schema)
    try:
        ledger.confirm(
            (s.key, o.grant.grant_id, o.grant.granted_on)
            for s, o in zip(subsidies, outcomes, strict=True)
            if o.grant is not None
        )
    finally:
        ledger.close()

    def confirmed(s: ProposalStatus, grant: Grant) -> ConfirmedGrant:
        return ConfirmedGrant(
            proposal_ref(s.key), grant.member_id, grant.amount, grant.granted_on, s.month
        )

    return ConfirmResult(
        stored=tuple(
            confirmed(s, o.grant)
            for s, o in zip(subsidies, outcomes, strict=True)
            if o.grant is not None and not o.existing
        ),
        already=tuple(
            confirmed(s, o.grant)
            for s, o in zip(subsidies, outcomes, strict=True)
            if o.grant is not None and o.existing
        ),
        visits=visits,
        visit_tasks=tasks,
        added_members=added,
    )
