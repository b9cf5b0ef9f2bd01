"""The table of functions: the printer speaks the rule language, round-trips, and abs/round work."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_standard import standard_parameters

import unionkit
from unionkit.errors import RuleDefinitionError
from unionkit.rules import Rule, RuleSet, field, lit, maximum, name, param
from unionkit.rules.expr import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Expr,
    GroupAgg,
    IsIn,
    Lit,
    Name,
    Neg,
    Not,
    Param,
    ScaleLookup,
    to_text,
)
from unionkit.rules.functions import FUNCTIONS, call, describe
from unionkit.rules.parse import parse_expression
from unionkit.rules.program import resolve_names
from unionkit.rules.tables import DecisionTable

AS_OF = date(2025, 6, 1)
ROOT = Path(unionkit.__file__).parent
REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted(
    [
        *(ROOT / "rulefiles" / "library").glob("*.yaml"),
        *(REPO / "plugins").glob("*/src/*/rules/*.yaml"),
    ]
)


def test_the_printer_writes_the_rule_language_not_python() -> None:
    e = parse_expression("max(sick_leave_days, 3) > 2 and not serious_illness")

    assert "max(sick_leave_days, 3) > 2 and not serious_illness" == to_text(e)
    assert "a or b and c" == to_text(parse_expression("a or (b and c)"))
    assert "(a or b) and c" == to_text(parse_expression("(a or b) and c"))
    assert "a - (b - c) * 2" == to_text(parse_expression("a - (b - c) * 2"))
    assert "-(a + b) / 3" == to_text(parse_expression("-(a + b) / 3"))
    assert "not (a and b)" == to_text(parse_expression("not (a and b)"))
    assert "(a == b) == c" == to_text(parse_expression("(a == b) == c"))
    assert "$hardship.income_threshold * 2.00 > 0.125" == to_text(
        parse_expression('param("hardship.income_threshold") * 2.00 > 0.125')
    )
    assert 'isin(job, ["nurse", "doc\\"tor"]) and date("2025-01-01") < hire_date' == to_text(
        parse_expression('isin(job, ["nurse", \'doc"tor\']) and date("2025-01-01") < hire_date')
    )
    assert "group_count(by=household_id, where=annual_income > 0)" == to_text(
        parse_expression("group_count(annual_income > 0, by=household_id)")
    )
    assert "group_sum(x, by=household_id, skip_unknown=true)" == to_text(
        parse_expression("group_sum(x, by=household_id, skip_unknown=true)")
    )
    # false is the default, and is not printed
    assert "group_any(x, by=h)" == to_text(
        parse_expression("group_any(x, by=h, skip_unknown=false)")
    )
    assert "scale($hardship.brackets, x)" == to_text(
        parse_expression('scale("hardship.brackets", x)')
    )


def test_python_values_print_as_literals_of_the_same_type() -> None:
    # money keeps two places and a float number at least three, or they would read back as
    # an integer and as money
    assert "2000.00" == to_text(lit(Decimal("2000")))
    assert "0.500" == to_text(lit(0.5))
    assert "0.0000001" == to_text(lit(1e-7))
    for value in (Decimal("2000"), 0.5, Decimal("0.125"), -3, True, "x", date(2024, 2, 29)):
        e = lit(value)
        back = parse_expression(to_text(e))
        assert isinstance(back, Lit) and back.vtype is e.vtype and back.value == value


# --- generated trees: every tree the parser can build prints back to itself -----------------

NAMES = st.sampled_from(["a", "b", "sick_leave_days", "household_id", "x_1"])
LITERALS = st.one_of(
    st.integers(-(10**6), 10**6).map(lit),
    st.decimals(-(10**6), 10**6, places=2).map(lit),
    st.decimals(-1000, 1000, places=4).filter(lambda d: d != d.quantize(Decimal("0.01"))).map(lit),
    st.booleans().map(lit),
    st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(lit),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8).map(lit),
)
LEAVES = st.one_of(
    NAMES.map(name), LITERALS, st.sampled_from(["a.b", "hardship.income_threshold"]).map(param)
)


def _call(f: str, kids: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    """Calls of the table's function *f* on generated arguments, as the parser builds them."""
    fn = FUNCTIONS[f]
    if f == "isin":
        return st.tuples(kids, st.lists(LITERALS, min_size=1, max_size=3)).map(
            lambda t: IsIn(t[0], tuple(t[1]))
        )
    if f == "group_count":
        return st.tuples(st.one_of(st.none(), kids), NAMES, st.booleans()).map(
            lambda t: GroupAgg("count", None, t[1], t[0], t[2])
        )
    if f.startswith("group_"):
        return st.tuples(kids, NAMES, st.booleans()).map(
            lambda t: GroupAgg(f[6:], t[0], t[1], None, t[2])
        )
    if f == "scale":
        return st.tuples(st.sampled_from(["s", "hardship.subsidy_brackets"]), kids).map(
            lambda t: ScaleLookup(*t)
        )
    most = fn.max_args if fn.max_args is not None else 4
    return st.lists(kids, min_size=fn.min_args, max_size=most).map(
        lambda args: Call(f, tuple(args))
    )


