"""Fixtures for the plugin-manager tests: fake installed distributions on a temporary path."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Imported, not listed in pytest_plugins: pytest allows that only in the top-level conftest.
from unionkit.testing import make_branch, make_member, plugin_host, register_plugin

__all__ = ["install", "make_branch", "make_member", "plugin_host", "register_plugin"]

FAKES = Path(__file__).resolve().parent.parent / "plugins"


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Put fake distributions (folders of ``tests/plugins``) on ``sys.path`` for one test."""
    before = set(sys.modules)
    monkeypatch.delenv("UNIONKIT_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("UNIONKIT_DISABLED_PLUGINS", raising=False)

    def install(*scenarios: str) -> None:
        for scenario in scenarios:
            monkeypatch.syspath_prepend(str(FAKES / scenario))

    yield install
    for name in set(sys.modules) - before:
        if name.startswith("uk_fake_"):
            del sys.modules[name]
