"""One member: a rule's value and a tree of why, from a scalar interpreter over the same tree."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import html
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from attrs import frozen

from unionkit.errors import RuleEvaluationError
from unionkit.rules.batch import (
    EXACT_LIMIT,
    Array,
    Columns,
    MoneyUnit,
    _Groups,
    scale_table,
    too_large,
)
from unionkit.rules.check import common_type
from unionkit.rules.expr import (
    Arith,
    AsOf,
    Between,
    BoolOp,
    Clip,
    Coalesce,
    Compare,
    DatePart,
    Expr,
    Extreme,
    Field,
    GroupAgg,
    IsIn,
    Lit,
    Neg,
    Not,
    Param,
    Ref,
    ScaleLookup,
    Since,
    Where,
    children,
    to_text,
    walk,
)
from unionkit.rules.schema import FIELD_LABELS, PERSONAL_FIELDS, Missing, ValueType

if TYPE_CHECKING:
    from unionkit.rules.ruleset import RuleSet

__all__ = ["ExplainNode", "Explanation", "explain"]

V = ValueType
_MASK = "＊＊＊"


@frozen
class ExplainNode:
    """
    One step of an explanation.

    Attributes:
        kind: ``rule``, ``field``, ``param``, ``literal``, ``group`` or ``expr``.
        text: The sub-expression as text (the rule name for a rule).
        label_zh: What it is, in Chinese.
        label_en: What it is, in English.
        value: The value (money as ``Decimal`` yuan; None when unknown).
        value_type: The value's type.
        personal: Whether the value is a health or income fact (masked when rendered).
        reason_zh: Why a comparison came out as it did, in Chinese ("" if none).
        reason_en: The same in English.
        reason_masked_zh: The reason without personal figures, in Chinese.
        reason_masked_en: The same in English.
        detail: Extra facts (a parameter's effective date, source and unit).
        children: The steps this one was computed from.

    .. versionadded:: 0.1.0
    """

    kind: str
    text: str
    label_zh: str
    label_en: str
    value: Any
    value_type: ValueType
    personal: bool
    reason_zh: str
    reason_en: str
    reason_masked_zh: str
    reason_masked_en: str
    detail: Mapping[str, Any]
    children: tuple[ExplainNode, ...]


def _show(value: Any, vtype: ValueType, lang: str) -> str:
    if value is None:
        return "未知" if lang == "zh" else "unknown"
    if vtype is V.bool:
        if lang == "zh":
            return "是" if value else "否"
        return "yes" if value else "no"
    if vtype is V.money:
        return f"{value:,.2f} 元" if lang == "zh" else f"{value:,.2f} yuan"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


@frozen
class Explanation:
    """
    A rule's value for one member and the tree of why.

    ``str()`` renders it in the language given to ``explain``; health and
    income facts are masked unless ``reveal=True`` was given. ``value`` and
    ``tree`` always hold the real values, for programs.

    .. versionadded:: 0.1.0
    """

    rule: str
    value: Any
    value_type: ValueType
    tree: ExplainNode
    version: str
    as_of: dt.date
    member: str | None
    lang: str = "zh"
    reveal: bool = False

    def render(self, lang: str | None = None, reveal: bool | None = None) -> str:
        """The explanation as indented text in *lang* (``zh`` or ``en``)."""
        lang = lang or self.lang
        reveal = self.reveal if reveal is None else reveal
        who = self.member or ("该成员" if lang == "zh" else "this member")
        if lang == "zh":
            head = (f"{who} 于 {self.as_of.isoformat()} 的“{self.tree.label_zh}”"
                    f"（规则集版本 {self.version[:12]}）")
        else:
            head = (f"{self.tree.label_en} for {who} as of {self.as_of.isoformat()} "
                    f"(rule set version {self.version[:12]})")
        lines = [head]
        _render(self.tree, lang, reveal, 1, out=lines, seen=set())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()

    def _repr_html_(self) -> str:
        return "<div class='unionkit-explanation'>" + _html(self.tree, self.lang, self.reveal) + \
            f"<small>version {html.escape(self.version[:12])}</small></div>"


def _line(node: ExplainNode, lang: str, reveal: bool) -> str:
    label = node.label_zh if lang == "zh" else node.label_en
    masked = node.personal and not reveal
    value = _MASK if masked else _show(node.value, node.value_type, lang)
    if node.kind == "rule":
        text = f"{label} [{node.text}] = {value}"
    elif label and label != node.text:
        text = f"{label} ({node.text}) = {value}"
    else:
        text = f"{node.text} = {value}"
    d = node.detail
    if node.kind == "param":
        if lang == "zh":
            text += (f"（参数，自 {d['effective']} 起生效，来源：{d['source']}"
                     f"{'，单位：' + d['unit'] if d['unit'] else ''}）")
        else:
            text += (f" (parameter, effective {d['effective']}, source: {d['source']}"
                     f"{', unit: ' + d['unit'] if d['unit'] else ''})")
    if lang == "zh":
        reason = node.reason_zh if reveal else node.reason_masked_zh
    else:
        reason = node.reason_en if reveal else node.reason_masked_en
    if reason:
        text += f" —— {reason}" if lang == "zh" else f" — {reason}"
    return text


def _render(node: ExplainNode, lang: str, reveal: bool, depth: int, *, out: list[str],
            seen: set[str]) -> None:
    line = "  " * depth + "- " + _line(node, lang, reveal)
    if node.kind == "rule":
        if node.text in seen:
            out.append(line + ("（见上）" if lang == "zh" else " (see above)"))
            return
        seen.add(node.text)
    out.append(line)
    for child in node.children:
        _render(child, lang, reveal, depth + 1, out=out, seen=seen)


def _html(node: ExplainNode, lang: str, reveal: bool) -> str:
    line = html.escape(_line(node, lang, reveal))
    if not node.children:
        return f"<div>{line}</div>"
    inner = "".join(f"<li>{_html(c, lang, reveal)}</li>" for c in node.children)
    return f"<details open><summary>{line}</summary><ul>{inner}</ul></details>"


def _py(values: Any, i: int, vtype: ValueType) -> Any:
    v = values[i]
    if vtype is V.bool:
        return bool(v)
    if vtype in (V.int, V.money):
        return int(v)
    if vtype is V.number:
        return float(v)
    if vtype is V.date:
        return v.astype("datetime64[D]").item()
    return v


def _const(value: Any, vtype: ValueType) -> Any:
    if vtype is V.money:
        return int(Decimal(value) * 100)
    if vtype is V.number:
        return float(value)
    if vtype is V.int:
        return int(value)
    if vtype is V.bool:
        return bool(value)
    return value


def _conv(value: Any, source: ValueType, target: ValueType) -> Any:
    if value is None or source is target:
        return value
    if source is V.int and target is V.number:
        return float(value)
    if source is V.int and target is V.money:
        return value * 100
    return value / 100.0


def _exact(e: Expr, value: Any) -> Any:
    """*value*, unless it is an integer (or fen) the batch engine's ``int64`` could not hold."""
    if type(value) is int and abs(value) >= EXACT_LIMIT:
        raise too_large(e)
    return value


def _half_up_div(n: int, d: int) -> int:
    q = (2 * abs(n) + abs(d)) // (2 * abs(d))
    sign = (1 if n > 0 else -1 if n < 0 else 0) * (1 if d > 0 else -1)
    return q * sign


def _ymd(d: dt.date) -> tuple[int, int, int]:
    return d.year, d.month, d.day


class _Scalar:
    """Evaluates nodes for one row at a time, with the same arithmetic as the batch engine."""

    def __init__(self, rs: RuleSet, cols: Columns, as_of: dt.date) -> None:
        self.rs = rs
        self.cols = cols
        self.as_of = as_of
        self.memo: dict[tuple[Expr, int], Any] = {}
        self.groups: dict[str, _Groups] = {}
        self.members: dict[tuple[str, int], list[int]] = {}

    def typed(self, e: Expr, i: int, target: ValueType) -> Any:
        return _exact(e, _conv(self.value(e, i), self.rs.type_of(e), target))

    def rule(self, name: str, i: int) -> Any:
        rule = self.rs.rules[name]
        inferred = self.rs.inferred_type(name)
        v = _exact(rule.expr, _conv(self.value(rule.expr, i), inferred, rule.value_type))
        if v is None and rule.missing is Missing.false:
            v = {V.bool: False, V.int: 0, V.number: 0.0, V.money: 0}.get(rule.value_type)
        return v

    def group_members(self, by: str, i: int) -> list[int]:
        g = self.groups.get(by)
        if g is None:
            g = _Groups(*self.cols.get(by))
            self.groups[by] = g
        code = int(g.codes[i])
        found = self.members.get((by, code))
        if found is None:
            found = np.flatnonzero(g.codes == code).tolist()
            self.members[(by, code)] = found
        return found

    def value(self, e: Expr, i: int) -> Any:
        key = (e, i)
        if key in self.memo:
            return self.memo[key]
        v = self._value(e, i)
        self.memo[key] = v
        return v

    def _value(self, e: Expr, i: int) -> Any:
        rs = self.rs
        if isinstance(e, Field):
            values, missing = self.cols.get(e.name)
            if missing is not None and missing[i]:
                return None
            return _py(values, i, rs.type_of(e))
        if isinstance(e, Param):
            return _const(rs._parameters.value(e.name, self.as_of), rs.type_of(e))
        if isinstance(e, Lit):
            return _const(e.value, e.vtype)
        if isinstance(e, Ref):
            return self.rule(e.name, i)
        if isinstance(e, Arith):
            return self._arith(e, i)
        if isinstance(e, Neg):
            x = self.value(e.operand, i)
            return None if x is None else -x
        if isinstance(e, Compare | Between | Extreme | Clip):
            parts = ([e.left, e.right] if isinstance(e, Compare) else list(e.args)
                     if isinstance(e, Extreme) else [e.operand, e.lo, e.hi])
            target = common_type([rs.type_of(p) for p in parts])
            assert target is not None
            vals = [self.typed(p, i, target) for p in parts]
            if any(v is None for v in vals):
                return None
            if isinstance(e, Compare):
                a, b = vals
                return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b,
                        "==": a == b, "!=": a != b}[e.op]
            if isinstance(e, Extreme):
                return min(vals) if e.op == "min" else max(vals)
            x, lo, hi = vals
            if isinstance(e, Clip):
                return min(max(x, lo), hi)
            return lo <= x <= hi
        if isinstance(e, BoolOp):
            a, b = self.value(e.left, i), self.value(e.right, i)
            if e.op == "&":
                if a is False or b is False:
                    return False
                return None if a is None or b is None else True
            if a is True or b is True:
                return True
            return None if a is None or b is None else False
        if isinstance(e, Not):
            a = self.value(e.operand, i)
            return None if a is None else not a
        if isinstance(e, Where):
            c = self.value(e.cond, i)
            if c is None:
                return None
            target = rs.type_of(e)
            return self.typed(e.then if c else e.otherwise, i, target)
        if isinstance(e, IsIn):
            target = common_type([rs.type_of(e.operand), *(v.vtype for v in e.values)])
            assert target is not None
            x = self.typed(e.operand, i, target)
            if x is None:
                return None
            return x in [_conv(_const(v.value, v.vtype), v.vtype, target) for v in e.values]
        if isinstance(e, Since):
            d = self.value(e.operand, i)
            if d is None:
                return None
            a = self.as_of
            if e.unit == "days":
                return (a - d).days
            y, m, day = _ymd(d)
            if e.unit == "years":
                return a.year - y - int((a.month * 100 + a.day) < (m * 100 + day))
            return (a.year - y) * 12 + (a.month - m) - int(a.day < day)
        if isinstance(e, Coalesce):
            target = rs.type_of(e)
            x = self.typed(e.operand, i, target)
            return self.typed(e.default, i, target) if x is None else x
        if isinstance(e, DatePart):
            d = self.value(e.operand, i)
            return None if d is None else int(getattr(d, e.part))
        if isinstance(e, AsOf):
            return self.as_of
        if isinstance(e, GroupAgg):
            return self._group(e, i)
        if isinstance(e, ScaleLookup):
            return self._scale(e, i)
        raise RuleEvaluationError(f"cannot evaluate {type(e).__name__}")

    def _arith(self, e: Arith, i: int) -> Any:
        rs = self.rs
        out = rs.type_of(e)
        lt, rt = rs.type_of(e.left), rs.type_of(e.right)
        if out is V.number:
            a, b = self.typed(e.left, i, V.number), self.typed(e.right, i, V.number)
        elif out is V.money and e.op in "+-":
            a, b = self.typed(e.left, i, V.money), self.typed(e.right, i, V.money)
        else:
            a, b = self.value(e.left, i), self.value(e.right, i)
        if a is None or b is None:
            return None
        if e.op == "+":
            return _exact(e, a + b)
        if e.op == "-":
            return _exact(e, a - b)
        if e.op == "*":
            product = _exact(e, a * b)
            if lt is V.money and rt is V.money:
                return _half_up_div(product, 100)
            return product
        if b == 0:
            return None
        if out is V.money:
            return _half_up_div(a, b)
        return a / b

    def _group(self, e: GroupAgg, i: int) -> Any:
        members = self.group_members(e.by, i)
        if e.op == "count":
            if e.where is None:
                return len(members)
            return sum(1 for j in members if self.value(e.where, j) is True)
        assert e.operand is not None
        known = [v for v in (self.value(e.operand, j) for j in members) if v is not None]
        if e.op == "any":
            return any(known)
        if e.op == "all":
            return all(known)
        if e.op == "sum":
            if self.rs.type_of(e.operand) is V.number:
                total = 0.0
                for v in known:
                    total += v
                return total
            return _exact(e, sum(known))
        if not known:
            return None
        return max(known) if e.op == "max" else min(known)

    def _scale(self, e: ScaleLookup, i: int) -> Any:
        scale = self.rs._parameters.value(e.param, self.as_of)
        x_type = self.rs.type_of(e.operand)
        out = self.rs.type_of(e)
        x = self.value(e.operand, i)
        if x is None:
            return None
        if scale.kind == "amount":
            thresholds, amounts = scale_table(scale, x_type, out)
            idx = bisect.bisect_right(thresholds, x)
            return ([0, *amounts] if out is V.money else [0.0, *amounts])[idx]
        xf = float(x) if x_type is V.int else _conv(x, x_type, V.number)
        total = 0.0
        brackets = scale.brackets
        for k, b in enumerate(brackets):
            lo = float(b.threshold)
            width = (float(brackets[k + 1].threshold) - lo) if k + 1 < len(brackets) \
                else float("inf")
            total = total + float(b.amount) * min(max(xf - lo, 0.0), width)
        return total


