"""Fixtures shared by the postal plugin's tests: its host and a copy of the example exports."""

from __future__ import annotations

import shutil
from collections.abc import Callable
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
