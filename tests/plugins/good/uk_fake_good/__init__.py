"""A sound fake plugin: one rule, a deadline, a route, and a notification log."""

from __future__ import annotations

from datetime import date

from unionkit.hooks import Branch, hookimpl
from unionkit.models import Demand, DemandEvent
from unionkit.rules import Rule, ValueType, field

BRANCHES = frozenset({"alpha"})
UNIONKIT_REQUIRES = ">=0.1"
SEEN: list[str] = []


@hookimpl
def unionkit_register_rules(branch: Branch, today: date) -> list[Rule]:
    return [
        Rule(
            "fake_long_sick",
            field("sick_leave_days") > 30,
            "长病假",
            "long sick leave",
            ValueType.bool,
        )
    ]


@hookimpl
def unionkit_register_deadline_days(branch: Branch) -> dict[str, int]:
    return {"canteen": 3}


@hookimpl
def unionkit_route_demand(demand: Demand) -> str | None:
    return "后勤保障部" if demand.category == "canteen" else None


@hookimpl
def unionkit_demand_transitioned(demand: Demand, event: DemandEvent) -> None:
    SEEN.append(f"{demand.demand_id}:{event.to_state.value}")
