"""Members as the system of record, benefit definitions, the grants ledger, visits, files."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "v0003"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the ledger columns to grants and create the new tables."""
    op.add_column(
        "grants", sa.Column("entry_kind", sa.String(16), nullable=False, server_default="grant")
    )
    op.add_column("grants", sa.Column("reverses", sa.String(64)))
    op.add_column("grants", sa.Column("idempotency_key", sa.String(200)))
    op.add_column("grants", sa.Column("event_key", sa.String(200)))
    op.add_column("grants", sa.Column("relation", sa.String(24)))
    op.add_column(
        "grants", sa.Column("status", sa.String(16), nullable=False, server_default="approved")
    )
    op.add_column("grants", sa.Column("proposer", sa.String(64)))
    op.add_column(
        "grants", sa.Column("approvals_needed", sa.Integer, nullable=False, server_default="0")
    )
    op.add_column("grants", sa.Column("decision", sa.Text))
    op.create_index("ux_grants_idempotency_key", "grants", ["idempotency_key"], unique=True)
    # Covering the compliance check's read of a year, so it never visits the table rows.
    op.create_index(
        "ix_grants_ledger",
        "grants",
        ["granted_on", "member_id", "benefit_id", "amount_fen", "entry_kind", "event_key"],
    )
    op.create_table(
        "member_sync",
        sa.Column("member_id", sa.String(32), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
    )
    op.create_table(
        "member_imports",
        sa.Column("import_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("partial", sa.Boolean, nullable=False),
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("left", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
    )
    op.create_table(
        "member_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "import_id", sa.Integer, sa.ForeignKey("member_imports.import_id"), nullable=False
        ),
        sa.Column("member_id", sa.String(32), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
        sa.Column("masked", sa.Boolean, nullable=False),
    )
    op.create_index("ix_member_changes_member_id", "member_changes", ["member_id"])
    op.create_table(
        "benefit_definitions",
        sa.Column("benefit_id", sa.String(64), primary_key=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("record", sa.Text, nullable=False),
    )
    op.create_table(
        "grant_approvals",
        sa.Column("grant_id", sa.String(64), sa.ForeignKey("grants.grant_id"), primary_key=True),
        sa.Column("approver", sa.String(64), primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "closed_years",
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("closed_at", sa.DateTime, nullable=False),
        sa.Column("closed_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "visits",
        sa.Column("visit_id", sa.String(64), primary_key=True),
        sa.Column("member_id", sa.String(32), sa.ForeignKey("members.member_id"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("relation", sa.String(24)),
        sa.Column("assignee", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("done_on", sa.Date),
        sa.Column("note", sa.Text),
        sa.Column("grant_id", sa.String(64)),
        sa.Column("source_key", sa.String(200), unique=True),
    )
    op.create_index("ix_visits_due_on", "visits", ["due_on"])
    op.create_table(
        "hardship_files",
        sa.Column("file_id", sa.String(64), primary_key=True),
        sa.Column("member_id", sa.String(32), sa.ForeignKey("members.member_id"), nullable=False),
        sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("entered_on", sa.Date, nullable=False),
        sa.Column("evidence", sa.String(200), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("verified_on", sa.Date, nullable=False),
        sa.Column("notice_from", sa.Date),
        sa.Column("notice_until", sa.Date),
        sa.Column("left_on", sa.Date),
        sa.Column("follow_up_until", sa.Date),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "hardship_events",
        sa.Column(
            "file_id", sa.String(64), sa.ForeignKey("hardship_files.file_id"), primary_key=True
        ),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "proposal_runs",
        sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("ruleset_version", sa.String(64), nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=False),
        sa.Column("proposed", sa.Integer, nullable=False),
    )
    op.create_table(
        "proposals",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("proposal_runs.run_id"), nullable=False),
        sa.Column("member_id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("amount_fen", sa.Integer),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_table(
        "proposal_confirmations",
        sa.Column("key", sa.String(300), sa.ForeignKey("proposals.key"), primary_key=True),
        sa.Column("grant_id", sa.String(64), nullable=False),
        sa.Column("granted_on", sa.Date, nullable=False),
        sa.Column("confirmed_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    """Drop the new tables and the ledger columns."""
    for table in (
        "hardship_events",
        "hardship_files",
        "visits",
        "closed_years",
        "grant_approvals",
        "benefit_definitions",
        "member_changes",
        "member_imports",
        "member_sync",
    ):
        op.drop_table(table)
    op.drop_index("ix_grants_ledger", "grants")
    op.drop_index("ux_grants_idempotency_key", "grants")
    with op.batch_alter_table("grants") as batch:
        for column in (
            "decision",
            "approvals_needed",
            "proposer",
            "status",
            "relation",
            "event_key",
            "idempotency_key",
            "reverses",
            "entry_kind",
        ):
            batch.drop_column(column)
