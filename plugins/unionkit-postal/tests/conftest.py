"""Fixtures shared by the postal plugin's tests: its host and a copy of the example exports."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import unionkit_postal.hooks

from unionkit.hooks import PluginHost

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(autouse=True)
def store_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed test key: the store keeps ID and phone numbers only encrypted."""
    monkeypatch.setenv("UNIONKIT_KEY", "dW5pb25raXQtdGVzdC1rZXktMzItYnl0ZXMtbG9uZyE=")


@pytest.fixture
def host(plugin_host: PluginHost, register_plugin: Callable[..., str]) -> PluginHost:
    """A plugin host with the postal plugin registered."""
    register_plugin(unionkit_postal.hooks, name="postal")
    return plugin_host


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A temporary folder holding the example roster and HR / insurance exports."""
    for f in EXAMPLES.iterdir():
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """One string naming the store, as both --state and --db take it."""
    if request.param == "sqlite":
        yield str(tmp_path / "unionkit.db")
        return
    url = os.environ.get("UNIONKIT_TEST_PG_URL", "")
    if not url or url == "unavailable":
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI=true: PostgreSQL tests need UNIONKIT_TEST_PG_URL")
        pytest.skip("PostgreSQL tests need UNIONKIT_TEST_PG_URL (source tools/postgres.sh)")
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
