"""Type inference for rule expressions: every node gets a value type, or the rule is rejected."""

from __future__ import annotations

from collections.abc import Mapping

from unionkit.errors import RuleDefinitionError
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
    Name,
    Neg,
    Not,
    Param,
    Ref,
    ScaleLookup,
    Since,
    Where,
    to_text,
    walk,
)
from unionkit.rules.schema import ValueType

__all__ = ["NUMERIC", "arith_type", "common_type", "convertible", "infer_types"]

V = ValueType
NUMERIC = frozenset({V.int, V.number, V.money})


def arith_type(op: str, left: ValueType, right: ValueType) -> ValueType | None:
    """
    The type of ``left op right``, or None when the combination is not allowed.

    Integers and money mix as money (an integer counts as whole yuan);
    money times money scales one by the other and stays money; money divided
    by an integer is rounded half-up to the fen; anything with a number
    (float) is a number.
    """
    if left not in NUMERIC or right not in NUMERIC:
        return None
    if V.number in (left, right):
        return V.number
    if left is V.int and right is V.int:
        return V.number if op == "/" else V.int
    if op == "/":
        return V.money if right is V.int else V.number
    return V.money


def common_type(types: list[ValueType]) -> ValueType | None:
    """The type several values are brought to before comparing or choosing, or None."""
    kinds = set(types)
    if len(kinds) == 1:
        return types[0]
    if kinds <= NUMERIC:
        return V.number if V.number in kinds else V.money
    return None


def convertible(source: ValueType, target: ValueType) -> bool:
    """Whether a value of *source* type may be given where *target* is declared."""
    if source is target:
        return True
    return (source, target) in {(V.int, V.number), (V.int, V.money), (V.money, V.number)}


