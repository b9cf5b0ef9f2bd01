"""The rule language as text: a closed grammar read by our own tokenizer and parser, no ``eval``."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from attrs import frozen

from unionkit.errors import RuleSyntaxError
from unionkit.rules.expr import lit, name, param
from unionkit.rules.functions import FUNCTIONS as TABLE

if TYPE_CHECKING:
    from unionkit.rules.expr import Expr

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NUMBER_DIGITS",
    "MAX_STRING_LENGTH",
    "Syntax",
    "describe_functions",
    "parse_expression",
    "parse_syntax",
    "to_expr",
]

MAX_LENGTH = 10_000
"""The longest expression text accepted, in characters."""

MAX_DEPTH = 48
"""The deepest syntax tree accepted: nesting of parentheses, calls and operator chains."""

MAX_NUMBER_DIGITS = 18
"""The most digits a number literal may have (it must fit a 64-bit integer of fen)."""

MAX_STRING_LENGTH = 200
"""The longest string literal accepted, in characters."""

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_TWO_CHAR_OPS = ("<=", ">=", "==", "!=")
_ONE_CHAR_OPS = "+-*/<>(),[]="
_KEYWORDS = frozenset({"and", "or", "not", "true", "false", "True", "False"})
_COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})
_HINTS = {
    "&": ("use 'and'", "请用 and"),
    "|": ("use 'or'", "请用 or"),
    "!": ("use 'not'", "请用 not"),
    ".": ("attribute access is not part of the rule language", "规则语言不支持属性访问"),
    "{": ("dictionaries are not part of the rule language", "规则语言不支持字典"),
    "%": ("use arithmetic with + - * /", "只支持 + - * / 运算"),
    "@": ("decorators are not part of the rule language", "规则语言不支持装饰器"),
    ":": ("lambdas and slices are not part of the rule language", "规则语言不支持 lambda 或切片"),
}


@frozen
class _Token:
    kind: str  # "num", "str", "ident", "param", "op", "end"
    text: str
    offset: int


@frozen
class Syntax:
    """
    One node of a parsed expression, before it becomes a rules-engine ``Expr``.

    Attributes:
        kind: ``"number"``, ``"text"``, ``"bool"``, ``"date"``, ``"name"``,
            ``"param"``, ``"list"``, ``"unary"``, ``"binary"`` or ``"call"``.
        value: The literal value, identifier, parameter name, operator or function name.
        args: Operands or positional arguments.
        keywords: Keyword arguments as ``(name, node)`` pairs, in the order written.
        line: The 1-based line of the node's first character within the expression.
        column: The 1-based column of the node's first character.
        depth: The height of the tree rooted here (a literal is 1).

    .. versionadded:: 0.1.0
    """

    kind: str
    value: int | Decimal | str | bool | date | None
    args: tuple[Syntax, ...] = ()
    keywords: tuple[tuple[str, Syntax], ...] = ()
    line: int = 1
    column: int = 1
    depth: int = 1


@frozen
class _FunctionSpec:
    """How a function of the rule language is called."""

    min_args: int
    max_args: int | None
    keywords: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    summary: str = ""


_SYNTAX_FORMS = {
    # literal forms written like calls; the functions proper are the table's
    "param": _FunctionSpec(1, 1, summary='param("parameter.name")'),
    "date": _FunctionSpec(1, 1, summary='date("2025-01-01")'),
}

FUNCTIONS: dict[str, _FunctionSpec] = {
    **{
        f.name: _FunctionSpec(f.min_args, f.max_args, f.keywords, f.required, f.usage)
        for f in TABLE.values()
    },
    **_SYNTAX_FORMS,
}
"""Every function the rule language knows, by name."""


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _fail(text: str, offset: int, en: str, zh: str) -> RuleSyntaxError:
    line, column = _position(text, offset)
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    shown = text[start:] if end < 0 else text[start:end]
    if len(shown) > 120:
        cut = max(0, column - 60)
        shown = shown[cut : cut + 120]
        column_shown = column - cut
    else:
        column_shown = column
    return RuleSyntaxError(
        f"{en} (line {line}, column {column}) / {zh}（第{line}行第{column}列）\n"
        f"  {shown}\n  {' ' * (column_shown - 1)}^",
        line=line,
        column=column,
    )


def _describe(token: _Token) -> str:
    if token.kind == "end":
        return "the end of the expression / 表达式结尾"
    shown = token.text if len(token.text) <= 20 else token.text[:20] + "…"
    return repr(shown)


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in " \t\r\n":
            i += 1
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            m = _IDENT.match(text, i)
            assert m is not None  # the first character already matches
            tokens.append(_Token("ident", m.group(), i))
            i = m.end()
        elif ch.isascii() and ch.isdigit():
            m = _NUMBER.match(text, i)
            assert m is not None
            literal = m.group()
            if m.end() < n and text[m.end()] == ".":
                raise _fail(
                    text, m.end(), "expected a digit after the decimal point", "小数点后应为数字"
                )
            if m.end() < n and (text[m.end()].isalnum() or text[m.end()] == "_"):
                raise _fail(
                    text,
                    m.end(),
                    "a number must not run into letters or '_' (no exponents, hex or separators)",
                    "数字后不能紧跟字母或下划线（不支持指数、十六进制或分隔符）",
                )
            digits = len(literal) - literal.count(".")
            if digits > MAX_NUMBER_DIGITS:
                raise _fail(
                    text,
                    i,
                    f"number literal too long: {digits} digits, at most {MAX_NUMBER_DIGITS}",
                    f"数字过长：{digits}位，最多{MAX_NUMBER_DIGITS}位",
                )
            tokens.append(_Token("num", literal, i))
            i = m.end()
        elif ch in "\"'":
            i = _string(text, i, tokens)
        elif ch == "$":
            m = _DOTTED.match(text, i + 1)
            if m is None:
                raise _fail(text, i + 1, "expected a parameter name after '$'", "'$' 后应为参数名")
            tokens.append(_Token("param", m.group(), i))
            i = m.end()
        elif text.startswith(_TWO_CHAR_OPS, i):
            tokens.append(_Token("op", text[i : i + 2], i))
            i += 2
        elif ch in _ONE_CHAR_OPS:
            tokens.append(_Token("op", ch, i))
            i += 1
        elif ch in _HINTS:
            en, zh = _HINTS[ch]
            raise _fail(text, i, f"unexpected {ch!r}: {en}", f"不能使用 {ch!r}：{zh}")
        else:
            raise _fail(text, i, f"unexpected character {ch!r}", f"无法识别的字符 {ch!r}")
    # point "found the end" errors at the last written character, not at trailing blank lines
    tokens.append(_Token("end", "", len(text.rstrip())))
    return tokens


def _string(text: str, start: int, tokens: list[_Token]) -> int:
    quote = text[start]
    out: list[str] = []
    i = start + 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == quote:
            tokens.append(_Token("str", "".join(out), start))
            return i + 1
        if ch == "\n":
            break
        if ch == "\\":
            if i + 1 < n and text[i + 1] in ("\\", "'", '"'):
                out.append(text[i + 1])
                i += 2
                continue
            raise _fail(
                text,
                i,
                "only \\\\, \\' and \\\" escapes are allowed in strings",
                "字符串中只允许 \\\\、\\' 和 \\\" 转义",
            )
        out.append(ch)
        if len(out) > MAX_STRING_LENGTH:
            raise _fail(
                text,
                start,
                f"string literal longer than {MAX_STRING_LENGTH} characters",
                f"字符串超过{MAX_STRING_LENGTH}个字符",
            )
        i += 1
    raise _fail(text, start, "string not closed on the same line", "字符串未在同一行内闭合")


class _Parser:
    """A recursive-descent parser over the token list; every recursion counts towards MAX_DEPTH."""

    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0
        self.nesting = 0

    # --- helpers ---

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def advance(self) -> _Token:
        token = self.tokens[self.pos]
        if token.kind != "end":
            self.pos += 1
        return token

    def at_op(self, *ops: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.text in ops

    def at_keyword(self, word: str) -> bool:
        token = self.peek()
        return token.kind == "ident" and token.text == word

    def error(self, token: _Token, en: str, zh: str) -> RuleSyntaxError:
        return _fail(self.text, token.offset, en, zh)

    def expect_op(self, op: str, en_context: str, zh_context: str) -> _Token:
        token = self.peek()
        if token.kind == "op" and token.text == op:
            return self.advance()
        raise self.error(
            token,
            f"expected {op!r} {en_context} but found {_describe(token)}",
            f"{zh_context}应为 {op!r}，实际为 {_describe(token)}",
        )

    def enter(self, token: _Token) -> None:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise self.error(
                token,
                f"expression nested more than {MAX_DEPTH} levels deep",
                f"表达式嵌套超过{MAX_DEPTH}层",
            )

    def leave(self) -> None:
        self.nesting -= 1

    def node(
        self,
        token: _Token,
        kind: str,
        value: int | Decimal | str | bool | date | None,
        args: tuple[Syntax, ...] = (),
        keywords: tuple[tuple[str, Syntax], ...] = (),
    ) -> Syntax:
        children = [*args, *(v for _, v in keywords)]
        if kind != "call":
            for child in children:
                if child.kind == "list":
                    raise _fail_at(
                        self.text,
                        child,
                        "a list [...] is only allowed as the second argument of isin()",
                        "列表 [...] 只能作为 isin() 的第二个参数",
                    )
        depth = 1 + max((c.depth for c in children), default=0)
        if depth > MAX_DEPTH:
            raise self.error(
                token,
                f"expression nested more than {MAX_DEPTH} levels deep "
                "(split it into several rules)",
                f"表达式嵌套超过{MAX_DEPTH}层（请拆成几条规则）",
            )
        line, column = _position(self.text, token.offset)
        return Syntax(kind, value, args, keywords, line, column, depth)

    # --- grammar ---

    def parse(self) -> Syntax:
        if self.peek().kind == "end":
            raise self.error(self.peek(), "the expression is empty", "表达式为空")
        tree = self.or_expr()
        token = self.peek()
        if tree.kind == "list":
            raise _fail_at(
                self.text,
                tree,
                "a list [...] is only allowed as the second argument of isin()",
                "列表 [...] 只能作为 isin() 的第二个参数",
            )
        if token.kind != "end":
            raise self.error(
                token,
                f"expected an operator or the end of the expression but found {_describe(token)}",
                f"应为运算符或表达式结尾，实际为 {_describe(token)}",
            )
        return tree

    def or_expr(self) -> Syntax:
        left = self.and_expr()
        while self.at_keyword("or"):
            token = self.advance()
            left = self.node(token, "binary", "or", (left, self.and_expr()))
        return left

    def and_expr(self) -> Syntax:
        left = self.not_expr()
        while self.at_keyword("and"):
            token = self.advance()
            left = self.node(token, "binary", "and", (left, self.not_expr()))
        return left

    def not_expr(self) -> Syntax:
        if self.at_keyword("not"):
            token = self.advance()
            self.enter(token)
            operand = self.not_expr()
            self.leave()
            return self.node(token, "unary", "not", (operand,))
        return self.comparison()

    def comparison(self) -> Syntax:
        left = self.additive()
        token = self.peek()
        if token.kind == "op" and token.text in _COMPARISONS:
            self.advance()
            right = self.additive()
            after = self.peek()
            if after.kind == "op" and after.text in _COMPARISONS:
                raise self.error(
                    after,
                    "comparisons cannot be chained: use between(x, low, high) "
                    "or join them with 'and'",
                    "比较不能连写：请用 between(x, 下限, 上限) 或用 and 连接",
                )
            return self.node(token, "binary", token.text, (left, right))
        if token.kind == "op" and token.text == "=":
            raise self.error(
                token,
                "'=' only names a keyword argument (by=household_id); use '==' to compare",
                "'=' 只用于关键字参数（by=household_id）；比较请用 '=='",
            )
        return left

    def additive(self) -> Syntax:
        left = self.term()
        while self.at_op("+", "-"):
            token = self.advance()
            left = self.node(token, "binary", token.text, (left, self.term()))
        return left

    def term(self) -> Syntax:
        left = self.unary()
        while self.at_op("*", "/"):
            token = self.advance()
            left = self.node(token, "binary", token.text, (left, self.unary()))
        return left

    def unary(self) -> Syntax:
        if self.at_op("-", "+"):
            token = self.advance()
            self.enter(token)
            operand = self.unary()
            self.leave()
            if token.text == "+":
                return operand
            if operand.kind == "number" and isinstance(operand.value, (int, Decimal)):
                return self.node(token, "number", -operand.value)
            return self.node(token, "unary", "-", (operand,))
        return self.postfix()

    def postfix(self) -> Syntax:
        primary = self.primary()
        token = self.peek()
        if token.kind == "op" and token.text == "[":
            raise self.error(
                token,
                "indexing with [...] is not part of the rule language",
                "规则语言不支持 [...] 下标",
            )
        if token.kind == "op" and token.text == "(":
            raise self.error(
                token, "only a function name may be followed by '('", "只有函数名后面可以跟 '('"
            )
        return primary

    def primary(self) -> Syntax:
        token = self.peek()
        if token.kind == "num":
            self.advance()
            value: int | Decimal = Decimal(token.text) if "." in token.text else int(token.text)
            return self.node(token, "number", value)
        if token.kind == "str":
            self.advance()
            return self.node(token, "text", token.text)
        if token.kind == "param":
            self.advance()
            return self.node(token, "param", token.text)
        if token.kind == "ident":
            return self.identifier()
        if token.kind == "op" and token.text == "(":
            self.advance()
            self.enter(token)
            inner = self.or_expr()
            self.leave()
            self.expect_op(")", "to close the '(' opened here", "与 '(' 配对处")
            return inner
        if token.kind == "op" and token.text == "[":
            return self.list_literal()
        raise self.error(
            token,
            f"expected a value, a name or '(' but found {_describe(token)}",
            f"应为值、名称或 '('，实际为 {_describe(token)}",
        )

    def identifier(self) -> Syntax:
        token = self.advance()
        word = token.text
        if word in ("true", "True"):
            return self.node(token, "bool", True)
        if word in ("false", "False"):
            return self.node(token, "bool", False)
        if word in _KEYWORDS:
            raise self.error(
                token,
                f"expected a value but found the keyword {word!r}",
                f"应为值，实际为关键字 {word!r}",
            )
        if self.at_op("("):
            return self.call(token)
        if word.startswith("__"):
            raise self.error(
                token, "names starting with '__' are not allowed", "不允许以 '__' 开头的名称"
            )
        return self.node(token, "name", word)

    def list_literal(self) -> Syntax:
        start = self.advance()
        self.enter(start)
        items: list[Syntax] = []
        if not self.at_op("]"):
            while True:
                items.append(self.or_expr())
                if not self.at_op(","):
                    break
                self.advance()
                if self.at_op("]"):
                    break
        self.expect_op("]", "to close the list", "列表结尾处")
        self.leave()
        return self.node(start, "list", None, tuple(items))

    def call(self, name_token: _Token) -> Syntax:
        fname = name_token.text
        spec = FUNCTIONS.get(fname)
        if spec is None:
            known = ", ".join(sorted(FUNCTIONS))
            raise self.error(
                name_token,
                f"unknown function {fname!r}; known functions: {known}",
                f"未知函数 {fname!r}；可用函数：{known}",
            )
        open_token = self.advance()
        self.enter(open_token)
        args: list[Syntax] = []
        keywords: dict[str, Syntax] = {}
        if not self.at_op(")"):
            while True:
                token = self.peek()
                if (
                    token.kind == "ident"
                    and self.tokens[self.pos + 1].kind == "op"
                    and self.tokens[self.pos + 1].text == "="
                ):
                    self.advance()
                    self.advance()
                    if token.text not in spec.keywords:
                        allowed = ", ".join(sorted(spec.keywords)) or "none / 无"
                        raise self.error(
                            token,
                            f"{fname}() takes no keyword {token.text!r} (allowed: {allowed})",
                            f"{fname}() 没有关键字参数 {token.text!r}（可用：{allowed}）",
                        )
                    if token.text in keywords:
                        raise self.error(
                            token,
                            f"keyword {token.text!r} given twice",
                            f"关键字参数 {token.text!r} 重复",
                        )
                    keywords[token.text] = self.or_expr()
                else:
                    if keywords:
                        raise self.error(
                            token,
                            "a positional argument cannot follow a keyword argument",
                            "位置参数不能写在关键字参数之后",
                        )
                    args.append(self.or_expr())
                if not self.at_op(","):
                    break
                self.advance()
        self.expect_op(")", f"to close the call of {fname}()", f"{fname}() 调用结尾处")
        self.leave()
        if len(args) < spec.min_args or (spec.max_args is not None and len(args) > spec.max_args):
            raise self.error(
                name_token,
                f"wrong number of arguments to {fname}(): {len(args)} given; usage: {spec.summary}",
                f"{fname}() 参数个数不对：给了{len(args)}个；用法：{spec.summary}",
            )
        missing = sorted(spec.required - keywords.keys())
        if missing:
            raise self.error(
                name_token,
                f"{fname}() needs the keyword {missing[0]}=...; usage: {spec.summary}",
                f"{fname}() 需要关键字参数 {missing[0]}=...；用法：{spec.summary}",
            )
        return self.special(name_token, fname, args, keywords)

    def special(
        self, token: _Token, fname: str, args: list[Syntax], keywords: dict[str, Syntax]
    ) -> Syntax:
        for key, value in keywords.items():
            if key == "by":
                keywords[key] = self.column_name(value, fname)
        for key, value in keywords.items():
            if value.kind == "list":
                raise _fail_at(self.text, value, f"{key}= cannot be a list", f"{key}= 不能是列表")
        flags = TABLE[fname].flags if fname in TABLE else frozenset()
        for key, value in keywords.items():
            if key in flags and value.kind != "bool":
                raise _fail_at(
                    self.text,
                    value,
                    f"{key}= takes true or false",
                    f"{key}= 只能是 true 或 false",
                )
        kinds = TABLE[fname].kinds if fname in TABLE else {}
        for i, arg in enumerate(args):
            if arg.kind == "list" and kinds.get(i) != "literals":
                raise _fail_at(
                    self.text,
                    arg,
                    "a list [...] is only allowed as the second argument of isin()",
                    "列表 [...] 只能作为 isin() 的第二个参数",
                )
        for i, kind in kinds.items():
            if kind == "literals":
                self.literal_list(fname, args[i], i)
            elif kind == "parameter":
                args[i] = self.parameter_name(fname, args[i], i)
        if fname == "date":
            return self.date_literal(token, args[0])
        if fname == "param":
            arg = args[0]
            if (
                arg.kind != "text"
                or not isinstance(arg.value, str)
                or _DOTTED.fullmatch(arg.value) is None
            ):
                raise _fail_at(
                    self.text,
                    arg,
                    "param() takes a parameter name in quotes, "
                    'such as param("hardship.income_threshold")',
                    'param() 的参数应为带引号的参数名，如 param("hardship.income_threshold")',
                )
            return self.node(token, "param", arg.value)
        return self.node(token, "call", fname, tuple(args), tuple(keywords.items()))

    def literal_list(self, fname: str, values: Syntax, position: int) -> None:
        if values.kind != "list":
            raise _fail_at(
                self.text,
                values,
                f'argument {position + 1} of {fname}() must be a list such as ["nurse", "doctor"]',
                f'{fname}() 的第{position + 1}个参数应为列表，如 ["nurse", "doctor"]',
            )
        for item in values.args:
            if item.kind not in ("number", "text", "bool", "date"):
                raise _fail_at(
                    self.text,
                    item,
                    f"{fname}() lists may hold only literal values",
                    f"{fname}() 的列表只能包含字面值",
                )

    def parameter_name(self, fname: str, arg: Syntax, position: int) -> Syntax:
        if (
            arg.kind == "text"
            and isinstance(arg.value, str)
            and _DOTTED.fullmatch(arg.value) is not None
        ):
            return Syntax("param", arg.value, (), (), arg.line, arg.column, 1)
        if arg.kind != "param":
            raise _fail_at(
                self.text,
                arg,
                f"argument {position + 1} of {fname}() is a "
                'parameter name, such as "hardship.subsidy_brackets"',
                f'{fname}() 的第{position + 1}个参数应为参数名，如 "hardship.subsidy_brackets"',
            )
        return arg

    def column_name(self, value: Syntax, fname: str) -> Syntax:
        if value.kind == "name" or (
            value.kind == "text"
            and isinstance(value.value, str)
            and _IDENT.fullmatch(value.value) is not None
        ):
            return Syntax("name", value.value, (), (), value.line, value.column, 1)
        raise _fail_at(
            self.text,
            value,
            f"by= in {fname}() takes a column name such as household_id",
            f"{fname}() 的 by= 应为列名，如 household_id",
        )

    def date_literal(self, token: _Token, arg: Syntax) -> Syntax:
        if (
            arg.kind == "text"
            and isinstance(arg.value, str)
            and _ISO_DATE.fullmatch(arg.value) is not None
        ):
            try:
                return self.node(token, "date", date.fromisoformat(arg.value))
            except ValueError:
                pass
        raise _fail_at(
            self.text,
            arg,
            'date() takes a date in quotes as "YYYY-MM-DD", such as date("2025-01-01")',
            'date() 的参数应为带引号的 "YYYY-MM-DD" 日期，如 date("2025-01-01")',
        )


def _fail_at(text: str, node: Syntax, en: str, zh: str) -> RuleSyntaxError:
    lines = text.split("\n")
    offset = sum(len(line) + 1 for line in lines[: node.line - 1]) + node.column - 1
    return _fail(text, offset, en, zh)


def parse_syntax(text: str) -> Syntax:
    """
    Parse an expression of the rule language into a syntax tree.

    The grammar is closed: literals (``15``, ``1800.50``, ``"nurse"``,
    ``true``, ``date("2025-01-01")``), names of fields or rules, parameters
    (``param("a.b")`` or ``$a.b``), ``+ - * /``, comparisons, ``and``/``or``/
    ``not``, parentheses and the functions in :data:`FUNCTIONS`. Nothing is
    evaluated or imported; run time and recursion are bounded by
    :data:`MAX_LENGTH` and :data:`MAX_DEPTH`.

    Args:
        text: The expression.

    Returns:
        The root of the syntax tree.

    Raises:
        RuleSyntaxError: The text is not a valid expression; the message gives
            the line and column within the expression and what was expected.

    .. versionadded:: 0.1.0
    """
    if not isinstance(text, str):
        raise RuleSyntaxError(
            f"an expression must be text, not {type(text).__name__} / 表达式必须是文本",
            line=1,
            column=1,
        )
    if len(text) > MAX_LENGTH:
        raise RuleSyntaxError(
            f"expression longer than {MAX_LENGTH} characters ({len(text)}); split it into "
            f"several rules / 表达式超过{MAX_LENGTH}个字符（{len(text)}），请拆成几条规则",
            line=1,
            column=1,
        )
    return _Parser(text, _tokenize(text)).parse()


_BINARY: dict[str, Callable[[Expr, Expr], Expr]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a.eq(b),
    "!=": lambda a, b: a.ne(b),
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
}


def _literal(tree: Syntax) -> int | Decimal | str | bool | date:
    value = tree.value
    if value is None:
        raise RuleSyntaxError(
            "a literal has no value / 字面值为空", line=tree.line, column=tree.column
        )
    return value


def to_expr(tree: Syntax) -> Expr:
    """
    Turn a syntax tree into the rules engine's expression, through its public builders.

    Args:
        tree: A tree from :func:`parse_syntax`.

    Returns:
        The equivalent :class:`unionkit.rules.Expr`; identifiers become
        ``name(...)``, resolved to a rule or a field when the rule set is built.

    .. versionadded:: 0.1.0
    """
    kind = tree.kind
    if kind in ("number", "text", "bool", "date"):
        return lit(_literal(tree))
    if kind == "name":
        return name(str(tree.value))
    if kind == "param":
        return param(str(tree.value))
    if kind == "unary":
        operand = to_expr(tree.args[0])
        return ~operand if tree.value == "not" else -operand
    if kind == "binary":
        return _BINARY[str(tree.value)](to_expr(tree.args[0]), to_expr(tree.args[1]))
    if kind != "call":
        raise RuleSyntaxError(
            f"unexpected {kind} node / 意外的语法节点", line=tree.line, column=tree.column
        )
    fn = TABLE.get(str(tree.value))
    if fn is None:
        raise RuleSyntaxError(
            f"unknown function {tree.value!r} / 未知函数", line=tree.line, column=tree.column
        )
    args: list[Any] = []
    for i, arg in enumerate(tree.args):
        arg_kind = fn.kinds.get(i)
        if arg_kind == "literals":
            args.append(tuple(_literal(item) for item in arg.args))
        elif arg_kind == "parameter":
            args.append(str(arg.value))
        else:
            args.append(to_expr(arg))
    keywords: dict[str, Any] = {}
    for k, v in tree.keywords:
        if k == "by":
            keywords[k] = str(v.value)
        elif k in fn.flags:
            keywords[k] = v.value is True
        else:
            keywords[k] = to_expr(v)
    return fn.build(args, keywords)


def parse_expression(text: str) -> Expr:
    """
    Parse an expression of the rule language into a rules-engine ``Expr``.

    Args:
        text: The expression, e.g. ``'sick_leave_days >= $hardship.sick_leave_days'``.

    Returns:
        The expression tree.

    Raises:
        RuleSyntaxError: The text is not a valid expression (a
            :class:`~unionkit.errors.RuleDefinitionError`).

    .. versionadded:: 0.1.0
    """
    return to_expr(parse_syntax(text))


def describe_functions() -> Sequence[str]:
    """Return the usage line of every function, sorted by name (for help texts and docs)."""
    return [FUNCTIONS[name].summary for name in sorted(FUNCTIONS)]
