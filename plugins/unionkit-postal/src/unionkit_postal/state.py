"""What earlier dual-link runs proposed, in a small SQLite file, so a run never proposes twice."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

from attrs import frozen

__all__ = ["DualLinkState", "ProposalStatus", "StoredProposal"]

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
            return [(int(r[0]), str(r[1]), int(r[2]))
                    for r in db.execute("SELECT run_id, month, proposed FROM run ORDER BY run_id")]

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
                row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7],
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
