"""Shared fixtures: a store on a real SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from attrs import frozen

from unionkit.calendar import WorkCalendar
from unionkit.demands import DeadlinePolicy, Workflow
from unionkit.store import Store, open_store

_CALENDAR = WorkCalendar.default()


def postgres_url() -> str:
    """
    The test server's URL from ``UNIONKIT_TEST_PG_URL``.

    Locally a missing server skips the test with the reason; under CI (``CI=true``)
    it fails, so PostgreSQL coverage can never silently disappear.
    """
    url = os.environ.get("UNIONKIT_TEST_PG_URL", "")
    if url and url != "unavailable":
        return url
    reason = (
        "PostgreSQL tests need UNIONKIT_TEST_PG_URL: run `source tools/postgres.sh` first"
    )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run in CI)")
    pytest.skip(reason)


@frozen
class StoreTarget:
    """Where a test store lives: what to pass to ``open_store`` (also from a subprocess)."""

    backend: str
    target: str
    schema: str | None

    def open(self, workflow: Workflow | None = None) -> Store:
        """Open (and migrate) this store."""
        return open_store(self.target, workflow=workflow or make_workflow(), schema=self.schema)


def make_workflow() -> Workflow:
    """A workflow with a fixed router, as a branch plugin would supply."""
    return Workflow(
        policy=DeadlinePolicy(default=15, by_category={"canteen": 3}),
        calendar=_CALENDAR,
        router=lambda d: {"canteen": "logistics", "pay": "hr"}.get(d.category or ""),
    )



MONDAY = datetime(2026, 3, 2, 9, 30)


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
