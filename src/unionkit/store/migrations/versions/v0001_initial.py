"""Initial schema: members, groups, memberships, demands, demand_events, grants."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables and their indexes."""
    op.create_table(
        "members",
        sa.Column("member_id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(64)),
        sa.Column("national_id", sa.String(18)),
        sa.Column("phone", sa.String(20)),
        sa.Column("department", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("anonymised", sa.Boolean, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
    )
    op.create_table(
        "groups",
        sa.Column("group_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("parent_id", sa.String(64)),
        sa.Column("parent_kind", sa.String(24)),
        sa.Column("rating", sa.String(16)),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.String(32), sa.ForeignKey("members.member_id"), nullable=False),
        sa.Column("group_id", sa.String(64), sa.ForeignKey("groups.group_id"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("since", sa.Date),
        sa.Column("until", sa.Date),
    )
    op.create_table(
        "demands",
        sa.Column("demand_id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("member_id", sa.String(32), sa.ForeignKey("members.member_id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("category", sa.String(64)),
        sa.Column("submitted_at", sa.DateTime, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("department", sa.String(64)),
        sa.Column("deadline", sa.Date),
        sa.Column("deadline_estimated", sa.Boolean, nullable=False),
        sa.Column("key_supervision", sa.Boolean, nullable=False),
        sa.Column("co_signers", sa.Text, nullable=False),
        sa.Column("merged_into", sa.String(64)),
        sa.Column("rejection_reason", sa.Text),
        sa.Column("answer", sa.Text),
        sa.Column("satisfaction", sa.String(24)),
        sa.Column("resolved_at", sa.DateTime),
        sa.Column("closed_at", sa.DateTime),
        sa.Column("reopened_count", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, sa.CheckConstraint("version >= 1"), nullable=False),
    )
    for column in ("state", "category", "department", "deadline", "submitted_at", "member_id"):
        op.create_index(f"ix_demands_{column}", "demands", [column])
    op.create_table(
        "demand_events",
        sa.Column("demand_id", sa.String(64), sa.ForeignKey("demands.demand_id"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("from_state", sa.String(16)),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_demand_events_at", "demand_events", ["at"])
    op.create_table(
        "grants",
        sa.Column("grant_id", sa.String(64), primary_key=True),
        sa.Column("benefit_id", sa.String(64), nullable=False),
        sa.Column("member_id", sa.String(32), sa.ForeignKey("members.member_id"), nullable=False),
        sa.Column(
            "amount_fen", sa.BigInteger, sa.CheckConstraint("amount_fen > 0"), nullable=False
        ),
        sa.Column("granted_on", sa.Date, nullable=False),
        sa.Column("form", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("rule_version", sa.String(64)),
    )
    op.create_index("ix_grants_member_id", "grants", ["member_id"])
