"""The expression tree of a rule: fields, parameters, literals, operators, functions, aggregates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, ClassVar

import attrs
from attrs import frozen

from unionkit.errors import RuleDefinitionError
from unionkit.rules.schema import ValueType

__all__ = [
    "Arith",
    "BoolOp",
    "Call",
    "Compare",
    "Expr",
    "Field",
    "GroupAgg",
    "IsIn",
    "Lit",
    "Name",
    "Neg",
    "Not",
    "Param",
    "Ref",
    "ScaleLookup",
    "as_of",
    "between",
    "children",
    "clip",
    "coalesce",
    "day",
    "days_since",
    "field",
    "function_name",
    "group_all",
    "group_any",
    "group_count",
    "group_max",
    "group_min",
    "group_sum",
    "isin",
    "lit",
    "maximum",
    "minimum",
    "month",
    "months_since",
    "name",
    "param",
    "rebuild",
    "ref",
    "scale_lookup",
    "to_text",
    "walk",
    "where",
    "wrap",
    "year",
    "years_since",
]

ExprLike = Any
"""An :class:`Expr` or a plain value (int, float, Decimal, bool, date, str), made a literal."""


class Expr:
    """
    A node of a rule's expression tree.

    Nodes are immutable and compare structurally with ``==``; use
    :meth:`eq` / :meth:`ne` to build an equality test. Python operators
    build trees: ``+ - * /``, unary ``-``, ``< <= > >=``, ``& | ~``.

    .. versionadded:: 0.1.0
    """

    __slots__ = ()
    _kids: ClassVar[tuple[str, ...]] = ()

    def __add__(self, other: ExprLike) -> Expr:
        return Arith("+", self, wrap(other))

    def __radd__(self, other: ExprLike) -> Expr:
        return Arith("+", wrap(other), self)

    def __sub__(self, other: ExprLike) -> Expr:
        return Arith("-", self, wrap(other))

    def __rsub__(self, other: ExprLike) -> Expr:
        return Arith("-", wrap(other), self)

    def __mul__(self, other: ExprLike) -> Expr:
        return Arith("*", self, wrap(other))

    def __rmul__(self, other: ExprLike) -> Expr:
        return Arith("*", wrap(other), self)

    def __truediv__(self, other: ExprLike) -> Expr:
        return Arith("/", self, wrap(other))

    def __rtruediv__(self, other: ExprLike) -> Expr:
        return Arith("/", wrap(other), self)

    def __neg__(self) -> Expr:
        return Neg(self)

    def __lt__(self, other: ExprLike) -> Expr:
        return Compare("<", self, wrap(other))

    def __le__(self, other: ExprLike) -> Expr:
        return Compare("<=", self, wrap(other))

    def __gt__(self, other: ExprLike) -> Expr:
        return Compare(">", self, wrap(other))

    def __ge__(self, other: ExprLike) -> Expr:
        return Compare(">=", self, wrap(other))

    def eq(self, other: ExprLike) -> Expr:
        """Return the expression ``self == other`` (Python ``==`` stays structural equality)."""
        return Compare("==", self, wrap(other))

    def ne(self, other: ExprLike) -> Expr:
        """Return the expression ``self != other``."""
        return Compare("!=", self, wrap(other))

    def __and__(self, other: ExprLike) -> Expr:
        return BoolOp("&", self, wrap(other))

    def __rand__(self, other: ExprLike) -> Expr:
        return BoolOp("&", wrap(other), self)

    def __or__(self, other: ExprLike) -> Expr:
        return BoolOp("|", self, wrap(other))

    def __ror__(self, other: ExprLike) -> Expr:
        return BoolOp("|", wrap(other), self)

    def __invert__(self) -> Expr:
        return Not(self)

    def __bool__(self) -> bool:
        raise TypeError(
            "a rule expression has no truth value: use & | ~ instead of and/or/not, "
            "and where(...) instead of if / 规则表达式不能直接用作真假值：请用 & | ~ 与 where(...)"
        )

    def __str__(self) -> str:
        return to_text(self)


@frozen(cache_hash=True, order=False)
class Field(Expr):
    """Read the input column *name*."""

    name: str


@frozen(cache_hash=True, order=False)
class Param(Expr):
    """The value of the dated parameter *name* as of the evaluation date."""

    name: str


@frozen(cache_hash=True, order=False)
class Lit(Expr):
    """A constant; *vtype* is part of the node so that ``lit(1)`` and ``lit(True)`` differ."""

    value: Any
    vtype: ValueType


@frozen(cache_hash=True, order=False)
class Name(Expr):
    """A rule called *name* if the rule set has one, else the field *name* (resolved on build)."""

    name: str


@frozen(cache_hash=True, order=False)
class Ref(Expr):
    """The value of the rule *name*."""

    name: str


@frozen(cache_hash=True, order=False)
class Arith(Expr):
    """Arithmetic ``left op right`` with *op* one of ``+ - * /``."""

    op: str
    left: Expr
    right: Expr
    _kids: ClassVar[tuple[str, ...]] = ("left", "right")


@frozen(cache_hash=True, order=False)
class Neg(Expr):
    """Unary minus."""

    operand: Expr
    _kids: ClassVar[tuple[str, ...]] = ("operand",)


@frozen(cache_hash=True, order=False)
class Compare(Expr):
    """Comparison ``left op right`` with *op* one of ``< <= > >= == !=``."""

    op: str
    left: Expr
    right: Expr
    _kids: ClassVar[tuple[str, ...]] = ("left", "right")


@frozen(cache_hash=True, order=False)
class BoolOp(Expr):
    """``left & right`` or ``left | right`` (three-valued: False & unknown is False)."""

    op: str
    left: Expr
    right: Expr
    _kids: ClassVar[tuple[str, ...]] = ("left", "right")


@frozen(cache_hash=True, order=False)
class Not(Expr):
    """Logical not."""

    operand: Expr
    _kids: ClassVar[tuple[str, ...]] = ("operand",)


@frozen(cache_hash=True, order=False)
class Call(Expr):
    """
    A call of the function *fn* of the rule language on *args*.

    Which functions there are, their arguments, types and implementations is
    the table :data:`unionkit.rules.functions.FUNCTIONS`.

    .. versionadded:: 0.1.0
    """

    fn: str
    args: tuple[Expr, ...]
    _kids: ClassVar[tuple[str, ...]] = ("args",)


@frozen(cache_hash=True, order=False)
class IsIn(Expr):
    """*operand* equals one of the literal *values*."""

    operand: Expr
    values: tuple[Lit, ...]
    _kids: ClassVar[tuple[str, ...]] = ("operand",)


@frozen(cache_hash=True, order=False)
class GroupAgg(Expr):
    """
    An aggregate over the members sharing the column *by*, broadcast back to each member.

    *op* is ``sum``, ``count``, ``any``, ``all``, ``max`` or ``min``;
    *operand* is None for ``count``; *where* optionally restricts ``count``.
    A group with a member whose value (or ``where``) is unknown has an unknown
    aggregate, unless the answer is decided anyway (``any`` with a known yes,
    ``all`` with a known no); with *skip_unknown* those members are left out
    instead.
    """

    op: str
    operand: Expr | None
    by: str
    where: Expr | None = None
    skip_unknown: bool = False
    _kids: ClassVar[tuple[str, ...]] = ("operand", "where")


@frozen(cache_hash=True, order=False)
class ScaleLookup(Expr):
    """The amount of the scale parameter *param* for *operand* (see :class:`Scale`)."""

    param: str
    operand: Expr
    _kids: ClassVar[tuple[str, ...]] = ("operand",)


def wrap(value: ExprLike) -> Expr:
    """
    Return *value* as an expression, wrapping plain values in :func:`lit`.

    Raises:
        RuleDefinitionError: The value cannot be part of a rule.
    """
    if isinstance(value, Expr):
        return value
    return lit(value)


def lit(value: bool | int | float | Decimal | dt.date | str) -> Lit:
    """
    Return a constant.

    ``int`` is an integer, ``float`` a number, ``Decimal`` with at most two
    decimal places is money in yuan (more places: a number), ``bool`` a
    yes/no, ``date`` a date and ``str`` text.

    Raises:
        RuleDefinitionError: The value is of another kind.
    """
    if isinstance(value, bool):
        return Lit(value, ValueType.bool)
    if isinstance(value, int):
        return Lit(value, ValueType.int)
    if isinstance(value, float):
        return Lit(value, ValueType.number)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise RuleDefinitionError(f"literal {value} is not a finite number / 常量不是有限数")
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return Lit(value, ValueType.money if places <= 2 else ValueType.number)
    if isinstance(value, dt.datetime):
        return Lit(value.date(), ValueType.date)
    if isinstance(value, dt.date):
        return Lit(value, ValueType.date)
    if isinstance(value, str):
        return Lit(value, ValueType.text)
    raise RuleDefinitionError(
        f"cannot use {type(value).__name__} {value!r} in a rule / 规则中不能使用该类型的值"
    )


def field(name_: str) -> Field:
    """Read the input column *name_* (e.g. ``"sick_leave_days"``)."""
    return Field(name_)


def param(name_: str) -> Param:
    """The value of the dated parameter *name_* as of the evaluation date."""
    return Param(name_)


def name(name_: str) -> Name:
    """A rule called *name_* if the rule set has one, else the field *name_*."""
    return Name(name_)


def ref(name_: str) -> Ref:
    """The value of the rule *name_* of the same rule set."""
    return Ref(name_)


def where(cond: ExprLike, then: ExprLike, otherwise: ExprLike) -> Expr:
    """*then* where *cond* holds, else *otherwise*; unknown *cond* gives unknown."""
    return Call("where", (wrap(cond), wrap(then), wrap(otherwise)))


def _extreme(op: str, args: Sequence[ExprLike]) -> Expr:
    if len(args) < 2:
        raise RuleDefinitionError(f"{op}imum needs at least two arguments / 至少需要两个参数")
    return Call(op, tuple(wrap(a) for a in args))


def minimum(*args: ExprLike) -> Expr:
    """The smallest of *args* (at least two)."""
    return _extreme("min", args)


def maximum(*args: ExprLike) -> Expr:
    """The largest of *args* (at least two)."""
    return _extreme("max", args)


def clip(x: ExprLike, lo: ExprLike, hi: ExprLike) -> Expr:
    """*x* limited to the range ``[lo, hi]``."""
    return Call("clip", (wrap(x), wrap(lo), wrap(hi)))


def between(x: ExprLike, lo: ExprLike, hi: ExprLike) -> Expr:
    """``lo <= x <= hi`` (both ends included)."""
    return Call("between", (wrap(x), wrap(lo), wrap(hi)))


def isin(x: ExprLike, values: Iterable[bool | int | float | Decimal | dt.date | str]) -> Expr:
    """*x* equals one of *values* (constants)."""
    lits = tuple(lit(v) for v in values)
    if not lits:
        raise RuleDefinitionError("isin needs at least one value / isin 至少需要一个值")
    return IsIn(wrap(x), lits)


def years_since(x: ExprLike) -> Expr:
    """
    Whole years from the date *x* to the evaluation date (an age, a tenure).

    Birthday-exact: a person born on 29 February turns a year older on
    1 March in common years.
    """
    return Call("years_since", (wrap(x),))


def months_since(x: ExprLike) -> Expr:
    """Whole months from the date *x* to the evaluation date."""
    return Call("months_since", (wrap(x),))


def days_since(x: ExprLike) -> Expr:
    """Days from the date *x* to the evaluation date."""
    return Call("days_since", (wrap(x),))


def coalesce(x: ExprLike, default: ExprLike) -> Expr:
    """
    The value of *x*, or *default* where *x* is unknown.

    Use it where a missing input must not wipe out a whole sum: in
    ``coalesce(sick_leave_days, 0) >= 15`` an unknown number of sick-leave
    days counts as none.

    .. versionadded:: 0.1.0
    """
    return Call("coalesce", (wrap(x), wrap(default)))


def year(d: ExprLike) -> Expr:
    """
    The year of the date *d*, an integer.

    .. versionadded:: 0.1.0
    """
    return Call("year", (wrap(d),))


def month(d: ExprLike) -> Expr:
    """
    The month (1 to 12) of the date *d*: ``month(birth_date).eq(month(as_of()))`` is a birthday.

    .. versionadded:: 0.1.0
    """
    return Call("month", (wrap(d),))


def day(d: ExprLike) -> Expr:
    """
    The day of the month (1 to 31) of the date *d*.

    .. versionadded:: 0.1.0
    """
    return Call("day", (wrap(d),))


def as_of() -> Expr:
    """
    The evaluation date (the ``as_of`` given to ``evaluate`` or ``explain``).

    .. versionadded:: 0.1.0
    """
    return Call("as_of", ())


def group_sum(x: ExprLike, by: str, skip_unknown: bool = False) -> Expr:
    """
    The sum of *x* over the members sharing *by*.

    Unknown when a member's *x* is unknown, unless *skip_unknown* (then those members are left out).
    """
    return GroupAgg("sum", wrap(x), by, None, skip_unknown)


def group_count(by: str, where: ExprLike | None = None, skip_unknown: bool = False) -> Expr:
    """
    How many members share *by* (only those where *where* holds, if given).

    Unknown when a member's *where* is unknown, unless *skip_unknown* (then they are not counted).
    """
    return GroupAgg("count", None, by, None if where is None else wrap(where), skip_unknown)


def group_any(cond: ExprLike, by: str, skip_unknown: bool = False) -> Expr:
    """
    Whether *cond* holds for any member sharing *by*.

    Yes if it holds for a member; else unknown when a member's *cond* is unknown, unless
    *skip_unknown*.
    """
    return GroupAgg("any", wrap(cond), by, None, skip_unknown)


def group_all(cond: ExprLike, by: str, skip_unknown: bool = False) -> Expr:
    """
    Whether *cond* holds for every member sharing *by*.

    No if it fails for a member; else unknown when a member's *cond* is unknown, unless
    *skip_unknown* (then only the known members count).
    """
    return GroupAgg("all", wrap(cond), by, None, skip_unknown)


def group_max(x: ExprLike, by: str, skip_unknown: bool = False) -> Expr:
    """
    The largest *x* among the members sharing *by*.

    Unknown when a member's *x* is unknown, unless *skip_unknown* (the largest known value).
    """
    return GroupAgg("max", wrap(x), by, None, skip_unknown)


def group_min(x: ExprLike, by: str, skip_unknown: bool = False) -> Expr:
    """
    The smallest *x* among the members sharing *by*.

    Unknown when a member's *x* is unknown, unless *skip_unknown* (the smallest known value).
    """
    return GroupAgg("min", wrap(x), by, None, skip_unknown)


def scale_lookup(param_name: str, x: ExprLike) -> Expr:
    """
    Look *x* up in the scale parameter *param_name*.

    For an ``amount`` scale: the amount of the highest bracket whose
    threshold is at most *x*, 0 below the first. For a ``marginal_rate``
    scale: the sum of each bracket's rate times the part of *x* inside it.
    """
    return ScaleLookup(param_name, wrap(x))


def children(e: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of *e*."""
    out: list[Expr] = []
    for attr in e._kids:
        value = getattr(e, attr)
        if isinstance(value, tuple):
            out.extend(value)
        elif value is not None:
            out.append(value)
    return tuple(out)


