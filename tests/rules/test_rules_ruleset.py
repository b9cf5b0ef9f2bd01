"""RuleSet: content-hash versions, merging, and swapping parameters without rebuilding rules."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rules_standard import standard_parameters, standard_rules, standard_ruleset

from unionkit.errors import ParameterError, RuleDefinitionError
from unionkit.rules import Parameter, Parameters, ParameterValue, Rule, RuleSet, field, ref

AS_OF = date(2025, 6, 1)


def raise_threshold(amount: str, when: date = date(2025, 1, 1)) -> Parameters:
    p = Parameters()
    p.add(
        Parameter(
            "hardship.income_threshold", "yuan", values=[ParameterValue(when, Decimal(amount))]
        )
    )
    return p


def test_version_is_a_stable_content_hash() -> None:
    a, b = standard_ruleset(), standard_ruleset()

    assert a.version == b.version
    assert 64 == len(a.version)
    assert a.version == RuleSet(list(reversed(standard_rules())), standard_parameters()).version


def test_version_is_the_same_in_another_process() -> None:
    here = Path(__file__).parent
    code = (
        f"import sys; sys.path.insert(0, {str(here)!r}); "
        "from rules_standard import standard_ruleset; print(standard_ruleset().version)"
    )

    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123"},
    )

    assert standard_ruleset().version == out.stdout.strip()


def test_version_changes_with_a_rule_or_a_parameter() -> None:
    base = standard_ruleset()
    rules = standard_rules()
    rules[2] = Rule(
        "hospital_subsidy",
        field("sick_leave_days") >= 16,
        "住院补助",
        "hospitalisation subsidy",
        "bool",
    )

    assert base.version != RuleSet(rules, standard_parameters()).version
    assert base.version != base.with_parameters(raise_threshold("2200")).version


def test_with_parameters_keeps_the_rules_and_changes_results() -> None:
    base = standard_ruleset()
    data = {
        "household_id": ["h"],
        "annual_income": [Decimal("25200")],
        "rigid_spending": [Decimal("0")],
    }

    richer = base.with_parameters(raise_threshold("2200"))

    assert base.rules is richer.rules or dict(base.rules) == dict(richer.rules)
    assert [False] == base.evaluate(data, AS_OF, ["low_income_hardship"]).frame[
        "low_income_hardship"
    ].tolist()
    assert [True] == richer.evaluate(data, AS_OF, ["low_income_hardship"]).frame[
        "low_income_hardship"
    ].tolist()
    assert "unionkit" == base.parameters.resolve("hardship.income_threshold", AS_OF).source


def test_with_parameters_rejects_an_overlay_that_breaks_a_rule_type() -> None:
    bad = Parameters()
    bad.add(
        Parameter(
            "screening.min_age",
            "years",
            values=[ParameterValue(date(2019, 1, 1), date(2000, 1, 1))],
        )
    )
    mixed = Parameters()
    mixed.add(
        Parameter(
            "screening.min_age",
            "years",
            values=[ParameterValue(date(2021, 1, 1), date(2000, 1, 1))],
        )
    )

    with pytest.raises(RuleDefinitionError, match="screening_eligible"):
        standard_ruleset().with_parameters(bad)
    with pytest.raises(ParameterError, match="different kinds"):
        standard_ruleset().with_parameters(mixed)


def test_merge_adds_rules_and_refuses_silent_replacement() -> None:
    base = standard_ruleset()
    extra = Rule(
        "frontline_hardship",
        ref("hardship_eligible") & field("frontline"),
        "一线困难职工",
        "front-line hardship",
        "bool",
    )
    replacement = Rule(
        "hospital_subsidy",
        field("sick_leave_days") >= 10,
        "住院补助",
        "hospitalisation subsidy",
        "bool",
    )

    merged = base.merge([extra])
    replaced = base.merge([replacement], overrides=True)

    assert "frontline_hardship" in merged.rules
    assert "frontline_hardship" not in base.rules
    assert [True] == replaced.evaluate(
        {"sick_leave_days": [12]}, AS_OF, ["hospital_subsidy"]
    ).frame["hospital_subsidy"].tolist()
    with pytest.raises(RuleDefinitionError, match="already exists"):
        base.merge([replacement])


def test_merging_a_rule_set_overlays_its_parameters() -> None:
    other = RuleSet(
        [Rule("low_threshold", field("annual_income") < 1000, "l", "l", "bool")],
        raise_threshold("2500"),
    )

    merged = standard_ruleset().merge(other)

    assert Decimal("2500") == merged.parameters.value("hardship.income_threshold", AS_OF)
    assert {*standard_ruleset().rules, "low_threshold"} == set(merged.rules)


def test_parameters_are_copied_on_construction() -> None:
    params = standard_parameters()
    rs = RuleSet(standard_rules(), params)
    version = rs.version

    params.add(Parameter("late.addition", "days", values=[ParameterValue(AS_OF, 1)]))

    assert version == rs.version
    assert "late.addition" not in rs.parameters
