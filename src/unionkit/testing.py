"""Pytest fixtures for plugin authors: ``pytest_plugins = ["unionkit.testing"]``."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time
from typing import Any

import pytest

from unionkit.calendar import CALENDAR_DIR_VARIABLE
from unionkit.hooks import Branch, PluginHost
from unionkit.models import Member

__all__ = ["make_branch", "make_member", "plugin_host", "register_plugin"]

TODAY_VARIABLE = "UNIONKIT_TEST_TODAY"
"""Set it (``UNIONKIT_TEST_TODAY=2026-12-05``) to run a whole test session on another day."""

_TRAVEL_KEY = pytest.StashKey[Any]()


def pytest_configure(config: pytest.Config) -> None:
    """
    Move the clock to ``$UNIONKIT_TEST_TODAY`` for the whole session, when it is set.

    A test's verdict must not depend on the day it runs; running the suite once on a
    chosen day (CI uses a December date, when next year's holidays are often missing)
    shows any test that reads the clock instead of injecting a date. The clock keeps
    ticking from 10:00 that day, so timeouts and durations still behave.
    """
    value = os.environ.get(TODAY_VARIABLE, "").strip()
    if not value:
        return
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(
            f"{TODAY_VARIABLE}={value!r} is not a date like 2026-12-05 / 须为日期"
        ) from None
    try:
        import time_machine
    except ImportError:
        raise pytest.UsageError(
            f"{TODAY_VARIABLE} needs time-machine: pip install time-machine"
        ) from None
    traveller = time_machine.travel(datetime.combine(day, time(10, 0)), tick=True)
    traveller.start()
    config.stash[_TRAVEL_KEY] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    """Put the clock back when the session moved it."""
    traveller = config.stash.get(_TRAVEL_KEY, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say on which day the session runs when the clock was moved."""
    value = os.environ.get(TODAY_VARIABLE, "").strip()
    return f"unionkit: clock moved to {value} ({TODAY_VARIABLE})" if value else None


_MEMBER_DEFAULTS: dict[str, Any] = {
    "name": "测试会员",
    "sex": "female",
    "birth_date": date(1985, 6, 15),
    "department": "内科",
    "union_group_id": "G01",
    "hire_date": date(2010, 7, 1),
    "employment_type": "permanent",
}


@pytest.fixture(autouse=True)
def _machine_user_files_hidden(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """
    Hide this machine's per-user unionkit files from tests.

    A test's verdict must not depend on which holiday years an administrator added
    (``unionkit calendar add``) or whether this user made a store key (``unionkit store
    new-key``) on the machine that runs it. A test that wants year files sets
    ``UNIONKIT_CALENDAR_DIR`` itself; an explicit ``UNIONKIT_CALENDAR_DIR`` in the
    environment is respected.
    """
    if not os.environ.get(CALENDAR_DIR_VARIABLE):
        monkeypatch.setenv(CALENDAR_DIR_VARIABLE, str(tmp_path_factory.mktemp("calendar")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


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