def walk(e: Expr) -> Iterator[Expr]:
    """Every node of *e*, parents before children."""
    yield e
    for child in children(e):
        yield from walk(child)


def rebuild(e: Expr, fn: Callable[[Expr], Expr]) -> Expr:
    """Return *e* with *fn* applied to every node bottom-up."""
    if not e._kids:
        return fn(e)
    changes: dict[str, Any] = {}
    for attr in e._kids:
        value = getattr(e, attr)
        if isinstance(value, tuple):
            new: Any = tuple(rebuild(v, fn) for v in value)
        elif value is None:
            new = None
        else:
            new = rebuild(value, fn)
        if new != value:
            changes[attr] = new
    if changes:
        fields = {a.name: getattr(e, a.name) for a in _attributes(e)}
        fields.update(changes)
        e = type(e)(**fields)
    return fn(e)


def _attributes(e: Expr) -> tuple[Any, ...]:
    cls: Any = type(e)
    return tuple(attrs.fields(cls))


def _lit_text(node: Lit) -> str:
    value = node.value
    vtype = node.vtype
    if vtype is ValueType.text:
        escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if vtype is ValueType.date:
        return f'date("{value.isoformat()}")'
    if vtype is ValueType.bool:
        return "true" if value else "false"
    if vtype is ValueType.int:
        return str(int(value))
    if vtype is ValueType.money:
        # two places always: "2000.00" reads back as money, "2000" would be an integer
        return format(Decimal(value).quantize(Decimal("0.01")), "f")
    text = format(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), "f")
    whole, _, places = text.partition(".")
    # at least three places: the rule language reads 0.5 and 0.50 as money, 0.500 as a number
    return f"{whole}.{places.ljust(3, '0')}"


