"""The standard rule library shipped with unionkit: YAML rule files and their loaders."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unionkit.rulefiles.bundle import RuleBundle
    from unionkit.rulefiles.schema import CriteriaFileSpec
    from unionkit.rules import Parameters, Rule

__all__ = [
    "CRITERIA_FILE",
    "HARDSHIP_FILES_FILE",
    "STANDARD_FILES",
    "criteria_rules",
    "hardship_files_bundle",
    "standard_bundle",
    "standard_files",
    "standard_parameters",
]

STANDARD_FILES: tuple[str, ...] = ("household.yaml", "benefits.yaml", "hardship.yaml", "tiers.yaml")
"""The library's rule files, in load order."""

HARDSHIP_FILES_FILE = "hardship_files.yaml"
"""The periods of hardship files and the rule giving a public notice's last day."""

CRITERIA_FILE = "criteria.yaml"
"""The rules over a branch's hardship criteria, instantiated for the criteria it has."""


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


@cache
def _criteria_spec() -> CriteriaFileSpec:
    from unionkit.rulefiles.schema import CriteriaFileSpec, validate
    from unionkit.rulefiles.yamlfile import read_yaml

    doc = read_yaml(resources.files(__name__).joinpath(CRITERIA_FILE))
    return validate(doc, CriteriaFileSpec)


def criteria_rules(weights: Mapping[str, float]) -> list[Rule]:
    """
    Return the standard rules over a branch's hardship criteria, for the criteria it has.

    ``hardship_criteria_met`` (how many hold), ``hardship_criteria_score`` (the
    weighted sum) and ``hardship_criteria_any`` (at least one holds) are written
    in ``criteria.yaml`` as one term per criterion; the terms are joined over
    *weights* in name order.

    Args:
        weights: Each criterion's rule name and its weight in the score.

    Returns:
        The three rules, or none when there are no criteria.

    .. versionadded:: 0.1.0
    """
    import operator
    from functools import reduce

    from unionkit.rules import Expr, Rule, ValueType, lit, ref
    from unionkit.rules.expr import Name, rebuild
    from unionkit.rules.parse import parse_expression

    names = sorted(weights)
    if not names:
        return []
    out: list[Rule] = []
    for spec in _criteria_spec().criteria_rules:
        each = parse_expression(spec.each)

        def term(criterion: str, each: Expr = each) -> Expr:
            def bind(e: Expr) -> Expr:
                if isinstance(e, Name) and e.name == "criterion":
                    return ref(criterion)
                if isinstance(e, Name) and e.name == "weight":
                    return lit(float(weights[criterion]))
                return e

            return rebuild(each, bind)

        join = operator.add if spec.join == "+" else operator.or_
        expr = reduce(join, (term(n) for n in names[1:]), term(names[0]))
        out.append(Rule(spec.name, expr, spec.label.zh, spec.label.en, ValueType(spec.type)))
    return out


@cache
def hardship_files_bundle() -> RuleBundle:
    """
    Return the hardship-file periods (notice, follow-up, re-verification) and their rules.

    .. versionadded:: Unreleased
    """
    from unionkit.rulefiles.bundle import read_rule_files

    path = resources.files(__name__).joinpath(HARDSHIP_FILES_FILE)
    return read_rule_files([path], source="unionkit")
