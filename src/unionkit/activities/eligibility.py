"""Who may register for an activity: any yes/no rule of the rule language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from attrs import field, frozen

from unionkit.errors import RuleDefinitionError
from unionkit.models.member import Member

__all__ = ["SUMMER_CHILDCARE", "Eligibility"]


def _text(_: Any, __: Any, value: str) -> None:
    if not value.strip():
        raise RuleDefinitionError("eligibility: the rule text is empty / 报名条件为空")


@frozen
class Eligibility:
    """
    A yes/no rule deciding who may register, written in the rule language.

    ``Eligibility("is_member and years_since(hire_date) >= 1", "入职满一年", "hired a year ago")``.
    The rule sees the standard roster fields, and group aggregates over a
    household see the member's relatives, so "staff with a child aged 6 to 12"
    is :data:`SUMMER_CHILDCARE`.

    Args:
        rule: The expression text; it must give yes or no.
        label_zh: What the condition says, in Chinese.
        label_en: The same in English.

    Raises:
        RuleDefinitionError: The text does not parse, names an unknown field, or
            does not give a yes/no value (raised when built).

    .. versionadded:: 0.1.0
    """

    rule: str = field(validator=_text)
    label_zh: str = ""
    label_en: str = ""

    def __attrs_post_init__(self) -> None:
        self.ruleset()

    def ruleset(self) -> Any:
        """The compiled one-rule :class:`~unionkit.rules.RuleSet` (rule ``eligible``)."""
        from unionkit.rules import Parameters, Rule, RuleSet
        from unionkit.rules.parse import parse_expression

        expr = parse_expression(self.rule)
        return RuleSet(
            [
                Rule(
                    "eligible",
                    expr,
                    self.label_zh or "报名条件",
                    self.label_en or "eligibility",
                    "bool",
                )
            ],
            Parameters(),
        )

    def eligible(self, people: Sequence[Member], as_of: date) -> set[str]:
        """
        The member ids among *people* the rule admits on *as_of*.

        Relatives (``is_member=False``) are evaluated with their households but are
        never eligible themselves.

        Args:
            people: Members and the relatives in their households.
            as_of: The day ages and tenures are counted to.

        Returns:
            The ids of the union members for whom the rule gives yes.
        """
        if not people:
            return set()
        result = self.ruleset().evaluate(list(people), as_of=as_of, rules=["eligible"])
        flags: Any = result.frame["eligible"]
        return {
            p.member_id for p, ok in zip(people, flags.tolist(), strict=True) if ok and p.is_member
        }

    def as_dict(self) -> Mapping[str, str]:
        """The rule and its labels, as stored."""
        return {"rule": self.rule, "label_zh": self.label_zh, "label_en": self.label_en}


SUMMER_CHILDCARE = Eligibility(
    "is_member and group_any(not is_member and years_since(birth_date) >= 6 "
    "and years_since(birth_date) <= 12, by=household_id)",
    "有6至12周岁子女的职工",
    "staff with a child aged 6 to 12",
)
"""Summer childcare (暑托班): union members whose household has a child aged 6 to 12."""