# Binding strength of the rule language's operators, loosest first (see parse.py's grammar).
_OR, _AND, _NOT, _COMPARE, _ADD, _MUL, _UNARY, _ATOM = range(8)
_LEVEL = {"|": _OR, "&": _AND, "+": _ADD, "-": _ADD, "*": _MUL, "/": _MUL}
_WORD = {"&": "and", "|": "or"}


def to_text(e: Expr) -> str:
    """
    Print *e* in the rule language, the text :func:`~unionkit.rules.parse.parse_expression` reads.

    ``max(sick_leave_days, 3) > 2 and not serious_illness``: ``and``/``or``/
    ``not``, functions by their rule-language names, parameters as
    ``$name``, parentheses only where the grammar needs them. A tree the
    parser built prints back to a text that parses to the same tree.
    """
    return _text(e)


def _level(e: Expr) -> int:
    if isinstance(e, Arith | BoolOp):
        return _LEVEL[e.op]
    if isinstance(e, Compare):
        return _COMPARE
    if isinstance(e, Not):
        return _NOT
    if isinstance(e, Neg):
        return _UNARY
    if (
        isinstance(e, Lit)
        and e.vtype in (ValueType.int, ValueType.money, ValueType.number)
        and e.value < 0
    ):
        return _UNARY  # "-5" is read as a minus sign: a literal on the left of * is fine
    return _ATOM


