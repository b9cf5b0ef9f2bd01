"""What registration hooks return: rules, parameter layers, hardship criteria, care triggers."""

from __future__ import annotations

import re
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, InstanceOf, field_validator, model_validator

from unionkit.models import BenefitKind, LabelledEnum
from unionkit.rules import Expr, Parameters, Rule, ValueType, lit, ref, where

__all__ = ["CareAction", "CareTrigger", "HardshipCriterion", "ParameterSet", "RuleEntry"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class RuleEntry(_Result):
    """
    A rule a plugin contributes, with whether it deliberately replaces one of the same name.

    .. versionadded:: 0.1.0
    """

    rule: InstanceOf[Rule]
    overrides: bool = False


class ParameterSet(_Result):
    """
    A plugin's layer of dated parameter values, naming the existing parameters it replaces.

    .. versionadded:: 0.1.0
    """

    parameters: InstanceOf[Parameters]
    overrides: frozenset[str] = frozenset()


class HardshipCriterion(_Result):
    """
    One hardship criterion (困难认定标准): a yes/no rule and its weight in the hardship score.

    Args:
        name: The criterion's rule name.
        rule: The yes/no rule; ``None`` to only re-weight an existing criterion.
        weight: Its weight in ``hardship_criteria_score`` (default 1 for a new criterion).
        overrides: Replace an existing criterion of the same name.

    .. versionadded:: 0.1.0
    """

    name: str = Field(min_length=1, max_length=64)
    rule: InstanceOf[Rule] | None = None
    weight: float | None = Field(default=None, ge=0)
    overrides: bool = False

    @field_validator("name")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(f"criterion name {value!r} is not an identifier / 标准名称须为标识符")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.rule is None and self.weight is None:
            raise ValueError("a criterion needs a rule or a new weight / 标准须给出规则或权重")
        if self.rule is not None and self.rule.name != self.name:
            raise ValueError(
                f"criterion {self.name!r} carries rule {self.rule.name!r}; the names must match"
                f" / 标准名称与规则名称不一致"
            )
        return self


_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class CareAction(LabelledEnum):
    """What a triggered care event calls for."""

    VISIT = "visit", "走访慰问", "visit"
    PAYMENT = "payment", "慰问金", "payment"
    VISIT_AND_PAYMENT = "visit_and_payment", "走访并发放慰问金", "visit and payment"


class CareTrigger(BaseModel):
    """
    One care trigger a branch configures: when it fires, what it calls for, how much.

    The host turns each trigger into two rules of the branch's rule set:
    ``care_<key>`` (yes/no) and, when an amount is given, ``care_<key>_amount``
    (money, zero when the trigger does not fire).

    Args:
        key: Short lowercase identifier, e.g. ``"birthday"``.
        label_zh: Chinese label (生日慰问).
        label_en: English label.
        when: A yes/no expression over roster and HR columns.
        action: Visit, payment, or both.
        benefit_kind: The benefit a resulting grant is booked as.
        amount: A money expression (usually ``param("...")``), or ``None`` for a visit only.
        must_visit: Part of the branch's must-visits (三必访 …).
        overrides: Replace a trigger of the same key from another plugin.

    .. versionadded:: 0.1.0
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    key: str = Field(min_length=1, max_length=48)
    label_zh: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    when: InstanceOf[Expr]
    action: CareAction = CareAction.VISIT
    benefit_kind: BenefitKind = BenefitKind.OTHER
    amount: InstanceOf[Expr] | None = None
    must_visit: bool = False
    overrides: bool = False

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError(
                f"trigger key {value!r} must be lowercase letters, digits and '_' "
                f"/ 触发条件代号只能由小写字母、数字和'_'组成"
            )
        return value

    @property
    def rule_name(self) -> str:
        """The name of the yes/no rule this trigger becomes."""
        return f"care_{self.key}"

    @property
    def amount_rule_name(self) -> str | None:
        """The name of the amount rule, or ``None`` when the trigger pays nothing."""
        return f"care_{self.key}_amount" if self.amount is not None else None

    def rules(self) -> list[Rule]:
        """Return the rules this trigger contributes to a rule set."""
        out = [
            Rule(
                self.rule_name,
                self.when,
                self.label_zh,
                self.label_en,
                ValueType.bool,
                description_zh=f"关怀触发：{self.label_zh}",
                description_en=f"care trigger: {self.label_en}",
            )
        ]
        if self.amount is not None:
            out.append(
                Rule(
                    f"care_{self.key}_amount",
                    where(ref(self.rule_name), self.amount, lit(0)),
                    f"{self.label_zh}金额",
                    f"{self.label_en} amount",
                    ValueType.money,
                )
            )
        return out
