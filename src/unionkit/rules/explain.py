"""One member: a rule's value and a tree of why, read from a traced run of the one interpreter."""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
from attrs import frozen

from unionkit.errors import RuleEvaluationError
from unionkit.money import fen_to_yuan
from unionkit.rules.cells import MoneyUnit, check_money_unit
from unionkit.rules.columns import Columns
from unionkit.rules.events import EVENT_FUNCTIONS, EventInput, counted_events, event_kinds
from unionkit.rules.expr import (
    BoolOp,
    Call,
    Compare,
    Expr,
    Field,
    GroupAgg,
    IsIn,
    Lit,
    Not,
    Param,
    Ref,
    ScaleLookup,
    children,
    to_text,
    walk,
)
from unionkit.rules.interpret import open_run
from unionkit.rules.parameters import MONEY_UNITS
from unionkit.rules.program import Program
from unionkit.rules.schema import FIELD_LABELS, PERSONAL_FIELDS, ValueType
from unionkit.rules.tables import DecisionTable, table_reason
from unionkit.rules.trace import Tracer
from unionkit.rules.unknowns import MissingInput, missing_inputs, nested, undetermined_text
from unionkit.rules.values import common_type
from unionkit.rules.workdays import WorkingDays

__all__ = ["ExplainNode", "Explanation", "deciding", "explain", "unit_text"]

Array = np.ndarray[Any, Any]

V = ValueType
_MASK = "＊＊＊"


