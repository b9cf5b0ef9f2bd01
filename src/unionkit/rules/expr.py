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
    "AsOf",
    "Between",
    "BoolOp",
    "Clip",
    "Coalesce",
    "Compare",
    "DatePart",
    "Expr",
    "Extreme",
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
    "Since",
    "Where",
    "as_of",
    "between",
    "children",
    "clip",
    "coalesce",
    "day",
    "days_since",
    "field",
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
class Where(Expr):
    """*then* where *cond* holds, else *otherwise*."""

    cond: Expr
    then: Expr
    otherwise: Expr
    _kids: ClassVar[tuple[str, ...]] = ("cond", "then", "otherwise")


@frozen(cache_hash=True, order=False)
class Extreme(Expr):
    """The smallest (``op="min"``) or largest (``op="max"``) of *args*."""

    op: str
    args: tuple[Expr, ...]
    _kids: ClassVar[tuple[str, ...]] = ("args",)


@frozen(cache_hash=True, order=False)
class Clip(Expr):
    """*operand* limited to ``[lo, hi]``."""

    operand: Expr
    lo: Expr
    hi: Expr
    _kids: ClassVar[tuple[str, ...]] = ("operand", "lo", "hi")


@frozen(cache_hash=True, order=False)
class Between(Expr):
    """``lo <= operand <= hi``."""

    operand: Expr
    lo: Expr
    hi: Expr
    _kids: ClassVar[tuple[str, ...]] = ("operand", "lo", "hi")


@frozen(cache_hash=True, order=False)
class IsIn(Expr):
    """*operand* equals one of the literal *values*."""

    operand: Expr
    values: tuple[Lit, ...]
    _kids: ClassVar[tuple[str, ...]] = ("operand",)


@frozen(cache_hash=True, order=False)
class Since(Expr):
    """Whole years, months or days from a date to the evaluation date."""

    unit: str
    operand: Expr
    _kids: ClassVar[tuple[str, ...]] = ("operand",)


@frozen(cache_hash=True, order=False)
class Coalesce(Expr):
    """*operand*, or *default* where *operand* is unknown."""

    operand: Expr
    default: Expr
    _kids: ClassVar[tuple[str, ...]] = ("operand", "default")


@frozen(cache_hash=True, order=False)
class DatePart(Expr):
    """The ``year``, ``month`` (1-12) or ``day`` (1-31) of a date, as an integer."""

    part: str
    operand: Expr
    _kids: ClassVar[tuple[str, ...]] = ("operand",)


@frozen(cache_hash=True, order=False)
class AsOf(Expr):
    """The evaluation date."""


@frozen(cache_hash=True, order=False)
class GroupAgg(Expr):
    """
    An aggregate over the members sharing the column *by*, broadcast back to each member.

    *op* is ``sum``, ``count``, ``any``, ``all``, ``max`` or ``min``;
    *operand* is None for ``count``; *where* optionally restricts ``count``.
    Missing values are left out of every aggregate.
    """

    op: str
    operand: Expr | None
    by: str
    where: Expr | None = None
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
    return Where(wrap(cond), wrap(then), wrap(otherwise))


def _extreme(op: str, args: Sequence[ExprLike]) -> Expr:
    if len(args) < 2:
        raise RuleDefinitionError(f"{op}imum needs at least two arguments / 至少需要两个参数")
    return Extreme(op, tuple(wrap(a) for a in args))


def minimum(*args: ExprLike) -> Expr:
    """The smallest of *args* (at least two)."""
    return _extreme("min", args)


def maximum(*args: ExprLike) -> Expr:
    """The largest of *args* (at least two)."""
    return _extreme("max", args)


def clip(x: ExprLike, lo: ExprLike, hi: ExprLike) -> Expr:
    """*x* limited to the range ``[lo, hi]``."""
    return Clip(wrap(x), wrap(lo), wrap(hi))


def between(x: ExprLike, lo: ExprLike, hi: ExprLike) -> Expr:
    """``lo <= x <= hi`` (both ends included)."""
    return Between(wrap(x), wrap(lo), wrap(hi))


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
    return Since("years", wrap(x))


def months_since(x: ExprLike) -> Expr:
    """Whole months from the date *x* to the evaluation date."""
    return Since("months", wrap(x))


def days_since(x: ExprLike) -> Expr:
    """Days from the date *x* to the evaluation date."""
    return Since("days", wrap(x))


def coalesce(x: ExprLike, default: ExprLike) -> Expr:
    """
    The value of *x*, or *default* where *x* is unknown.

    Use it where a missing input must not wipe out a whole sum: in
    ``coalesce(sick_leave_days, 0) >= 15`` an unknown number of sick-leave
    days counts as none.

    .. versionadded:: 0.1.0
    """
    return Coalesce(wrap(x), wrap(default))


def year(d: ExprLike) -> Expr:
    """
    The year of the date *d*, an integer.

    .. versionadded:: 0.1.0
    """
    return DatePart("year", wrap(d))


