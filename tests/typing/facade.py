"""Core code and notebooks as a plugin author sees them: the typed plugin host and rule set."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import assert_type

import numpy as np
import plugin_hooks

from unionkit.branches import Assembly, assemble_branch, branch_ruleset, branch_workflow
from unionkit.demands import Workflow
from unionkit.hooks import HardshipCriterion, PluginHost
from unionkit.models import Benefit, Demand, Grant
from unionkit.rules import FieldType, RuleSet
from unionkit.rules.batch import BatchResult
from unionkit.rules.explain import Explanation

BRANCH = "typing-demo"
AS_OF = date(2026, 5, 31)


def host_with_the_plugin() -> PluginHost:
    """A host with autoload off and the sample plugin registered for its branch."""
    host = PluginHost(autoload=False)
    name = host.register(plugin_hooks, "typing-demo", branches=plugin_hooks.BRANCHES)
    assert_type(name, str)
    return host


def what_the_plugin_contributes(host: PluginHost) -> tuple[list[str], FieldType, int]:
    """Each facade method returns a concrete, typed value: no ``Any`` leaks to the caller."""
    criteria = host.hardship_criteria(BRANCH, AS_OF)
    assert_type(criteria, list[tuple[str, HardshipCriterion]])
    fields = host.fields(BRANCH)
    assert_type(fields, dict[str, FieldType])
    days = host.deadline_days(BRANCH)
    assert_type(days, dict[str, int])
    assembly = assemble_branch(host, BRANCH, AS_OF)
    assert_type(assembly, Assembly)
    assert_type(assembly.criteria, Mapping[str, HardshipCriterion])
    assert_type(branch_workflow(host, BRANCH), Workflow)
    validate = host.grant_validator(BRANCH)
    assert_type(validate, Callable[[Grant, Benefit], None])
    mine = [criterion.name for plugin, criterion in criteria if plugin == "typing-demo"]
    return mine, fields["demo_night_shifts"], days["night_shift"]


def route(host: PluginHost, demand: Demand) -> str | None:
    """Routing is a "who handles this" lookup: a department or nobody."""
    department = host.route_demand(demand, BRANCH)
    assert_type(department, str | None)
    return department


def evaluate_and_explain(host: PluginHost) -> tuple[list[bool], str]:
    """Batch over columns, then one member with the reasons, through the same rule set."""
    ruleset = branch_ruleset(host, BRANCH, AS_OF)
    assert_type(ruleset, RuleSet)
    columns = {"member_id": np.array(["A1", "A2"]), "demo_night_shifts": np.array([12, 3])}
    result = ruleset.evaluate(columns, AS_OF, rules=["demo_many_night_shifts"])
    assert_type(result, BatchResult)
    assert_type(result.version, str)
    why = ruleset.explain(columns, "demo_many_night_shifts", AS_OF, member="A1", lang="en")
    assert_type(why, Explanation)
    text = why.render()
    assert_type(text, str)
    flags = [bool(v) for v in np.asarray(result.frame["demo_many_night_shifts"])]
    return flags, text
