"""The rule language's parser: what it accepts, how it nests, and how it refuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from unionkit.errors import RuleDefinitionError, RuleSyntaxError
from unionkit.rules.parse import MAX_DEPTH, MAX_LENGTH, Syntax, parse_syntax


def sexpr(node: Syntax) -> object:
    """Write a syntax tree as nested tuples, so expected shapes read like Lisp."""
    if node.kind in ("number", "text", "bool", "date"):
        return node.value
    if node.kind == "name":
        return f"@{node.value}"
    if node.kind == "param":
        return f"${node.value}"
    if node.kind == "list":
        return [sexpr(a) for a in node.args]
    head = (node.value, *(sexpr(a) for a in node.args))
    return head + tuple((k, sexpr(v)) for k, v in node.keywords)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15", 15),
        ("1800.50", Decimal("1800.50")),
        ("-3", -3),
        ('"nurse"', "nurse"),
        ("'nurse'", "nurse"),
        ('"say \\"hi\\""', 'say "hi"'),
        ("true", True),
        ("False", False),
        ('date("2024-02-29")', date(2024, 2, 29)),
        ("sick_leave_days", "@sick_leave_days"),
        ("$hardship.income_threshold", "$hardship.income_threshold"),
        ('param("hardship.income_threshold")', "$hardship.income_threshold"),
    ],
)
def test_literals_names_and_parameters(text: str, expected: object) -> None:
    assert expected == sexpr(parse_syntax(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # * binds tighter than +, both associate to the left
        ("a + b * c", ("+", "@a", ("*", "@b", "@c"))),
        ("a - b - c", ("-", ("-", "@a", "@b"), "@c")),
        ("a / b / c", ("/", ("/", "@a", "@b"), "@c")),
        ("(a + b) * c", ("*", ("+", "@a", "@b"), "@c")),
        ("-a * b", ("*", ("-", "@a"), "@b")),
        # comparisons bind tighter than not, not tighter than and, and tighter than or
        ("not a < b", ("not", ("<", "@a", "@b"))),
        ("a or b and c", ("or", "@a", ("and", "@b", "@c"))),
        ("a and b or c", ("or", ("and", "@a", "@b"), "@c")),
        ("a + 1 >= b * 2", (">=", ("+", "@a", 1), ("*", "@b", 2))),
        ("x == 'f'", ("==", "@x", "f")),
        ("x != 3", ("!=", "@x", 3)),
    ],
)
def test_precedence_and_associativity(text: str, expected: object) -> None:
    assert expected == sexpr(parse_syntax(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("where(a, 1, 0)", ("where", "@a", 1, 0)),
        ("min(a, b, 3)", ("min", "@a", "@b", 3)),
        ("max(a, 0)", ("max", "@a", 0)),
        ("clip(x, 0, 10)", ("clip", "@x", 0, 10)),
        ("between(x, 1, 2)", ("between", "@x", 1, 2)),
        ('isin(position, ["nurse", "doctor",])', ("isin", "@position", ["nurse", "doctor"])),
        ("years_since(birth_date)", ("years_since", "@birth_date")),
        ("months_since(hire_date)", ("months_since", "@hire_date")),
        ("days_since(hire_date)", ("days_since", "@hire_date")),
        (
            "group_sum(annual_income, by=household_id)",
            ("group_sum", "@annual_income", ("by", "@household_id")),
        ),
        (
            'group_sum(annual_income, by="household_id")',
            ("group_sum", "@annual_income", ("by", "@household_id")),
        ),
        ("group_count(by=household_id)", ("group_count", ("by", "@household_id"))),
        (
            "group_count(by=household_id, where=is_member)",
            ("group_count", ("by", "@household_id"), ("where", "@is_member")),
        ),
        (
            "group_any(serious_illness, by=household_id)",
            ("group_any", "@serious_illness", ("by", "@household_id")),
        ),
        (
            "group_all(is_member, by=union_group_id)",
            ("group_all", "@is_member", ("by", "@union_group_id")),
        ),
        ("group_max(age, by=household_id)", ("group_max", "@age", ("by", "@household_id"))),
        ("group_min(age, by=household_id)", ("group_min", "@age", ("by", "@household_id"))),
        (
            'scale("hardship.subsidy_brackets", score)',
            ("scale", "$hardship.subsidy_brackets", "@score"),
        ),
        (
            "scale($hardship.subsidy_brackets, score)",
            ("scale", "$hardship.subsidy_brackets", "@score"),
        ),
    ],
)
def test_functions(text: str, expected: object) -> None:
    assert expected == sexpr(parse_syntax(text))


def test_multi_line_expression_with_comments() -> None:
    text = (
        "per_capita_monthly_income < $hardship.income_threshold  # the main test\n"
        "  or serious_illness\n"
    )

    tree = parse_syntax(text)

    assert (
        "or",
        ("<", "@per_capita_monthly_income", "$hardship.income_threshold"),
        "@serious_illness",
    ) == sexpr(tree)
    assert (2, 6) == (tree.args[1].line, tree.args[1].column)


def test_depth_is_the_height_of_the_tree() -> None:
    assert 3 == parse_syntax("(a + b) * c").depth


def error_of(text: str) -> RuleSyntaxError:
    with pytest.raises(RuleSyntaxError) as info:
        parse_syntax(text)
    return info.value


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("a +", 1, 4, "expected a value"),
        ("(a + b", 1, 7, "expected ')'"),
        ("a +\n  * b", 2, 3, "expected a value"),
        ("a < b < c", 1, 7, "cannot be chained"),
        ("a = 1", 1, 3, "use '=='"),
        ("a.b", 1, 2, "attribute access"),
        ("x[0]", 1, 2, "indexing"),
        ("a && b", 1, 3, "use 'and'"),
        ("lambda: 1", 1, 7, "lambda"),
        ("lambda x: x", 1, 9, "lambda"),
        ('f"{x}"', 1, 2, "expected an operator"),
        ("1e10", 1, 2, "no exponents"),
        ("0x1F", 1, 2, "no exponents"),
        ("1.", 1, 2, "after the decimal point"),
        ("'open", 1, 1, "not closed"),
        ("年龄 > 40", 1, 1, "unexpected character"),
        ("", 1, 1, "empty"),
        ("where(a, 1)", 1, 1, "wrong number of arguments"),
        ("group_sum(a)", 1, 1, "needs the keyword by"),
        ("group_sum(a, of=b)", 1, 14, "takes no keyword 'of'"),
        ("group_sum(by=h, a)", 1, 17, "positional argument cannot follow"),
        ("group_sum(a, by=h + 1)", 1, 19, "takes a column name"),
        ("isin(x, 'a')", 1, 9, "must be a list"),
        ("isin(x, [y])", 1, 10, "literal values"),
        ("[1, 2] + 1", 1, 1, "only allowed as the second argument"),
        ("[1]", 1, 1, "only allowed as the second argument"),
        ("isin(x, [[1]])", 1, 10, "only allowed as the second argument"),
        ("min([1, 2], 3)", 1, 5, "only allowed as the second argument of isin"),
        ('date("2025-02-30")', 1, 6, "YYYY-MM-DD"),
        ("date(2025)", 1, 6, "YYYY-MM-DD"),
        ("param(x)", 1, 7, "parameter name in quotes"),
        ("scale(1, x)", 1, 7, "parameter name"),
        ("$", 1, 2, "parameter name after '$'"),
        ("__class__", 1, 1, "'__'"),
        ("a (b)", 1, 1, "unknown function 'a'"),
        ("(a)(b)", 1, 4, "only a function name"),
        ("and", 1, 1, "keyword 'and'"),
    ],
)
def test_errors_name_the_position_and_what_was_expected(
    text: str, line: int, column: int, fragment: str
) -> None:
    error = error_of(text)

    assert (line, column) == (error.line, error.column)
    assert fragment in str(error)
    assert f"line {line}, column {column}" in str(error)
    assert f"第{line}行第{column}列" in str(error)


def test_unknown_function_lists_the_known_ones() -> None:
    message = str(error_of("__import__('os')"))

    assert "unknown function '__import__'" in message
    assert (
        "known functions: abs, add_days, add_months, add_working_days, as_of, between, clip, "
        "coalesce, date" in message
    )
    assert "未知函数" in message


def test_caret_points_at_the_column() -> None:
    message = str(error_of("a + (b * )"))

    assert "  a + (b * )\n           ^" in message


def test_syntax_errors_are_rule_definition_errors_and_value_errors() -> None:
    error = error_of("a +")

    assert isinstance(error, RuleDefinitionError)
    assert isinstance(error, ValueError)


def test_thousands_of_parentheses_are_refused_without_recursion_error() -> None:
    message = str(error_of("(" * 4000 + "1" + ")" * 4000))

    assert f"nested more than {MAX_DEPTH} levels" in message


def test_long_operator_chains_are_refused_by_depth() -> None:
    message = str(error_of(" + ".join(["a"] * (MAX_DEPTH + 2))))

    assert "split it into several rules" in message


def test_chain_within_the_limit_is_accepted() -> None:
    tree = parse_syntax(" + ".join(["a"] * (MAX_DEPTH - 1)))

    assert MAX_DEPTH - 1 == tree.depth


def test_over_long_text_is_refused_before_tokenizing() -> None:
    message = str(error_of("a" * (MAX_LENGTH + 1)))

    assert f"longer than {MAX_LENGTH} characters" in message


def test_huge_number_is_refused() -> None:
    message = str(error_of("9" * 400))

    assert "number literal too long: 400 digits" in message


def test_eighteen_digits_are_accepted() -> None:
    assert 10**17 == parse_syntax("1" + "0" * 17).value


def test_non_text_is_refused() -> None:
    with pytest.raises(RuleSyntaxError, match="must be text"):
        parse_syntax(42)  # type: ignore[arg-type]