def month(d: ExprLike) -> Expr:
    """
    The month (1 to 12) of the date *d*: ``month(birth_date).eq(month(as_of()))`` is a birthday.

    .. versionadded:: 0.1.0
    """
    return DatePart("month", wrap(d))


def day(d: ExprLike) -> Expr:
    """
    The day of the month (1 to 31) of the date *d*.

    .. versionadded:: 0.1.0
    """
    return DatePart("day", wrap(d))


def as_of() -> Expr:
    """
    The evaluation date (the ``as_of`` given to ``evaluate`` or ``explain``).

    .. versionadded:: 0.1.0
    """
    return AsOf()


def group_sum(x: ExprLike, by: str) -> Expr:
    """The sum of *x* over the members sharing *by* (missing values left out)."""
    return GroupAgg("sum", wrap(x), by)


def group_count(by: str, where: ExprLike | None = None) -> Expr:
    """How many members share *by* (only those where *where* holds, if given)."""
    return GroupAgg("count", None, by, None if where is None else wrap(where))


def group_any(cond: ExprLike, by: str) -> Expr:
    """Whether *cond* holds for any member sharing *by*."""
    return GroupAgg("any", wrap(cond), by)


def group_all(cond: ExprLike, by: str) -> Expr:
    """Whether *cond* holds for every member sharing *by* whose value is known."""
    return GroupAgg("all", wrap(cond), by)


def group_max(x: ExprLike, by: str) -> Expr:
    """The largest *x* among the members sharing *by*."""
    return GroupAgg("max", wrap(x), by)


def group_min(x: ExprLike, by: str) -> Expr:
    """The smallest *x* among the members sharing *by*."""
    return GroupAgg("min", wrap(x), by)


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
    if node.vtype is ValueType.text:
        return repr(value)
    if node.vtype is ValueType.date:
        return f"date({value.isoformat()})"
    if node.vtype is ValueType.bool:
        return "true" if value else "false"
    return str(value)


def to_text(e: Expr) -> str:
    """Render *e* as text, e.g. ``years_since(birth_date) >= param("screening.min_age")``."""
    return _text(e, top=True)


def _text(e: Expr, top: bool = False) -> str:
    inner: str
    if isinstance(e, Field | Name | Ref):
        return e.name
    if isinstance(e, Param):
        return f'param("{e.name}")'
    if isinstance(e, Lit):
        return _lit_text(e)
    if isinstance(e, Arith | Compare | BoolOp):
        inner = f"{_text(e.left)} {e.op} {_text(e.right)}"
        return inner if top else f"({inner})"
    if isinstance(e, Neg):
        return f"-{_text(e.operand)}"
    if isinstance(e, Not):
        return f"~{_text(e.operand)}"
    if isinstance(e, Where):
        return f"where({_text(e.cond, True)}, {_text(e.then, True)}, {_text(e.otherwise, True)})"
    if isinstance(e, Extreme):
        return f"{e.op}imum({', '.join(_text(a, True) for a in e.args)})"
    if isinstance(e, Clip | Between):
        fn = "clip" if isinstance(e, Clip) else "between"
        return f"{fn}({_text(e.operand, True)}, {_text(e.lo, True)}, {_text(e.hi, True)})"
    if isinstance(e, IsIn):
        values = ", ".join(_lit_text(v) for v in e.values)
        return f"isin({_text(e.operand, True)}, [{values}])"
    if isinstance(e, Since):
        return f"{e.unit}_since({_text(e.operand, True)})"
    if isinstance(e, Coalesce):
        return f"coalesce({_text(e.operand, True)}, {_text(e.default, True)})"
    if isinstance(e, DatePart):
        return f"{e.part}({_text(e.operand, True)})"
    if isinstance(e, AsOf):
        return "as_of()"
    if isinstance(e, GroupAgg):
        args = [] if e.operand is None else [_text(e.operand, True)]
        args.append(f"by={e.by}")
        if e.where is not None:
            args.append(f"where={_text(e.where, True)}")
        return f"group_{e.op}({', '.join(args)})"
    if isinstance(e, ScaleLookup):
        return f'scale_lookup("{e.param}", {_text(e.operand, True)})'
    raise TypeError(f"unknown expression node {type(e).__name__}")


def canonical(e: Expr) -> list[Any]:
    """A JSON-ready nested list that identifies *e* exactly (used for content hashes)."""
    if isinstance(e, Lit):
        value = e.value
        text = value.isoformat() if isinstance(value, dt.date) else repr(value)
        return ["Lit", e.vtype.value, type(value).__name__, text]
    out: list[Any] = [type(e).__name__]
    for a in _attributes(e):
        value = getattr(e, a.name)
        if isinstance(value, Expr):
            out.append(canonical(value))
        elif isinstance(value, tuple):
            out.append([canonical(v) for v in value])
        else:
            out.append(value)
    return out
