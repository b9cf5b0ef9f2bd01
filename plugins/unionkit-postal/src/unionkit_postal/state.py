"""What earlier dual-link runs proposed, in a small SQLite file, so a run never proposes twice."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import frozen

if TYPE_CHECKING:
    from unionkit.store import Store

__all__ = [
    "DualLinkState",
    "ProposalStatus",
    "StoreDualLinkState",
    "StoredProposal",
    "add_visit_tasks",
    "is_store",
    "open_state",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS run (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    month TEXT NOT NULL,
    ruleset_version TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    proposed INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS proposal (
    key TEXT PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES run(run_id),
    member_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount_fen INTEGER,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS confirmation (
    key TEXT PRIMARY KEY REFERENCES proposal(key),
    grant_id TEXT NOT NULL,
    granted_on TEXT NOT NULL,
    confirmed_at TEXT NOT NULL
);
"""


@frozen
class StoredProposal:
    """A proposal as remembered: its key, member, kind, amount in fen and reason."""

    key: str
    member_id: str
    kind: str
    amount_fen: int | None
    reason: str


@frozen
class ProposalStatus:
    """
    A stored proposal with the run that made it and, once confirmed, its grant.

    Args:
        key: What triggered it (holds health facts: print only on request).
        member_id: The member's staff number.
        kind: ``sick_leave_visit``, ``hospital_visit`` or ``hospitalisation_subsidy``.
        amount_fen: The subsidy in integer fen, else ``None``.
        reason: Why, in Chinese (a health fact).
        month: The month of the run that proposed it.
        ruleset_version: The rule-set version that decided.
        grant_id: The grant it became, once confirmed.
        granted_on: The grant's date, once confirmed.
        confirmed_at: When the confirmation was recorded, once confirmed.
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


class DualLinkState:
    """
    The dual-link state file: runs and the proposals each made, keyed by the triggering record.

    A run's proposals and its run row are written in one transaction: a
    crash mid-run leaves the file as it was, and the next run proposes again.

    Args:
        path: The SQLite file; created with its tables on first use.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        with closing(self._connect()) as db, db:
            db.executescript(_SCHEMA)

    def close(self) -> None:
        """Nothing to close: each call opens the file and closes it again."""

    def _connect(self) -> sqlite3.Connection:
        from unionkit._files import create_private

        create_private(self.path)  # member ids with health-based proposals: 0600
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA foreign_keys = ON")
        return db

    def known(self, keys: Iterable[str]) -> set[str]:
        """Return which of *keys* earlier runs already proposed."""
        wanted = list(keys)
        with closing(self._connect()) as db:
            found = {row[0] for row in db.execute("SELECT key FROM proposal")}
        return found.intersection(wanted)

    def record(
        self, month: str, ruleset_version: str, proposals: Iterable[StoredProposal]
    ) -> tuple[int, set[str]]:
        """
        Record a run and its proposals atomically; keys already stored are skipped.

        Two runs at once are serialised by SQLite's write lock (``BEGIN IMMEDIATE``),
        so a proposal is never stored twice.

        Returns:
            The run id and the keys of the proposals that were new.
        """
        items = list(proposals)
        with closing(self._connect()) as db:
            db.isolation_level = None
            db.execute("BEGIN IMMEDIATE")
            try:
                cur = db.execute(
                    "INSERT INTO run (month, ruleset_version, finished_at, proposed) "
                    "VALUES (?, ?, ?, 0)",
                    (month, ruleset_version, datetime.now().isoformat(timespec="seconds")),
                )
                run_id = int(cur.lastrowid or 0)
                new: set[str] = set()
                for p in items:
                    cur = db.execute(
                        "INSERT OR IGNORE INTO proposal "
                        "(key, run_id, member_id, kind, amount_fen, reason) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (p.key, run_id, p.member_id, p.kind, p.amount_fen, p.reason),
                    )
                    if cur.rowcount:
                        new.add(p.key)
                db.execute("UPDATE run SET proposed = ? WHERE run_id = ?", (len(new), run_id))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return run_id, new

    def proposals(self) -> list[StoredProposal]:
        """Return every proposal ever made, oldest first."""
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT key, member_id, kind, amount_fen, reason FROM proposal ORDER BY rowid"
            ).fetchall()
        return [StoredProposal(*row) for row in rows]

    def runs(self) -> list[tuple[int, str, int]]:
        """Return ``(run_id, month, proposed)`` for every run, oldest first."""
        with closing(self._connect()) as db:
            return [
                (int(r[0]), str(r[1]), int(r[2]))
                for r in db.execute("SELECT run_id, month, proposed FROM run ORDER BY run_id")
            ]

    def statuses(self) -> list[ProposalStatus]:
        """Return every proposal with its run and confirmation, oldest first."""
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT p.key, p.member_id, p.kind, p.amount_fen, p.reason, r.month, "
                "r.ruleset_version, c.grant_id, c.granted_on, c.confirmed_at "
                "FROM proposal p JOIN run r ON r.run_id = p.run_id "
                "LEFT JOIN confirmation c ON c.key = p.key ORDER BY p.rowid"
            ).fetchall()
        return [
            ProposalStatus(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                row[7],
                granted_on=date.fromisoformat(row[8]) if row[8] else None,
                confirmed_at=datetime.fromisoformat(row[9]) if row[9] else None,
            )
            for row in rows
        ]

    def confirm(self, grants: Iterable[tuple[str, str, date]]) -> set[str]:
        """
        Record that proposals became grants, in one transaction; keys already confirmed are kept.

        Args:
            grants: ``(key, grant_id, granted_on)`` for each confirmed proposal.

        Returns:
            The keys whose confirmation this call recorded.
        """
        items = list(grants)
        now = datetime.now().isoformat(timespec="seconds")
        with closing(self._connect()) as db:
            db.isolation_level = None
            db.execute("BEGIN IMMEDIATE")
            try:
                new: set[str] = set()
                for key, grant_id, on in items:
                    cur = db.execute(
                        "INSERT OR IGNORE INTO confirmation (key, grant_id, granted_on, "
                        "confirmed_at) VALUES (?, ?, ?, ?)",
                        (key, grant_id, on.isoformat(), now),
                    )
                    if cur.rowcount:
                        new.add(key)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return new


