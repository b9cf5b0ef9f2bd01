"""The rule language's functions, each once: name, arguments, builder, types, vector code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
from attrs import frozen

from unionkit.errors import RuleDefinitionError
from unionkit.rules.columns import Groups
from unionkit.rules.events import EVENT_FUNCTIONS, event_type, event_vector
from unionkit.rules.expr import Call, Expr, GroupAgg, IsIn, Lit, ScaleLookup, lit, to_text, wrap
from unionkit.rules.schema import ValueType
from unionkit.rules.values import (
    EXACT_LIMIT,
    NUMERIC,
    Val,
    any_missing,
    common_type,
    constant,
    elapsed,
    max_abs,
    ndim,
    scale_table,
    to_type,
    too_large,
    ymd,
)
from unionkit.rules.workdays import (
    DATE_FUNCTIONS,
    WORKDAY_FUNCTIONS,
    date_type,
    date_vector,
    workday_type,
    workday_vector,
)

__all__ = ["FUNCTIONS", "Context", "Function", "TypeContext", "call", "describe"]

V = ValueType
Array = np.ndarray[Any, Any]


class Context(Protocol):
    """What a function's vector implementation may ask of the run computing it."""

    @property
    def as_of(self) -> dt.date:
        """The evaluation date."""

    @property
    def n(self) -> int:
        """How many members (rows) the run has."""

    def eval(self, e: Expr) -> Val:
        """The value of the node *e*."""

    def typed(self, e: Expr, target: ValueType) -> Val:
        """The value of *e* in the representation of *target*."""

    def common(self, parts: Sequence[Expr]) -> tuple[list[Val], str | None]:
        """The values of *parts* in their common type, aligned."""

    def align(self, *vs: Val) -> tuple[list[Val], str | None]:
        """*vs* over the same rows."""

    def full(self, v: Val) -> Val:
        """*v* with one entry per member."""

    def group(self, by: str) -> Groups:
        """The groups of the column *by*."""

    def parameter(self, name: str) -> Any:
        """The value of the parameter *name* on the evaluation date."""

    def type_of(self, e: Expr) -> ValueType:
        """The inferred type of *e*."""

    @property
    def tracer(self) -> Any:
        """The tracer observing the run, or None."""

    @property
    def events(self) -> Any:
        """The dated events given to the run (an ``EventInput``), or None."""

    @property
    def workdays(self) -> Any:
        """The working-day calendar given to the run (a ``WorkingDays``), or None."""

    @property
    def cols(self) -> Any:
        """The run's input columns."""


class TypeContext(Protocol):
    """What a function's type rule may ask of the type checker."""

    def infer(self, e: Expr) -> ValueType:
        """The type of *e*."""

    def fail(self, node: Expr, en: str, zh: str) -> RuleDefinitionError:
        """The error for *node*, naming the rule."""

    def common(self, node: Expr, parts: Sequence[Expr], what: str) -> ValueType:
        """The common type of *parts*, or the error naming *what*."""

    def numeric(self, e: Expr, node: Expr, what: str) -> ValueType:
        """The type of *e*, which must be numeric for *what*."""

    def field_type(self, name: str) -> ValueType | None:
        """The type of the input field *name* (None if unknown)."""

    def parameter_type(self, name: str) -> tuple[bool, ValueType | None]:
        """Whether the parameter *name* exists, and its type (None for a scale)."""

    def scale_type(self, name: str) -> ValueType:
        """The type of the amounts of the scale parameter *name*."""


Builder = Callable[[Sequence[Any], Mapping[str, Any]], Expr]


