"""Explain: the value equals batch's for every member, and the tree says why."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_standard import standard_parameters, standard_rules, standard_ruleset

from unionkit.errors import RuleEvaluationError
from unionkit.rules import (
    Bracket,
    ExplainNode,
    Missing,
    Parameter,
    ParameterValue,
    Rule,
    RuleSet,
    Scale,
    as_of,
    between,
    clip,
    coalesce,
    day,
    days_since,
    field,
    group_all,
    group_any,
    group_count,
    group_max,
    group_min,
    group_sum,
    isin,
    maximum,
    minimum,
    month,
    months_since,
    param,
    ref,
    scale_lookup,
    where,
    year,
    years_since,
)
from unionkit.rules.columns import Columns
from unionkit.rules.events import EVENT_FUNCTIONS
from unionkit.rules.expr import Expr, function_name
from unionkit.rules.expr import walk as walk_expr
from unionkit.rules.functions import FUNCTIONS, call
from unionkit.rules.interpret import open_run
from unionkit.rules.trace import Tracer
from unionkit.rules.workdays import DATE_FUNCTIONS, WORKDAY_FUNCTIONS

AS_OF = date(2025, 6, 1)
HH = "household_id"


def round_money(x: Expr) -> Expr:
    return call("round", call("abs", x), 1)


EXTRA = [
    Rule(
        "per_head_money",
        (field("annual_income") - field("rigid_spending")) / 7,
        "人均",
        "per head",
        "money",
        missing=Missing.propagate,
    ),
    Rule(
        "oldest_age",
        years_since(group_min(field("birth_date"), by=HH)),
        "家中最长者年龄",
        "oldest in household",
        "int",
        missing=Missing.propagate,
    ),
    Rule("max_leave", group_max(field("sick_leave_days"), by=HH), "最长病假", "max leave", "int"),
    Rule(
        "capped",
        clip(field("sick_leave_days") * 3, 5, 40) + months_since(field("hire_date")),
        "封顶",
        "capped",
        "int",
        missing=Missing.propagate,
    ),
    Rule(
        "mixed",
        maximum(field("annual_income") * 0.37, field("rigid_spending") / 3)
        + where(ref("hospital_subsidy"), Decimal("0.5") * field("annual_income"), 1),
        "混合",
        "mixed",
        "number",
        missing=Missing.propagate,
    ),
    Rule(
        "in_group",
        isin(field("sick_leave_days"), [0, 15, 16]) | ~ref("sole_earner"),
        "分组",
        "in group",
        "bool",
        missing=Missing.propagate,
    ),
    # what the rules above leave out, so that every kind of node is compared
    Rule(
        "negated",
        -field("sick_leave_days") + days_since(field("hire_date")),
        "取负",
        "negated",
        "int",
        missing=Missing.propagate,
    ),
    Rule(
        "within",
        between(field("sick_leave_days"), 5, 20)
        & field("sick_leave_days").ne(16)
        & (field("sick_leave_days") <= 30)
        | group_all(field("serious_illness"), by=HH) & group_any(field("serious_illness"), by=HH),
        "范围",
        "within",
        "bool",
        missing=Missing.propagate,
    ),
    Rule(
        "per_day",
        field("annual_income") / field("sick_leave_days")
        + round_money(field("annual_income") - Decimal("30000")),
        "每天",
        "per day",
        "money",
        missing=Missing.propagate,
    ),
    Rule(
        "ratio",
        field("sick_leave_days") / (field("sick_leave_days") - 15)
        + group_sum(field("annual_income") * 0.5, by=HH)
        + scale_lookup("tax.rates", field("annual_income"))
        + call("round", field("sick_leave_days") / 7, 2),
        "比率",
        "ratio",
        "number",
        missing=Missing.propagate,
    ),
    Rule(
        "calendar",
        (
            year(as_of())
            - year(field("birth_date"))
            + minimum(month(field("hire_date")), day(field("hire_date")))
            + coalesce(field("sick_leave_days"), 0)
        )
        > 40,
        "日历",
        "calendar",
        "bool",
        missing=Missing.propagate,
    ),
    Rule("taxed", where(param("hardship.weight.illness") > 0.3, 1, 0), "税", "taxed", "int"),
    # aggregates over households with unknown members, strict and with skip_unknown
    Rule(
        "household_income",
        group_sum(field("annual_income"), by=HH),
        "家庭收入",
        "household income",
        "money",
        missing=Missing.propagate,
    ),
    Rule(
        "known_income",
        group_sum(field("annual_income"), by=HH, skip_unknown=True)
        - group_max(field("rigid_spending"), by=HH, skip_unknown=True)
        + group_min(field("rigid_spending"), by=HH),
        "已知收入",
        "known income",
        "money",
        missing=Missing.propagate,
    ),
    Rule(
        "earners",
        group_count(by=HH, where=field("annual_income") > 0)
        + group_count(by=HH, where=field("sick_leave_days") > 15, skip_unknown=True),
        "有收入人数",
        "earners",
        "int",
        missing=Missing.propagate,
    ),
    Rule(
        "any_ill",
        group_any(field("serious_illness"), by=HH, skip_unknown=True)
        | group_all(field("serious_illness"), by=HH, skip_unknown=True)
        | (ref("household_income") > 50000),
        "有人患病",
        "anyone ill",
        "bool",
        missing=Missing.propagate,
    ),
    Rule(
        "earners_or_zero",
        ref("earners") + group_max(field("sick_leave_days"), by=HH),
        "人数",
        "earners or zero",
        "int",
    ),
]


def ruleset() -> RuleSet:
    params = standard_parameters()
    params.add(
        Parameter(
            "tax.rates",
            "rate",
            "税率",
            "rates",
            [
                ParameterValue(
                    date(2020, 1, 1),
                    Scale(
                        [
                            Bracket(0, Decimal("0")),
                            Bracket(36000, Decimal("0.03")),
                            Bracket(144000, Decimal("0.1")),
                        ],
                        kind="marginal_rate",
                    ),
                )
            ],
        )
    )
    return RuleSet([*standard_rules(), *EXTRA], params)


RS = ruleset()
TOP = ["subsidy_amount", "screening_eligible", "long_tenure", *(r.name for r in EXTRA)]
DATES = [
    date(2024, 2, 29),
    date(2024, 12, 31),
    date(2025, 1, 1),
    date(2025, 2, 28),
    date(2025, 3, 1),
    AS_OF,
]


def near(years: int) -> st.SearchStrategy[date]:
    """Birth or hire dates close to a threshold for some evaluation date, and leap days."""
    exact = st.sampled_from(DATES).map(
        lambda d: (
            d.replace(year=d.year - years)
            if (d.month, d.day) != (2, 29)
            else date(d.year - years, 3, 1)
        )
    )
    return st.one_of(
        exact.flatmap(lambda d: st.integers(-2, 2).map(lambda k: d + timedelta(days=k))),
        st.sampled_from([date(1984, 2, 29), date(1996, 2, 29), date(1980, 3, 1)]),
        st.dates(date(1955, 1, 1), date(2005, 12, 31)),
    )


money = st.one_of(
    st.none(),
    st.just(Decimal("0")),
    st.decimals(min_value=0, max_value=300000, places=2),
    st.sampled_from([Decimal("24000"), Decimal("72000"), Decimal("71999.99")]),
)


@st.composite
def rosters(draw: st.DrawFn) -> tuple[dict[str, list[Any]], date]:
    n = draw(st.integers(1, 10))
    households = st.one_of(st.none(), st.sampled_from(["h1", "h2", "h3", "h4"]))
    roster: dict[str, list[Any]] = {
        "member_id": [f"m{i}" for i in range(n)],
        HH: draw(st.lists(households, min_size=n, max_size=n)),
        "birth_date": draw(st.lists(st.one_of(st.none(), near(40)), min_size=n, max_size=n)),
        "hire_date": draw(st.lists(st.one_of(st.none(), near(30)), min_size=n, max_size=n)),
        "annual_income": draw(st.lists(money, min_size=n, max_size=n)),
        "rigid_spending": draw(st.lists(money, min_size=n, max_size=n)),
        "sick_leave_days": draw(
            st.lists(
                st.one_of(st.none(), st.integers(0, 40), st.sampled_from([14, 15, 16])),
                min_size=n,
                max_size=n,
            )
        ),
        "serious_illness": draw(
            st.lists(st.one_of(st.none(), st.booleans()), min_size=n, max_size=n)
        ),
    }
    return roster, draw(st.sampled_from(DATES))


def node_kinds(rs: RuleSet) -> set[str]:
    kinds = set()
    for rule in rs.rules.values():
        for e in walk_expr(rule.expr):
            kinds.add(function_name(e) or type(e).__name__)
    return kinds


def test_the_property_below_covers_every_kind_of_node() -> None:
    operators = {"Field", "Param", "Lit", "Ref", "Arith", "Neg", "Compare", "BoolOp", "Not"}

    # the event and working-day functions need events and a calendar: their own
    # batch-equals-explain properties are in test_rules_events.py and test_rules_workdays.py
    own = set(EVENT_FUNCTIONS) | set(WORKDAY_FUNCTIONS) | set(DATE_FUNCTIONS)

    assert operators | (set(FUNCTIONS) - own) == node_kinds(RS)


def rule_nodes(node: ExplainNode) -> Iterator[ExplainNode]:
    if node.kind == "rule":
        yield node
    for child in node.children:
        yield from rule_nodes(child)


def batch_value(col: Any, i: int) -> Any:
    if isinstance(col, np.ma.MaskedArray) and np.ma.getmaskarray(col)[i]:
        return None
    value = col[i]
    return value.item() if hasattr(value, "item") else value


def explained(node: ExplainNode) -> Any:
    if node.value_type.value == "money" and node.value is not None:
        return int(node.value * 100)
    return node.value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters())
def test_explain_equals_batch_for_every_member_and_rule(
    case: tuple[dict[str, list[Any]], date],
) -> None:
    roster, as_of = case
    batch = RS.evaluate(roster, as_of).frame
    traced = Tracer()
    open_run(RS.program, Columns(roster, RS.fields), as_of, TOP, tracer=traced).run()

    for i, member in enumerate(roster["member_id"]):
        for top in TOP:
            tree = RS.explain(roster, top, as_of, member=member).tree
            for node in rule_nodes(tree):
                assert batch_value(batch[node.text], i) == explained(node), (member, node.text)
            for node in walk(tree):
                if node.expr is not None:  # every sub-expression, against the whole roster's run
                    whole = traced.node_at(node.expr, i, node.value_type)
                    assert whole == explained(node), (member, node.text)


def test_a_single_row_can_be_explained_without_a_roster() -> None:
    rs = standard_ruleset()
    row = {"member_id": "m1", "sick_leave_days": 12}

    e = rs.explain(row, "hospital_subsidy", AS_OF, lang="en", reveal=True)

    assert e.value is False
    assert "3 sick-leave days short of 15" in str(e)
    assert "m1" == e.member
    assert rs.version == e.version


def test_the_chinese_reason_says_how_many_days_are_missing() -> None:
    e = standard_ruleset().explain({"sick_leave_days": 12}, "hospital_subsidy", AS_OF, reveal=True)

    assert "病假天数距15天还差3天" in str(e)


def test_an_age_threshold_says_when_the_member_becomes_eligible() -> None:
    rs = standard_ruleset()
    row = {"birth_date": date(1986, 3, 2)}

    en = rs.explain(row, "screening_eligible", date(2025, 1, 1), lang="en")
    zh = rs.explain(row, "screening_eligible", date(2025, 1, 1))

    assert "turns 40 on 2026-03-02, eligible from then" in str(en)
    assert "2026-03-02 年满40周岁，届时符合" in str(zh)


def test_a_leap_day_birthday_turns_a_year_older_on_march_first_in_common_years() -> None:
    rs = RuleSet(
        [Rule("over_41", years_since(field("birth_date")) >= 41, "满41", "41 or over", "bool")],
        standard_parameters(),
    )
    row = {"birth_date": date(1984, 2, 29)}

    before = rs.explain(row, "over_41", date(2025, 2, 28), lang="en")
    on = rs.explain(row, "over_41", date(2025, 3, 1), lang="en")
    leap = standard_ruleset().explain(row, "screening_eligible", date(2023, 6, 1), lang="en")

    assert before.value is False
    assert "turns 41 on 2025-03-01" in str(before)
    assert on.value is True
    assert "turns 40 on 2024-02-29" in str(leap)


def test_personal_facts_are_masked_unless_revealed() -> None:
    rs = standard_ruleset()
    row = {
        "sick_leave_days": 12,
        "annual_income": Decimal("31234.56"),
        "household_id": "h",
        "rigid_spending": Decimal("0"),
    }

    masked = rs.explain(row, "hardship_eligible", AS_OF, lang="en")
    shown = masked.render(reveal=True)

    assert "31,234.56" not in str(masked)
    assert "＊＊＊" in str(masked)
    assert "3 sick-leave days short" not in str(masked)
    assert "sick-leave days below 15" in str(masked)
    assert "31,234.56" in shown
    assert "3 sick-leave days short of 15" in shown


def test_a_health_flag_is_masked_but_the_outcome_it_decides_is_shown() -> None:
    e = standard_ruleset().explain({"serious_illness": True}, "hardship_eligible", AS_OF, lang="en")
    lines = str(e).splitlines()

    assert any("serious illness (serious_illness) = ＊＊＊" in line for line in lines)
    assert any("hardship eligible [hardship_eligible] = yes" in line for line in lines)
    assert "serious illness (serious_illness) = yes" in e.render(reveal=True)


def test_parameters_show_value_effective_date_and_source() -> None:
    rs = standard_ruleset()
    row = {"annual_income": Decimal("12000"), "rigid_spending": Decimal("0"), "household_id": "h"}

    e = rs.explain(row, "low_income_hardship", date(2024, 6, 1), lang="en")

    assert "1,800.00 yuan (parameter, effective 2023-01-01, source: unionkit" in str(e)
    params = [n for n in walk(e.tree) if n.kind == "param"]
    assert [("2023-01-01", "unionkit")] == [
        (n.detail["effective"], n.detail["source"]) for n in params
    ]


def walk(node: ExplainNode) -> Iterator[ExplainNode]:
    yield node
    for child in node.children:
        yield from walk(child)


def test_household_rules_see_the_other_members_when_given_the_roster() -> None:
    rs = standard_ruleset()
    roster = {
        "member_id": ["a", "b", "c", "d"],
        HH: ["h", "h", "h", "x"],
        "annual_income": [Decimal("30000"), Decimal("0"), Decimal("0"), Decimal("9")],
        "rigid_spending": [Decimal("0")] * 4,
    }

    alone = rs.explain(
        {"annual_income": Decimal("30000"), "rigid_spending": 0, HH: "h"}, "sole_earner", AS_OF
    )
    together = rs.explain(roster, "sole_earner", AS_OF, member="a")

    assert alone.value is False
    assert together.value is True


def test_frames_and_integer_member_ids_can_be_explained() -> None:
    import pandas as pd
    import polars as pl

    rs = standard_ruleset()
    roster: dict[str, list[Any]] = {
        "member_id": [101, 102, 103],
        HH: ["h", "h", "h"],
        "annual_income": [30000.0, 0.0, 0.0],
        "rigid_spending": [0.0, 0.0, 0.0],
    }
    batch = rs.evaluate(roster, AS_OF, ["sole_earner"]).frame["sole_earner"].tolist()

    for data in (roster, pd.DataFrame(roster), pl.DataFrame(roster)):
        got = [
            rs.explain(data, "sole_earner", AS_OF, member=str(m)).value for m in roster["member_id"]
        ]
        assert batch == got
    assert [True, False, False] == batch


def test_models_with_to_row_and_html() -> None:
    class Member:
        def to_row(self) -> dict[str, Any]:
            return {"member_id": "m9", "sick_leave_days": 20}

    e = standard_ruleset().explain(Member(), "hospital_subsidy", AS_OF, lang="en")

    assert e.value is True
    html = e._repr_html_()
    assert html.startswith("<div") and "hospitalisation subsidy" in html
    assert "＊＊＊" in html


def test_unknown_member_and_missing_member_argument_are_errors() -> None:
    rs = standard_ruleset()
    roster = {"member_id": ["a"], "sick_leave_days": [3]}

    with pytest.raises(RuleEvaluationError, match="'zz' not found"):
        rs.explain(roster, "hospital_subsidy", AS_OF, member="zz")
    with pytest.raises(RuleEvaluationError, match="member="):
        rs.explain([{"member_id": "a"}], "hospital_subsidy", AS_OF)


def test_unknown_values_are_shown_as_unknown() -> None:
    rs = RuleSet(
        [Rule("r", field("sick_leave_days") > 3, "r", "r", "bool", missing=Missing.propagate)],
        standard_parameters(),
    )

    e = rs.explain({}, "r", AS_OF, lang="en", reveal=True)

    assert e.value is None
    assert "= unknown" in str(e)


def test_income_figures_computed_by_rules_are_masked_like_their_inputs() -> None:
    from unionkit.rulefiles import standard_ruleset

    rs = standard_ruleset()
    rows = [
        {
            "member_id": "a",
            "household_id": "H",
            "annual_income": Decimal("36000.60"),
            "rigid_spending": Decimal("0"),
            "sick_leave_days": 3,
            "is_member": True,
        },
        {"member_id": "b", "household_id": "H", "annual_income": Decimal("0"), "is_member": False},
    ]
    why = rs.explain(rows, "subsidy_amount", date(2025, 6, 1), member="a", lang="en")
    # (36000.60 - 0) / 24 = 1500.025 -> 1500.03 a head; 2000 - 1500.03 = 499.97 short
    secrets = ("36,000.60", "1,500.03", "499.97")

    masked = str(why)
    revealed = why.render(reveal=True)

    assert not [s for s in secrets if s in masked]
    assert all(s in revealed for s in secrets)
    assert "household annual disposable income [household_annual_income] = ＊＊＊" in masked
    assert "hardship subsidy [subsidy_amount] = 1,000.00 yuan" in masked  # the outcome
    # the score is read from the income criterion: masked below the outcome, shown when revealed
    assert "hardship score [hardship_score] = ＊＊＊" in masked
    assert "hardship score [hardship_score] = 40" in revealed
    assert "household size [household_size] = 2" in masked


def test_a_strict_test_at_its_limit_is_not_called_reaching_or_short() -> None:
    from unionkit.rulefiles import standard_ruleset

    rs = standard_ruleset()
    row = {"member_id": "b", "household_id": "H", "annual_income": Decimal("0"), "is_member": True}
    why = rs.explain(row, "household_earners", date(2025, 6, 1), lang="en")

    masked = why.render()
    revealed = why.render(reveal=True)

    # the comparison's own value is masked (it is read from income); its reason names the limit only
    assert "annual_income > 0 = ＊＊＊ — annual disposable income is not over 0.00 yuan" in masked
    assert "annual_income > 0 = no — annual disposable income equals 0.00 yuan" in revealed
    assert "annual disposable income equals 0.00 yuan, not over it" in revealed
    for text in (masked, revealed):
        assert "reaches" not in text
        assert "short of" not in text
    assert "年可支配收入未超过0.00元" in why.render(lang="zh")
