"""Pytest fixtures for plugin authors: ``pytest_plugins = ["unionkit.testing"]``."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

import pytest

from unionkit.hooks import Branch, PluginHost
from unionkit.models import Member

__all__ = ["make_branch", "make_member", "plugin_host", "register_plugin"]

_MEMBER_DEFAULTS: dict[str, Any] = {
    "name": "测试会员",
    "sex": "female",
    "birth_date": date(1985, 6, 15),
    "department": "内科",
    "union_group_id": "G01",
    "hire_date": date(2010, 7, 1),
    "employment_type": "permanent",
}


@pytest.fixture
def plugin_host(monkeypatch: pytest.MonkeyPatch) -> Iterator[PluginHost]:
    """
    A plugin host with unionkit's built-ins and no installed plugins (autoload off).

    Register the plugin under test with the ``register_plugin`` fixture.
    """
    monkeypatch.setenv("UNIONKIT_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.delenv("UNIONKIT_DISABLED_PLUGINS", raising=False)
    yield PluginHost(autoload=False)


@pytest.fixture
def register_plugin(plugin_host: PluginHost) -> Callable[..., str]:
    """
    Register a plugin module or object on ``plugin_host``.

    Call it as ``register_plugin(module, branches={"hospital"}, name="hospital")``;
    it returns the name the plugin was registered under.
    """

    def register(
        plugin: object, branches: Iterable[str] | None = None, name: str | None = None
    ) -> str:
        return plugin_host.register(plugin, name, branches=branches)

    return register


@pytest.fixture
def make_member() -> Callable[..., Member]:
    """
    Build valid members: ``make_member(sick_leave_days=40, serious_illness=True)``.

    Each call gets a fresh ``member_id`` unless one is given; dates are fixed so
    tests do not depend on the day they run.
    """
    counter = itertools.count(1)

    def build(**overrides: Any) -> Member:
        data = {**_MEMBER_DEFAULTS, "member_id": f"T{next(counter):05d}", **overrides}
        return Member.model_validate(data, context={"today": date(2026, 1, 1)})

    return build


@pytest.fixture
def make_branch() -> Callable[..., Branch]:
    """Build branches: ``make_branch("hospital", kind="hospital")``."""

    def build(slug: str = "test-branch", **overrides: str) -> Branch:
        return Branch(slug, **overrides)

    return build