def _wrapped(e: Expr, least: int) -> str:
    """*e* printed, in parentheses unless it binds at least as tightly as *least*."""
    text = _text(e)
    return text if _level(e) >= least else f"({text})"


def _text(e: Expr) -> str:
    if isinstance(e, Field | Name | Ref):
        return e.name
    if isinstance(e, Param):
        return f"${e.name}"
    if isinstance(e, Lit):
        return _lit_text(e)
    if isinstance(e, Arith | BoolOp):
        level = _LEVEL[e.op]
        op = _WORD.get(e.op, e.op)
        # left-associative: the right operand of the same level needs parentheses
        return f"{_wrapped(e.left, level)} {op} {_wrapped(e.right, level + 1)}"
    if isinstance(e, Compare):
        # comparisons do not chain: both operands must bind more tightly
        return f"{_wrapped(e.left, _ADD)} {e.op} {_wrapped(e.right, _ADD)}"
    if isinstance(e, Not):
        return f"not {_wrapped(e.operand, _NOT)}"
    if isinstance(e, Neg):
        inner = _wrapped(e.operand, _UNARY)
        # "- -x", not "--x"; and "-(5)" would be read as the literal -5 anyway
        return f"- {inner}" if inner.startswith("-") else f"-{inner}"
    if isinstance(e, Call):
        return f"{e.fn}({', '.join(_text(a) for a in e.args)})"
    if isinstance(e, IsIn):
        values = ", ".join(_lit_text(v) for v in e.values)
        return f"isin({_text(e.operand)}, [{values}])"
    if isinstance(e, GroupAgg):
        args = [] if e.operand is None else [_text(e.operand)]
        args.append(f"by={e.by}")
        if e.where is not None:
            args.append(f"where={_text(e.where)}")
        if e.skip_unknown:
            args.append("skip_unknown=true")
        return f"group_{e.op}({', '.join(args)})"
    if isinstance(e, ScaleLookup):
        return f"scale(${e.param}, {_text(e.operand)})"
    summary = getattr(e, "rule_text", None)  # a node written outside rule text (a decision table)
    if summary is not None:
        return str(summary())
    raise TypeError(f"unknown expression node {type(e).__name__}")