@frozen
class Function:
    """
    One function of the rule language: everything the parser, checker, printer and interpreter need.

    Attributes:
        name: The name written in rule text, and printed (``max``).
        usage: How a call is written, e.g. ``max(a, b, ...)``.
        min_args: The fewest positional arguments.
        max_args: The most positional arguments (None: any number).
        kinds: Positional arguments that are not expressions, by position:
            ``"literals"`` (a list ``[1, 2]`` of constants) or ``"parameter"``
            (a parameter name, ``$name`` or ``"name"``).
        keywords: The keyword arguments allowed (``by``: a column name; ``where``: a condition;
            the flags).
        required: The keyword arguments that must be given.
        flags: The keyword arguments that take a literal ``true`` or ``false``
            (``skip_unknown``), given to *build* as a Python ``bool``.
        build: Makes the node from the arguments (expressions, a tuple of
            constants for ``literals``, a name for ``parameter`` and ``by``).
        typing: The type rule: the node's value type, or the error.
        vector: The vectorised implementation: the node's value over a run's rows.
        label_zh: What the function gives, in Chinese.
        label_en: The same in English.

    .. versionadded:: 0.1.0
    """

    name: str
    usage: str
    min_args: int
    max_args: int | None
    build: Builder
    typing: Callable[[TypeContext, Any], ValueType]
    vector: Callable[[Context, Any], Val]
    label_zh: str
    label_en: str
    kinds: Mapping[int, str] = {}
    keywords: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    flags: frozenset[str] = frozenset()


def _calls(name: str) -> Builder:
    def build(args: Sequence[Any], keywords: Mapping[str, Any]) -> Expr:
        return Call(name, tuple(wrap(a) for a in args))

    return build


# --- type rules ---------------------------------------------------------------------------


def _where_type(tc: TypeContext, e: Call) -> ValueType:
    if tc.infer(e.args[0]) is not V.bool:
        raise tc.fail(e, "the condition of where must be yes/no", "where 的条件必须是是/否值")
    return tc.common(e, e.args[1:], "where")


def _ordered_type(tc: TypeContext, e: Call) -> ValueType:
    t = tc.common(e, e.args, e.fn)
    if t not in NUMERIC and t is not V.date:
        raise tc.fail(e, f"{e.fn} needs numbers or dates", f"{e.fn} 需要数值或日期")
    return t


def _clip_type(tc: TypeContext, e: Call) -> ValueType:
    t = tc.common(e, e.args, "clip")
    if t not in NUMERIC:
        raise tc.fail(e, "clip needs numbers", "clip 需要数值")
    return t


def _between_type(tc: TypeContext, e: Call) -> ValueType:
    _ordered_type(tc, e)
    return V.bool


def _date_type(tc: TypeContext, e: Call) -> ValueType:
    if tc.infer(e.args[0]) is not V.date:
        raise tc.fail(e, f"{e.fn} needs a date", f"{e.fn} 需要日期")
    return V.int


def _coalesce_type(tc: TypeContext, e: Call) -> ValueType:
    return tc.common(e, e.args, "coalesce")


def _as_of_type(tc: TypeContext, e: Call) -> ValueType:
    return V.date


def _abs_type(tc: TypeContext, e: Call) -> ValueType:
    return tc.numeric(e.args[0], e, "abs")


ROUND_PLACES = {V.int: 0, V.money: 2, V.number: 6}
"""The most decimal places ``round`` keeps, by type: whole numbers for integers, fen for money."""


def _round_type(tc: TypeContext, e: Call) -> ValueType:
    t = tc.numeric(e.args[0], e, "round")
    if len(e.args) == 2:
        places = e.args[1]
        if not (
            isinstance(places, Lit)
            and places.vtype is V.int
            and 0 <= places.value <= ROUND_PLACES[t]
        ):
            raise tc.fail(
                e,
                f"the places of round must be a whole number from 0 to "
                f"{ROUND_PLACES[t]} for {t.value}",
                f"round 的小数位数必须是 0 到 {ROUND_PLACES[t]} 的整数",
            )
    return t


def _isin_type(tc: TypeContext, e: IsIn) -> ValueType:
    t = tc.infer(e.operand)
    for v in e.values:
        if common_type([t, v.vtype]) is None:
            raise tc.fail(
                e,
                f"value {to_text(v)} cannot be compared with {t.value}",
                f"取值 {to_text(v)} 不能与{t.label_zh}比较",
            )
    return V.bool


