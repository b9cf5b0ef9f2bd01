"""Moving an old dual-link state file into the unionkit store, once, leaving the file as it was."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from attrs import asdict, frozen

from unionkit.errors import NotFound, Rejected
from unionkit.store._proposals import ProposalHistory
from unionkit_postal.confirm import (
    SUBSIDY,
    ensure_subsidy_benefit,
    proposal_ref,
    subsidy_request,
)
from unionkit_postal.dual_link import KIND_LABELS, DualLinkError
from unionkit_postal.state import (
    ProposalStatus,
    StoredProposal,
    StoreDualLinkState,
    add_visit_tasks,
)

if TYPE_CHECKING:
    from unionkit.hooks import PluginHost
    from unionkit.store import Store

__all__ = ["MigrationResult", "migrate_state"]

_COLUMNS = {
    "run": {"run_id", "month", "ruleset_version", "finished_at", "proposed"},
    "proposal": {"key", "run_id", "member_id", "kind", "amount_fen", "reason"},
    "confirmation": {"key", "grant_id", "granted_on", "confirmed_at"},
}
_MONTH = re.compile(r"\d{4}-\d{2}")


@frozen
class MigrationResult(ProposalHistory):
    """
    What moving a state file into the store did (counts; a second run adds nothing).

    The runs, proposals and confirmations added and already there, as
    :class:`~unionkit.store._proposals.ProposalHistory` counts them, and:

    Args:
        grants_stored: Confirmed subsidies whose grant was not in the store and was
            stored now, through the grants ledger and its checks.
        grants_found: Confirmed subsidies whose grant the store already held.
        visit_tasks: Visit tasks made for the visit proposals.
        visits_without_member: Visit proposals for members the store does not hold
            (no task made; import the roster and run the migration again).
    """

    grants_stored: int
    grants_found: int
    visit_tasks: int
    visits_without_member: int

    def as_dict(self) -> dict[str, int]:
        """Plain JSON-ready counts."""
        return {k: int(v) for k, v in asdict(self).items()}


@frozen
class _Old:
    runs: list[tuple[int, str, str, datetime, int]]
    proposals: list[tuple[int, StoredProposal]]
    confirmations: list[tuple[str, str, date, datetime]]


def _not_state(name: str, why: str) -> DualLinkError:
    return DualLinkError(
        f"{name} is not a postal dual-link state file ({why}); nothing was stored / "
        f"该文件不是邮政双联通状态文件，未保存任何内容"
    )


def _read_old(path: str) -> _Old:
    """Read a state file without writing to it (read-only, so not even a journal)."""
    name = os.path.basename(path) or path
    if not os.path.isfile(path):
        raise DualLinkError(f"no state file at {path!r} / 找不到状态文件")
    with open(path, "rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise _not_state(name, "not an SQLite database")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            tables = {
                r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if "alembic_version" in tables:
                raise _not_state(name, "it is a unionkit store: its state is in it already")
            for table, wanted in _COLUMNS.items():
                if table not in tables:
                    raise _not_state(name, f"no {table!r} table")
                have = {r[1] for r in db.execute(f'PRAGMA table_info("{table}")')}
                if not wanted <= have:
                    raise _not_state(name, f"table {table!r} lacks columns {sorted(wanted - have)}")
            runs = db.execute(
                "SELECT run_id, month, ruleset_version, finished_at, proposed FROM run "
                "ORDER BY run_id"
            ).fetchall()
            proposals = db.execute(
                "SELECT run_id, key, member_id, kind, amount_fen, reason FROM proposal "
                "ORDER BY rowid"
            ).fetchall()
            confirmations = db.execute(
                "SELECT key, grant_id, granted_on, confirmed_at FROM confirmation ORDER BY rowid"
            ).fetchall()
    except sqlite3.DatabaseError as exc:
        raise _not_state(name, f"unreadable: {exc}") from None
    return _Old(
        [_run(name, r) for r in runs],
        [_proposal(name, r) for r in proposals],
        [_confirmation(name, r) for r in confirmations],
    )


def _bad(name: str, record: str, field: str, why: str) -> DualLinkError:
    return DualLinkError(
        f"{name}: {record}: {field}: {why}; nothing was stored / 状态文件记录有误，未保存任何内容"
    )


def _when(name: str, record: str, field: str, value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise _bad(name, record, field, f"not a date and time: {str(value)[:40]!r}") from None


def _run(name: str, row: Sequence[Any]) -> tuple[int, str, str, datetime, int]:
    run_id, month, version, finished, proposed = row
    record = f"run {run_id}"
    if not isinstance(month, str) or not _MONTH.fullmatch(month):
        raise _bad(name, record, "month", f"not YYYY-MM: {str(month)[:20]!r}")
    if not isinstance(version, str) or not version:
        raise _bad(name, record, "ruleset_version", "empty")
    if not isinstance(proposed, int) or proposed < 0:
        raise _bad(name, record, "proposed", "not a count")
    return int(run_id), month, version, _when(name, record, "finished_at", finished), proposed


def _proposal(name: str, row: Sequence[Any]) -> tuple[int, StoredProposal]:
    run_id, key, member_id, kind, amount_fen, reason = row
    # The key names a hospital and dates (health facts): errors show its reference only.
    record = f"proposal {proposal_ref(str(key))}"
    if kind not in KIND_LABELS:
        raise _bad(name, record, "kind", f"unknown kind {str(kind)[:40]!r}")
    if not isinstance(member_id, str) or not member_id.strip():
        raise _bad(name, record, "member_id", "empty")
    if amount_fen is not None and (not isinstance(amount_fen, int) or amount_fen <= 0):
        raise _bad(name, record, "amount_fen", "not a positive whole number of fen")
    if kind == SUBSIDY and amount_fen is None:
        raise _bad(name, record, "amount_fen", "a subsidy without an amount")
    return int(run_id), StoredProposal(str(key), member_id, kind, amount_fen, str(reason))


def _confirmation(name: str, row: Sequence[Any]) -> tuple[str, str, date, datetime]:
    key, grant_id, granted_on, confirmed_at = row
    record = f"confirmation of {proposal_ref(str(key))}"
    try:
        on = date.fromisoformat(str(granted_on))
    except ValueError:
        raise _bad(name, record, "granted_on", "not a date") from None
    return str(key), str(grant_id), on, _when(name, record, "confirmed_at", confirmed_at)


def _grants_there(store: Store, refs: Sequence[str]) -> dict[str, str]:
    """Which subsidy grants the store holds, by proposal reference: ``{ref: grant_id}``."""
    from sqlalchemy import or_, select

    from unionkit.store._schema import grants

    if not refs:
        return {}
    keys = {f"postal|{r}": r for r in refs}
    found: dict[str, str] = {}
    with store._read() as conn:
        for row in conn.execute(
            select(grants.c.grant_id, grants.c.idempotency_key).where(
                or_(grants.c.grant_id.in_(refs), grants.c.idempotency_key.in_(list(keys)))
            )
        ):
            # A file-mode confirmation stored the grant under the reference itself; the
            # ledger under its own id with the reference in the idempotency key.
            ref = row.grant_id if row.grant_id in refs else keys[row.idempotency_key]
            found[ref] = row.grant_id
    return found


def migrate_state(
    host: PluginHost,
    *,
    state_file: str | os.PathLike[str],
    db: str | os.PathLike[str],
    schema: str | None = None,
    branch: str = "postal",
) -> MigrationResult:
    """
    Move an old dual-link state file's runs, proposals and confirmations into the store.

    The file is only read (opened read-only) and left as it was. A confirmed subsidy
    whose grant the store does not hold becomes a grant through the grants ledger
    (:func:`unionkit.store.propose_grants`: the spending rules and the branch's plugins,
    dated as confirmed, with the proposal's idempotency key); a visit proposal becomes a
    visit task for a member the store holds. Running it again adds nothing.

    Args:
        host: The plugin host whose plugins check the grants.
        state_file: The old SQLite state file.
        db: The unionkit store (SQLite path or URL, or a PostgreSQL URL).
        schema: PostgreSQL only: the schema holding the store's tables.
        branch: The branch paying.

    Returns:
        The counts of what was added and what was there already.

    Raises:
        DualLinkError: The file is missing, not a postal state file, or holds a bad
            record (named); nothing is stored.
        NotFound: A confirmed subsidy's member is not in the store; nothing is stored.
        Rejected: The spending rules or a plugin refuse a confirmed subsidy (named);
            nothing is stored.

    .. versionadded:: 0.2.0
    """
    from unionkit.store import get_members, open_store, propose_grants
    from unionkit.store._proposals import import_proposal_history

    old = _read_old(os.fspath(state_file))
    by_run: dict[int, list[StoredProposal]] = {}
    for run_id, p in old.proposals:
        by_run.setdefault(run_id, []).append(p)
    month_of = {run_id: month for run_id, month, *_ in old.runs}
    run_of = {p.key: run_id for run_id, p in old.proposals}
    proposal_of = {p.key: p for _, p in old.proposals}
    orphans = [k for k in run_of if run_of[k] not in month_of]
    if orphans:
        raise _bad(
            os.path.basename(os.fspath(state_file)),
            f"proposal {proposal_ref(orphans[0])}",
            "run_id",
            "names no run",
        )
    subsidies = [
        (c, proposal_of[c[0]])
        for c in old.confirmations
        if c[0] in proposal_of and proposal_of[c[0]].kind == SUBSIDY
    ]
    with open_store(db, schema=schema, grant_validator=host.grant_validator(branch)) as store:
        there = _grants_there(store, [proposal_ref(p.key) for _, p in subsidies])
        todo = [(c, p) for c, p in subsidies if proposal_ref(p.key) not in there]
        grant_ids = {c[0]: there.get(proposal_ref(c[0]), c[1]) for c in old.confirmations}
        stored = 0
        if todo:
            ensure_subsidy_benefit(store)
            requests = [subsidy_request(_status(p, month_of[run_of[p.key]]), c[2]) for c, p in todo]
            stored_members = get_members(store, [r.member_id for r in requests])
            for r in requests:
                if r.member_id not in stored_members:
                    raise NotFound(
                        f"member {r.member_id!r} (confirmed subsidy {r.event_key}) is not in "
                        f"the unionkit store; import the roster first (unionkit members import "
                        f"ROSTER --db DB); nothing was stored / 会员不在数据库中，请先导入名册，"
                        f"未保存任何内容"
                    )
            checked = propose_grants(store, requests, proposer=branch, dry_run=True)
            for outcome in checked:
                if outcome.refused and outcome.verdict is not None:
                    reasons = "; ".join(f.message_en for f in outcome.verdict.refusals)
                    raise Rejected(
                        f"confirmed subsidy {outcome.request.event_key} (member "
                        f"{outcome.request.member_id!r}) is refused by the spending rules: "
                        f"{reasons}; nothing was stored / "
                        f"已确认的补助不符合经费规定，未保存任何内容"
                    )
            outcomes = propose_grants(store, requests, proposer=branch)
            for (c, _), outcome in zip(todo, outcomes, strict=True):
                if outcome.grant is not None:
                    grant_ids[c[0]] = outcome.grant.grant_id
                    stored += not outcome.existing
        history = import_proposal_history(
            store,
            StoreDualLinkState.SOURCE,
            [
                (month, version, finished, proposed, [_row(p) for p in by_run.get(run_id, [])])
                for run_id, month, version, finished, proposed in old.runs
            ],
            [(k, grant_ids[k], on, at) for k, _, on, at in old.confirmations],
        )
        visits = 0
        for run_id, month, *_ in old.runs:
            visits += add_visit_tasks(store, by_run.get(run_id, []), month)
        held = {m.member_id for m in _members(store)}
    visit_proposals = [p for _, p in old.proposals if p.kind != SUBSIDY]
    return MigrationResult(
        **asdict(history),
        grants_stored=stored,
        grants_found=len(subsidies) - len(todo),
        visit_tasks=visits,
        visits_without_member=sum(1 for p in visit_proposals if p.member_id not in held),
    )


def _members(store: Store) -> list[Any]:
    from unionkit.store import list_members

    return list(list_members(store))


def _status(p: StoredProposal, month: str) -> ProposalStatus:
    return ProposalStatus(
        p.key, p.member_id, p.kind, p.amount_fen, p.reason, month, "", None, None, None
    )


def _row(p: StoredProposal) -> tuple[str, str, str, int | None, str]:
    return (p.key, p.member_id, p.kind, p.amount_fen, p.reason)
