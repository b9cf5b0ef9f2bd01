"""
Mistakes mypy must keep catching, each pinned with the exact error code it raises.

``warn_unused_ignores`` (part of ``--strict``) turns every ``# type: ignore[code]``
here into a test: if a typing regression (a facade returning ``Any``, ``hookimpl``
losing the decorated function's type, a spec loosened) lets one of these lines
through, its ignore is unused and mypy fails.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from unionkit import hookimpl
from unionkit.branches import branch_ruleset
from unionkit.hooks import Branch, PluginHost, implements, specs
from unionkit.models import Demand, Grant
from unionkit.rules import Rule, RuleSet
from unionkit.store import open_store


# A hook whose argument is misnamed: pluggy passes arguments by name, so it would never
# receive the demand.
@implements(specs.unionkit_route_demand)  # type: ignore[arg-type]
@hookimpl
def unionkit_route_demand(item: Demand, branch: Branch) -> str | None:
    """Misnamed argument."""
    return None


# Deadline days are whole working days, not text.
@implements(specs.unionkit_register_deadline_days)  # type: ignore[arg-type]
@hookimpl
def unionkit_register_deadline_days(branch: Branch) -> dict[str, str]:
    """Wrong value type."""
    return {"canteen": "3"}


# Rules are Rule objects (or RuleEntry), not rule names.
@implements(specs.unionkit_register_rules)  # type: ignore[arg-type]
@hookimpl
def unionkit_register_rules(branch: Branch, today: date) -> list[str]:
    """Wrong item type."""
    return ["hardship_eligible"]


# A validation hook vetoes by raising; it returns nothing.
@implements(specs.unionkit_validate_grant)  # type: ignore[arg-type]
@hookimpl
def unionkit_validate_grant(grant: Grant, benefit: object, branch: Branch) -> bool:
    """Returns a verdict instead of raising."""
    return True


@hookimpl(tryfirst="yes")  # type: ignore[call-overload,untyped-decorator]
def unionkit_register_fields(branch: Branch) -> dict[str, str]:
    """Hook options are booleans."""
    return {}


def facade_misuse(host: PluginHost, demand: Demand, ruleset: RuleSet, rule: Rule) -> None:
    """The facade's parameters and results are precise enough to catch these."""
    branch_ruleset(host, "postal", "2026-05-31")  # type: ignore[arg-type]
    department: str = host.route_demand(demand, "postal")  # type: ignore[assignment]
    days = host.deadline_days("postal")
    days["canteen"] = "3"  # type: ignore[assignment]
    columns = {"member_id": np.array(["A1"])}
    ruleset.evaluate(columns, date(2026, 5, 31), money_unit="cents")  # type: ignore[arg-type]
    why = ruleset.explain(columns, rule.name, date(2026, 5, 31), member="A1")
    why.render(reveal="yes")  # type: ignore[arg-type]
    open_store("u.db", grant_validator=lambda grant: None)  # type: ignore[arg-type,misc]
    print(department)