@frozen
class ExplainNode:
    """
    One step of an explanation.

    Attributes:
        kind: ``rule``, ``field``, ``param``, ``literal``, ``group``, ``event`` (one dated
            event that counted, under an event function) or ``expr``.
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
        expr: The sub-expression this step is the value of (None for a rule).
        sensitive: Whether the value depends on a health or income fact at all,
            a yes/no included (masked when rendered, except the explained rule's
            own value). ``personal`` implies ``sensitive``.

    .. versionchanged:: Unreleased
       ``sensitive``: a parent of a masked node is masked too.

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
    expr: Expr | None = None
    sensitive: bool = False


def _show(value: Any, vtype: ValueType, lang: str) -> str:
    if value is None:
        return "未知" if lang == "zh" else "unknown"
    if vtype is V.bool:
        if lang == "zh":
            return "是" if value else "否"
        return "yes" if value else "no"
    if vtype is V.money:
        return f"{value:,.2f}元" if lang == "zh" else f"{value:,.2f} yuan"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.6g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


_UNITS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "yuan": ("元", "yuan"),
        "元": ("元", "yuan"),
        "days": ("天", "days"),
        "months": ("个月", "months"),
        "years": ("年", "years"),
        "people": ("人", "people"),
        "points": ("分", "points"),
        "times": ("次", "times"),
        "homes": ("套", "homes"),
        "percent": ("%", "percent"),
    }
)
"""Parameter unit codes and how they read in Chinese and English."""


def unit_text(unit: str, lang: str) -> str:
    """
    A parameter's unit code (``yuan``, ``days`` ...) as a reader sees it in *lang*.

    Args:
        unit: The unit as written in the parameter file.
        lang: ``zh`` or ``en``.

    Returns:
        ``元``, ``天``, ``年``, ``人`` ... in Chinese; the code itself in English;
        an unknown code unchanged.

    .. versionadded:: Unreleased
    """
    zh, en = _UNITS.get(unit, (unit, unit))
    return zh if lang == "zh" else en


def _with_unit(value: Any, vtype: ValueType, unit: str, lang: str) -> str:
    shown = _show(value, vtype, lang)
    if not unit or vtype is V.money or value is None or unit in MONEY_UNITS:
        return shown
    word = unit_text(unit, lang)
    return f"{shown}{word}" if lang == "zh" else f"{shown} {word}"


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
    missing: tuple[MissingInput, ...] = ()
    """When the value is unknown, the missing inputs that leave it undetermined."""

    @property
    def undetermined(self) -> bool:
        """
        Whether the answer is undetermined: unknown, because inputs it needs are missing.

        .. versionadded:: Unreleased
        """
        return self.value is None

    def conclusion(self, lang: str | None = None, reveal: bool | None = None) -> str:
        """
        One line a member can read: the outcome, then the reasons that decided it.

        For example ``不符合困难帮扶条件：病假天数未达到15天；家庭人均月收入未低于2,000.00元``.
        Health and income figures never appear unless *reveal*; a threshold
        reason says only which side of the published limit the figure is.

        Args:
            lang: ``zh`` or ``en`` (default: the language given to ``explain``).
            reveal: Show masked values (default: as given to ``explain``).

        Returns:
            The conclusion, one line.

        .. versionadded:: Unreleased
        """
        lang, reveal = self._choose(lang, reveal)
        if self.undetermined:
            tree = self.tree
            return undetermined_text(tree.label_zh, tree.label_en, self.missing, lang, self.member)
        head = _outcome(self.tree, lang, reveal)
        reasons = self.reasons(lang, reveal)
        if not reasons:
            return head
        if lang == "zh":
            return f"{head}：{'；'.join(reasons)}"
        return f"{head}: {'; '.join(reasons)}"

    def reasons(self, lang: str | None = None, reveal: bool | None = None) -> list[str]:
        """
        The deciding reasons, one sentence each, in *lang*.

        The conditions that decided the value: for ``and`` the ones that are
        false (all of them when it is true), for ``or`` the ones that are true
        (all of them when it is false), for ``where`` its condition; rules of
        yes/no are followed into their own conditions.

        Args:
            lang: ``zh`` or ``en`` (default: the language given to ``explain``).
            reveal: Show masked values (default: as given to ``explain``).

        Returns:
            The reasons, without repeats, in the order of the rule.

        .. versionadded:: Unreleased
        """
        lang, reveal = self._choose(lang, reveal)
        out: list[str] = []
        for node in deciding(self.tree):
            text = _sentence(node, lang, reveal)
            if text not in out:
                out.append(text)
        return out

    def render(
        self, lang: str | None = None, reveal: bool | None = None, *, tree: bool = True
    ) -> str:
        """
        The explanation as text in *lang* (``zh`` or ``en``).

        The conclusion line first, then the deciding reasons one per line, then
        (with *tree*) the full tree of why, expressions in the rule language.

        .. versionchanged:: Unreleased
           Leads with the conclusion and the deciding reasons; *tree*.
        """
        lang, reveal = self._choose(lang, reveal)
        lines = [self.conclusion(lang, reveal)]
        if self.missing:
            lines.append("缺少的输入：" if lang == "zh" else "Missing inputs:")
            lines.extend(f"  - {m.text(lang, self.member)}" for m in self.missing)
        reasons = self.reasons(lang, reveal)
        if reasons:
            lines.append("依据：" if lang == "zh" else "Because:")
            lines.extend(f"  - {r}" for r in reasons)
        if tree:
            who = self.member or ("该成员" if lang == "zh" else "this member")
            if lang == "zh":
                head = (
                    f"{who} 于 {self.as_of.isoformat()} 的“{self.tree.label_zh}”"
                    f"（规则集版本 {self.version[:12]}）"
                )
            else:
                head = (
                    f"{self.tree.label_en} for {who} as of {self.as_of.isoformat()} "
                    f"(rule set version {self.version[:12]})"
                )
            lines.append(head)
            _render(self.tree, lang, reveal, 1, out=lines, seen=set())
        return "\n".join(lines)

    def as_dict(
        self, lang: str | None = None, reveal: bool | None = None, *, tree: bool = False
    ) -> dict[str, Any]:
        """
        The explanation as JSON-ready values, masked as the text is.

        Keys: ``member``, ``rule``, ``as_of``, ``version``, ``value`` (None when
        unknown or masked; money as a yuan string), ``masked``, ``undetermined``,
        ``conclusion``, ``reasons``, ``missing`` (each missing input's ``field``,
        ``label_zh``, ``label_en`` and ``member``) and, with *tree*, ``tree``: the
        rendered tree, one line per step.

        .. versionadded:: Unreleased
        """
        lang, reveal = self._choose(lang, reveal)
        hidden = self.value is not None and _hidden(self.tree, reveal, root=True)
        value = self.value
        if hidden or value is None:
            shown: Any = None
        elif isinstance(value, bool | int | float):
            shown = value
        else:
            shown = value.isoformat() if isinstance(value, dt.date) else str(value)
        out: dict[str, Any] = {
            "member": self.member,
            "rule": self.rule,
            "as_of": self.as_of.isoformat(),
            "version": self.version,
            "value": shown,
            "masked": hidden,
            "undetermined": self.undetermined,
            "conclusion": self.conclusion(lang, reveal),
            "reasons": self.reasons(lang, reveal),
            "missing": [
                {
                    "field": m.field,
                    "label_zh": m.label_zh,
                    "label_en": m.label_en,
                    "member": m.member,
                }
                for m in self.missing
            ],
        }
        if tree:
            lines: list[str] = []
            _render(self.tree, lang, reveal, 0, out=lines, seen=set())
            out["tree"] = lines
        return out

    def _choose(self, lang: str | None, reveal: bool | None) -> tuple[str, bool]:
        lang = lang or self.lang
        if lang not in ("zh", "en"):
            raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
        return lang, self.reveal if reveal is None else reveal

    def __str__(self) -> str:
        return self.render()

    def _repr_html_(self) -> str:
        return (
            "<div class='unionkit-explanation'>"
            + f"<p>{html.escape(self.conclusion())}</p>"
            + _html(self.tree, self.lang, self.reveal)
            + f"<small>version {html.escape(self.version[:12])}</small></div>"
        )


def _hidden(node: ExplainNode, reveal: bool, root: bool) -> bool:
    # The explained rule's own value is the outcome being told; below it, anything
    # read from a health or income fact, a yes/no included, is masked.
    if reveal:
        return False
    return node.personal or (node.sensitive and not root)


def _outcome(root: ExplainNode, lang: str, reveal: bool) -> str:
    label = root.label_zh if lang == "zh" else root.label_en
    value = root.value
    if root.value_type is not V.bool or value is None:
        # An income figure explained for itself is still masked: the root is told unless personal.
        hidden = _hidden(root, reveal, root=True)
        shown = _MASK if hidden else _with_unit(value, root.value_type, "", lang)
        return f"{label}为{shown}" if lang == "zh" else f"{label[:1].upper()}{label[1:]} is {shown}"
    if lang == "zh":
        if value:
            return label
        return f"不{label}" if label.startswith(("符合", "可", "能")) else f"{label}：否"
    if value:
        return label[:1].upper() + label[1:]
    for word, negated in (("eligible", "Not eligible"), ("meets", "Does not meet")):
        if label.startswith(word):
            return negated + label[len(word) :]
    return f"{label[:1].upper()}{label[1:]}: no"


def _flat(node: ExplainNode, op: str) -> list[ExplainNode]:
    """The operands of a chain of one boolean operator (``a and b and c`` is nested pairs)."""
    out: list[ExplainNode] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n.expr, BoolOp) and n.expr.op == op:
            stack.extend(reversed(n.children))
        else:
            out.append(n)
    return out


def deciding(root: ExplainNode) -> list[ExplainNode]:
    """
    The nodes that decided *root*'s value, in the order of the rule.

    ``and``: the false operands (all when true; the unknown ones when unknown);
    ``or``: the true operands (all when false); ``where(c, a, b)``: its
    condition; a yes/no rule: its own condition. Anything else is a reason.

    Args:
        root: The tree of an :class:`Explanation`.

    Returns:
        The leaves that decided it.

    .. versionadded:: Unreleased
    """
    out: list[ExplainNode] = []
    stack = [root]
    while stack:
        n = stack.pop()
        e = n.expr
        if n.kind == "rule" and n.children and (n is root or n.value_type is V.bool):
            body = n.children[0]
            if n.value_type is not V.bool and not (
                _is_where(body.expr) or isinstance(body.expr, DecisionTable)
            ):
                continue
            stack.append(body)
        elif isinstance(e, BoolOp):
            parts = _flat(n, e.op)
            if n.value is None:
                chosen = [p for p in parts if p.value is None]
            elif (e.op == "|") == bool(n.value):
                chosen = [p for p in parts if p.value is bool(n.value)]
            else:
                chosen = parts
            stack.extend(reversed(chosen or parts))
        elif _is_where(e) and isinstance(e, Call):
            # Literal arguments have no node; a condition read from a rule has no expr.
            if not isinstance(e.args[0], Lit) and n.children:
                stack.append(n.children[0])
        elif isinstance(e, Not) and n.children:
            stack.append(n.children[0])
        elif n is not root:
            out.append(n)
    return out


def _is_where(e: Expr | None) -> bool:
    return isinstance(e, Call) and e.fn == "where"


def _sentence(node: ExplainNode, lang: str, reveal: bool) -> str:
    """One deciding node as a sentence: its reason, or its label and value."""
    if lang == "zh":
        reason = node.reason_zh if reveal else node.reason_masked_zh
    else:
        reason = node.reason_en if reveal else node.reason_masked_en
    if reason:
        return reason
    label = (node.label_zh if lang == "zh" else node.label_en) or node.text
    if _hidden(node, reveal, root=False):
        return f"{label}（已遮蔽）" if lang == "zh" else f"{label} (masked)"
    unit = str(node.detail.get("unit", "")) if node.kind == "param" else ""
    value = _with_unit(node.value, node.value_type, unit, lang)
    return f"{label}：{value}" if lang == "zh" else f"{label}: {value}"


def _line(node: ExplainNode, lang: str, reveal: bool, root: bool = False) -> str:
    label = node.label_zh if lang == "zh" else node.label_en
    d = node.detail
    unit = str(d.get("unit") or "") if node.kind == "param" else ""
    masked = _hidden(node, reveal, root)
    value = _MASK if masked else _with_unit(node.value, node.value_type, unit, lang)
    if node.kind == "rule":
        text = f"{label} [{node.text}] = {value}"
    elif label and label != node.text:
        text = f"{label} ({node.text}) = {value}"
    else:
        text = f"{node.text} = {value}"
    if node.kind == "param":
        shown_unit = unit_text(unit, lang) if unit else ""
        if lang == "zh":
            text += (
                f"（参数，自 {d['effective']} 起生效，来源：{d['source']}"
                f"{'，单位：' + shown_unit if shown_unit else ''}）"
            )
        else:
            text += (
                f" (parameter, effective {d['effective']}, source: {d['source']}"
                f"{', unit: ' + shown_unit if shown_unit else ''})"
            )
    if lang == "zh":
        reason = node.reason_zh if reveal else node.reason_masked_zh
    else:
        reason = node.reason_en if reveal else node.reason_masked_en
    if reason:
        text += f" —— {reason}" if lang == "zh" else f" — {reason}"
    return text


def _render(
    root: ExplainNode, lang: str, reveal: bool, depth: int, *, out: list[str], seen: set[str]
) -> None:
    # An explicit stack, not recursion: a chain of hundreds of rules is a deep tree.
    stack = [(root, depth)]
    while stack:
        node, level = stack.pop()
        line = "  " * level + "- " + _line(node, lang, reveal, node is root)
        if node.kind == "rule":
            if node.text in seen:
                out.append(line + ("（见上）" if lang == "zh" else " (see above)"))
                continue
            seen.add(node.text)
        out.append(line)
        stack.extend((child, level + 1) for child in reversed(node.children))


def _html(root: ExplainNode, lang: str, reveal: bool) -> str:
    parts: list[str] = []
    stack: list[ExplainNode | str] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        line = html.escape(_line(item, lang, reveal, item is root))
        if not item.children:
            parts.append(f"<div>{line}</div>")
            continue
        parts.append(f"<details open><summary>{line}</summary><ul>")
        stack.append("</ul></details>")
        for child in reversed(item.children):
            stack.extend(("</li>", child, "<li>"))
    return "".join(parts)


def _conv(value: Any, source: ValueType, target: ValueType) -> Any:
    if value is None or source is target:
        return value
    if source is V.int and target is V.number:
        return float(value)
    if source is V.int and target is V.money:
        return value * 100
    return value / 100.0


def _field_label(name: str) -> tuple[str, str, str, str]:
    return FIELD_LABELS.get(name, (name, name, "", ""))


@functools.lru_cache(maxsize=8192)
def _personal(e: Expr) -> bool:
    return any(isinstance(n, Field) and n.name in PERSONAL_FIELDS for n in walk(e))


def _derived(e: Expr, rs: Program, memo: dict[str, bool]) -> bool:
    """
    Whether the value of *e* is a health or income figure, or computed from one.

    A household's income or a per-capita income is, through the rules it is
    computed from; a yes/no outcome, an amount read from a scale and the
    points chosen by a condition are not: they are what is being explained.
    """
    if isinstance(e, Field):
        return e.name in PERSONAL_FIELDS
    if isinstance(e, Call) and e.fn in EVENT_FUNCTIONS:
        return True  # sick leave, hospital stays, grants: a member's own facts
    if isinstance(e, Ref):
        found = memo.get(e.name)
        if found is None:
            memo[e.name] = False  # rule sets have no cycles; this only guards the recursion
            rule = rs.rules[e.name]
            found = rule.value_type is not V.bool and _derived(rule.expr, rs, memo)
            memo[e.name] = found
        return found
    if isinstance(e, Compare | IsIn | Not | BoolOp | ScaleLookup):
        return False
    if isinstance(e, Call) and e.fn == "between":
        return False
    if isinstance(e, GroupAgg) and e.op == "count":
        return False
    if isinstance(e, Call) and e.fn == "where":
        return _derived(e.args[1], rs, memo) or _derived(e.args[2], rs, memo)
    return any(_derived(c, rs, memo) for c in children(e))


def _reads_personal(e: Expr, rs: Program, memo: dict[str, bool]) -> bool:
    """Whether *e* reads a health or income fact, directly or through the rules it reads."""
    for n in walk(e):
        if isinstance(n, Field) and n.name in PERSONAL_FIELDS:
            return True
        if isinstance(n, Call) and n.fn in EVENT_FUNCTIONS:
            return True
        if isinstance(n, Ref):
            found = memo.get(n.name)
            if found is None:
                memo[n.name] = False  # rule sets have no cycles; this only guards the recursion
                found = memo[n.name] = _reads_personal(rs.rules[n.name].expr, rs, memo)
            if found:
                return True
    return False


def _since(e: Expr) -> tuple[str, Expr] | None:
    """``("years", operand)`` for ``years_since(operand)``, and so on; None for other nodes."""
    if isinstance(e, Call) and e.fn.endswith("_since"):
        return e.fn.removesuffix("_since"), e.args[0]
    return None


@functools.lru_cache(maxsize=8192)
def _text(e: Expr) -> str:
    return to_text(e)


def _display(value: Any, vtype: ValueType) -> Any:
    if value is None:
        return None
    if vtype is V.money:
        return fen_to_yuan(value)
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


_NO_DETAIL: Mapping[str, Any] = MappingProxyType({})
_NO_REASON = ("", "", "", "")


@frozen
class _Static:
    kind: str
    text: str
    zh: str
    en: str
    vtype: ValueType
    personal: bool
    kids: tuple[Expr, ...]
    param: str
    sensitive: bool


class _Builder:
    """Builds the tree of why for the member at row *i* from a tracer's record of a run."""

    def __init__(
        self, program: Program, tracer: Tracer, i: int, events: EventInput | None = None
    ) -> None:
        self.rs = program
        self.tracer = tracer
        self.i = i
        self.events = events
        self.built: dict[str, ExplainNode] = {}
        self.details: dict[str, Mapping[str, Any]] = {}
        # Kept with the program: labels and the personal-data test do not depend on the member.
        self.derived: dict[str, bool] = program.memo("explain.derived")
        self.statics: dict[Expr, _Static] = program.memo("explain.static")
        self.sensitive: dict[str, bool] = program.memo("explain.sensitive")

    def value(self, e: Expr) -> Any:
        return self.tracer.node_at(e, self.i, self.rs.type_of(e))

    def typed(self, e: Expr, target: ValueType) -> Any:
        return _conv(self.value(e), self.rs.type_of(e), target)

    def build(self, rule: str) -> ExplainNode:
        # Rules dependencies first: a reference then finds its rule built, and neither
        # building nor the personal-data test recurses along a chain of rules.
        for name in self.rs.needed([rule]):
            if name not in self.derived:
                _derived(Ref(name), self.rs, self.derived)
            if name not in self.sensitive:
                _reads_personal(Ref(name), self.rs, self.sensitive)
            self.rule(name)
        return self.built[rule]

    def labels(self, e: Expr) -> tuple[str, str, str, str]:
        if isinstance(e, Field):
            return _field_label(e.name)
        if isinstance(e, Ref):
            r = self.rs.rules[e.name]
            return r.label_zh, r.label_en, "", ""
        since = _since(e)
        if since is not None and isinstance(since[1], Field):
            unit_en, operand = since[0], since[1]
            if operand.name == "birth_date" and unit_en == "years":
                return "年龄", "age", "岁", "years"
            zh, en, _, _ = _field_label(operand.name)
            unit = {"years": ("年", "years"), "months": ("个月", "months"), "days": ("天", "days")}[
                unit_en
            ]
            return f"距{zh}{unit[0]}数", f"{unit_en} since {en}", unit[0], unit[1]
        if isinstance(e, Param):
            p = self.rs.parameter(e.name)
            return p.description_zh or e.name, p.description_en or e.name, "", ""
        fn = e.fn if isinstance(e, Call) else ""
        if fn == "as_of":
            return "评估日期", "evaluation date", "", ""
        if fn == "coalesce":
            return self.labels(e.args[0])  # type: ignore[attr-defined]
        if fn in ("year", "month", "day"):
            inner_zh, inner_en, _, _ = self.labels(e.args[0])  # type: ignore[attr-defined]
            if inner_zh:
                part_zh = {"year": "年份", "month": "月份", "day": "日"}[fn]
                return f"{inner_zh}的{part_zh}", f"{fn} of {inner_en}", "", ""
        return "", "", "", ""

    def static(self, e: Expr) -> _Static:
        """What does not depend on the member: kind, text, labels, personal, children."""
        found = self.statics.get(e)
        if found is not None:
            return found
        t = self.rs.type_of(e)
        zh, en, _, _ = self.labels(e)
        kind, param = "expr", ""
        # Raw health and income facts, and figures computed from them, are personal; a yes/no
        # computed from them is the outcome being explained and stays visible.
        if isinstance(e, Field):
            personal = e.name in PERSONAL_FIELDS
            kind = "field"
        else:
            personal = t is not V.bool and _derived(e, self.rs, self.derived)
        kids: tuple[Expr, ...] = ()
        if isinstance(e, Param):
            kind, param = "param", e.name
        elif isinstance(e, Lit):
            kind = "literal"
        elif not isinstance(e, Field | Ref):
            kids = tuple(c for c in children(e) if not isinstance(c, Lit))
            if isinstance(e, ScaleLookup):
                param = e.param
            elif isinstance(e, GroupAgg):
                kind = "group"
        sensitive = personal or _reads_personal(e, self.rs, self.sensitive)
        found = self.statics[e] = _Static(
            kind, _text(e), zh, en, t, personal, kids, param, sensitive
        )
        return found

    def node(self, e: Expr) -> ExplainNode:
        if isinstance(e, Ref):
            return self.rule(e.name)
        st = self.static(e)
        value = _display(self.tracer.node_at(e, self.i, st.vtype), st.vtype)
        detail: Mapping[str, Any]
        if st.param:
            detail = self.param_detail(st.param)
        elif st.kind == "field":
            detail = {"field": st.text}
        else:
            detail = _NO_DETAIL
        kids = tuple([self.node(c) for c in st.kids])
        if self.events is not None and isinstance(e, Call) and e.fn in EVENT_FUNCTIONS:
            # the events that counted, each a masked step of its own (they are health facts)
            kids += tuple(
                ExplainNode("event", text, zh, en, shown, V.text, True, "", "", "", "", {}, ())
                for text, zh, en, shown in counted_events(self.events, e, self.i)
            )
        reasons = self.reason(e) if isinstance(e, Compare) else _NO_REASON
        if isinstance(e, DecisionTable):
            zh, en = table_reason(self.tracer, e, self.i)
            reasons = (zh, en, zh, en)  # the row chosen is an outcome, like a yes/no: not masked
        return ExplainNode(
            st.kind,
            st.text,
            st.zh,
            st.en,
            value,
            st.vtype,
            st.personal,
            *reasons,
            detail,
            kids,
            e,
            st.sensitive,
        )

    def param_detail(self, name: str) -> Mapping[str, Any]:
        found = self.details.get(name)
        if found is None:
            resolved = self.tracer.parameters[name]
            found = self.details[name] = MappingProxyType(
                {
                    "effective": resolved.effective.isoformat(),
                    "source": resolved.source,
                    "unit": resolved.unit,
                    "parameter": name,
                }
            )
        return found

    def rule(self, name: str) -> ExplainNode:
        built = self.built.get(name)
        if built is None:
            built = self.built[name] = self._rule(name)
        return built

    def _rule(self, name: str) -> ExplainNode:
        r = self.rs.rules[name]
        value = _display(self.tracer.rule_at(name, self.i, r.value_type), r.value_type)
        body = self.node(r.expr)
        detail = {
            "description_zh": r.description_zh,
            "description_en": r.description_en,
            "source": r.source,
            "missing": r.missing.value,
        }
        personal = r.value_type is not V.bool and _derived(Ref(name), self.rs, self.derived)
        return ExplainNode(
            "rule",
            name,
            r.label_zh,
            r.label_en,
            value,
            r.value_type,
            personal,
            "",
            "",
            "",
            "",
            detail,
            (body,),
            None,
            personal or _reads_personal(Ref(name), self.rs, self.sensitive),
        )

    def reason(self, e: Compare) -> tuple[str, str, str, str]:
        left, right, op = e.left, e.right, e.op
        if not _member_side(left) and _member_side(right):
            left, right, op = right, left, _FLIP[op]
        if _member_side(right) or not _member_side(left) or op in ("==", "!="):
            return "", "", "", ""
        outcome = self.value(e)
        target = common_type([self.rs.type_of(left), self.rs.type_of(right)])
        x = self.typed(left, target) if target else None
        limit = self.typed(right, target) if target else None
        if outcome is None or x is None or limit is None or target is None:
            return "", "", "", ""
        zh, en, unit_zh, unit_en = self.labels(left)
        zh, en = zh or _text(left), en or _text(left)
        if not unit_zh and isinstance(right, Param) and target is not V.money:
            # A count read from a rule has no unit of its own; the limit's parameter has.
            unit = self.rs.parameter(right.name).unit
            unit_zh, unit_en = unit_text(unit, "zh"), unit_text(unit, "en")
        shown_t = target
        gap = abs(x - limit)

        def fmt(v: Any) -> tuple[str, str]:
            d = _display(v, shown_t)
            return (
                _show(d, shown_t, "zh") + ("" if shown_t is V.money else unit_zh),
                _show(d, shown_t, "en")
                + ("" if shown_t is V.money or not unit_en else f" {unit_en}"),
            )

        lim_zh, lim_en = fmt(limit)
        gap_zh, gap_en = fmt(gap)
        personal = _personal(left) or _derived(left, self.rs, self.derived)
        since = _since(left)
        if (
            not outcome
            and op in (">=", ">")
            and since is not None
            and since[0] == "years"
            and not personal
        ):
            born = self.value(since[1])
            need = int(limit) + (1 if op == ">" else 0)
            when = _anniversary(born, need).isoformat()
            if isinstance(since[1], Field) and since[1].name == "birth_date":
                text = (
                    f"{when} 年满{need}周岁，届时符合",
                    f"turns {need} on {when}, eligible from then",
                )
            else:
                text = (
                    f"{when} 满{need}年，届时符合",
                    f"reaches {need} years on {when}, eligible from then",
                )
            return text[0], text[1], text[0], text[1]
        if gap == 0 and op in (">", "<"):
            # equal to the limit: a strict test fails, and nothing is "short" or "over"
            word_zh, word_en = ("超过", "over") if op == ">" else ("低于", "under")
            full = (f"{zh}等于{lim_zh}，未{word_zh}", f"{en} equals {lim_en}, not {word_en} it")
            masked = (f"{zh}未{word_zh}{lim_zh}", f"{en} is not {word_en} {lim_en}")
        elif gap == 0 and op in (">=", "<="):
            full = (f"{zh}等于{lim_zh}", f"{en} equals {lim_en}")
            masked = (
                f"{zh}已达到{lim_zh}" if op == ">=" else f"{zh}未超过{lim_zh}",
                f"{en} reaches {lim_en}" if op == ">=" else f"{en} is not over {lim_en}",
            )
        elif op in (">=", ">"):
            if outcome and op == ">":
                full = (f"{zh}超过{lim_zh}", f"{en} is over {lim_en}")
                masked = full
            elif outcome:
                full = (f"{zh}已达到{lim_zh}", f"{en} reaches {lim_en}")
                masked = full
            else:
                if unit_en and en.endswith(unit_en) and shown_t is not V.money:
                    short_en = (
                        f"{_show(gap, shown_t, 'en')} {en} short of {_show(limit, shown_t, 'en')}"
                    )
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


