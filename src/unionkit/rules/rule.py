"""A rule: a named expression with labels, a value type, a missing-value policy and a summary."""

from __future__ import annotations

import re
from typing import Any, Literal

from attrs import Factory, field, frozen

from unionkit.errors import RuleDefinitionError
from unionkit.rules.expr import Expr, canonical, wrap
from unionkit.rules.schema import Missing, ValueType

__all__ = ["SUMMARIES", "Rule", "Summary"]

Summary = Literal["count", "total", "none"]
"""How a rule is summarised over a roster: count the yes, total the amounts, or not at all."""

SUMMARIES: tuple[Summary, ...] = ("count", "total", "none")

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _rule_name(_: Any, __: Any, value: str) -> None:
    if not isinstance(value, str) or not _NAME.match(value):
        raise RuleDefinitionError(
            f"rule name {value!r} must be letters, digits and underscores / "
            "规则名只能包含字母、数字和下划线"
        )


def _default_summary(rule: Any) -> Summary:
    if rule.value_type is ValueType.bool:
        return "count"
    if rule.value_type is ValueType.money:
        return "total"
    return "none"


def _summary(rule: Any, _: Any, value: object) -> None:
    if value not in SUMMARIES:
        raise RuleDefinitionError(
            f"rule {rule.name!r}: summary must be count, total or none, not {value!r} / "
            f"规则 {rule.name} 的 summary 只能是 count、total 或 none"
        )
    if value == "count" and rule.value_type is not ValueType.bool:
        raise RuleDefinitionError(
            f"rule {rule.name!r}: only a yes/no rule can be counted / "
            f"规则 {rule.name} 不是是/否规则，不能计数"
        )
    if value == "total" and rule.value_type not in (
        ValueType.money,
        ValueType.int,
        ValueType.number,
    ):
        raise RuleDefinitionError(
            f"rule {rule.name!r}: only a numeric rule can be totalled / "
            f"规则 {rule.name} 不是数值规则，不能合计"
        )


@frozen
class Rule:
    """
    A named rule: an expression with labels, a value type and a missing-value policy.

    Args:
        name: Identifier used to refer to the rule (``ref("age")``).
        expr: The expression; plain values are wrapped in ``lit``.
        label_zh: Chinese label, shown in explanations and reports.
        label_en: English label.
        value_type: What the rule gives (``ValueType`` or its value, e.g. ``"bool"``).
        entity: ``"member"`` or a group kind the rule is about (values are
            always given per member; a household rule repeats on each member).
        missing: What a missing input does (``Missing.false`` or ``Missing.propagate``).
        description_zh: Longer description in Chinese.
        description_en: Longer description in English.
        source: Where the rule comes from (a document, a plugin name).
        summary: How a roster summary shows the rule: ``"count"`` the members
            for whom it is yes (the default for yes/no rules), ``"total"`` its
            amounts (the default for money rules), or ``"none"`` (the default
            otherwise; use it for measures such as a household's income, which
            would be counted once per person, and for caps that are limits,
            not payments).

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.1.0
       *summary*.
    """

    name: str = field(validator=_rule_name)
    expr: Expr = field(converter=wrap)
    label_zh: str
    label_en: str
    value_type: ValueType = field(converter=ValueType)
    entity: str = "member"
    missing: Missing = field(default=Missing.false, converter=Missing)
    description_zh: str = ""
    description_en: str = ""
    source: str = ""
    summary: Summary = field(default=Factory(_default_summary, takes_self=True), validator=_summary)

    def canonical(self) -> list[Any]:
        """A JSON-ready form identifying the rule (for content hashes)."""
        return [
            self.name,
            canonical(self.expr),
            self.label_zh,
            self.label_en,
            self.value_type.value,
            self.entity,
            self.missing.value,
        ]
