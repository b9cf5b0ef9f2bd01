"""The one way a rule set is put together: a base bundle, rule files, parameter layers."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from unionkit.errors import PluginError, RuleDefinitionError
from unionkit.rulefiles.bundle import (
    RuleBundle,
    as_source_list,
    combine,
    empty_bundle,
    read_rule_files,
)
from unionkit.rulefiles.library import hardship_files_bundle, standard_bundle
from unionkit.rulefiles.tables import row_key
from unionkit.rulefiles.yamlfile import RuleSource

if TYPE_CHECKING:
    from unionkit.rules import Parameters, RuleSet

__all__ = [
    "assemble",
    "build_ruleset",
    "hardship_files_ruleset",
    "load_ruleset",
    "source_name",
    "standard_ruleset",
]


def source_name(source: RuleSource) -> str:
    """
    Return the layer name a rule or parameter file gets by default: its file name.

    YAML given as text is ``"<string>"``.

    .. versionadded:: 0.1.0
    """
    if isinstance(source, str):
        text = source.strip()
        if "\n" in text or not text.endswith((".yaml", ".yml")):
            return "<string>"
        return Path(text).name
    if isinstance(source, os.PathLike):
        return Path(os.fspath(source)).name
    return str(getattr(source, "name", source))


def build_ruleset(bundle: RuleBundle, parameters: Parameters | None = None) -> RuleSet:
    """
    Build a rule set from a bundle, saying who wrote a rule that fails validation.

    Every rule set made from files or plugins is built here. When the rule set
    is invalid, the error's structured ``rule`` (and the ``parameters`` it
    read) are looked up in the bundle: a definition a plugin gave becomes a
    :class:`~unionkit.errors.PluginError` naming the plugin and hook; one read
    from a file gets the file and line added.

    Args:
        bundle: Rules, parameters, extra fields, and where each came from.
        parameters: Parameters overlaid on the bundle's.

    Returns:
        The validated rule set over the standard roster fields plus the bundle's, counting
        working days by the national calendar (official holidays and make-up days).

    Raises:
        RuleDefinitionError: The rules do not type-check (unknown field or
            parameter, type mismatch, cycle, duplicate).
        PluginError: They do not, and the failing rule or parameter is a plugin's.

    .. versionadded:: 0.1.0
    """
    from unionkit.calendar import WorkCalendar, working_days
    from unionkit.rules import MEMBER_FIELDS, RuleSet

    params = bundle.parameters
    if parameters is not None:
        params = params.overlay(parameters)
    fields = {**MEMBER_FIELDS, **bundle.fields}
    try:
        ruleset = RuleSet(bundle.rules, params, fields)
    except RuleDefinitionError as exc:
        raise _attributed(exc, bundle) from exc
    # Working days by the national calendar (built on first use); a branch's rule set
    # counts them by the branch's own (branches.branch_ruleset).
    return ruleset.with_working_days(working_days(WorkCalendar.default))


def hardship_files_ruleset(parameters: Parameters | None = None) -> RuleSet:
    """
    Return the hardship-file rules (``hardship_notice_until`` ...) with *parameters* overlaid.

    The rule set counts working days by the national calendar; give it a store's or a
    branch's with :meth:`RuleSet.with_working_days`.

    .. versionadded:: Unreleased
    """
    return build_ruleset(hardship_files_bundle(), parameters)


def _attributed(exc: RuleDefinitionError, bundle: RuleBundle) -> Exception:
    keys = [*([exc.rule] if exc.rule else []), *(f"param:{p}" for p in exc.parameters)]
    for key in keys:
        owner = bundle.owners.get(key)
        if owner is not None:
            return PluginError(owner.plugin, owner.hook, exc)
    if exc.rule is not None and exc.rule in bundle.origins:
        where = bundle.origins[exc.rule]
        rows = "".join(
            f"\n  (row {k} is at {bundle.origins[key]} / 第{k}行位于 {bundle.origins[key]})"
            for k in getattr(exc, "rows", ())
            if (key := row_key(exc.rule, k)) in bundle.origins
        )
        return RuleDefinitionError(
            f"{exc}\n  (rule {exc.rule!r} is at {where} / 规则 {exc.rule!r} 位于 {where}){rows}",
            rule=exc.rule,
            parameters=exc.parameters,
        )
    return exc


def assemble(
    rule_files: Iterable[RuleSource] = (),
    parameter_files: Iterable[RuleSource] = (),
    *,
    base: RuleBundle | None = None,
    parameters: Parameters | None = None,
    source: str | None = None,
) -> RuleSet:
    """
    Put a rule set together: a base, extra rule files, then parameter layers on top.

    What the command line, the YAML rule tests, the standard library and a
    branch's plugins all use, so that a rule file means the same everywhere.

    Args:
        rule_files: Rule files added to the base (a rule may not reuse a base rule's name).
        parameter_files: Parameter files overlaid in order, each a layer of its own.
        base: The rules to start from: the standard library when ``None``
            (:func:`empty_bundle` for none, a branch's bundle for its plugins').
        parameters: Parameters overlaid last (a what-if proposal, a test's own values).
        source: The layer name of every file's parameters; by default each file's name.

    Returns:
        The validated rule set.

    Raises:
        RuleDefinitionError: A file is invalid, or the rules do not type-check.
        PluginError: The rules do not type-check because of a plugin's definition.

    .. versionadded:: 0.1.0
    """
    bundle = standard_bundle() if base is None else base
    files = list(rule_files)
    if source is not None and files:
        bundle = combine(bundle, read_rule_files(files, source=source))
    else:
        for item in files:
            bundle = combine(bundle, read_rule_files(item, source=source_name(item)))
    overlay: Parameters | None = None
    for item in parameter_files:
        layer = read_rule_files(item, source=source or source_name(item)).parameters
        overlay = layer if overlay is None else overlay.overlay(layer)
    if parameters is not None:
        overlay = parameters if overlay is None else overlay.overlay(parameters)
    return build_ruleset(bundle, overlay)


def load_ruleset(
    sources: RuleSource | Iterable[RuleSource],
    source: str = "unionkit",
    *,
    parameters: Parameters | None = None,
    base: RuleBundle | None = None,
) -> RuleSet:
    """
    Read rule files and build a validated rule set from them (and nothing else).

    Args:
        sources: Paths, ``Traversable`` objects or YAML texts.
        source: The layer name for the files' parameters.
        parameters: Parameters overlaid on the files' own (a branch's
            overrides, or a what-if proposal).
        base: Rules, parameters and fields to start from (for example the
            standard library's bundle); the files add to them, and a file's rule
            with the same name as a base rule is an error. Default: none.

    Returns:
        The rule set, type-checked against the standard roster fields plus the
        fields the files declare.

    Raises:
        RuleDefinitionError: A file is invalid, or the rules do not type-check
            (unknown field or parameter, type mismatch, cycle); the message
            names the rule and, where known, the file and line it came from.

    .. versionadded:: 0.1.0
    """
    return assemble(
        as_source_list(sources),
        base=base if base is not None else empty_bundle(),
        parameters=parameters,
        source=source,
    )


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
    return assemble(parameters=parameters)