def _group_type(tc: TypeContext, e: GroupAgg) -> ValueType:
    by_type = tc.field_type(e.by)
    if by_type is None:
        raise tc.fail(e, f"unknown grouping field {e.by!r}", f"未知分组字段 {e.by}")
    if by_type not in (V.text, V.int):
        raise tc.fail(
            e, f"cannot group by a {by_type.value} field", f"不能按{by_type.label_zh}字段分组"
        )
    if e.skip_unknown is not True and e.skip_unknown is not False:
        raise tc.fail(e, "skip_unknown must be true or false", "skip_unknown 必须是 true 或 false")
    if e.where is not None and tc.infer(e.where) is not V.bool:
        raise tc.fail(
            e, "the where of group_count must be yes/no", "group_count 的条件必须是是/否值"
        )
    if e.op == "count":
        return V.int
    if e.operand is None:
        raise tc.fail(e, f"group_{e.op} needs a value", f"group_{e.op} 需要一个值")
    t = tc.infer(e.operand)
    if e.op in ("any", "all"):
        if t is not V.bool:
            raise tc.fail(
                e, f"group_{e.op} needs a yes/no condition", f"group_{e.op} 需要是/否条件"
            )
        return V.bool
    if e.op == "sum" and t not in NUMERIC:
        raise tc.fail(
            e,
            "group_sum needs numbers (count yes/no with group_count)",
            "group_sum 需要数值（是/否请用 group_count）",
        )
    if e.op in ("max", "min") and t not in NUMERIC and t is not V.date:
        raise tc.fail(e, f"group_{e.op} needs numbers or dates", f"group_{e.op} 需要数值或日期")
    return t


def _scale_type(tc: TypeContext, e: ScaleLookup) -> ValueType:
    known, ptype = tc.parameter_type(e.param)
    if not known:
        raise tc.fail(e, f"unknown parameter {e.param!r}", f"未知参数 {e.param}")
    if ptype is not None:
        raise tc.fail(e, f"parameter {e.param!r} is not a scale", f"参数 {e.param} 不是分档表")
    tc.numeric(e.operand, e, "scale")
    return tc.scale_type(e.param)


# --- vector implementations ---------------------------------------------------------------


def _where(run: Context, e: Call) -> Val:
    cond, then, otherwise = e.args
    target = run.type_of(e)
    (c, a, b), by = run.align(run.eval(cond), run.typed(then, target), run.typed(otherwise, target))
    values = np.where(c.values, a.values, b.values)
    missing = c.missing
    if a.missing is not None:
        missing = any_missing(missing, c.values & a.missing)
    if b.missing is not None:
        missing = any_missing(missing, np.logical_not(c.values) & b.missing)
    return Val(values, missing, by)


def _extreme(run: Context, e: Call) -> Val:
    parts, by = run.common(e.args)
    fn = np.minimum if e.fn == "min" else np.maximum
    values = parts[0].values
    for p in parts[1:]:
        values = fn(values, p.values)
    return Val(values, any_missing(*(p.missing for p in parts)), by)


def _clip(run: Context, e: Call) -> Val:
    (x, lo, hi), by = run.common(e.args)
    values = np.minimum(np.maximum(x.values, lo.values), hi.values)
    return Val(values, any_missing(x.missing, lo.missing, hi.missing), by)


def _between(run: Context, e: Call) -> Val:
    (x, lo, hi), by = run.common(e.args)
    values = (x.values >= lo.values) & (x.values <= hi.values)
    return Val(values, any_missing(x.missing, lo.missing, hi.missing), by)


def _isin(run: Context, e: IsIn) -> Val:
    t = run.type_of(e.operand)
    target = common_type([t, *(v.vtype for v in e.values)])
    assert target is not None
    x = run.typed(e.operand, target)
    wanted = [to_type(constant(v.value, v.vtype), v.vtype, target) for v in e.values]
    if ndim(x.values) == 0:
        return Val(x.values in wanted, x.missing, x.by)
    values = np.isin(x.values, np.array(wanted, dtype=x.values.dtype))
    return Val(values, x.missing, x.by)


