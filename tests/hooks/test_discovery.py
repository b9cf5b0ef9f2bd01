"""Plugin discovery through real entry points, and the failures a plugin can cause."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from unionkit.branches import branch_ruleset
from unionkit.errors import (
    PluginConflict,
    PluginError,
    PluginLoadError,
    UnionkitPluginWarning,
)
from unionkit.hooks import PluginHost
from unionkit.models import Demand, DemandKind

TODAY = date(2026, 6, 1)


def _demand(category: str) -> Demand:
    return Demand(
        demand_id="D1",
        kind=DemandKind.REQUEST,
        member_id="M1",
        title="食堂",
        content="晚餐太早",
        category=category,
        submitted_at=datetime(2026, 6, 1, 9),
    )


def test_installed_plugin_is_found_through_its_entry_point(install: Callable[..., None]) -> None:
    install("good")

    host = PluginHost()

    info = {i.name: i for i in host.describe()}["fake-good"]
    assert "1.2.3" == info.version
    assert "uk-fake-good" == info.distribution
    assert frozenset({"alpha"}) == info.branches
    assert "unionkit_route_demand" in info.hooks
    assert "后勤保障部" == host.route_demand(_demand("canteen"), "alpha")


def test_autoload_off_by_environment_skips_entry_points(
    install: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    install("good")
    monkeypatch.setenv("UNIONKIT_DISABLE_PLUGIN_AUTOLOAD", "1")

    names = [i.name for i in PluginHost().describe()]

    assert "fake-good" not in names
    assert "unionkit" in names


def test_disabled_plugins_are_blocked(
    install: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    install("good", "raises")
    monkeypatch.setenv("UNIONKIT_DISABLED_PLUGINS", "fake-raises, other")

    names = [i.name for i in PluginHost().describe()]

    assert "fake-good" in names
    assert "fake-raises" not in names


def test_plugin_is_active_only_for_its_branches(install: Callable[..., None]) -> None:
    install("good")
    host = PluginHost()

    assert host.is_active("fake-good", "alpha")
    assert not host.is_active("fake-good", "beta")
    assert {"canteen": 3} == host.deadline_days("alpha")
    assert {} == host.deadline_days("beta")


def test_plugin_that_raises_is_named(install: Callable[..., None]) -> None:
    install("raises")
    host = PluginHost()

    with pytest.raises(PluginError) as err:
        host.route_demand(_demand("canteen"), "alpha")

    assert "fake-raises" == err.value.plugin_name
    assert "unionkit_route_demand" == err.value.hook_name
    assert isinstance(err.value.__cause__, LookupError)
    assert str(err.value).splitlines() == [
        "Plugin 'fake-raises' failed in hook 'unionkit_route_demand'",
        "cause: LookupError: no routing table",
    ]


def test_plugin_whose_rules_hook_raises_is_named_and_others_still_work(
    install: Callable[..., None],
) -> None:
    install("raises", "good")
    host = PluginHost()

    with pytest.raises(
        PluginError, match="Plugin 'fake-raises' failed in hook 'unionkit_register_rules'"
    ):
        branch_ruleset(host, "alpha", TODAY)
    host.block("fake-raises")

    assert "fake_long_sick" in branch_ruleset(host, "alpha", TODAY).rules


def test_plugin_returning_garbage_is_named(install: Callable[..., None]) -> None:
    install("garbage")
    host = PluginHost()

    with pytest.raises(PluginError) as rules_err:
        branch_ruleset(host, "alpha", TODAY)
    with pytest.raises(PluginError) as days_err:
        host.deadline_days("alpha")

    assert "fake-garbage" == rules_err.value.plugin_name
    assert "cause: ValidationError" in str(rules_err.value)
    assert "unionkit_register_deadline_days" == days_err.value.hook_name


def test_two_plugins_defining_one_rule_clash_naming_both(install: Callable[..., None]) -> None:
    install("clash_a", "clash_b")
    host = PluginHost()

    with pytest.raises(PluginConflict) as err:
        branch_ruleset(host, "alpha", TODAY)

    assert "clash_rule" == err.value.name
    assert {"fake-clash-a", "fake-clash-b"} == set(err.value.plugins)
    assert "fake-clash-a" in str(err.value)
    assert "fake-clash-b" in str(err.value)


def test_clash_is_scoped_to_the_branches_both_plugins_serve(
    install: Callable[..., None],
) -> None:
    install("clash_a", "clash_b")
    host = PluginHost()
    host.set_branches("fake-clash-a", {"alpha"})
    host.set_branches("fake-clash-b", {"beta"})

    alpha = branch_ruleset(host, "alpha", TODAY)
    beta = branch_ruleset(host, "beta", TODAY)

    assert "甲" == alpha.rules["clash_rule"].label_zh
    assert "乙" == beta.rules["clash_rule"].label_zh


def test_incompatible_plugin_is_skipped_with_a_warning(install: Callable[..., None]) -> None:
    install("old")

    with pytest.warns(UnionkitPluginWarning, match="fake-old.*>=9.0,<10"):
        host = PluginHost()

    info = {i.name: i for i in host.describe()}["fake-old"]
    assert not info.active
    assert {} == host.deadline_days("alpha")


def test_unimportable_plugin_names_itself_and_the_way_out(install: Callable[..., None]) -> None:
    install("unimportable")

    with pytest.raises(PluginLoadError) as err:
        PluginHost()

    assert "fake-unimportable" == err.value.plugin_name
    assert "Plugin 'fake-unimportable' could not be loaded" in str(err.value)
    assert "UNIONKIT_DISABLED_PLUGINS=fake-unimportable" in str(err.value)


def test_misspelt_hook_is_a_load_error_naming_the_plugin(install: Callable[..., None]) -> None:
    install("unknown_hook")

    with pytest.raises(PluginLoadError, match="fake-unknown-hook") as err:
        PluginHost()

    assert "fake-unknown-hook" == err.value.plugin_name


def test_select_keeps_only_the_chosen_plugins(install: Callable[..., None]) -> None:
    install("good", "clash_a")
    host = PluginHost()

    host.select(only=["fake-good"])

    names = {i.name for i in host.describe()}
    assert "fake-good" in names
    assert "fake-clash-a" not in names
    assert "unionkit" in names


def test_select_refuses_an_unknown_plugin_name(install: Callable[..., None]) -> None:
    install("good")
    host = PluginHost()

    with pytest.raises(PluginLoadError, match="fake-goood"):
        host.select(exclude=["fake-goood"])
