"""unionkit's own standard rules and parameters, registered as the built-in plugin ``unionkit``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from unionkit.hooks.specs import hookimpl

if TYPE_CHECKING:
    from unionkit.hooks.branch import Branch
    from unionkit.rules import FieldType, Parameters, Rule


@hookimpl
def unionkit_register_rules(branch: Branch, today: date) -> list[Rule]:
    """Contribute the standard rule library, the base every branch plugin builds on."""
    from unionkit.rulefiles.library import standard_bundle

    return list(standard_bundle().rules)


@hookimpl
def unionkit_register_parameters(branch: Branch, today: date) -> list[Parameters]:
    """Contribute the standard parameters (thresholds, brackets, amounts) with their sources."""
    from unionkit.rulefiles.library import standard_parameters

    return [standard_parameters()]


@hookimpl
def unionkit_register_fields(branch: Branch) -> dict[str, FieldType]:
    """Contribute the optional input columns the standard library reads (homes owned …)."""
    from unionkit.rulefiles.library import standard_bundle

    return dict(standard_bundle().fields)