def _since(run: Context, e: Call) -> Val:
    unit = e.fn.removesuffix("_since")
    v = run.full(run.eval(e.args[0]))
    d = v.values
    if unit == "days":
        return Val((np.datetime64(run.as_of, "D") - d).astype(np.int64), v.missing)
    days = d.view(np.int64)
    if len(days) > 64:
        lo, hi = int(days.min()), int(days.max())
        if hi - lo <= len(days):
            # A roster spans a few tens of thousands of distinct days: tabulate the
            # calendar arithmetic once per day and gather, instead of once per member.
            span = np.arange(lo, hi + 1, dtype=np.int64).view("datetime64[D]")
            table = elapsed(span, unit, run.as_of)
            return Val(table[days - lo], v.missing)
    return Val(elapsed(d, unit, run.as_of), v.missing)


def _coalesce(run: Context, e: Call) -> Val:
    operand, default = e.args
    target = run.type_of(e)
    x = run.typed(operand, target)
    if x.missing is None:
        if run.tracer is not None:
            run.typed(default, target)  # an explanation shows the default too
        return x
    (x, d), by = run.align(x, run.typed(default, target))
    assert x.missing is not None
    values = np.where(x.missing, d.values, x.values)
    missing = None if d.missing is None else (x.missing & d.missing)
    if missing is not None and not missing.any():
        missing = None
    return Val(values, missing, by)


def _date_part(run: Context, e: Call) -> Val:
    v = run.eval(e.args[0])
    index = ("year", "month", "day").index(e.fn)
    if ndim(v.values) == 0:
        if v.missing is not None:
            v = run.full(v)
        else:
            one = np.array([v.values], dtype="datetime64[D]")
            return Val(int(ymd(one)[index][0]), None, v.by)
    parts = ymd(np.asarray(v.values, dtype="datetime64[D]"))
    return Val(parts[index].astype(np.int64), v.missing, v.by)


def _as_of(run: Context, e: Call) -> Val:
    return Val(np.datetime64(run.as_of, "D"))


def _unknown_groups(codes: Array, n: int, missing: Array | None) -> Array | None:
    """Which of the *n* groups have a member whose value is *missing* (None: none has)."""
    if missing is None:
        return None
    found = np.bincount(codes[missing], minlength=n) > 0
    return found if found.any() else None


def _group(run: Context, e: GroupAgg) -> Val:
    g = run.group(e.by)
    codes = g.codes
    # A group with an unknown member has an unknown aggregate unless the rule says
    # skip_unknown: a blank income must not count as 0 in a household's total.
    strict = not e.skip_unknown
    if e.op == "count":
        if e.where is None:
            return Val(g.size, None, e.by)
        c = run.full(run.eval(e.where))
        hit = c.values if c.missing is None else (c.values & ~c.missing)
        counts = np.bincount(codes[hit], minlength=g.n).astype(np.int64)
        unknown = _unknown_groups(codes, g.n, c.missing) if strict else None
        if unknown is not None:
            counts = np.where(unknown, 0, counts)
        return Val(counts, unknown, e.by)
    assert e.operand is not None
    t = run.type_of(e.operand)
    v = run.full(run.eval(e.operand))
    values, missing = v.values, v.missing
    unknown = _unknown_groups(codes, g.n, missing) if strict else None
    if e.op in ("any", "all"):
        hit = values if e.op == "any" else ~values
        if missing is not None:
            hit = hit & ~missing
        found = np.bincount(codes[hit], minlength=g.n) > 0
        if unknown is not None:
            # a known yes decides any, a known no decides all, whatever the others are
            unknown = unknown & ~found
            if not unknown.any():
                unknown = None
        out = found if e.op == "any" else ~found
        if unknown is not None:
            out = out & ~unknown
        return Val(out, unknown, e.by)
    if e.op == "sum":
        if missing is not None:
            values = np.where(missing, 0, values)
        if t is V.number:
            sums: Array = np.bincount(codes, weights=values, minlength=g.n)
        elif max_abs(values) * len(values) < 2**53:
            # float64 holds every integer below 2^53 exactly, and bincount is fast
            sums = np.rint(np.bincount(codes, weights=values, minlength=g.n)).astype(np.int64)
        else:
            exact = np.zeros(g.n, dtype=object)
            np.add.at(exact, codes, values.astype(object))
            if max_abs(exact) >= EXACT_LIMIT:
                raise too_large(e)
            sums = exact.astype(np.int64)
        if unknown is not None:
            sums = np.where(unknown, 0, sums)
        return Val(sums, unknown, e.by)
    is_date = t is V.date
    work = values.view(np.int64) if is_date else values
    if missing is not None:
        if work.dtype.kind == "f":
            sentinel: Any = np.inf if e.op == "min" else -np.inf
        else:
            info = np.iinfo(np.int64)
            sentinel = info.max if e.op == "min" else info.min
        work = np.where(missing, sentinel, work)
    order, starts = g.sorted()
    fn = np.minimum if e.op == "min" else np.maximum
    reduced = fn.reduceat(work[order], starts) if g.n else work[:0]
    if missing is not None:
        # a group none of whose members is known (skipping unknowns, or with no member at all:
        # the key codes may leave gaps) has only the sentinel: unknown too
        none_known = np.bincount(codes[~missing], minlength=g.n) == 0
        unknown = none_known if unknown is None else (unknown | none_known)
        if not unknown.any():
            unknown = None
    if unknown is not None:
        reduced = np.where(unknown, 0, reduced)
    if is_date:
        reduced = reduced.astype(np.int64).view("datetime64[D]")
    return Val(reduced, unknown, e.by)


