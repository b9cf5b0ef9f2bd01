"""The other of two fake plugins that define the same rule."""

from __future__ import annotations

from datetime import date

from unionkit.hooks import Branch, hookimpl
from unionkit.rules import Rule, ValueType, field


@hookimpl
def unionkit_register_rules(branch: Branch, today: date) -> list[Rule]:
    return [Rule("clash_rule", field("sick_leave_days") > 20, "乙", "b", ValueType.bool)]
