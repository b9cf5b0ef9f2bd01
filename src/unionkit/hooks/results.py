"""What registration hooks return: rules, parameter layers and hardship criteria."""

from __future__ import annotations

import re
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, InstanceOf, field_validator, model_validator

from unionkit.rules import Parameters, Rule

__all__ = ["HardshipCriterion", "ParameterSet", "RuleEntry"]

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
