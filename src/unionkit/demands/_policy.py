"""How many working days each category of demand gets, set per branch."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from attrs import field, frozen

__all__ = ["DEFAULT_WORKDAYS", "DeadlinePolicy"]

DEFAULT_WORKDAYS = 15
"""Working days for a category the policy does not name (a common published time limit)."""


def _days_map(value: Mapping[str, int]) -> Mapping[str, int]:
    for category, days in value.items():
        _check_days(days, f"category {category!r}")
    return MappingProxyType(dict(value))


def _check_days(days: object, what: str) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(
            f"{what}: a deadline must be a positive whole number of working days, got {days!r} / "
            f"办理时限须为正整数个工作日"
        )


@frozen(hash=False)
class DeadlinePolicy:
    """
    Working days to resolve a demand, by category, with a default.

    A branch changes the numbers with :meth:`with_days` or by building its own policy;
    the plugins layer supplies a branch's policy through a hook and passes it to
    :class:`~unionkit.demands.Workflow`.

    Args:
        default: Working days for categories not listed.
        by_category: Working days per category name.

    .. versionadded:: 0.1.0
    """

    default: int = DEFAULT_WORKDAYS
    by_category: Mapping[str, int] = field(factory=dict, converter=_days_map)

    def __attrs_post_init__(self) -> None:
        _check_days(self.default, "default")

    def days_for(self, category: str) -> int:
        """The working days allowed for *category*."""
        return self.by_category.get(category, self.default)

    def with_days(self, category: str, days: int) -> DeadlinePolicy:
        """Return a copy of the policy with *category* set to *days* working days."""
        return DeadlinePolicy(self.default, {**self.by_category, category: days})