def _params_in(node: Expr) -> set[str]:
    # Which parameters the failing part reads: lets the plugin host blame the plugin that set one.
    return {n.name if isinstance(n, Param) else n.param for n in walk(node)
            if isinstance(n, Param | ScaleLookup)}


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
            rule=self.rule, parameters=sorted(_params_in(node)),
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
            raise self.fail(node, f"{what} needs numbers, got {t.value}",
                            f"{what} 需要数值，得到的是{t.label_zh}")
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
                raise self.fail(e, f"parameter {e.name!r} is a scale; use scale_lookup",
                                f"参数 {e.name} 是分档表，请用 scale_lookup")
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
                raise self.fail(e, f"cannot compute {lt.value} {e.op} {rt.value}",
                                f"不能对{lt.label_zh}和{rt.label_zh}做“{e.op}”运算")
            return out
        if isinstance(e, Neg):
            return self._numeric(e.operand, e, "minus")
        if isinstance(e, Compare):
            lt, rt = self.infer(e.left), self.infer(e.right)
            common = common_type([lt, rt])
            if common is None:
                raise self.fail(e, f"cannot compare {lt.value} with {rt.value}",
                                f"不能比较{lt.label_zh}和{rt.label_zh}")
            if e.op not in ("==", "!=") and common in (V.bool, V.text):
                raise self.fail(e, f"{common.value} values can only be tested for equality",
                                f"{common.label_zh}只能比较是否相等")
            return V.bool
        if isinstance(e, BoolOp):
            for side in (e.left, e.right):
                if self.infer(side) is not V.bool:
                    raise self.fail(e, f"'{e.op}' needs yes/no values", f"“{e.op}”需要是/否值")
            return V.bool
        if isinstance(e, Not):
            if self.infer(e.operand) is not V.bool:
                raise self.fail(e, "'~' needs a yes/no value", "“~”需要是/否值")
            return V.bool
        if isinstance(e, Where):
            if self.infer(e.cond) is not V.bool:
                raise self.fail(e, "the condition of where must be yes/no",
                                "where 的条件必须是是/否值")
            return self._common(e, [e.then, e.otherwise], "where")
        if isinstance(e, Extreme):
            t = self._common(e, list(e.args), f"{e.op}imum")
            if t not in NUMERIC and t is not V.date:
                raise self.fail(e, f"{e.op}imum needs numbers or dates",
                                f"{e.op}imum 需要数值或日期")
            return t
        if isinstance(e, Clip):
            t = self._common(e, [e.operand, e.lo, e.hi], "clip")
            if t not in NUMERIC:
                raise self.fail(e, "clip needs numbers", "clip 需要数值")
            return t
        if isinstance(e, Between):
            t = self._common(e, [e.operand, e.lo, e.hi], "between")
            if t not in NUMERIC and t is not V.date:
                raise self.fail(e, "between needs numbers or dates", "between 需要数值或日期")
            return V.bool
        if isinstance(e, IsIn):
            t = self.infer(e.operand)
            for v in e.values:
                if common_type([t, v.vtype]) is None:
                    raise self.fail(e, f"value {to_text(v)} cannot be compared with {t.value}",
                                    f"取值 {to_text(v)} 不能与{t.label_zh}比较")
            return V.bool
        if isinstance(e, Since):
            if self.infer(e.operand) is not V.date:
                raise self.fail(e, f"{e.unit}_since needs a date", f"{e.unit}_since 需要日期")
            return V.int
        if isinstance(e, Coalesce):
            return self._common(e, [e.operand, e.default], "coalesce")
        if isinstance(e, DatePart):
            if self.infer(e.operand) is not V.date:
                raise self.fail(e, f"{e.part} needs a date", f"{e.part} 需要日期")
            return V.int
        if isinstance(e, AsOf):
            return V.date
        if isinstance(e, GroupAgg):
            return self._group(e)
        if isinstance(e, ScaleLookup):
            if e.param not in self.param_types:
                raise self.fail(e, f"unknown parameter {e.param!r}", f"未知参数 {e.param}")
            if self.param_types[e.param] is not None:
                raise self.fail(e, f"parameter {e.param!r} is not a scale",
                                f"参数 {e.param} 不是分档表")
            self._numeric(e.operand, e, "scale_lookup")
            return self.scale_types[e.param]
        raise self.fail(e, f"unknown expression {type(e).__name__}", "未知表达式")

    def _common(self, node: Expr, parts: list[Expr], what: str) -> ValueType:
        types = [self.infer(p) for p in parts]
        t = common_type(types)
        if t is None:
            shown = ", ".join(x.value for x in types)
            raise self.fail(node, f"{what} mixes incompatible types ({shown})",
                            f"{what} 的各部分类型不一致（{shown}）")
        return t

    def _group(self, e: GroupAgg) -> ValueType:
        by_type = self.fields.get(e.by)
        if by_type is None:
            raise self.fail(e, f"unknown grouping field {e.by!r}", f"未知分组字段 {e.by}")
        if by_type not in (V.text, V.int):
            raise self.fail(e, f"cannot group by a {by_type.value} field",
                            f"不能按{by_type.label_zh}字段分组")
        if e.where is not None and self.infer(e.where) is not V.bool:
            raise self.fail(e, "the where of group_count must be yes/no",
                            "group_count 的条件必须是是/否值")
        if e.op == "count":
            return V.int
        if e.operand is None:
            raise self.fail(e, f"group_{e.op} needs a value", f"group_{e.op} 需要一个值")
        t = self.infer(e.operand)
        if e.op in ("any", "all"):
            if t is not V.bool:
                raise self.fail(e, f"group_{e.op} needs a yes/no condition",
                                f"group_{e.op} 需要是/否条件")
            return V.bool
        if e.op == "sum" and t not in NUMERIC:
            raise self.fail(e, "group_sum needs numbers (count yes/no with group_count)",
                            "group_sum 需要数值（是/否请用 group_count）")
        if e.op in ("max", "min") and t not in NUMERIC and t is not V.date:
            raise self.fail(e, f"group_{e.op} needs numbers or dates",
                            f"group_{e.op} 需要数值或日期")
        return t


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
