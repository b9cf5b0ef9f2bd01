"""The budgets table (migration v0006): append-only budget entries per year and category."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Integer, String, Table, Text

from unionkit.store._schema import metadata

__all__ = ["budgets"]

budgets = Table(
    "budgets",
    metadata,
    Column("entry_id", Integer, primary_key=True, autoincrement=True),
    Column("year", Integer, nullable=False),
    Column("category", String(32), nullable=False),
    # "" for the whole category: a NULL would make "the latest entry per key" awkward in SQL.
    Column("programme", String(64), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("source", String(300), nullable=False),
    Column("set_by", String(64), nullable=False),
    Column("set_at", DateTime, nullable=False),
    Column("note", Text),
    Column("supersedes", Integer, ForeignKey("budgets.entry_id")),
)