def _scanned_rows(
    full: Columns, member: str, groups: Iterable[str], closure: bool
) -> tuple[Array, int]:
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
    while True:
        reached = selected.copy()
        for by in groups:
            keys, missing = full.get(by)
            known = reached if missing is None else (reached & ~missing)
            if known.any():
                same = np.isin(keys, keys[known])
                selected |= same if missing is None else (same & ~missing)
        if not closure or int(selected.sum()) == int(reached.sum()):
            return np.flatnonzero(selected), at


def _prepared_rows(
    full: Columns, member: str, groups: Iterable[str], closure: bool
) -> tuple[Array, int]:
    # A prepared roster is explained again and again: look rows up in indexes kept on it.
    hits = full.rows_with("member_id", member)
    if len(hits) != 1:
        raise _not_one(member, len(hits))
    at = hits[0]
    chosen = {at}
    frontier = [at]
    while frontier:
        found: list[int] = []
        for row in frontier:
            for by in groups:
                keys, missing = full.get(by)
                if missing is None or not missing[row]:
                    found.extend(r for r in full.rows_with(by, keys[row]) if r not in chosen)
                    chosen.update(found)
        frontier = found if closure else []
    return np.array(sorted(chosen), dtype=np.int64), at


def explain(
    program: Program,
    data_or_row: Any,
    rule: str,
    as_of: dt.date,
    *,
    member: str | None = None,
    lang: str = "zh",
    reveal: bool = False,
    money_unit: MoneyUnit = "fen",
    events: Mapping[str, Any] | None = None,
    workdays: WorkingDays | None = None,
) -> Explanation:
    """
    Explain *rule* for one member; see :meth:`RuleSet.explain`.

    The member's row and the rows of their household (and any other group a
    rule aggregates over) go through the same vectorised interpreter as a
    batch run, with a tracer recording every node's value; the tree is read
    from that record.

    Raises:
        RuleDefinitionError: *rule* is unknown.
        RuleEvaluationError: The member is not found, a column cannot be read,
            or *as_of* is not a date.
        ParameterError: A parameter has no value on *as_of*.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    check_money_unit(money_unit)
    fields, groups = program.inputs([rule])
    needed = sorted(fields | {"member_id"} if "member_id" in program.fields else fields)
    if _is_row(data_or_row) and member is None:
        row = data_or_row.to_row() if hasattr(data_or_row, "to_row") else data_or_row
        cols = Columns([row], program.fields, needed, money_unit)
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
            if data_or_row.fields != program.fields:
                raise RuleEvaluationError(
                    "the roster was prepared by another rule set; prepare it with this one / "
                    "名册由其他规则集预处理，请用本规则集重新 prepare"
                )
            full = data_or_row
            rows, at = _prepared_rows(full, member, groups, nested(program, rule))
        else:
            full = Columns(data_or_row, program.fields, needed, money_unit)
            rows, at = _scanned_rows(full, member, groups, nested(program, rule))
        cols = full.take(rows, [n for n in needed if full.has(n)])
        index = int(np.searchsorted(rows, at))
    tracer = Tracer()
    given = None
    if events is not None:
        # only the explained rows' events: another member's are not this member's business
        given = EventInput(events, event_kinds(program.fields), money_unit, strict=False)
        given.traced = True
    open_run(
        program,
        cols,
        as_of,
        [rule],
        tracer=tracer,
        purpose=f"rule {rule!r} needs",
        events=given,
        workdays=workdays,
    ).run()
    tree = _Builder(program, tracer, index, given).build(rule)
    r = program.rules[rule]
    missing = () if tree.value is not None else missing_inputs(program, tracer, cols, rule, index)
    return Explanation(
        rule, tree.value, r.value_type, tree, program.version, as_of, member, lang, reveal, missing
    )
