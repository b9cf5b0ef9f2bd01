"""RuleSet construction: unknown names, type errors and cycles are rejected, naming the rule."""

from __future__ import annotations

from datetime import date

import pytest
from rules_standard import standard_parameters, standard_rules

from unionkit.errors import RuleDefinitionError
from unionkit.rules import (
    Parameters,
    Rule,
    RuleSet,
    ValueType,
    field,
    group_sum,
    lit,
    name,
    param,
    ref,
    scale_lookup,
    where,
    years_since,
)


def build(*rules: Rule) -> RuleSet:
    return RuleSet(list(rules), standard_parameters())


def test_the_standard_rules_build_in_dependency_order() -> None:
    rs = RuleSet(standard_rules(), standard_parameters())

    order = rs.order
    assert order.index("low_income_hardship") < order.index("hardship_eligible")
    assert order.index("hardship_score") < order.index("subsidy_amount")
    assert (
        "low_income_hardship",
        "hospital_subsidy",
        "sole_earner",
        "hardship_eligible",
    ) == rs.needed(["hardship_eligible"])


@pytest.mark.parametrize(
    ("expr", "fragment"),
    [
        (field("birth_date") > 40, "cannot compare date with int"),
        (field("serious_illness") + 1 > 0, "cannot compute bool + int"),
        (field("hire_date") - field("birth_date") > 0, "cannot compute date - date"),
        (field("no_such_field") > 1, "unknown field 'no_such_field'"),
        (param("no.such") > 1, "unknown parameter 'no.such'"),
        (ref("nothing") > 1, "unknown rule 'nothing'"),
        (field("department") > "a", "can only be tested for equality"),
        (field("frontline") & 1, "needs yes/no"),
        (years_since(field("sick_leave_days")) > 1, "years_since needs a date"),
        (where(field("frontline"), 1, date(2020, 1, 1)).eq(1), "where mixes incompatible"),
        (group_sum(field("frontline"), by="household_id") > 0, "group_sum needs numbers"),
        (group_sum(field("annual_income"), by="birth_date") > 0, "cannot group by a date"),
        (param("hardship.subsidy_brackets") > 0, "is a scale; use scale(...)"),
        (scale_lookup("screening.min_age", field("sick_leave_days")) > 0, "is not a scale"),
    ],
)
def test_a_bad_expression_is_an_error_naming_the_rule_and_the_part(
    expr: object, fragment: str
) -> None:
    with pytest.raises(RuleDefinitionError) as info:
        build(Rule("bad_rule", expr, "坏", "bad", "bool"))

    message = str(info.value)
    assert "bad_rule" in message
    assert fragment in message
    assert "规则 bad_rule" in message


def test_the_message_shows_the_offending_sub_expression() -> None:
    with pytest.raises(RuleDefinitionError, match=r"`birth_date > 40`"):
        build(Rule("r", (field("birth_date") > 40) | field("frontline"), "r", "r", "bool"))


def test_declared_type_must_fit_the_expression() -> None:
    with pytest.raises(RuleDefinitionError, match="declared money but the expression gives number"):
        build(Rule("r", field("annual_income") * 0.5, "r", "r", "money"))
    with pytest.raises(RuleDefinitionError, match="declared bool"):
        build(Rule("r", lit(1), "r", "r", "bool"))


def test_integers_convert_to_numbers_and_money_when_declared() -> None:
    rs = build(
        Rule("n", lit(1), "n", "n", "number"),
        Rule("m", lit(500), "m", "m", "money"),
        Rule("x", field("annual_income") / field("rigid_spending"), "x", "x", "number"),
    )

    assert ValueType.int == rs.inferred_type("m")
    assert ValueType.number == rs.inferred_type("x")


def test_a_cycle_between_rules_is_an_error_naming_the_rules() -> None:
    with pytest.raises(RuleDefinitionError) as info:
        build(
            Rule("a", ref("b") & field("frontline"), "a", "a", "bool"),
            Rule("b", ref("c"), "b", "b", "bool"),
            Rule("c", ref("a"), "c", "c", "bool"),
        )

    assert "cycle" in str(info.value)
    assert "a -> b -> c -> a" in str(info.value)


def test_a_rule_referring_to_itself_is_a_cycle() -> None:
    with pytest.raises(RuleDefinitionError, match="cycle"):
        build(Rule("a", ref("a") | field("frontline"), "a", "a", "bool"))


def test_duplicate_names_and_bad_names_are_rejected() -> None:
    r = Rule("a", field("frontline"), "a", "a", "bool")
    with pytest.raises(RuleDefinitionError, match="defined twice"):
        build(r, r)
    with pytest.raises(RuleDefinitionError, match="letters, digits"):
        Rule("not a name", field("frontline"), "x", "x", "bool")


def test_a_bare_name_resolves_to_a_rule_if_one_exists_else_to_a_field() -> None:
    rs = build(
        Rule(
            "frontline_nurse",
            name("frontline") & field("position").eq("nurse"),
            "一线护士",
            "front-line nurse",
            "bool",
        ),
        Rule("eligible", name("frontline_nurse"), "e", "e", "bool"),
    )

    assert ("frontline_nurse", "eligible") == rs.needed(["eligible"])
    assert ref("frontline_nurse") == rs.rules["eligible"].expr
    assert {"frontline", "position"} == set(rs.inputs(["eligible"])[0])


def test_an_unknown_requested_rule_is_an_error() -> None:
    rs = build(Rule("a", field("frontline"), "a", "a", "bool"))
    with pytest.raises(RuleDefinitionError, match="unknown rule 'b'"):
        rs.needed(["b"])


def test_parameters_of_the_wrong_kind_for_a_custom_schema() -> None:
    rs = RuleSet(
        [Rule("big", field("n") > 3, "大", "big", "bool")],
        Parameters(),
        fields={"n": ValueType.int},
    )
    assert ValueType.int == rs.fields["n"]
    with pytest.raises(RuleDefinitionError, match="unknown field 'age'"):
        RuleSet(
            [Rule("old", field("age") > 3, "老", "old", "bool")],
            Parameters(),
            fields={"n": ValueType.int},
        )