def _scale(run: Context, e: ScaleLookup) -> Val:
    scale = run.parameter(e.param)
    x_type = run.type_of(e.operand)
    out = run.type_of(e)
    v = run.eval(e.operand)
    if scale.kind == "amount":
        thresholds, amounts = scale_table(scale, x_type, out)
        table = np.array([0, *amounts], dtype=np.int64 if out is V.money else np.float64)
        x = v.values
        if ndim(x) and len(thresholds) <= 16:
            # A handful of brackets: counting passed thresholds beats a binary search.
            idx = np.zeros(len(x), dtype=np.intp)
            for t in thresholds:
                idx += x >= t
        else:
            idx = np.searchsorted(np.array(thresholds), x, side="right")
        return Val(table[idx], v.missing, v.by)
    x = to_type(v.values, x_type, V.number) if x_type is not V.number else v.values
    if x_type is V.int:
        x = np.asarray(x, dtype=np.float64)
    total: Any = 0.0
    brackets = scale.brackets
    for i, b in enumerate(brackets):
        lo = float(b.threshold)
        width = (float(brackets[i + 1].threshold) - lo) if i + 1 < len(brackets) else np.inf
        part = np.minimum(np.maximum(x - lo, 0.0), width)
        total = total + float(b.amount) * part
    return Val(total, v.missing, v.by)


def _abs(run: Context, e: Call) -> Val:
    v = run.eval(e.args[0])
    return Val(np.abs(v.values), v.missing, v.by)


def _round(run: Context, e: Call) -> Val:
    t = run.type_of(e)
    v = run.eval(e.args[0])
    places = e.args[1].value if len(e.args) == 2 else 0  # type: ignore[attr-defined]
    if t is V.int:
        return v
    if t is V.money:
        unit = 10 ** (2 - places)
        if unit == 1:
            return v
        x = v.values
        # half away from zero (四舍五入) on exact fen, as union finance rounds
        rounded = (2 * np.abs(x) + unit) // (2 * unit) * unit * np.sign(x)
        return Val(rounded, v.missing, v.by)
    scale = 10.0**places
    y = np.asarray(v.values, dtype=np.float64) * scale
    a = np.abs(y)
    whole = np.floor(a)
    # a millionth of a unit absorbs binary noise: 2.675 rounds to 2.68 as written
    whole += (a - whole) >= 0.5 - 1e-6
    out = np.copysign(whole, y) / scale
    return Val(out if ndim(v.values) else float(out), v.missing, v.by)


# --- builders of the nodes that are not plain calls ---------------------------------------