def _field_label(name: str) -> tuple[str, str, str, str]:
    return FIELD_LABELS.get(name, (name, name, "", ""))


@functools.lru_cache(maxsize=8192)
def _personal(e: Expr) -> bool:
    return any(isinstance(n, Field) and n.name in PERSONAL_FIELDS for n in walk(e))


def _derived(e: Expr, rs: RuleSet, memo: dict[str, bool]) -> bool:
    """
    Whether the value of *e* is a health or income figure, or computed from one.

    A household's income or a per-capita income is, through the rules it is
    computed from; a yes/no outcome, an amount read from a scale and the
    points chosen by a condition are not: they are what is being explained.
    """
    if isinstance(e, Field):
        return e.name in PERSONAL_FIELDS
    if isinstance(e, Ref):
        found = memo.get(e.name)
        if found is None:
            memo[e.name] = False  # rule sets have no cycles; this only guards the recursion
            rule = rs.rules[e.name]
            found = rule.value_type is not V.bool and _derived(rule.expr, rs, memo)
            memo[e.name] = found
        return found
    if isinstance(e, Compare | Between | IsIn | Not | BoolOp | ScaleLookup):
        return False
    if isinstance(e, GroupAgg) and e.op == "count":
        return False
    if isinstance(e, Where):
        return _derived(e.then, rs, memo) or _derived(e.otherwise, rs, memo)
    return any(_derived(c, rs, memo) for c in children(e))