def function_name(e: Expr) -> str | None:
    """The name under which *e* is in the table of functions, or None for an operator or a leaf."""
    if isinstance(e, Call):
        return e.fn
    if isinstance(e, GroupAgg):
        return f"group_{e.op}"
    if isinstance(e, IsIn):
        return "isin"
    if isinstance(e, ScaleLookup):
        return "scale"
    return None


# Calls of the functions that had node classes of their own hash as they did then, so that
# the rule-set versions (content hashes) of existing rules did not change with the table.
_LEGACY: dict[str, tuple[str, ...]] = {
    "where": ("Where",),
    "min": ("Extreme", "min"),
    "max": ("Extreme", "max"),
    "clip": ("Clip",),
    "between": ("Between",),
    "years_since": ("Since", "years"),
    "months_since": ("Since", "months"),
    "days_since": ("Since", "days"),
    "coalesce": ("Coalesce",),
    "year": ("DatePart", "year"),
    "month": ("DatePart", "month"),
    "day": ("DatePart", "day"),
    "as_of": ("AsOf",),
}


def canonical(e: Expr) -> list[Any]:
    """A JSON-ready nested list that identifies *e* exactly (used for content hashes)."""
    if isinstance(e, Call):
        legacy = _LEGACY.get(e.fn)
        args = [canonical(a) for a in e.args]
        if legacy is None:
            return ["Call", e.fn, args]
        return [*legacy, args] if legacy[0] == "Extreme" else [*legacy, *args]
    if isinstance(e, Lit):
        value = e.value
        text = value.isoformat() if isinstance(value, dt.date) else repr(value)
        return ["Lit", e.vtype.value, type(value).__name__, text]
    out: list[Any] = [type(e).__name__]
    for a in _attributes(e):
        value = getattr(e, a.name)
        if a.name == "skip_unknown" and not value:
            continue  # left out when not set, so that rules without it keep their content hash
        if isinstance(value, Expr):
            out.append(canonical(value))
        elif isinstance(value, tuple):
            out.append([canonical(v) for v in value])
        else:
            out.append(value)
    return out
