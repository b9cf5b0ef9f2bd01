"""Helpers shared by the store, reliability and CLI tests: store locations on each backend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

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

    @property
    def url(self) -> str:
        """One ``--db`` value naming the store: the file, or the URL with the schema in it."""
        if self.schema is None:
            return self.target
        sep = "&" if "?" in self.target else "?"
        return f"{self.target}{sep}options=-csearch_path%3D{self.schema}"


def race(worker: Path, runs: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """
    Start one process of *worker* per argument list, let them all go at once, collect them.

    Each process prints READY once its store is open, waits for a line on stdin, then
    prints one JSON line last; every process is killed if the test fails on the way.
    """
    workers = [
        subprocess.Popen(
            [sys.executable, str(worker), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for args in runs
    ]
    try:
        for w in workers:
            assert w.stdout is not None and w.stdout.readline().strip() == "READY"
        for w in workers:
            assert w.stdin is not None
            w.stdin.write("go\n")
            w.stdin.flush()
        return [json.loads(w.communicate(timeout=120)[0].strip().splitlines()[-1]) for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()


def make_workflow() -> Workflow:
    """A workflow with a fixed router, as a branch plugin would supply."""
    return Workflow(
        policy=DeadlinePolicy(default=15, by_category={"canteen": 3}),
        calendar=_CALENDAR,
        router=lambda d: {"canteen": "logistics", "pay": "hr"}.get(d.category or ""),
    )


MONDAY = datetime(2026, 3, 2, 9, 30)