def _build_isin(args: Sequence[Any], keywords: Mapping[str, Any]) -> Expr:
    values = tuple(lit(v) for v in args[1])
    if not values:
        raise RuleDefinitionError("isin needs at least one value / isin 至少需要一个值")
    return IsIn(wrap(args[0]), values)


def _flag(keywords: Mapping[str, Any], key: str) -> bool:
    """The flag keyword *key*: a ``bool``, or a yes/no literal from Python (``lit(True)``)."""
    value = keywords.get(key, False)
    if isinstance(value, Lit):
        value = value.value
    if value is not True and value is not False:
        raise RuleDefinitionError(
            f"{key}= must be true or false, not {value!r} / {key}= 必须是 true 或 false"
        )
    return value


def _build_group(op: str) -> Builder:
    def build(args: Sequence[Any], keywords: Mapping[str, Any]) -> Expr:
        by = str(keywords["by"])
        skip = _flag(keywords, "skip_unknown")
        if op == "count":
            cond = keywords.get("where", args[0] if args else None)
            return GroupAgg("count", None, by, None if cond is None else wrap(cond), skip)
        return GroupAgg(op, wrap(args[0]), by, None, skip)

    return build


def _build_scale(args: Sequence[Any], keywords: Mapping[str, Any]) -> Expr:
    return ScaleLookup(str(args[0]), wrap(args[1]))


_BY = frozenset({"by"})
_SKIP = frozenset({"skip_unknown"})
_GROUP_LABELS = {
    "sum": ("组内合计", "sum over the group"),
    "count": ("组内人数", "count in the group"),
    "any": ("组内任一", "any in the group"),
    "all": ("组内全部", "all in the group"),
    "max": ("组内最大值", "largest in the group"),
    "min": ("组内最小值", "smallest in the group"),
}
_GROUP_USAGE = {
    "sum": "group_sum(x, by=household_id, skip_unknown=false)",
    "count": "group_count(by=household_id, where=condition, skip_unknown=false)",
    "any": "group_any(condition, by=household_id, skip_unknown=false)",
    "all": "group_all(condition, by=household_id, skip_unknown=false)",
    "max": "group_max(x, by=household_id, skip_unknown=false)",
    "min": "group_min(x, by=household_id, skip_unknown=false)",
}

