"""The store's tables for members as a system of record, benefits, the ledger, visits, files."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from unionkit.store._schema import metadata

__all__ = [
    "benefit_definitions",
    "closed_years",
    "grant_approvals",
    "hardship_events",
    "hardship_files",
    "member_changes",
    "member_imports",
    "member_sync",
    "proposal_confirmations",
    "proposal_runs",
    "proposals",
    "visits",
]

member_sync = Table(
    "member_sync",
    metadata,
    # No foreign key: anonymising a member replaces its row, and this row must not block it.
    Column("member_id", String(32), primary_key=True),
    Column("digest", String(64), nullable=False),
)

member_imports = Table(
    "member_imports",
    metadata,
    Column("import_id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("source", String(500), nullable=False),
    Column("partial", Boolean, nullable=False),
    Column("added", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("left", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
)

member_changes = Table(
    "member_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("import_id", Integer, ForeignKey("member_imports.import_id"), nullable=False),
    Column("member_id", String(32), nullable=False, index=True),
    Column("field", String(32), nullable=False),
    Column("before", Text),
    Column("after", Text),
    Column("masked", Boolean, nullable=False),
)

benefit_definitions = Table(
    "benefit_definitions",
    metadata,
    Column("benefit_id", String(64), primary_key=True),
    Column("category", String(32), nullable=False),
    Column("record", Text, nullable=False),
)

grant_approvals = Table(
    "grant_approvals",
    metadata,
    Column("grant_id", String(64), ForeignKey("grants.grant_id"), primary_key=True),
    Column("approver", String(64), primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("note", Text),
)

closed_years = Table(
    "closed_years",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("closed_at", DateTime, nullable=False),
    Column("closed_by", String(64), nullable=False),
)

visits = Table(
    "visits",
    metadata,
    Column("visit_id", String(64), primary_key=True),
    Column("member_id", String(32), ForeignKey("members.member_id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("relation", String(24)),
    Column("assignee", String(64)),
    Column("status", String(16), nullable=False),
    Column("done_on", Date),
    Column("note", Text),
    Column("grant_id", String(64)),
    Column("source_key", String(200), unique=True),
)

hardship_files = Table(
    "hardship_files",
    metadata,
    Column("file_id", String(64), primary_key=True),
    Column("member_id", String(32), ForeignKey("members.member_id"), nullable=False),
    Column("tier", String(16), nullable=False),
    Column("entered_on", Date, nullable=False),
    Column("evidence", String(200), nullable=False),
    Column("state", String(16), nullable=False),
    Column("verified_on", Date, nullable=False),
    Column("notice_from", Date),
    Column("notice_until", Date),
    Column("left_on", Date),
    Column("follow_up_until", Date),
    Column("version", Integer, nullable=False),
)

hardship_events = Table(
    "hardship_events",
    metadata,
    Column("file_id", String(64), ForeignKey("hardship_files.file_id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("action", String(16), nullable=False),
    Column("on", Date, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("note", Text),
)

proposal_runs = Table(
    "proposal_runs",
    metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False),
    Column("month", String(7), nullable=False),
    Column("ruleset_version", String(64), nullable=False),
    Column("finished_at", DateTime, nullable=False),
    Column("proposed", Integer, nullable=False),
)

proposals = Table(
    "proposals",
    metadata,
    # The key names what triggered it (e.g. a hospital stay): a health fact, never printed.
    Column("key", String(300), primary_key=True),
    Column("source", String(64), nullable=False),
    Column("run_id", Integer, ForeignKey("proposal_runs.run_id"), nullable=False),
    Column("member_id", String(32), nullable=False),
    Column("kind", String(48), nullable=False),
    Column("amount_fen", Integer),
    Column("reason", Text, nullable=False),
)

proposal_confirmations = Table(
    "proposal_confirmations",
    metadata,
    Column("key", String(300), ForeignKey("proposals.key"), primary_key=True),
    Column("grant_id", String(64), nullable=False),
    Column("granted_on", Date, nullable=False),
    Column("confirmed_at", DateTime, nullable=False),
)
