"""The rules over a branch's hardship criteria come from the standard library's YAML."""

from __future__ import annotations

from datetime import date
from importlib import resources

import numpy as np

from unionkit.branches import branch_ruleset
from unionkit.hooks import HardshipCriterion, PluginHost, hookimpl
from unionkit.rulefiles.library import CRITERIA_FILE, criteria_rules
from unionkit.rulefiles.schema import CriteriaFileSpec, validate
from unionkit.rulefiles.yamlfile import read_yaml
from unionkit.rules import Parameters, Rule, RuleSet, ValueType, field

TODAY = date(2025, 6, 1)


def _criteria() -> list[Rule]:
    return [
        Rule("ill", field("serious_illness"), "病", "ill", ValueType.bool),
        Rule("long_leave", field("sick_leave_days") >= 20, "病假", "leave", ValueType.bool),
    ]


def test_the_three_rules_are_the_ones_criteria_yaml_writes() -> None:
    doc = read_yaml(resources.files("unionkit.rulefiles.library").joinpath(CRITERIA_FILE))
    spec = validate(doc, CriteriaFileSpec)

    rules = criteria_rules({"ill": 2.5, "long_leave": 1.0})

    assert [(s.name, s.label.zh, s.type) for s in spec.criteria_rules] == [
        (r.name, r.label_zh, r.value_type.value) for r in rules
    ]
    assert [] == criteria_rules({})


def test_counts_weights_and_any_over_the_criteria() -> None:
    rules = [*_criteria(), *criteria_rules({"ill": 2.5, "long_leave": 1.0})]
    ruleset = RuleSet(rules, Parameters())
    data = {
        "member_id": np.array(["a", "b", "c"], dtype=object),
        "serious_illness": np.array([True, False, True]),
        "sick_leave_days": np.array([30, 0, 5]),
    }

    frame = ruleset.evaluate(data, as_of=TODAY).frame

    assert [2, 0, 1] == np.asarray(frame["hardship_criteria_met"]).tolist()
    assert [3.5, 0.0, 2.5] == np.asarray(frame["hardship_criteria_score"]).tolist()
    assert [True, False, True] == np.asarray(frame["hardship_criteria_any"]).tolist()


class _Criteria:
    @hookimpl
    def unionkit_register_hardship_criteria(self) -> list[HardshipCriterion]:
        return [
            HardshipCriterion(name=r.name, rule=r, weight=w)
            for r, w in zip(_criteria(), (2.5, 1.0), strict=True)
        ]


def test_a_branch_with_criteria_gets_the_rules_explained_as_the_rule_language(
    plugin_host: PluginHost,
) -> None:
    plugin_host.register(_Criteria(), name="crit")
    ruleset = branch_ruleset(plugin_host, "b", TODAY)
    data = {
        "member_id": np.array(["a"], dtype=object),
        "serious_illness": np.array([True]),
        "sick_leave_days": np.array([25]),
    }

    why = ruleset.explain(data, "hardship_criteria_score", as_of=TODAY, member="a", lang="en")

    assert 3.5 == why.value
    assert {"hardship_criteria_met", "hardship_criteria_any"} <= set(ruleset.rules)


def test_the_branch_bundle_says_which_plugin_gave_each_definition(
    plugin_host: PluginHost,
) -> None:
    from unionkit.branches import branch_bundle
    from unionkit.rulefiles import Owner

    plugin_host.register(_Criteria(), name="crit")

    bundle = branch_bundle(plugin_host, "b", TODAY)

    assert Owner("crit", "unionkit_register_hardship_criteria") == bundle.owners["ill"]
    assert "hardship_criteria_score" not in bundle.owners  # a standard rule: no plugin owns it
    assert "age" in bundle.origins  # a standard rule keeps its file and line
