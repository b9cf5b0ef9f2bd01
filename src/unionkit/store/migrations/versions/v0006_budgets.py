"""Budgets per year and category (append-only), and a covering index for the year report."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "v0006"
down_revision: str | None = "v0005"
branch_labels = None
depends_on = None

# Every column the demand figures read, after the period column: the year report scans
# a year's demands from this index alone instead of visiting each wide table row.
_DEMAND_REPORT_COLUMNS = [
    "submitted_at",
    "kind",
    "state",
    "category",
    "department",
    "resolved_at",
    "closed_at",
    "deadline",
    "deadline_estimated",
    "key_supervision",
    "reopened_count",
    "satisfaction",
]


def upgrade() -> None:
    """Create the budgets table and the demand report's covering index."""
    op.create_table(
        "budgets",
        sa.Column("entry_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("programme", sa.String(64), nullable=False),
        sa.Column(
            "amount_fen", sa.BigInteger, sa.CheckConstraint("amount_fen >= 0"), nullable=False
        ),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.Column("set_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("supersedes", sa.Integer, sa.ForeignKey("budgets.entry_id")),
    )
    op.create_index("ix_budgets_key", "budgets", ["year", "category", "programme", "entry_id"])
    op.create_index("ix_demands_report", "demands", _DEMAND_REPORT_COLUMNS)


def downgrade() -> None:
    """Drop the index and the budgets table (its history goes with it)."""
    op.drop_index("ix_demands_report", "demands")
    op.drop_index("ix_budgets_key", "budgets")
    op.drop_table("budgets")
