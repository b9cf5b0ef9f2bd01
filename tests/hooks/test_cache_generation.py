"""An assembly begun before the plugins changed is never cached as the current one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from unionkit.branches import branch_ruleset
from unionkit.hooks import Branch, PluginHost, hookimpl
from unionkit.rules import Rule, ValueType, field

AS_OF = date(2026, 6, 1)


class _Late:
    """Contributes one rule; registered while another plugin's hook is running."""

    @hookimpl
    def unionkit_register_rules(self, branch: Branch, today: date) -> Sequence[Rule]:
        return [Rule("late_rule", field("frontline"), "后加规则", "late rule", ValueType.bool)]


class _Meddler:
    """Registers another plugin in the middle of an assembly, as a second thread might."""

    def __init__(self, host: PluginHost) -> None:
        self.host = host
        self.done = False

    @hookimpl
    def unionkit_register_rules(self, branch: Branch, today: date) -> Sequence[Rule]:
        if not self.done:
            self.done = True
            self.host.register(_Late(), name="late")
        return []


def test_an_assembly_overtaken_by_a_plugin_change_is_not_cached() -> None:
    host = PluginHost(autoload=False)
    host.register(_Meddler(host), name="meddler")

    first = branch_ruleset(host, "hospital", AS_OF)
    second = branch_ruleset(host, "hospital", AS_OF)

    assert "late_rule" not in first.rules
    assert "late_rule" in second.rules
