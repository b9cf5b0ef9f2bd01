"""Proposals a plugin's periodic run made (e.g. the postal dual link), kept in the store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from attrs import frozen
from sqlalchemy import insert, select, update

from unionkit.store._money_schema import proposal_confirmations, proposal_runs, proposals
from unionkit.store._store import Store

__all__ = [
    "ProposalRow",
    "confirm_stored_proposals",
    "known_proposals",
    "proposal_rows",
    "proposal_run_rows",
    "record_proposals",
]


@frozen
class ProposalRow:
    """
    One stored proposal with its run and, once confirmed, its grant.

    The key names what triggered it (a health fact): print only on request.
    """

    key: str
    member_id: str
    kind: str
    amount_fen: int | None
    reason: str
    month: str
    ruleset_version: str
    grant_id: str | None
    granted_on: date | None
    confirmed_at: datetime | None


def known_proposals(store: Store, keys: Iterable[str]) -> set[str]:
    """Which of *keys* are stored already. .. versionadded:: 0.2.0"""
    wanted = sorted(set(keys))
    found: set[str] = set()
    with store._read() as conn:
        for start in range(0, len(wanted), 5000):
            found.update(
                conn.execute(
                    select(proposals.c.key).where(proposals.c.key.in_(wanted[start : start + 5000]))
                ).scalars()
            )
    return found


def record_proposals(
    store: Store,
    source: str,
    month: str,
    ruleset_version: str,
    items: Sequence[tuple[str, str, str, int | None, str]],
    *,
    at: datetime | None = None,
) -> tuple[int, set[str]]:
    """
    Record a run and its proposals ``(key, member_id, kind, amount_fen, reason)`` at once.

    Keys already stored are skipped, under the store's write lock, so two runs at once
    never store a proposal twice.

    Returns:
        The run id and the keys this call stored.

    .. versionadded:: 0.2.0
    """
    with store._write() as conn:
        from unionkit.store._ledger import _lock

        _lock(conn)
        run_id = int(
            conn.execute(  # type: ignore[index]
                insert(proposal_runs).values(
                    source=source,
                    month=month,
                    ruleset_version=ruleset_version,
                    finished_at=at or datetime.now(),
                    proposed=0,
                )
            ).inserted_primary_key[0]
        )
        keys = sorted({k for k, *_ in items})
        taken = (
            set(conn.execute(select(proposals.c.key).where(proposals.c.key.in_(keys))).scalars())
            if keys
            else set()
        )
        rows: list[dict[str, Any]] = []
        for key, member_id, kind, amount_fen, reason in items:
            if key in taken:
                continue
            taken.add(key)
            rows.append(
                {
                    "key": key,
                    "source": source,
                    "run_id": run_id,
                    "member_id": member_id,
                    "kind": kind,
                    "amount_fen": amount_fen,
                    "reason": reason,
                }
            )
        if rows:
            conn.execute(insert(proposals), rows)
        conn.execute(
            update(proposal_runs).where(proposal_runs.c.run_id == run_id).values(proposed=len(rows))
        )
    return run_id, {r["key"] for r in rows}


def proposal_rows(store: Store, source: str) -> list[ProposalRow]:
    """Every proposal of *source* with its run and confirmation, oldest first."""
    query = (
        select(
            proposals.c.key,
            proposals.c.member_id,
            proposals.c.kind,
            proposals.c.amount_fen,
            proposals.c.reason,
            proposal_runs.c.month,
            proposal_runs.c.ruleset_version,
            proposal_confirmations.c.grant_id,
            proposal_confirmations.c.granted_on,
            proposal_confirmations.c.confirmed_at,
        )
        .join(proposal_runs, proposal_runs.c.run_id == proposals.c.run_id)
        .outerjoin(proposal_confirmations, proposal_confirmations.c.key == proposals.c.key)
        .where(proposals.c.source == source)
        .order_by(proposals.c.run_id, proposals.c.key)
    )
    with store._read() as conn:
        return [ProposalRow(**r._asdict()) for r in conn.execute(query)]


def proposal_run_rows(store: Store, source: str) -> list[tuple[int, str, int]]:
    """``(run_id, month, proposed)`` for every run of *source*, oldest first."""
    with store._read() as conn:
        return [
            (int(r.run_id), str(r.month), int(r.proposed))
            for r in conn.execute(
                select(proposal_runs)
                .where(proposal_runs.c.source == source)
                .order_by(proposal_runs.c.run_id)
            )
        ]


def confirm_stored_proposals(
    store: Store, grants: Iterable[tuple[str, str, date]], *, at: datetime | None = None
) -> set[str]:
    """Record ``(key, grant_id, granted_on)`` confirmations; keys already confirmed are kept."""
    items = list(grants)
    with store._write() as conn:
        keys = [k for k, _, _ in items]
        done = (
            set(
                conn.execute(
                    select(proposal_confirmations.c.key).where(
                        proposal_confirmations.c.key.in_(keys)
                    )
                ).scalars()
            )
            if keys
            else set()
        )
        rows = [
            {"key": k, "grant_id": g, "granted_on": on, "confirmed_at": at or datetime.now()}
            for k, g, on in items
            if k not in done
        ]
        if rows:
            conn.execute(insert(proposal_confirmations), rows)
    return {r["key"] for r in rows}  # type: ignore[misc]