_TABLE: tuple[Function, ...] = (
    Function(
        "where",
        "where(condition, if_true, if_false)",
        3,
        3,
        _calls("where"),
        _where_type,
        _where,
        "条件取值",
        "chosen by a condition",
    ),
    Function(
        "min",
        "min(a, b, ...)",
        2,
        None,
        _calls("min"),
        _ordered_type,
        _extreme,
        "最小值",
        "smallest",
    ),
    Function(
        "max",
        "max(a, b, ...)",
        2,
        None,
        _calls("max"),
        _ordered_type,
        _extreme,
        "最大值",
        "largest",
    ),
    Function(
        "clip",
        "clip(x, low, high)",
        3,
        3,
        _calls("clip"),
        _clip_type,
        _clip,
        "限定在范围内",
        "limited to a range",
    ),
    Function(
        "between",
        "between(x, low, high)",
        3,
        3,
        _calls("between"),
        _between_type,
        _between,
        "是否在范围内（含两端）",
        "within a range (ends included)",
    ),
    Function(
        "isin",
        "isin(x, [value, ...])",
        2,
        2,
        _build_isin,
        _isin_type,
        _isin,
        "是否为所列值之一",
        "one of the listed values",
        kinds={1: "literals"},
    ),
    Function(
        "years_since",
        "years_since(date)",
        1,
        1,
        _calls("years_since"),
        _date_type,
        _since,
        "距今整年数",
        "whole years since",
    ),
    Function(
        "months_since",
        "months_since(date)",
        1,
        1,
        _calls("months_since"),
        _date_type,
        _since,
        "距今整月数",
        "whole months since",
    ),
    Function(
        "days_since",
        "days_since(date)",
        1,
        1,
        _calls("days_since"),
        _date_type,
        _since,
        "距今天数",
        "days since",
    ),
    Function(
        "coalesce",
        "coalesce(x, default)",
        2,
        2,
        _calls("coalesce"),
        _coalesce_type,
        _coalesce,
        "缺失时取默认值",
        "with a default when unknown",
    ),
    Function("year", "year(date)", 1, 1, _calls("year"), _date_type, _date_part, "年份", "year"),
    Function(
        "month", "month(date)", 1, 1, _calls("month"), _date_type, _date_part, "月份", "month"
    ),
    Function(
        "day", "day(date)", 1, 1, _calls("day"), _date_type, _date_part, "日", "day of the month"
    ),
    Function(
        "as_of",
        "as_of()",
        0,
        0,
        _calls("as_of"),
        _as_of_type,
        _as_of,
        "评估日期",
        "evaluation date",
    ),
    *(
        Function(
            f"group_{op}",
            _GROUP_USAGE[op],
            0 if op == "count" else 1,
            1,
            _build_group(op),
            _group_type,
            _group,
            *_GROUP_LABELS[op],
            keywords=(frozenset({"by", "where"}) if op == "count" else _BY) | _SKIP,
            required=_BY,
            flags=_SKIP,
        )
        for op in ("sum", "count", "any", "all", "max", "min")
    ),
    Function(
        "scale",
        "scale($parameter.name, x)",
        2,
        2,
        _build_scale,
        _scale_type,
        _scale,
        "分档表查值",
        "looked up in a scale",
        kinds={0: "parameter"},
    ),
    Function("abs", "abs(x)", 1, 1, _calls("abs"), _abs_type, _abs, "绝对值", "absolute value"),
    Function(
        "round",
        "round(x, places)",
        1,
        2,
        _calls("round"),
        _round_type,
        _round,
        "四舍五入",
        "rounded half up",
    ),
    # dated events (rules/events.py), working days and date arithmetic (rules/workdays.py)
    *(
        Function(name, usage, lo, hi, _calls(name), event_type, event_vector, zh, en)
        for name, (usage, lo, hi, zh, en) in EVENT_FUNCTIONS.items()
    ),
    *(
        Function(name, usage, 2, 2, _calls(name), workday_type, workday_vector, zh, en)
        for name, (usage, zh, en) in WORKDAY_FUNCTIONS.items()
    ),
    *(
        Function(name, usage, k, k, _calls(name), date_type, date_vector, zh, en)
        for name, (usage, k, zh, en) in DATE_FUNCTIONS.items()
    ),
)

FUNCTIONS: Mapping[str, Function] = {f.name: f for f in _TABLE}
"""Every function of the rule language, by the name written in rule text."""


def call(name: str, *args: Any, **keywords: Any) -> Expr:
    """
    Build a call of the rule-language function *name*, as rule text would: ``call("abs", x)``.

    Every function of :data:`FUNCTIONS` can be called this way from Python,
    including those without a builder of their own (``abs``, ``round``).

    Raises:
        RuleDefinitionError: An unknown function, or the wrong number of arguments.

    .. versionadded:: 0.1.0
    """
    fn = FUNCTIONS.get(name)
    if fn is None:
        known = ", ".join(sorted(FUNCTIONS))
        raise RuleDefinitionError(f"unknown function {name!r}; known: {known} / 未知函数 {name}")
    if len(args) < fn.min_args or (fn.max_args is not None and len(args) > fn.max_args):
        raise RuleDefinitionError(
            f"wrong number of arguments to {name}(); usage: {fn.usage} / "
            f"{name}() 参数个数不对；用法：{fn.usage}"
        )
    unknown = sorted(set(keywords) - fn.keywords)
    missing = sorted(fn.required - set(keywords))
    if unknown or missing:
        raise RuleDefinitionError(
            f"{name}() keywords: usage {fn.usage} / {name}() 的关键字参数不对；用法：{fn.usage}"
        )
    return fn.build(args, keywords)


def describe(lang: str = "en") -> list[str]:
    """Every function's usage and label in *lang* (``zh`` or ``en``), sorted by name."""
    return [
        f"{f.usage} — {f.label_zh if lang == 'zh' else f.label_en}"
        for f in sorted(_TABLE, key=lambda f: f.name)
    ]