def _extend(kids: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.one_of(
        st.tuples(st.sampled_from("+-*/"), kids, kids).map(lambda t: Arith(*t)),
        st.tuples(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), kids, kids).map(
            lambda t: Compare(*t)
        ),
        st.tuples(st.sampled_from("&|"), kids, kids).map(lambda t: BoolOp(*t)),
        kids.map(Not),
        # the parser reads "-5" as a literal, so a minus sign is never over a number literal
        kids.filter(
            lambda k: (
                not (
                    isinstance(k, Lit)
                    and isinstance(k.value, int | Decimal)
                    and not isinstance(k.value, bool)
                )
            )
        ).map(Neg),
        *(_call(f, kids) for f in FUNCTIONS),
    )


TREES = st.recursive(LEAVES, _extend, max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(TREES)
def test_every_generated_tree_parses_back_from_its_printed_form(e: Expr) -> None:
    assert e == parse_expression(to_text(e))


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_every_function_of_the_table_round_trips(function: str) -> None:
    @settings(max_examples=25, deadline=None)
    @given(_call(function, TREES))
    def check(e: Expr) -> None:
        assert e == parse_expression(to_text(e))

    check()


# --- every shipped rule -----------------------------------------------------------------------


def _shipped_rules() -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for path in SHIPPED:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for rule in content.get("rules") or []:
            # a decision table's inputs and outputs are rule text too
            table = rule.get("table") or {}
            texts = [rule["expr"]] if "expr" in rule else list(table.get("inputs", []))
            texts += [r["then"] for r in table.get("rows", []) if isinstance(r.get("then"), str)]
            out.extend((path.name, rule["name"], text) for text in texts)
    return out


def test_the_shipped_rule_files_are_found() -> None:
    files = {p.name for p in SHIPPED}

    assert {"household.yaml", "hardship.yaml", "dual_link.yaml", "health.yaml"} <= files
    assert len(_shipped_rules()) >= 30


@pytest.mark.parametrize(
    ("file", "rule", "text"), _shipped_rules(), ids=[f"{f}:{r}" for f, r, _ in _shipped_rules()]
)
def test_every_shipped_rule_prints_to_text_that_parses_to_the_same_tree(
    file: str,
    rule: str,
    text: str,
) -> None:
    tree = parse_expression(text)

    printed = to_text(tree)

    assert tree == parse_expression(printed), printed


def test_the_resolved_standard_rules_print_back_to_themselves() -> None:
    from unionkit.rulefiles import standard_ruleset

    rs = standard_ruleset()
    names = frozenset(rs.rules)
    for rule in rs.rules.values():
        if isinstance(rule.expr, DecisionTable):
            continue  # written in a file as a table, not as rule text (tests/rules/test_tables.py)
        again = Rule(
            rule.name,
            parse_expression(to_text(rule.expr)),
            rule.label_zh,
            rule.label_en,
            rule.value_type,
        )
        assert rule.expr == resolve_names(again, names).expr


# --- abs and round: one table entry each ------------------------------------------------------


def _rules(*rules: tuple[str, str, str]) -> RuleSet:
    return RuleSet(
        [
            Rule(n, parse_expression(text), n, n, vtype, missing="propagate")
            for n, text, vtype in rules
        ],
        standard_parameters(),
    )


def test_abs_of_integers_money_and_numbers() -> None:
    rs = _rules(
        ("days", "abs(sick_leave_days - 10)", "int"),
        ("gap", "abs(annual_income - 30000.00)", "money"),
        ("ratio", "abs(sick_leave_days / 4 - 3)", "number"),
    )
    data = {
        "sick_leave_days": [3, 12, None],
        "annual_income": [Decimal("29999.50"), Decimal("30000.25"), None],
    }

    frame = rs.evaluate(data, AS_OF).frame

    assert [7, 2] == frame["days"][:2].tolist() and frame["days"].mask.tolist()[2]
    assert [50, 25] == frame["gap"][:2].tolist()
    assert [2.25, 0.0] == frame["ratio"][:2].tolist()
    assert "abs(sick_leave_days - 10)" == to_text(rs.rules["days"].expr)


def test_round_half_up_for_money_and_numbers() -> None:
    rs = _rules(
        ("yuan", "round(annual_income)", "money"),
        ("jiao", "round(annual_income, 1)", "money"),
        ("per_day", "round(sick_leave_days / 8, 2)", "number"),
        ("whole", "round(sick_leave_days / 8)", "number"),
        ("same", "round(sick_leave_days)", "int"),
    )
    data = {
        "annual_income": [
            Decimal("100.50"),
            Decimal("-100.50"),
            Decimal("100.49"),
            Decimal("0.05"),
        ],
        "sick_leave_days": [20, 21, 4, -4],
    }

    frame = rs.evaluate(data, AS_OF).frame

    assert [10100, -10100, 10000, 0] == frame["yuan"].tolist()
    assert [10050, -10050, 10050, 10] == frame["jiao"].tolist()
    assert [2.5, 2.63, 0.5, -0.5] == frame["per_day"].tolist()  # 2.625 -> 2.63, half up
    assert [3.0, 3.0, 1.0, -1.0] == frame["whole"].tolist()
    assert [20, 21, 4, -4] == frame["same"].tolist()


def test_round_and_abs_are_explained_like_batch() -> None:
    rs = _rules(("jiao", "round(abs(annual_income - 1000.00), 1)", "money"))

    why = rs.explain({"annual_income": Decimal("990.96")}, "jiao", AS_OF, lang="en", reveal=True)

    assert Decimal("9.00") == why.value
    assert "round(abs(annual_income - 1000.00), 1)" in str(why)
    assert "abs(annual_income - 1000.00) = 9.04 yuan" in str(why)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("round(annual_income, 3)", "places of round must be a whole number from 0 to 2"),
        ("round(sick_leave_days / 2, sick_leave_days)", "places of round"),
        ("abs(serious_illness)", "abs needs numbers"),
        ("round(birth_date)", "round needs numbers"),
    ],
)
def test_bad_calls_of_abs_and_round_name_the_rule(text: str, message: str) -> None:
    with pytest.raises(RuleDefinitionError, match=message):
        _rules(("bad", text, "number"))