@functools.lru_cache(maxsize=8192)
def _text(e: Expr) -> str:
    return to_text(e)


def _display(value: Any, vtype: ValueType) -> Any:
    if value is None:
        return None
    if vtype is V.money:
        return Decimal(int(value)).scaleb(-2).quantize(Decimal("0.01"))
    return value


@functools.lru_cache(maxsize=8192)
def _member_side(e: Expr) -> bool:
    return any(isinstance(n, Field | Ref | GroupAgg) for n in walk(e))


def _anniversary(born: dt.date, years: int) -> dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return dt.date(born.year + years, 3, 1)


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


class _Builder:
    def __init__(self, scalar: _Scalar, i: int) -> None:
        self.s = scalar
        self.rs = scalar.rs
        self.i = i
        self.built: dict[str, ExplainNode] = {}
        self.derived: dict[str, bool] = {}

    def labels(self, e: Expr) -> tuple[str, str, str, str]:
        if isinstance(e, Field):
            return _field_label(e.name)
        if isinstance(e, Ref):
            r = self.rs.rules[e.name]
            return r.label_zh, r.label_en, "", ""
        if isinstance(e, Since) and isinstance(e.operand, Field):
            if e.operand.name == "birth_date" and e.unit == "years":
                return "年龄", "age", "岁", "years"
            zh, en, _, _ = _field_label(e.operand.name)
            unit = {"years": ("年", "years"), "months": ("个月", "months"),
                    "days": ("天", "days")}[e.unit]
            return f"距{zh}{unit[0]}数", f"{e.unit} since {en}", unit[0], unit[1]
        if isinstance(e, Param):
            p = self.rs._parameters[e.name]
            return p.description_zh or e.name, p.description_en or e.name, "", ""
        if isinstance(e, AsOf):
            return "评估日期", "evaluation date", "", ""
        if isinstance(e, Coalesce):
            return self.labels(e.operand)
        if isinstance(e, DatePart):
            inner_zh, inner_en, _, _ = self.labels(e.operand)
            if inner_zh:
                part_zh = {"year": "年份", "month": "月份", "day": "日"}[e.part]
                return f"{inner_zh}的{part_zh}", f"{e.part} of {inner_en}", "", ""
        return "", "", "", ""

    def node(self, e: Expr) -> ExplainNode:
        rs, i = self.rs, self.i
        t = rs.type_of(e)
        value = _display(self.s.value(e, i), t)
        zh, en, _, _ = self.labels(e)
        detail: dict[str, Any] = {}
        kids: list[ExplainNode] = []
        kind = "expr"
        # Raw health and income facts, and figures computed from them, are personal; a yes/no
        # computed from them is the outcome being explained and stays visible.
        if isinstance(e, Field):
            personal = e.name in PERSONAL_FIELDS
        else:
            personal = t is not V.bool and _derived(e, self.rs, self.derived)
        if isinstance(e, Field):
            kind = "field"
            detail = {"field": e.name}
        elif isinstance(e, Param):
            kind = "param"
            resolved = rs._parameters.resolve(e.name, self.s.as_of)
            detail = {"effective": resolved.effective.isoformat(), "source": resolved.source,
                      "unit": resolved.unit, "parameter": e.name}
        elif isinstance(e, Lit):
            kind = "literal"
        elif isinstance(e, Ref):
            return self.rule(e.name)
        elif isinstance(e, ScaleLookup):
            resolved = rs._parameters.resolve(e.param, self.s.as_of)
            detail = {"effective": resolved.effective.isoformat(), "source": resolved.source,
                      "unit": resolved.unit, "parameter": e.param}
            kids = [self.node(c) for c in children(e) if not isinstance(c, Lit)]
        else:
            if isinstance(e, GroupAgg):
                kind = "group"
            kids = [self.node(c) for c in children(e) if not isinstance(c, Lit)]
        reasons = self.reason(e) if isinstance(e, Compare) else ("", "", "", "")
        return ExplainNode(kind, _text(e), zh, en, value, t, personal, *reasons,
                           detail, tuple(kids))

    def rule(self, name: str) -> ExplainNode:
        built = self.built.get(name)
        if built is None:
            built = self.built[name] = self._rule(name)
        return built

    def _rule(self, name: str) -> ExplainNode:
        r = self.rs.rules[name]
        value = _display(self.s.rule(name, self.i), r.value_type)
        body = self.node(r.expr)
        detail = {"description_zh": r.description_zh, "description_en": r.description_en,
                  "source": r.source, "missing": r.missing.value}
        personal = r.value_type is not V.bool and _derived(Ref(name), self.rs, self.derived)
        return ExplainNode("rule", name, r.label_zh, r.label_en, value, r.value_type, personal,
                           "", "", "", "", detail, (body,))

    def reason(self, e: Compare) -> tuple[str, str, str, str]:
        left, right, op = e.left, e.right, e.op
        if not _member_side(left) and _member_side(right):
            left, right, op = right, left, _FLIP[op]
        if _member_side(right) or not _member_side(left) or op in ("==", "!="):
            return "", "", "", ""
        outcome = self.s.value(e, self.i)
        target = common_type([self.rs.type_of(left), self.rs.type_of(right)])
        x = self.s.typed(left, self.i, target) if target else None
        limit = self.s.typed(right, self.i, target) if target else None
        if outcome is None or x is None or limit is None or target is None:
            return "", "", "", ""
        zh, en, unit_zh, unit_en = self.labels(left)
        zh, en = zh or _text(left), en or _text(left)
        shown_t = target
        gap = abs(x - limit)

        def fmt(v: Any) -> tuple[str, str]:
            d = _display(v, shown_t)
            return (_show(d, shown_t, "zh") + ("" if shown_t is V.money else unit_zh),
                    _show(d, shown_t, "en") + ("" if shown_t is V.money or not unit_en
                                               else f" {unit_en}"))

        lim_zh, lim_en = fmt(limit)
        gap_zh, gap_en = fmt(gap)
        personal = _personal(left) or _derived(left, self.rs, self.derived)
        if (not outcome and op in (">=", ">") and isinstance(left, Since)
                and left.unit == "years" and not personal):
            born = self.s.value(left.operand, self.i)
            need = int(limit) + (1 if op == ">" else 0)
            when = _anniversary(born, need).isoformat()
            if isinstance(left.operand, Field) and left.operand.name == "birth_date":
                text = (f"{when} 年满{need}周岁，届时符合",
                        f"turns {need} on {when}, eligible from then")
            else:
                text = (f"{when} 满{need}年，届时符合",
                        f"reaches {need} years on {when}, eligible from then")
            return text[0], text[1], text[0], text[1]
        if gap == 0 and op in (">", "<"):
            # equal to the limit: a strict test fails, and nothing is "short" or "over"
            word_zh, word_en = ("超过", "over") if op == ">" else ("低于", "under")
            full = (f"{zh}等于{lim_zh}，未{word_zh}", f"{en} equals {lim_en}, not {word_en} it")
            masked = (f"{zh}未{word_zh}{lim_zh}", f"{en} is not {word_en} {lim_en}")
        elif gap == 0 and op in (">=", "<="):
            full = (f"{zh}等于{lim_zh}", f"{en} equals {lim_en}")
            masked = (f"{zh}已达到{lim_zh}" if op == ">=" else f"{zh}未超过{lim_zh}",
                      f"{en} reaches {lim_en}" if op == ">=" else f"{en} is not over {lim_en}")
        elif op in (">=", ">"):
            if outcome and op == ">":
                full = (f"{zh}超过{lim_zh}", f"{en} is over {lim_en}")
                masked = full
            elif outcome:
                full = (f"{zh}已达到{lim_zh}", f"{en} reaches {lim_en}")
                masked = full
            else:
                if unit_en and en.endswith(unit_en) and shown_t is not V.money:
                    short_en = f"{_show(gap, shown_t, 'en')} {en} short of " \
                        f"{_show(limit, shown_t, 'en')}"
                else:
                    short_en = f"{en}: {gap_en} short of {lim_en}"
                full = (f"{zh}距{lim_zh}还差{gap_zh}", short_en)
                masked = (f"{zh}未达到{lim_zh}", f"{en} below {lim_en}")
        elif outcome:
            full = (f"{zh}低于{lim_zh}，差额{gap_zh}", f"{en} is {gap_en} under {lim_en}")
            masked = (f"{zh}低于{lim_zh}", f"{en} is under {lim_en}")
        else:
            full = (f"{zh}超出{lim_zh}{gap_zh}", f"{en} is {gap_en} over {lim_en}")
            masked = (f"{zh}未低于{lim_zh}", f"{en} is not under {lim_en}")
        if not personal:
            masked = full
        return full[0], full[1], masked[0], masked[1]