class StoreDualLinkState:
    """
    The dual-link state kept in the unionkit store instead of a file of its own.

    Same methods as :class:`DualLinkState`. Runs, proposals and confirmations go to
    the store's ``proposal_runs``, ``proposals`` and ``proposal_confirmations``
    tables (source ``postal-dual-link``); each visit proposal also becomes a visit
    task for a member the store holds.

    Args:
        target: The unionkit store: a SQLite path or URL, or a PostgreSQL URL.
        schema: PostgreSQL only: the schema holding the store's tables.
    """

    SOURCE = "postal-dual-link"

    def __init__(self, target: str | os.PathLike[str], schema: str | None = None) -> None:
        from unionkit.store import open_store

        self.target = os.fspath(target)
        self.schema = schema
        self._store = open_store(self.target, schema=schema)

    def close(self) -> None:
        """Close the store's connections."""
        self._store.close()

    def known(self, keys: Iterable[str]) -> set[str]:
        """Return which of *keys* earlier runs already proposed."""
        from unionkit.store._proposals import known_proposals

        return known_proposals(self._store, keys)

    def record(
        self, month: str, ruleset_version: str, proposals: Iterable[StoredProposal]
    ) -> tuple[int, set[str]]:
        """Record a run and its proposals atomically; make visit tasks for the visits."""
        from unionkit.store._proposals import record_proposals

        items = list(proposals)
        run_id, new = record_proposals(
            self._store,
            self.SOURCE,
            month,
            ruleset_version,
            [(p.key, p.member_id, p.kind, p.amount_fen, p.reason) for p in items],
        )
        self._visit_tasks([p for p in items if p.key in new], month)
        return run_id, new

    def _visit_tasks(self, fresh: list[StoredProposal], month: str) -> None:
        add_visit_tasks(self._store, fresh, month)

    def proposals(self) -> list[StoredProposal]:
        """Return every proposal ever made, oldest first."""
        return [
            StoredProposal(s.key, s.member_id, s.kind, s.amount_fen, s.reason)
            for s in self.statuses()
        ]

    def runs(self) -> list[tuple[int, str, int]]:
        """Return ``(run_id, month, proposed)`` for every run, oldest first."""
        from unionkit.store._proposals import proposal_run_rows

        return proposal_run_rows(self._store, self.SOURCE)

    def statuses(self) -> list[ProposalStatus]:
        """Return every proposal with its run and confirmation, oldest first."""
        # The plugin's own type, not the store's: a state file must work without SQLAlchemy.
        from unionkit.store._proposals import proposal_rows

        return [
            ProposalStatus(
                r.key,
                r.member_id,
                r.kind,
                r.amount_fen,
                r.reason,
                r.month,
                r.ruleset_version,
                r.grant_id,
                r.granted_on,
                r.confirmed_at,
            )
            for r in proposal_rows(self._store, self.SOURCE)
        ]

    def confirm(self, grants: Iterable[tuple[str, str, date]]) -> set[str]:
        """Record that proposals became grants; keys already confirmed are kept."""
        from unionkit.store._proposals import confirm_stored_proposals

        return confirm_stored_proposals(self._store, grants)


