"""coalesce, date parts and the evaluation date: batch, explain, checks and the parser agree."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from unionkit.care import birthday_this_month
from unionkit.errors import RuleDefinitionError, RuleSyntaxError
from unionkit.rules import (
    Missing,
    Parameters,
    Rule,
    RuleSet,
    as_of,
    coalesce,
    day,
    field,
    group_sum,
    month,
    name,
    year,
)
from unionkit.rules.parse import parse_expression

AS_OF = date(2025, 2, 15)


def values(rs: RuleSet, data: dict[str, list[Any]], rule: str, when: date = AS_OF) -> list[Any]:
    """The rule's batch values, None where unknown, after checking explain agrees row by row."""
    col = rs.evaluate(data, when, [rule]).frame[rule]
    mask = np.ma.getmaskarray(col).tolist()
    raw = np.ma.getdata(col)
    cells = raw.astype("datetime64[D]").tolist() if raw.dtype.kind == "M" else raw.tolist()
    batch = [None if m else v for v, m in zip(cells, mask, strict=True)]
    n = len(next(iter(data.values())))
    for i in range(n):
        if "member_id" in data:
            single = rs.explain(data, rule, when, member=data["member_id"][i]).value
        else:
            single = rs.explain({k: v[i] for k, v in data.items()}, rule, when).value
        expected = batch[i]
        if rs.rules[rule].value_type.value == "money" and expected is not None:
            expected = Decimal(expected).scaleb(-2)
        assert expected == single, (rule, i)
    return batch


def test_coalesce_fills_only_unknown_values() -> None:
    rs = RuleSet(
        [
            Rule(
                "days",
                coalesce(field("sick_leave_days"), 0),
                "d",
                "d",
                "int",
                missing=Missing.propagate,
            ),
            Rule(
                "income",
                coalesce(field("annual_income"), Decimal("100.50")),
                "i",
                "i",
                "money",
                missing=Missing.propagate,
            ),
            Rule(
                "ill",
                coalesce(field("serious_illness"), False),
                "s",
                "s",
                "bool",
                missing=Missing.propagate,
            ),
            Rule(
                "both_unknown",
                coalesce(field("sick_leave_days"), field("sick_leave_days")),
                "b",
                "b",
                "int",
                missing=Missing.propagate,
            ),
        ],
        Parameters(),
    )
    data: dict[str, list[Any]] = {
        "sick_leave_days": [5, None, 0],
        "annual_income": [Decimal("7.25"), None, Decimal("0")],
        "serious_illness": [True, None, False],
    }

    assert [5, 0, 0] == values(rs, data, "days")
    assert [725, 10050, 0] == values(rs, data, "income")
    assert [True, False, False] == values(rs, data, "ill")
    assert [5, None, 0] == values(rs, data, "both_unknown")


def test_coalesce_of_a_group_value_and_a_member_value() -> None:
    household_income = group_sum(field("annual_income"), by="household_id")
    rs = RuleSet(
        [
            Rule("x", coalesce(field("sick_leave_days"), household_income), "x", "x", "money"),
        ],
        Parameters(),
    )
    data: dict[str, list[Any]] = {
        "member_id": ["a", "b", "c"],
        "household_id": ["h1", "h1", "h2"],
        "annual_income": [Decimal("10"), Decimal("20"), None],
        "sick_leave_days": [None, 3, None],
    }

    # An integer used as money counts as whole yuan; h1's income is 30 yuan, h2's sum is 0.
    assert [3000, 300, 0] == values(rs, data, "x")


def test_date_parts_and_the_evaluation_date() -> None:
    rs = RuleSet(
        [
            Rule("y", year(field("birth_date")), "y", "y", "int", missing=Missing.propagate),
            Rule("m", month(field("birth_date")), "m", "m", "int", missing=Missing.propagate),
            Rule("d", day(field("birth_date")), "d", "d", "int", missing=Missing.propagate),
            Rule("today", as_of(), "t", "t", "date"),
            Rule("this_month", month(as_of()), "t", "t", "int"),
            Rule("birthday_month", month(field("birth_date")).eq(month(as_of())), "b", "b", "bool"),
        ],
        Parameters(),
    )
    data: dict[str, list[Any]] = {
        "birth_date": [date(1990, 2, 1), date(2000, 2, 29), date(1999, 12, 31), None],
    }

    assert [1990, 2000, 1999, None] == values(rs, data, "y")
    assert [2, 2, 12, None] == values(rs, data, "m")
    assert [1, 29, 31, None] == values(rs, data, "d")
    assert [AS_OF] * 4 == values(rs, data, "today")
    assert [2] * 4 == values(rs, data, "this_month")
    assert [True, True, False, False] == values(rs, data, "birthday_month")
    assert [False, False, True, False] == values(rs, data, "birthday_month", date(2025, 12, 31))


def test_type_errors_name_the_rule() -> None:
    with pytest.raises(RuleDefinitionError, match="rule 'bad': month needs a date"):
        RuleSet([Rule("bad", month(field("sick_leave_days")), "b", "b", "int")], Parameters())
    with pytest.raises(RuleDefinitionError, match="rule 'mix': coalesce mixes incompatible"):
        RuleSet([Rule("mix", coalesce(field("birth_date"), 1), "m", "m", "int")], Parameters())
    with pytest.raises(RuleDefinitionError, match="cannot compare date with int"):
        RuleSet([Rule("cmp", as_of() > 3, "c", "c", "bool")], Parameters())


def test_the_parser_knows_the_new_functions() -> None:
    assert month(name("birth_date")).eq(month(as_of())) == parse_expression(
        "month(birth_date) == month(as_of())"
    )
    assert coalesce(name("sick_leave_days"), 0) == parse_expression("coalesce(sick_leave_days, 0)")
    assert "coalesce(sick_leave_days, 0) + year(as_of())" == str(
        parse_expression("coalesce(sick_leave_days, 0) + year(as_of())")
    )
    with pytest.raises(RuleSyntaxError, match=r"as_of\(\): 1 given"):
        parse_expression("as_of(birth_date)")
    with pytest.raises(RuleSyntaxError, match=r"coalesce\(\): 1 given"):
        parse_expression("coalesce(sick_leave_days)")


@pytest.mark.parametrize(
    ("born", "when", "expected"),
    [
        (date(1990, 6, 1), date(2025, 6, 30), True),  # first day of the month
        (date(1990, 6, 30), date(2025, 6, 1), True),  # last day of the month
        (date(1990, 7, 1), date(2025, 6, 30), False),
        (date(1990, 5, 31), date(2025, 6, 1), False),
        (date(2000, 2, 29), date(2025, 2, 28), True),  # a leap-day birthday in a common year
        (date(2000, 2, 29), date(2025, 3, 1), False),
        (date(2000, 2, 29), date(2024, 2, 1), True),
    ],
)
def test_care_and_the_standard_rule_share_one_birthday_definition(
    born: date, when: date, expected: bool
) -> None:
    from unionkit.rulefiles import standard_ruleset

    rule = standard_ruleset().explain({"birth_date": born}, "birthday_this_month", when).value

    assert expected == rule
    assert [expected, False] == birthday_this_month([born, None], when).tolist()
    assert [expected] == birthday_this_month(np.array([born], dtype="datetime64[D]"), when).tolist()
