"""Scales are checked when built: brackets strictly increasing, none unreachable for its input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from unionkit.errors import ParameterError, RuleDefinitionError
from unionkit.rulefiles import read_rule_files
from unionkit.rules import (
    Bracket,
    Parameter,
    Parameters,
    ParameterValue,
    Rule,
    RuleSet,
    Scale,
    ValueType,
    field,
    scale_lookup,
)

V = ValueType
FIELDS = {"member_id": V.text, "household_id": V.text, "days": V.int, "ratio": V.number}


def _ruleset(thresholds: list[str], operand: str, *, later: list[str] | None = None) -> RuleSet:
    values = [ParameterValue(date(2023, 1, 1), _scale(thresholds))]
    if later is not None:
        values.append(ParameterValue(date(2025, 1, 1), _scale(later)))
    ps = Parameters()
    ps.add(Parameter("visit.money", "yuan", "慰问金", "visit money", values))
    rule = Rule("money", scale_lookup("visit.money", field(operand)), "钱", "money", V.money)
    return RuleSet([rule], ps, FIELDS)


def _scale(thresholds: list[str]) -> Scale:
    return Scale(
        tuple(Bracket(Decimal(t), Decimal(100 * (k + 1))) for k, t in enumerate(thresholds))
    )


def test_brackets_not_strictly_increasing_name_both_brackets() -> None:
    with pytest.raises(
        ParameterError, match=r"bracket 3 \(threshold 8\) is not above bracket 2 \(threshold 8\)"
    ):
        _scale(["3", "8", "8"])


def test_in_a_rule_file_the_message_names_the_file_and_line() -> None:
    text = """\
parameters:
  visit.money:
    unit: yuan
    kind: amount
    description_zh: 慰问金
    description_en: visit money
    source: test
    values:
      2023-01-01:
        - [15, 800]
        - [8, 500]
"""
    with pytest.raises(
        RuleDefinitionError,
        match=r"(?s)<string>, line \d+.*bracket 2 \(threshold 8\) is not above bracket 1",
    ):
        read_rule_files(text)


def test_a_bracket_unreachable_for_whole_numbers_is_refused_naming_the_date_and_brackets() -> None:
    with pytest.raises(
        RuleDefinitionError,
        match=r"rule 'money': scale 'visit.money' \(effective 2025-01-01\): bracket 1 "
        r"\(threshold 10.2\) can never apply to a whole-number input: bracket 2 "
        r"\(threshold 10.7\) starts at the same whole number",
    ) as info:
        _ruleset(["3", "8"], "days", later=["10.2", "10.7"])
    assert ("visit.money",) == info.value.parameters


def test_the_same_brackets_are_fine_for_a_number_input() -> None:
    rs = _ruleset(["10.2", "10.7"], "ratio")

    assert V.money == rs.inferred_type("money")
