"""Welfare providers: catalogue items, members' orders within quota, lines and status history."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "v0005"
down_revision: str | None = "v0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the welfare tables and their indexes."""
    op.create_table(
        "welfare_items",
        sa.Column("provider_id", sa.String(64), primary_key=True),
        sa.Column("item_id", sa.String(64), primary_key=True),
        sa.Column("name_zh", sa.String(128), nullable=False),
        sa.Column("name_en", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("form", sa.String(16), nullable=False),
        sa.Column("price_fen", sa.BigInteger, sa.CheckConstraint("price_fen > 0"), nullable=False),
        sa.Column("home_delivery", sa.Boolean, nullable=False),
        sa.Column("listed_on", sa.Date, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "welfare_orders",
        sa.Column("order_id", sa.String(64), primary_key=True),
        sa.Column("idempotency_key", sa.String(160), nullable=False, unique=True),
        sa.Column("provider_id", sa.String(64), nullable=False),
        sa.Column("member_id", sa.String(32), sa.ForeignKey("members.member_id"), nullable=False),
        sa.Column("quota_key", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("total_fen", sa.BigInteger, sa.CheckConstraint("total_fen > 0"), nullable=False),
        sa.Column("chosen_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, sa.CheckConstraint("version >= 1"), nullable=False),
        sa.Column("provider_reference", sa.String(128)),
        sa.Column("expected_delivery", sa.Date),
        sa.Column("home_delivery", sa.Boolean, nullable=False),
    )
    op.create_index("ix_welfare_orders_quota", "welfare_orders", ["member_id", "quota_key", "year"])
    op.create_table(
        "welfare_order_lines",
        sa.Column(
            "order_id", sa.String(64), sa.ForeignKey("welfare_orders.order_id"), primary_key=True
        ),
        sa.Column("line_no", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("quantity", sa.Integer, sa.CheckConstraint("quantity >= 1"), nullable=False),
        sa.Column("unit_price_fen", sa.BigInteger, nullable=False),
        sa.Column("amount_fen", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "welfare_order_events",
        sa.Column(
            "order_id", sa.String(64), sa.ForeignKey("welfare_orders.order_id"), primary_key=True
        ),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text),
    )
