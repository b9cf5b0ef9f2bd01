"""Type inference for rule expressions: every node gets a value type, or the rule is rejected."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from unionkit.errors import RuleDefinitionError
from unionkit.rules.expr import (
    Arith,
    BoolOp,
    Compare,
    Expr,
    Field,
    Lit,
    Name,
    Neg,
    Not,
    Param,
    Ref,
    ScaleLookup,
    function_name,
    to_text,
    walk,
)
from unionkit.rules.functions import FUNCTIONS
from unionkit.rules.schema import ValueType
from unionkit.rules.tables import DecisionTable, check_dated_tables, table_type
from unionkit.rules.values import NUMERIC, arith_type, common_type, convertible

__all__ = [
    "NUMERIC",
    "arith_type",
    "check_built",
    "check_scales",
    "common_type",
    "convertible",
    "infer_types",
]

V = ValueType


def _params_in(node: Expr) -> set[str]:
    # Which parameters the failing part reads: lets the plugin host blame the plugin that set one.
    return {
        n.name if isinstance(n, Param) else n.param
        for n in walk(node)
        if isinstance(n, Param | ScaleLookup)
    }


class _Checker:
    def __init__(
        self,
        rule: str,
        fields: Mapping[str, ValueType],
        param_types: Mapping[str, ValueType | None],
        scale_types: Mapping[str, ValueType],
        rule_types: Mapping[str, ValueType],
        *,
        types: dict[Expr, ValueType],
    ) -> None:
        self.rule = rule
        self.fields = fields
        self.param_types = param_types
        self.scale_types = scale_types
        self.rule_types = rule_types
        self.types = types

    def fail(self, node: Expr, en: str, zh: str) -> RuleDefinitionError:
        return RuleDefinitionError(
            f"rule {self.rule!r}: {en} in `{to_text(node)}` / "
            f"规则 {self.rule}：{zh}（{to_text(node)}）",
            rule=self.rule,
            parameters=sorted(_params_in(node)),
        )

    def infer(self, e: Expr) -> ValueType:
        known = self.types.get(e)
        if known is not None:
            return known
        t = self._infer(e)
        self.types[e] = t
        return t

    def _numeric(self, e: Expr, node: Expr, what: str) -> ValueType:
        t = self.infer(e)
        if t not in NUMERIC:
            raise self.fail(
                node,
                f"{what} needs numbers, got {t.value}",
                f"{what} 需要数值，得到的是{t.label_zh}",
            )
        return t

    def _infer(self, e: Expr) -> ValueType:
        if isinstance(e, Field):
            t = self.fields.get(e.name)
            if t is None:
                raise self.fail(e, f"unknown field {e.name!r}", f"未知字段 {e.name}")
            return t
        if isinstance(e, Param):
            if e.name not in self.param_types:
                raise self.fail(e, f"unknown parameter {e.name!r}", f"未知参数 {e.name}")
            pt = self.param_types[e.name]
            if pt is None:
                raise self.fail(
                    e,
                    f"parameter {e.name!r} is a scale; use scale(...)",
                    f"参数 {e.name} 是分档表，请用 scale(...)",
                )
            return pt
        if isinstance(e, Lit):
            return e.vtype
        if isinstance(e, Ref):
            rt = self.rule_types.get(e.name)
            if rt is None:
                raise self.fail(e, f"unknown rule {e.name!r}", f"未知规则 {e.name}")
            return rt
        if isinstance(e, Name):
            raise self.fail(e, f"unresolved name {e.name!r}", f"未解析的名称 {e.name}")
        if isinstance(e, Arith):
            lt, rt = self.infer(e.left), self.infer(e.right)
            out = arith_type(e.op, lt, rt)
            if out is None:
                raise self.fail(
                    e,
                    f"cannot compute {lt.value} {e.op} {rt.value}",
                    f"不能对{lt.label_zh}和{rt.label_zh}做“{e.op}”运算",
                )
            return out
        if isinstance(e, Neg):
            return self._numeric(e.operand, e, "minus")
        if isinstance(e, Compare):
            lt, rt = self.infer(e.left), self.infer(e.right)
            common = common_type([lt, rt])
            if common is None:
                raise self.fail(
                    e,
                    f"cannot compare {lt.value} with {rt.value}",
                    f"不能比较{lt.label_zh}和{rt.label_zh}",
                )
            if e.op not in ("==", "!=") and common in (V.bool, V.text):
                raise self.fail(
                    e,
                    f"{common.value} values can only be tested for equality",
                    f"{common.label_zh}只能比较是否相等",
                )
            return V.bool
        if isinstance(e, BoolOp):
            for side in (e.left, e.right):
                if self.infer(side) is not V.bool:
                    word = "and" if e.op == "&" else "or"
                    raise self.fail(e, f"'{word}' needs yes/no values", f"“{word}”需要是/否值")
            return V.bool
        if isinstance(e, Not):
            if self.infer(e.operand) is not V.bool:
                raise self.fail(e, "'not' needs a yes/no value", "“not”需要是/否值")
            return V.bool
        if isinstance(e, DecisionTable):
            return table_type(self, e)
        name = function_name(e)
        if name is not None:
            return FUNCTIONS[name].typing(self, e)
        raise self.fail(e, f"unknown expression {type(e).__name__}", "未知表达式")

    def _common(self, node: Expr, parts: list[Expr], what: str) -> ValueType:
        types = [self.infer(p) for p in parts]
        t = common_type(types)
        if t is None:
            shown = ", ".join(x.value for x in types)
            raise self.fail(
                node,
                f"{what} mixes incompatible types ({shown})",
                f"{what} 的各部分类型不一致（{shown}）",
            )
        return t

    # --- what the functions' type rules may ask (functions.TypeContext) ---

    def common(self, node: Expr, parts: Sequence[Expr], what: str) -> ValueType:
        return self._common(node, list(parts), what)

    def numeric(self, e: Expr, node: Expr, what: str) -> ValueType:
        return self._numeric(e, node, what)

    def field_type(self, name: str) -> ValueType | None:
        return self.fields.get(name)

    def parameter_type(self, name: str) -> tuple[bool, ValueType | None]:
        return name in self.param_types, self.param_types.get(name)

    def scale_type(self, name: str) -> ValueType:
        return self.scale_types[name]


def infer_types(
    rule: str,
    expr: Expr,
    fields: Mapping[str, ValueType],
    param_types: Mapping[str, ValueType | None],
    scale_types: Mapping[str, ValueType],
    *,
    rule_types: Mapping[str, ValueType],
    types: dict[Expr, ValueType],
) -> ValueType:
    """
    Infer the type of *expr* (a rule's body), recording every node's type in *types*.

    Raises:
        RuleDefinitionError: A type mismatch, or an unknown field, parameter
            or rule; the message names *rule* and the sub-expression.
    """
    return _Checker(rule, fields, param_types, scale_types, rule_types, types=types).infer(expr)


def check_scales(rule: str, expr: Expr, types: Mapping[Expr, ValueType], parameters: Any) -> None:
    """
    Check each scale *expr* looks up against the type of what it is given, at every date.

    An integer (or money) input only takes whole numbers (whole fen), so two
    thresholds that round up to the same one leave the lower bracket
    unreachable: ``[10.2, ...]`` then ``[10.7, ...]`` for a number of days.

    Raises:
        RuleDefinitionError: Naming the rule, the scale, its effective date and both brackets.
    """
    import math

    from unionkit.rules.parameters import Scale

    for node in walk(expr):
        if not isinstance(node, ScaleLookup):
            continue
        x_type = types.get(node.operand)
        if x_type not in (V.int, V.money):
            continue
        unit = 1 if x_type is V.int else 100
        for pv in parameters[node.param].values:
            scale = pv.value
            if not isinstance(scale, Scale) or scale.kind != "amount":
                continue
            starts = [math.ceil(b.threshold * unit) for b in scale.brackets]
            for k in range(1, len(starts)):
                if starts[k] == starts[k - 1]:
                    lo, hi = scale.brackets[k - 1].threshold, scale.brackets[k].threshold
                    raise RuleDefinitionError(
                        f"rule {rule!r}: scale {node.param!r} (effective {pv.effective}): "
                        f"bracket {k} (threshold {lo}) can never apply to "
                        f"{'a whole-number' if unit == 1 else 'a money'} input: "
                        f"bracket {k + 1} (threshold {hi}) starts at the same "
                        f"{'whole number' if unit == 1 else 'fen'} / 规则 {rule}：分档表 "
                        f"{node.param}（{pv.effective} 起）第{k}档（门槛 {lo}）对{x_type.label_zh}"
                        f"输入永远不会适用：第{k + 1}档（门槛 {hi}）从同一数值开始",
                        rule=rule,
                        parameters=[node.param],
                    )


def check_built(rule: str, expr: Expr, types: Mapping[Expr, ValueType], parameters: Any) -> None:
    """
    The checks that need the parameters' values, run once *expr* is typed.

    Scales against the type of what they are given (:func:`check_scales`), and
    decision tables whose cells read dated parameters at each effective date
    (:func:`~unionkit.rules.tables.check_dated_tables`).

    Raises:
        RuleDefinitionError: The first problem found, naming the rule.
    """
    check_scales(rule, expr, types, parameters)
    check_dated_tables(rule, expr, types, parameters)
