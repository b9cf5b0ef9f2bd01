"""Hostile input to the rule parser: always a RuleSyntaxError or a tree, never a crash or a hang."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unionkit.errors import RuleSyntaxError
from unionkit.rules.parse import MAX_DEPTH, MAX_LENGTH, Syntax, parse_syntax

HOSTILE = [
    "__import__('os').system('rm -rf /')",
    "__import__",
    "().__class__.__bases__[0].__subclasses__()",
    "open('/etc/passwd')",
    "eval('1')",
    "exec('x=1')",
    "getattr(a, 'b')",
    "globals()",
    "a.b",
    "x[0]",
    "x[0:1]",
    "lambda: 0",
    "lambda x: x",
    "f'{__import__(\"os\")}'",
    "[x for x in y]",
    "{'a': 1}",
    "a if b else c",
    "a; b",
    "a\n;b",
    "9" * 10_000,
    "1" + "0" * 19,
    "0." + "0" * 30 + "1",
    "(" * 10_000,
    ")" * 10_000,
    "(" * 10_000 + ")" * 10_000,
    "not " * 2_000 + "a",
    "- " * 4_000 + "1",
    "min(" * 1_000 + "1" + ", 2)" * 1_000,
    "[" * 3_000 + "]" * 3_000,
    "a" + " + a" * 3_000,
    "'" + "x" * 5_000 + "'",
    "\x00",
    "a\u200bb",
    "ａ + 1",
    "１２",
    "a ** b",
    "a // b",
    "a @ b",
    "a ^ b",
    "~a",
    "a <> b",
    "`a`",
    "\\",
    "date('2025-13-01')",
    "date('0000-01-01')",
    "isin(x, [" + ", ".join(["1"] * 2_000) + "])",
    "yes",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_refused_or_harmless(text: str) -> None:
    try:
        tree = parse_syntax(text)
    except RuleSyntaxError as exc:
        assert exc.line >= 1
        assert exc.column >= 1
    else:
        # the few that parse (a bare name such as "yes") are plain data, never executed
        assert isinstance(tree, Syntax)
        assert tree.depth <= MAX_DEPTH


def test_import_call_is_refused_as_unknown_function() -> None:
    with pytest.raises(RuleSyntaxError, match="unknown function '__import__'"):
        parse_syntax("__import__('os')")


TOKENS = [
    "a",
    "b",
    "household_id",
    "1",
    "2.5",
    "-",
    "+",
    "*",
    "/",
    "(",
    ")",
    "[",
    "]",
    ",",
    "<",
    "<=",
    "==",
    "!=",
    ">",
    ">=",
    "=",
    "and",
    "or",
    "not",
    "true",
    "false",
    "'x'",
    '"y"',
    "$p.q",
    "where",
    "min",
    "max",
    "isin",
    "group_sum",
    "by",
    "scale",
    "date",
    "param",
    "years_since",
    "between",
    "clip",
    "group_count",
    "__import__",
    ".",
    ":",
    "lambda",
    "#",
    "\n",
    "   ",
    "9" * 25,
    "'",
    "$",
    "年",
]


def check(text: str) -> None:
    try:
        tree = parse_syntax(text)
    except RuleSyntaxError:
        return
    assert tree.depth <= MAX_DEPTH


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join))
def test_random_token_soup(text: str) -> None:
    check(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_random_token_soup_without_spaces(text: str) -> None:
    check(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_random_unicode(text: str) -> None:
    check(text)


@settings(max_examples=50, deadline=None)
@given(
    st.integers(min_value=1, max_value=MAX_LENGTH // 2),
    st.sampled_from(["(", "not ", "-", "[", "min(a,"]),
)
def test_deep_nesting_of_any_kind(depth: int, opener: str) -> None:
    check(opener * depth + "a")
