"""A branch plugin's hooks module as its author writes it, each hook checked against its spec."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from unionkit import Rejected, hookimpl
from unionkit.hooks import Branch, HardshipCriterion, RuleEntry, implements, specs
from unionkit.models import Benefit, Demand, DemandEvent, Grant
from unionkit.rules import FieldType, Parameters, Rule, ValueType, field, param
from unionkit.rules.parameters import Parameter, ParameterValue

BRANCHES = frozenset({"typing-demo"})
UNIONKIT_REQUIRES = ">=0.1,<0.2"

NIGHT_SHIFTS = Rule(
    "demo_many_night_shifts",
    field("demo_night_shifts") >= param("demo.night_shifts"),
    "夜班多",
    "many night shifts",
    ValueType.bool,
)
EXTRA_SHIFTS = Rule(
    "demo_extra_night_shifts",
    field("demo_night_shifts") - param("demo.night_shifts"),
    "超出的夜班数",
    "night shifts over the threshold",
    ValueType.int,
)


@implements(specs.unionkit_register_fields)
@hookimpl
def unionkit_register_fields(branch: Branch) -> Mapping[str, FieldType]:
    """The input column the branch's rule reads."""
    return {"demo_night_shifts": ValueType.int}


@implements(specs.unionkit_register_parameters)
@hookimpl
def unionkit_register_parameters(branch: Branch, today: date) -> list[Parameters]:
    """The night-shift threshold, dated."""
    threshold = Parameter(
        "demo.night_shifts", "shifts", values=(ParameterValue(date(2025, 1, 1), 8),)
    )
    return [Parameters([threshold])]


@implements(specs.unionkit_register_rules)
@hookimpl
def unionkit_register_rules(branch: Branch, today: date) -> list[Rule | RuleEntry]:
    """One rule of the branch's own (the criterion's rule comes with the criterion)."""
    return [EXTRA_SHIFTS]


@implements(specs.unionkit_register_hardship_criteria)
@hookimpl
def unionkit_register_hardship_criteria(branch: Branch, today: date) -> list[HardshipCriterion]:
    """Night shifts count as a hardship criterion, with a small weight."""
    return [HardshipCriterion(name=NIGHT_SHIFTS.name, rule=NIGHT_SHIFTS, weight=5.0)]


@implements(specs.unionkit_register_deadline_days)
@hookimpl
def unionkit_register_deadline_days(branch: Branch) -> dict[str, int]:
    """Night-shift matters are answered within 3 working days."""
    return {"night_shift": 3}


@implements(specs.unionkit_route_demand)
@hookimpl
def unionkit_route_demand(demand: Demand, branch: Branch) -> str | None:
    """Night-shift demands go to the nursing department."""
    return "护理部" if demand.category == "night_shift" else None


@implements(specs.unionkit_validate_grant)
@hookimpl
def unionkit_validate_grant(grant: Grant, benefit: Benefit, branch: Branch) -> None:
    """No single grant above 2,000 yuan."""
    if grant.amount > Decimal("2000.00"):
        raise Rejected(f"{grant.amount} yuan is above 2000.00 / 超过2000元")


@implements(specs.unionkit_demand_transitioned)
@hookimpl(trylast=True)
def unionkit_demand_transitioned(demand: Demand, event: DemandEvent, branch: Branch) -> None:
    """A notification: nothing to return."""