def test_every_function_can_be_called_from_python_by_its_table_name() -> None:
    e = call("round", call("abs", field("annual_income")), 1)

    assert "round(abs(annual_income), 1)" == to_text(e)
    assert maximum(field("a"), 1) == call("max", field("a"), 1)
    with pytest.raises(RuleDefinitionError, match="unknown function 'sqrt'"):
        call("sqrt", field("a"))
    with pytest.raises(RuleDefinitionError, match="usage: abs"):
        call("abs", field("a"), 2)


def test_describe_lists_every_function_with_its_label() -> None:
    zh: list[Any] = describe("zh")
    en: list[Any] = describe("en")

    assert len(FUNCTIONS) == len(zh) == len(en)
    assert "abs(x) — absolute value" in en
    assert "round(x, places) — 四舍五入" in zh


def test_a_name_prints_and_parses_as_itself() -> None:
    assert Name("x") == parse_expression(to_text(name("x")))
    assert Param("a.b") == parse_expression(to_text(param("a.b")))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("group_sum(x, by=h, skip_unknown=1)", "skip_unknown= takes true or false"),
        ("group_sum(x, by=h, skip_unknown=y)", "skip_unknown= takes true or false"),
        ('group_all(x, by=h, skip_unknown="yes")', "skip_unknown= takes true or false"),
        ("abs(x, skip_unknown=true)", "abs() takes no keyword 'skip_unknown'"),
    ],
)
def test_skip_unknown_takes_a_literal_yes_or_no_on_group_functions_only(
    text: str, message: str
) -> None:
    with pytest.raises(RuleDefinitionError, match=re.escape(message)):
        parse_expression(text)


def test_skip_unknown_from_python_is_a_flag_and_keeps_the_content_hash_when_off() -> None:
    from unionkit.rules import group_sum
    from unionkit.rules.expr import canonical

    x = name("x")
    assert call("group_sum", x, by="h", skip_unknown=True) == group_sum(x, "h", skip_unknown=True)
    assert call("group_sum", x, by="h", skip_unknown=lit(True)).skip_unknown is True  # type: ignore[attr-defined]
    with pytest.raises(RuleDefinitionError, match="skip_unknown= must be true or false"):
        call("group_sum", x, by="h", skip_unknown="yes")
    # rules without the flag hash as they did before it existed; with it, differently
    assert ["GroupAgg", "sum", ["Name", "x"], "h", None] == canonical(group_sum(x, "h"))
    assert canonical(group_sum(x, "h")) != canonical(group_sum(x, "h", skip_unknown=True))
