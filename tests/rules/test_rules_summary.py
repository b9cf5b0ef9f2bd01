"""How a rule is summarised over a roster: defaults by type, the YAML key, and wrong kinds."""

from __future__ import annotations

import pytest

from unionkit.errors import RuleDefinitionError
from unionkit.rulefiles import read_rule_files, standard_ruleset
from unionkit.rules import Rule, field

RULES = """
rules:
  - name: household_salary
    label: {zh: 家庭月工资, en: household salary}
    type: money
    expr: group_sum(monthly_salary, by=household_id)
    summary: none
  - name: salary
    label: {zh: 月工资, en: salary}
    type: money
    expr: monthly_salary
"""


def test_defaults_count_yes_no_total_money_and_skip_the_rest() -> None:
    assert "count" == Rule("a", field("frontline"), "a", "a", "bool").summary
    assert "total" == Rule("b", field("monthly_salary"), "b", "b", "money").summary
    assert "none" == Rule("c", field("sick_leave_days"), "c", "c", "int").summary
    assert "total" == Rule("d", field("sick_leave_days"), "d", "d", "int", summary="total").summary


def test_a_wrong_summary_names_the_rule() -> None:
    with pytest.raises(RuleDefinitionError, match="rule 'e': only a yes/no rule can be counted"):
        Rule("e", field("monthly_salary"), "e", "e", "money", summary="count")
    with pytest.raises(RuleDefinitionError, match="rule 'f': summary must be count, total"):
        Rule("f", field("frontline"), "f", "f", "bool", summary="sum")  # type: ignore[arg-type]


def test_the_yaml_key_and_the_standard_measures() -> None:
    bundle = read_rule_files(RULES, source="test")
    by_name = {r.name: r.summary for r in bundle.rules}
    standard = standard_ruleset().rules

    assert {"household_salary": "none", "salary": "total"} == by_name
    for measure in (
        "household_annual_income",
        "household_rigid_spending",
        "per_capita_monthly_income",
        "household_hardship_costs",
        "living_aid_cap",
    ):
        assert "none" == standard[measure].summary, measure
    assert "total" == standard["subsidy_amount"].summary
    assert "count" == standard["hardship_eligible"].summary


def test_a_bad_summary_in_yaml_is_an_error_with_the_line() -> None:
    text = RULES.replace("summary: none", "summary: count")

    with pytest.raises(
        RuleDefinitionError, match=r"line \d+: rule .household_salary.: only a yes/no rule"
    ):
        read_rule_files(text, source="test")
