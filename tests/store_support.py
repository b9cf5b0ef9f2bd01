"""Helpers shared by the store, reliability and CLI tests: store locations on each backend."""

from __future__ import annotations

import os
from datetime import datetime

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
    reason = "PostgreSQL tests need UNIONKIT_TEST_PG_URL: run `source tools/postgres.sh` first"
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
