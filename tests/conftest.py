"""Shared fixtures: a store on a real SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from store_support import StoreTarget, postgres_url
from unionkit.store import Store

TEST_STORE_KEY = "dW5pb25raXQtdGVzdC1rZXktMzItYnl0ZXMtbG9uZyE="
"""A fixed, public store key for tests: ID and phone numbers are only stored encrypted."""


@pytest.fixture(autouse=True)
def store_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test (and subprocess it starts) opens stores with the test key."""
    monkeypatch.setenv("UNIONKIT_KEY", TEST_STORE_KEY)
    monkeypatch.delenv("UNIONKIT_KEY_FILE", raising=False)
    return TEST_STORE_KEY


@pytest.fixture(params=["sqlite", "postgres"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreTarget]:
    """An empty store location on each backend (a new file, or a new PostgreSQL schema)."""
    if request.param == "sqlite":
        yield StoreTarget("sqlite", str(tmp_path / "unionkit.db"), None)
        return
    url = postgres_url()
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield StoreTarget("postgres", url, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def store(store_target: StoreTarget) -> Iterator[Store]:
    """An open, migrated, empty store on SQLite and on PostgreSQL."""
    opened = store_target.open()
    try:
        yield opened
    finally:
        opened.close()
