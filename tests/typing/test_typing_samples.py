"""The typing samples also run: the plugin author's hooks work through a real plugin host."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import facade
import plugin_hooks
import pytest

from unionkit.errors import Rejected
from unionkit.models import Benefit, Demand, Grant
from unionkit.rules import ValueType


def test_the_sample_plugin_contributes_through_the_typed_facade() -> None:
    host = facade.host_with_the_plugin()

    contributed = facade.what_the_plugin_contributes(host)

    assert (["demo_many_night_shifts"], ValueType.int, 3) == contributed


def test_the_sample_rule_runs_in_batch_and_explains_one_member() -> None:
    host = facade.host_with_the_plugin()

    flags, text = facade.evaluate_and_explain(host)

    assert [True, False] == flags  # 12 and 3 night shifts against a threshold of 8
    assert "many night shifts" in text


def test_the_sample_routing_and_veto_reach_the_plugin() -> None:
    host = facade.host_with_the_plugin()
    demand = Demand(
        demand_id="D1",
        member_id="A1",
        kind="request",
        category="night_shift",
        title="夜班太多",
        content="连续夜班",
        submitted_at=datetime(2026, 5, 4, 9),
    )
    benefit = Benefit(
        benefit_id="b", kind="illness_visit", name_zh="慰问", name_en="visit", form="cash"
    )
    grant = Grant(
        grant_id="g",
        benefit_id="b",
        member_id="A1",
        amount=Decimal("2000.01"),
        granted_on=datetime(2026, 5, 4).date(),
        form="cash",
        reason="慰问",
    )

    department = facade.route(host, demand)

    assert "护理部" == department
    with pytest.raises(Rejected, match=r"2000\.01 yuan is above") as err:
        host.grant_validator(facade.BRANCH)(grant, benefit)
    assert "typing-demo" == err.value.plugin_name
    assert plugin_hooks.BRANCHES == frozenset({facade.BRANCH})
