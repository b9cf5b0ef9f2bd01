"""Explanations for people: conclusion, deciding reasons, units in words, masked parents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from unionkit.rulefiles import standard_ruleset
from unionkit.rules import Parameter, Parameters, ParameterValue, Rule, RuleSet, field, param, where
from unionkit.rules.explain import ExplainNode, deciding, unit_text

AS_OF = date(2025, 6, 1)


def _rules() -> RuleSet:
    params = Parameters()
    params.add(
        Parameter(
            "t.sick_days",
            "days",
            "长病假天数线",
            "long sick-leave line",
            (ParameterValue(date(2020, 1, 1), 60),),
        )
    )
    params.add(
        Parameter(
            "t.years",
            "years",
            "工龄线",
            "service line",
            (ParameterValue(date(2020, 1, 1), 10),),
        )
    )
    sick = field("sick_leave_days") >= param("t.sick_days")
    member = field("is_member")
    return RuleSet(
        [
            Rule(
                "both", member & sick, "符合长病假慰问条件", "eligible for sick-leave care", "bool"
            ),
            Rule("either", member | sick, "符合任一条件", "eligible for either", "bool"),
            Rule(
                "amount",
                where(sick, Decimal("500"), Decimal("0")),
                "慰问金",
                "care payment",
                "money",
            ),
        ],
        params,
    )


def _row(**values: Any) -> dict[str, Any]:
    return {"member_id": "x", "is_member": True, "sick_leave_days": 10, **values}


def test_and_that_is_false_is_decided_by_its_false_operands_only() -> None:
    why = _rules().explain(_row(), "both", AS_OF)

    assert why.value is False
    assert why.conclusion() == "不符合长病假慰问条件：病假天数未达到60天"
    assert (
        why.conclusion(lang="en")
        == "Not eligible for sick-leave care: sick-leave days below 60 days"
    )
    assert [n.text for n in deciding(why.tree)] == ["sick_leave_days >= $t.sick_days"]


def test_or_that_is_true_is_decided_by_its_true_operands_and_false_by_all() -> None:
    rs = _rules()
    true = rs.explain(_row(), "either", AS_OF)
    false = rs.explain(_row(is_member=False), "either", AS_OF, lang="en")

    assert [n.text for n in deciding(true.tree)] == ["is_member"]
    assert len(deciding(false.tree)) == 2
    assert false.reasons() == ["union member: no", "sick-leave days below 60 days"]


def test_the_figure_shows_only_when_revealed() -> None:
    why = _rules().explain(_row(sick_leave_days=42), "both", AS_OF)

    assert "42" not in why.conclusion()
    assert "病假天数距60天还差18天" in why.conclusion(reveal=True)


def test_a_where_is_decided_by_its_condition_and_money_has_separators() -> None:
    why = _rules().explain(_row(sick_leave_days=61), "amount", AS_OF, lang="en")

    assert why.conclusion() == "Care payment is 500.00 yuan: sick-leave days reaches 60 days"
    big = standard_ruleset().explain(
        {"member_id": "a", "household_id": "H", "annual_income": Decimal("1234567.80")},
        "household_annual_income",
        AS_OF,
    )
    assert big.conclusion(reveal=True) == "家庭年可支配收入为1,234,567.80元"
    assert big.conclusion() == "家庭年可支配收入为＊＊＊"  # a figure explained for itself


def test_render_puts_the_conclusion_first_and_the_tree_only_on_request() -> None:
    why = _rules().explain(_row(), "both", AS_OF)

    short = why.render(tree=False)
    full = why.render(tree=True)

    assert short.splitlines()[0] == why.conclusion()
    assert "[both]" not in short
    assert full.startswith(short)
    assert "[both] = 否" in full
    assert "长病假天数线 ($t.sick_days) = 60天（参数" in full
    assert "单位：天" in full


@pytest.mark.parametrize(
    ("unit", "zh", "en"),
    [
        ("yuan", "元", "yuan"),
        ("days", "天", "days"),
        ("years", "年", "years"),
        ("people", "人", "people"),
        ("furlongs", "furlongs", "furlongs"),
    ],
)
def test_unit_codes_read_in_each_language(unit: str, zh: str, en: str) -> None:
    assert unit_text(unit, "zh") == zh
    assert unit_text(unit, "en") == en


def _nodes(root: ExplainNode) -> list[ExplainNode]:
    out, stack = [], [root]
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(n.children)
    return out


def test_every_node_read_from_a_personal_fact_is_sensitive_and_masked() -> None:
    why = _rules().explain(_row(sick_leave_days=75), "both", AS_OF)
    masked = why.render()

    sensitive = {n.text for n in _nodes(why.tree) if n.sensitive}
    assert "sick_leave_days" in sensitive
    assert "is_member and sick_leave_days >= $t.sick_days" in sensitive  # the parent
    assert "is_member" not in sensitive
    assert "is_member and sick_leave_days >= $t.sick_days = ＊＊＊" in masked
    assert "[both] = 是" in masked  # the outcome itself
    assert "75" not in masked
    assert "病假天数 (sick_leave_days) = 75" in why.render(reveal=True)


def test_an_unknown_language_is_refused() -> None:
    why = _rules().explain(_row(), "both", AS_OF)

    with pytest.raises(ValueError, match="lang"):
        why.conclusion(lang="fr")


def test_an_amount_chosen_by_a_rule_is_explained_by_that_rule_s_conditions() -> None:
    row = {
        "member_id": "a",
        "household_id": "H",
        "is_member": True,
        "annual_income": Decimal("180000"),
        "rigid_spending": Decimal("0"),
        "sick_leave_days": 30,
    }
    why = standard_ruleset().explain(row, "subsidy_amount", AS_OF)

    # where(hardship_eligible, scale(...), 0): its condition is a rule, followed into its own
    assert why.conclusion().startswith("困难补助金额为")
    assert "病假天数已达到15天" in why.reasons()
