"""Alembic environment: runs migrations on the connection ``open_store`` passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError(
        "unionkit migrations run through unionkit.store.open_store(), not the alembic CLI"
    )
context.configure(connection=connection, render_as_batch=True, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