def _is_row(data: Any) -> bool:
    if hasattr(data, "to_row"):
        return True
    if isinstance(data, Mapping):
        return not any(isinstance(v, list | tuple | np.ndarray) for v in data.values())
    return False


def _not_one(member: str, hits: int) -> RuleEvaluationError:
    problem = "not found / 未找到" if not hits else "appears more than once / 重复出现"
    return RuleEvaluationError(f"member {member!r} {problem}")


def _scanned_rows(full: Columns, member: str, groups: Iterable[str]) -> tuple[Array, int]:
    # A roster seen once: whole-column comparisons beat building an index.
    ids, id_missing = full.get("member_id")
    hits = np.flatnonzero((ids if ids.dtype.kind == "O" else ids.astype(str)) == str(member))
    if id_missing is not None:
        hits = hits[~id_missing[hits]]
    if len(hits) != 1:
        raise _not_one(member, len(hits))
    at = int(hits[0])
    selected = np.zeros(full.n, dtype=bool)
    selected[at] = True
    for by in groups:
        keys, missing = full.get(by)
        if missing is None or not missing[at]:
            same = keys == keys[at]
            selected |= same if missing is None else (same & ~missing)
    return np.flatnonzero(selected), at


def _prepared_rows(full: Columns, member: str, groups: Iterable[str]) -> tuple[Array, int]:
    # A prepared roster is explained again and again: look rows up in indexes kept on it.
    hits = full.rows_with("member_id", member)
    if len(hits) != 1:
        raise _not_one(member, len(hits))
    at = hits[0]
    chosen = {at}
    for by in groups:
        keys, missing = full.get(by)
        if missing is None or not missing[at]:
            chosen.update(full.rows_with(by, keys[at]))
    return np.array(sorted(chosen), dtype=np.int64), at


