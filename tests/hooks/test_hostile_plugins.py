"""Plugins that exit or change what they are given are named, never silent, never misblamed."""

from __future__ import annotations

import sys
from datetime import date, datetime

import pytest

from unionkit.branches import branch_ruleset
from unionkit.errors import PluginError
from unionkit.hooks import Branch, PluginHost, hookimpl
from unionkit.models import Demand, DemandKind
from unionkit.rules import Rule, ValueType, field

TODAY = date(2025, 6, 1)


class _Exits:
    @hookimpl
    def unionkit_register_rules(self) -> list[Rule]:
        sys.exit(0)


class _Mutates:
    """Changes the branch it is given (frozen attrs can still be forced) and the demand."""

    @hookimpl
    def unionkit_register_rules(self, branch: Branch) -> list[Rule]:
        object.__setattr__(branch, "slug", "elsewhere")
        return []

    @hookimpl
    def unionkit_route_demand(self, demand: Demand) -> str | None:
        object.__setattr__(demand, "title", "changed")
        return None


class _Checks:
    """An honest plugin that relies on the branch it is given."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    @hookimpl
    def unionkit_register_rules(self, branch: Branch) -> list[Rule]:
        self.seen.append(branch.slug)
        assert branch.slug == "b", "wrong branch"
        return [Rule("honest", field("frontline"), "诚实", "honest", ValueType.bool)]

    @hookimpl
    def unionkit_route_demand(self, demand: Demand) -> str | None:
        self.seen.append(demand.title)
        return None


def _demand() -> Demand:
    return Demand(
        demand_id="D1",
        member_id="M1",
        kind=DemandKind.REQUEST,
        title="食堂",
        content="晚班没有热饭",
        submitted_at=datetime(2025, 6, 2, 9),
    )


def test_a_plugin_calling_sys_exit_is_a_plugin_error_naming_it(plugin_host: PluginHost) -> None:
    plugin_host.register(_Exits(), name="quitter")

    with pytest.raises(PluginError) as err:
        branch_ruleset(plugin_host, "b", TODAY)

    assert ("quitter", "unionkit_register_rules") == (err.value.plugin_name, err.value.hook_name)
    assert isinstance(err.value.__cause__, SystemExit)


@pytest.mark.parametrize("order", ["mutator first", "mutator last"])
def test_a_plugin_changing_the_branch_is_blamed_and_the_others_see_the_real_one(
    plugin_host: PluginHost, order: str
) -> None:
    honest = _Checks()
    plugins = [(_Mutates(), "mutator"), (honest, "honest")]
    for plugin, name in plugins if order == "mutator first" else reversed(plugins):
        plugin_host.register(plugin, name=name)

    with pytest.raises(PluginError) as err:
        branch_ruleset(plugin_host, "b", TODAY)

    assert "mutator" == err.value.plugin_name
    assert "branch" in str(err.value)
    assert all(slug == "b" for slug in honest.seen)


def test_a_plugin_changing_a_demand_it_routes_is_blamed(plugin_host: PluginHost) -> None:
    honest = _Checks()
    plugin_host.register(honest, name="honest")
    plugin_host.register(_Mutates(), name="mutator")
    demand = _demand()

    with pytest.raises(PluginError) as err:
        plugin_host.route_demand(demand, "b")

    assert "mutator" == err.value.plugin_name
    assert "食堂" == demand.title
