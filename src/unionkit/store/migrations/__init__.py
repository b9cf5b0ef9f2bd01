"""Alembic migrations of the store, run by ``open_store`` under a lock."""