def explain(
    rs: RuleSet,
    data_or_row: Any,
    rule: str,
    as_of: dt.date,
    *,
    member: str | None = None,
    lang: str = "zh",
    reveal: bool = False,
    money_unit: MoneyUnit = "fen",
) -> Explanation:
    """
    Explain *rule* for one member; see :meth:`RuleSet.explain`.

    Raises:
        RuleDefinitionError: *rule* is unknown.
        RuleEvaluationError: The member is not found or a column cannot be read.
        ParameterError: A parameter has no value on *as_of*.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    fields, groups = rs.inputs([rule])
    needed = sorted(fields | {"member_id"} if "member_id" in rs.fields else fields)
    if _is_row(data_or_row) and member is None:
        row = data_or_row.to_row() if hasattr(data_or_row, "to_row") else data_or_row
        cols = Columns([row], rs.fields, needed, money_unit)
        index = 0
        shown = row.get("member_id")
        member = None if shown is None else str(shown)
    else:
        if member is None:
            raise RuleEvaluationError(
                "explaining one member of a roster needs member=<member_id> / "
                "解释名册中的成员需要指定 member"
            )
        if isinstance(data_or_row, Columns):
            if data_or_row.fields != rs.fields:
                raise RuleEvaluationError(
                    "the roster was prepared by another rule set; prepare it with this one / "
                    "名册由其他规则集预处理，请用本规则集重新 prepare"
                )
            full = data_or_row
            rows, at = _prepared_rows(full, member, groups)
        else:
            full = Columns(data_or_row, rs.fields, needed, money_unit)
            rows, at = _scanned_rows(full, member, groups)
        cols = full.take(rows, [n for n in needed if full.has(n)])
        index = int(np.searchsorted(rows, at))
    for f in fields:
        if not cols.supplies(f):
            raise RuleEvaluationError(
                f"the input has no column {f!r}, which rule {rule!r} needs / "
                f"输入数据缺少“{f}”列"
            )
    scalar = _Scalar(rs, cols, as_of)
    tree = _Builder(scalar, index).rule(rule)
    r = rs.rules[rule]
    return Explanation(rule, tree.value, r.value_type, tree, rs.version, as_of, member,
                       lang, reveal)
