"""The standard rule library shipped with unionkit: YAML rule files and their loaders."""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unionkit.rulefiles.bundle import RuleBundle
    from unionkit.rules import Parameters, RuleSet

__all__ = [
    "STANDARD_FILES",
    "standard_bundle",
    "standard_files",
    "standard_parameters",
    "standard_ruleset",
]

STANDARD_FILES: tuple[str, ...] = ("household.yaml", "benefits.yaml", "hardship.yaml", "tiers.yaml")
"""The library's rule files, in load order."""


def standard_files() -> list[Traversable]:
    """
    Return the standard library's rule files (readable even from a zipped wheel).

    .. versionadded:: 0.1.0
    """
    root = resources.files(__name__)
    return [root.joinpath(name) for name in STANDARD_FILES]


@cache
def standard_bundle() -> RuleBundle:
    """
    Return the standard rules, parameters and extra fields, read once per process.

    Returns:
        The bundle; its parameters are in the layer ``"unionkit"``.

    .. versionadded:: 0.1.0
    """
    from unionkit.rulefiles.bundle import read_rule_files

    return read_rule_files(standard_files(), source="unionkit")


def standard_parameters() -> Parameters:
    """
    Return a copy of the standard library's parameters (safe to add to).

    .. versionadded:: 0.1.0
    """
    return standard_bundle().parameters.copy()


def standard_ruleset(parameters: Parameters | None = None) -> RuleSet:
    """
    Build the standard rule set, optionally with a branch's parameters overlaid.

    Args:
        parameters: Overrides or additions (for example from
            ``load_parameters("branch.yaml", source="hospital")``).

    Returns:
        The validated rule set over the standard roster fields plus the
        optional fields the library declares (``homes_owned``,
        ``child_high_fee_school``, ``hardship_costs``).

    .. versionadded:: 0.1.0
    """
    from unionkit.rulefiles.assembly import assemble

    return assemble(parameters=parameters)
