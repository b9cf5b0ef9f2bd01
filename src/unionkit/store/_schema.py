"""The store's tables as SQLAlchemy Core objects (the shape migrations produce)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

__all__ = ["demand_events", "demands", "grants", "groups", "members", "memberships", "metadata"]

metadata = MetaData()

members = Table(
    "members",
    metadata,
    Column("member_id", String(32), primary_key=True),
    Column("name", String(64)),
    Column("national_id", String(18)),
    Column("phone", String(20)),
    Column("department", String(64)),
    Column("status", String(16), nullable=False),
    Column("record", Text, nullable=False),
    Column("anonymised", Boolean, nullable=False),
    Column("deleted", Boolean, nullable=False),
)

groups = Table(
    "groups",
    metadata,
    Column("group_id", String(64), primary_key=True),
    Column("kind", String(24), nullable=False),
    Column("name", String(128), nullable=False),
    Column("parent_id", String(64)),
    Column("parent_kind", String(24)),
    Column("rating", String(16)),
)

memberships = Table(
    "memberships",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("member_id", String(32), ForeignKey("members.member_id"), nullable=False),
    Column("group_id", String(64), ForeignKey("groups.group_id"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("since", Date),
    Column("until", Date),
)

demands = Table(
    "demands",
    metadata,
    Column("demand_id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("member_id", String(32), ForeignKey("members.member_id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("content", Text, nullable=False),
    Column("category", String(64)),
    Column("submitted_at", DateTime, nullable=False),
    Column("state", String(16), nullable=False),
    Column("department", String(64)),
    Column("deadline", Date),
    Column("deadline_estimated", Boolean, nullable=False),
    Column("key_supervision", Boolean, nullable=False),
    Column("co_signers", Text, nullable=False),
    Column("merged_into", String(64)),
    Column("rejection_reason", Text),
    Column("answer", Text),
    Column("satisfaction", String(24)),
    Column("resolved_at", DateTime),
    Column("closed_at", DateTime),
    Column("reopened_count", Integer, nullable=False),
    Column("version", Integer, nullable=False),
)

demand_events = Table(
    "demand_events",
    metadata,
    Column("demand_id", String(64), ForeignKey("demands.demand_id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("action", String(16), nullable=False),
    Column("from_state", String(16)),
    Column("to_state", String(16), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("note", Text),
    Column("data", Text, nullable=False),
)

grants = Table(
    "grants",
    metadata,
    Column("grant_id", String(64), primary_key=True),
    Column("benefit_id", String(64), nullable=False),
    Column("member_id", String(32), ForeignKey("members.member_id"), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("granted_on", Date, nullable=False),
    Column("form", String(16), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("rule_version", String(64)),
    # Ledger columns (migration v0003): a grant without them is a plain paid grant.
    Column("entry_kind", String(16), nullable=False, default="grant"),
    Column("reverses", String(64)),
    Column("idempotency_key", String(200), unique=True),
    Column("event_key", String(200)),
    Column("relation", String(24)),
    Column("status", String(16), nullable=False, default="approved"),
    Column("proposer", String(64)),
    Column("approvals_needed", Integer, nullable=False, default=0),
    Column("decision", Text),
)