def add_visit_tasks(store: Store, fresh: Sequence[StoredProposal], month: str) -> int:
    """
    Make a visit task for each visit proposal of a member the store holds; return how many.

    A task's source key is the proposal's hash, so making them again adds nothing.
    """
    import hashlib

    from unionkit.care.visits import VisitKind, VisitTask
    from unionkit.store import add_visits, list_members

    visits = [p for p in fresh if p.kind in ("sick_leave_visit", "hospital_visit")]
    if not visits:
        return 0
    stored = {m.member_id for m in list_members(store)}
    year, mon = (int(x) for x in month.split("-"))
    due = date(year + mon // 12, mon % 12 + 1, 1)
    tasks = []
    for p in visits:
        if p.member_id not in stored:
            continue
        # The key names the hospital and dates (health facts): keep only its hash.
        ref = hashlib.sha256(p.key.encode("utf-8")).hexdigest()[:20]
        tasks.append(
            VisitTask(
                visit_id=f"PV-{ref}"[:64],
                member_id=p.member_id,
                kind=VisitKind.HOSPITAL if p.kind == "hospital_visit" else VisitKind.ILLNESS,
                due_on=due,
                reason=(
                    "双联通住院探望 / dual-link hospital visit"
                    if p.kind == "hospital_visit"
                    else "双联通病假探望 / dual-link sick-leave visit"
                ),
                source_key=f"postal|{ref}",
            )
        )
    return len(add_visits(store, tasks))


def is_store(target: str | os.PathLike[str]) -> bool:
    """
    Whether *target* names a unionkit store rather than a dual-link state file.

    A URL always names a store; a file is a store when it holds the store's
    migration table. A path that does not exist yet is a state file (the old way).
    """
    value = os.fspath(target)
    if "://" in value:
        return True
    if not os.path.exists(value):
        return False
    try:
        with closing(sqlite3.connect(f"file:{value}?mode=ro", uri=True)) as db:
            return (
                db.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
                ).fetchone()
                is not None
            )
    except sqlite3.DatabaseError:
        return False


def open_state(
    target: str | os.PathLike[str], schema: str | None = None
) -> DualLinkState | StoreDualLinkState:
    """The dual-link state at *target*: in the unionkit store, or an old state file."""
    if is_store(target):
        return StoreDualLinkState(target, schema)
    return DualLinkState(target)
