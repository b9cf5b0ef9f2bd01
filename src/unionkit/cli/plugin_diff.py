"""Old and new values of what a branch's plugins override, for ``unionkit plugins --diff``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from unionkit.branches import DiffEntry
    from unionkit.hooks import PluginHost
    from unionkit.rules import RuleSet
    from unionkit.rules.parameters import Parameter

__all__ = ["override_values"]


def _parameter_text(p: Parameter) -> str:
    """A parameter's dated values in one line: ``2023-01-01: 60; 2025-07-01: 30 days``."""
    values = "; ".join(f"{v.effective.isoformat()}: {_value_text(v.value)}" for v in p.values)
    return f"{values} ({p.unit})"


def _value_text(value: Any) -> str:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return f"{value:,f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _rule_text(ruleset: RuleSet, name: str) -> str:
    from unionkit.rules.expr import to_text

    return to_text(ruleset.rules[name].expr)


def override_values(
    host: PluginHost, branch: str, entries: list[DiffEntry], as_of: date | None = None
) -> dict[tuple[str, str], tuple[str, str]]:
    """
    Return ``(old, new)`` for every overridden rule and parameter among *entries*.

    The old value is unionkit's standard definition (a rule's expression, a parameter's
    dated values); the new one is what the branch's assembled rule set uses. An
    override of another plugin's definition has old value ``"-"``.

    Args:
        host: The plugin host.
        branch: The branch the entries are for.
        entries: ``branch_diff(host, branch)``.
        as_of: Reference date for the hooks (default today).

    Returns:
        ``{(kind, name): (old, new)}`` for the ``rule`` and ``parameter`` overrides.

    .. versionadded:: 0.1.0
    """
    from unionkit.branches import branch_ruleset
    from unionkit.rulefiles import standard_ruleset

    wanted = [e for e in entries if e.change == "overridden" and e.kind in ("rule", "parameter")]
    if not wanted:
        return {}
    standard = standard_ruleset()
    ruleset = branch_ruleset(host, branch, as_of)
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for e in wanted:
        from_standard = e.replaces in (None, "unionkit")
        if e.kind == "parameter":
            old = _parameter_text(standard.parameters[e.name]) if from_standard else "-"
            out[(e.kind, e.name)] = (old, _parameter_text(ruleset.parameters[e.name]))
        else:
            old = _rule_text(standard, e.name) if from_standard else "-"
            out[(e.kind, e.name)] = (old, _rule_text(ruleset, e.name))
    return out
