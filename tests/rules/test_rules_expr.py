"""Expression building: operators, literals, structural equality and text."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from unionkit.errors import RuleDefinitionError
from unionkit.rules import (
    Expr,
    ValueType,
    between,
    field,
    group_count,
    isin,
    lit,
    maximum,
    minimum,
    param,
    scale_lookup,
    where,
    years_since,
)
from unionkit.rules.expr import Arith, BoolOp, Compare, Lit, Neg, Not, children, to_text, walk


def test_python_operators_build_nodes_with_plain_values_wrapped() -> None:
    e = 2 * field("a") + 1

    assert Arith("+", Arith("*", lit(2), field("a")), lit(1)) == e


def test_reflected_comparison_keeps_the_field_on_the_left() -> None:
    e = 15 <= field("sick_leave_days")

    assert Compare(">=", field("sick_leave_days"), lit(15)) == e


def test_double_equals_is_structural_and_eq_builds_a_comparison() -> None:
    assert field("a") == field("a")
    assert field("a") != field("b")
    assert Compare("==", field("a"), lit(1)) == field("a").eq(1)
    assert Compare("!=", field("a"), lit(1)) == field("a").ne(1)


def test_boolean_operators_and_unary_nodes() -> None:
    a, b = field("x"), field("y")

    assert BoolOp("&", a, b) == (a & b)
    assert BoolOp("|", a, b) == (a | b)
    assert Not(a) == ~a
    assert Neg(a) == -a


def test_an_expression_refuses_to_be_used_as_a_truth_value() -> None:
    with pytest.raises(TypeError, match="where"):
        bool(field("a") > 1)


def test_literal_types_follow_the_python_type() -> None:
    assert ValueType.int == lit(15).vtype
    assert ValueType.bool == lit(True).vtype
    assert ValueType.number == lit(0.5).vtype
    assert ValueType.money == lit(Decimal("1800.50")).vtype
    assert ValueType.number == lit(Decimal("0.125")).vtype
    assert ValueType.date == lit(date(2025, 1, 1)).vtype
    assert lit(date(2025, 1, 2)) == lit(datetime(2025, 1, 2, 13, 0))
    assert ValueType.text == lit("nurse").vtype


def test_literals_of_equal_value_but_different_type_are_different_nodes() -> None:
    assert lit(1) != lit(True)
    assert hash(lit(1)) != hash(lit(True)) or lit(1) != lit(True)
    assert len({lit(1), lit(True), lit(1.0)}) == 3


def test_unusable_literals_are_rejected() -> None:
    with pytest.raises(RuleDefinitionError):
        lit([1, 2])  # type: ignore[arg-type]
    with pytest.raises(RuleDefinitionError):
        lit(Decimal("NaN"))
    with pytest.raises(RuleDefinitionError):
        minimum(field("a"))
    with pytest.raises(RuleDefinitionError):
        isin(field("a"), [])


def test_text_form_is_readable() -> None:
    e = where(
        years_since(field("birth_date")) >= param("screening.min_age"),
        scale_lookup("s", field("x")),
        maximum(field("a"), 0),
    )

    expected = "where(years_since(birth_date) >= $screening.min_age, scale($s, x), max(a, 0))"
    assert expected == to_text(e)
    assert "group_count(by=household_id, where=x > 0)" == to_text(
        group_count(by="household_id", where=field("x") > 0)
    )
    assert "between(x, 1, 2)" == str(between(field("x"), 1, 2))


def test_walk_visits_every_node_and_children_are_direct() -> None:
    e = (field("a") + 1) < field("b")

    assert [field("a") + 1, field("b")] == list(children(e))
    assert 5 == len(list(walk(e)))
    assert all(isinstance(n, Expr) for n in walk(e))
    assert isinstance(lit(1), Lit)
