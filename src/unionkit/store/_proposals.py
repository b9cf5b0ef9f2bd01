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
    "ProposalHistory",
    "ProposalRow",
    "confirm_stored_proposals",
    "import_proposal_history",
    "known_proposals",
    "proposal_rows",
    "proposal_run_rows",
    "record_proposals",
]


@frozen
class ProposalRow:
    """
    A stored proposal with the run that made it and, once confirmed, its grant.

    Args:
        key: What triggered it (holds health facts: print only on request).
        member_id: The member's staff number.
        kind: What is proposed, e.g. ``hospital_visit`` or ``hospitalisation_subsidy``.
        amount_fen: The amount in integer fen, else ``None``.
        reason: Why, in Chinese (may be a health fact).
        month: The month of the run that proposed it.
        ruleset_version: The rule-set version that decided.
        grant_id: The grant it became, once confirmed.
        granted_on: The grant's date, once confirmed.
        confirmed_at: When the confirmation was recorded, once confirmed.

    .. versionadded:: 0.2.0
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
        rows = _new_rows(source, run_id, items, taken)
        if rows:
            conn.execute(insert(proposals), rows)
        conn.execute(
            update(proposal_runs).where(proposal_runs.c.run_id == run_id).values(proposed=len(rows))
        )
    return run_id, {r["key"] for r in rows}


def _new_rows(
    source: str,
    run_id: int,
    items: Sequence[tuple[str, str, str, int | None, str]],
    taken: set[str],
) -> list[dict[str, Any]]:
    """Rows for the proposals whose key is not *taken*; their keys are added to it."""
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
    return rows


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


@frozen
class ProposalHistory:
    """
    What :func:`import_proposal_history` added and found already there.

    .. versionadded:: 0.2.0
    """

    runs_added: int
    runs_already: int
    proposals_added: int
    proposals_already: int
    confirmations_added: int
    confirmations_already: int


def import_proposal_history(
    store: Store,
    source: str,
    runs: Sequence[tuple[str, str, datetime, int, Sequence[tuple[str, str, str, int | None, str]]]],
    confirmations: Sequence[tuple[str, str, date, datetime]],
) -> ProposalHistory:
    """
    Bring earlier runs, their proposals and confirmations into the store, in one transaction.

    A run already there (same source, month, rule-set version and finish time) is not
    added again, nor is a proposal or a confirmation whose key is stored: importing the
    same history twice adds nothing.

    Args:
        store: The store.
        source: Whose runs they are (e.g. ``postal-dual-link``).
        runs: ``(month, ruleset_version, finished_at, proposed, proposals)`` per run, the
            proposals as ``(key, member_id, kind, amount_fen, reason)``.
        confirmations: ``(key, grant_id, granted_on, confirmed_at)``.

    Returns:
        The counts added and already present.

    .. versionadded:: 0.2.0
    """
    from unionkit.store._ledger import _lock

    runs_added = proposals_added = proposals_already = confirmed = confirmed_already = 0
    with store._write() as conn:
        _lock(conn)
        there = {
            (r.month, r.ruleset_version, r.finished_at): int(r.run_id)
            for r in conn.execute(select(proposal_runs).where(proposal_runs.c.source == source))
        }
        keys = sorted({p[0] for *_, items in runs for p in items} | {c[0] for c in confirmations})
        taken: set[str] = set()
        done: set[str] = set()
        for start in range(0, len(keys), 5000):
            chunk = keys[start : start + 5000]
            taken.update(
                conn.execute(select(proposals.c.key).where(proposals.c.key.in_(chunk))).scalars()
            )
            done.update(
                conn.execute(
                    select(proposal_confirmations.c.key).where(
                        proposal_confirmations.c.key.in_(chunk)
                    )
                ).scalars()
            )
        rows: list[dict[str, Any]] = []
        for month, version, finished_at, proposed, items in runs:
            run_id = there.get((month, version, finished_at))
            if run_id is None:
                run_id = int(
                    conn.execute(  # type: ignore[index]
                        insert(proposal_runs).values(
                            source=source,
                            month=month,
                            ruleset_version=version,
                            finished_at=finished_at,
                            proposed=proposed,
                        )
                    ).inserted_primary_key[0]
                )
                there[(month, version, finished_at)] = run_id
                runs_added += 1
            fresh_rows = _new_rows(source, run_id, items, taken)
            proposals_already += len(items) - len(fresh_rows)
            rows += fresh_rows
        if rows:
            conn.execute(insert(proposals), rows)
        proposals_added = len(rows)
        fresh = []
        for key, grant_id, granted_on, confirmed_at in confirmations:
            if key in done or key not in taken:
                confirmed_already += key in done
                continue
            done.add(key)
            fresh.append(
                {
                    "key": key,
                    "grant_id": grant_id,
                    "granted_on": granted_on,
                    "confirmed_at": confirmed_at,
                }
            )
        if fresh:
            conn.execute(insert(proposal_confirmations), fresh)
        confirmed = len(fresh)
    return ProposalHistory(
        runs_added,
        len(runs) - runs_added,
        proposals_added,
        proposals_already,
        confirmed,
        confirmed_already,
    )
