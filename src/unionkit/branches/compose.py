"""A branch's composition: its rules, parameters, criteria and triggers, and the diff."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any

from attrs import field, frozen

from unionkit.calendar import WorkCalendar, working_days
from unionkit.errors import PluginConflict, PluginError
from unionkit.hooks import BUILTIN, Branch, HardshipCriterion, PluginHost, as_branch
from unionkit.hooks.results import CareTrigger
from unionkit.rulefiles import Owner, RuleBundle, build_ruleset, standard_bundle
from unionkit.rulefiles.library import criteria_rules
from unionkit.rules import MEMBER_FIELDS, FieldType, Parameter, Parameters, Rule, RuleSet

__all__ = [
    "Assembly",
    "DiffEntry",
    "assemble_branch",
    "branch_bundle",
    "branch_calendar",
    "branch_diff",
    "branch_fields",
    "branch_ruleset",
    "declared_branches",
]


@frozen
class DiffEntry:
    """
    One rule, parameter, criterion or trigger a plugin adds or overrides for a branch.

    .. versionadded:: 0.1.0
    """

    branch: str
    kind: str
    name: str
    plugin: str
    change: str
    replaces: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the entry as plain JSON-ready values."""
        return {
            "branch": self.branch,
            "kind": self.kind,
            "name": self.name,
            "plugin": self.plugin,
            "change": self.change,
            "replaces": self.replaces,
        }


@frozen
class _Def:
    plugin: str
    value: Any
    overrides: bool


@frozen
class Assembly:
    """
    Everything the active plugins contributed for one branch and reference date.

    Built once by :func:`assemble_branch` and cached on the host; :func:`branch_ruleset`
    turns it into a ``RuleSet``.

    .. versionadded:: 0.1.0
    """

    branch: Branch
    today: date
    rules: Mapping[str, Rule]
    rule_origin: Mapping[str, str]
    parameters: Parameters
    parameter_origin: Mapping[str, str]
    fields: Mapping[str, FieldType]
    criteria: Mapping[str, HardshipCriterion]
    care_triggers: Mapping[str, CareTrigger]
    rule_hook: Mapping[str, str] = field(factory=dict)
    diff: tuple[DiffEntry, ...] = field(factory=tuple)


def _resolve(kind: str, name: str, defs: Sequence[_Def]) -> tuple[_Def, list[str]]:
    """
    Pick the definition of *name* that wins, or raise naming the plugins that clash.

    The built-in definition is the base; a plugin replaces it (or another
    plugin's) only by declaring an override, and at most one plugin may do so.

    Returns:
        The winning definition and the plugins whose definitions it replaced.
    """
    base = [d for d in defs if d.plugin == BUILTIN]
    overriding = [d for d in defs if d.plugin != BUILTIN and d.overrides]
    plain = [d for d in defs if d.plugin != BUILTIN and not d.overrides]
    if len(overriding) > 1:
        raise PluginConflict(kind, name, [d.plugin for d in overriding])
    if overriding:
        if len(plain) > 1:
            raise PluginConflict(kind, name, [d.plugin for d in plain])
        if base and plain:
            raise PluginConflict(kind, name, [BUILTIN, plain[0].plugin])
        winner = overriding[0]
        return winner, [d.plugin for d in (*base, *plain)]
    if base and plain:
        raise PluginConflict(kind, name, [BUILTIN, plain[0].plugin])
    if len(plain) > 1:
        raise PluginConflict(kind, name, [d.plugin for d in plain])
    return (plain or base)[0], []


_HOOK_RULES = "unionkit_register_rules"
_HOOK_CRITERIA = "unionkit_register_hardship_criteria"
_HOOK_TRIGGERS = "unionkit_register_care_triggers"
_HOOK_PARAMETERS = "unionkit_register_parameters"


def _change(plugin: str, replaced: Sequence[str]) -> tuple[str, str | None]:
    return ("overridden", ", ".join(replaced)) if replaced else ("added", None)


def _assemble(host: PluginHost, b: Branch, today: date) -> Assembly:

    diff: list[DiffEntry] = []
    rule_defs: dict[str, list[_Def]] = {}
    rule_hook: dict[str, str] = {}

    def add_rule(plugin: str, rule: Rule, overrides: bool, hook: str) -> None:
        rule_defs.setdefault(rule.name, []).append(_Def(plugin, rule, overrides))
        if plugin != BUILTIN:
            rule_hook[f"{plugin}:{rule.name}"] = hook

    for plugin, entry in host.rule_contributions(b, today):
        add_rule(plugin, entry.rule, entry.overrides, _HOOK_RULES)

    criteria: dict[str, HardshipCriterion] = {}
    crit_defs: dict[str, list[_Def]] = {}
    reweights: dict[str, list[_Def]] = {}
    for plugin, crit in host.hardship_criteria(b, today):
        target = crit_defs if crit.rule is not None else reweights
        target.setdefault(crit.name, []).append(_Def(plugin, crit, crit.overrides))
    for name, defs in reweights.items():
        if name not in crit_defs:
            raise PluginError(
                defs[0].plugin,
                _HOOK_CRITERIA,
                KeyError(
                    f"re-weights hardship criterion {name!r}, which no plugin defines"
                    f" / 调整权重的困难认定标准{name}不存在"
                ),
            )
        if len(defs) > 1:
            raise PluginConflict("hardship criterion", name, [d.plugin for d in defs])
    for name, defs in sorted(crit_defs.items()):
        winner, replaced = _resolve("hardship criterion", name, defs)
        crit = winner.value
        weight = crit.weight if crit.weight is not None else 1.0
        if name in reweights:
            rw = reweights[name][0]
            weight = rw.value.weight
            diff.append(
                DiffEntry(
                    b.slug, "hardship criterion", name, rw.plugin, "reweighted", winner.plugin
                )
            )
        criteria[name] = crit.model_copy(update={"weight": weight})
        if winner.plugin != BUILTIN:
            change, was = _change(winner.plugin, replaced)
            diff.append(DiffEntry(b.slug, "hardship criterion", name, winner.plugin, change, was))
        add_rule(winner.plugin, crit.rule, winner.overrides or bool(replaced), _HOOK_CRITERIA)

    triggers: dict[str, CareTrigger] = {}
    trig_defs: dict[str, list[_Def]] = {}
    for plugin, trig in host.care_triggers(b):
        trig_defs.setdefault(trig.key, []).append(_Def(plugin, trig, trig.overrides))
    for key, defs in sorted(trig_defs.items()):
        winner, replaced = _resolve("care trigger", key, defs)
        triggers[key] = winner.value
        if winner.plugin != BUILTIN:
            change, was = _change(winner.plugin, replaced)
            diff.append(DiffEntry(b.slug, "care trigger", key, winner.plugin, change, was))
        for rule in winner.value.rules():
            add_rule(winner.plugin, rule, winner.overrides or bool(replaced), _HOOK_TRIGGERS)

    if criteria:
        weights = {name: crit.weight or 0.0 for name, crit in criteria.items()}
        for rule in criteria_rules(weights):
            add_rule(BUILTIN, rule, False, _HOOK_CRITERIA)

    rules: dict[str, Rule] = {}
    rule_origin: dict[str, str] = {}
    for name, defs in rule_defs.items():
        winner, replaced = _resolve("rule", name, defs)
        rules[name] = winner.value
        rule_origin[name] = winner.plugin
        if winner.plugin != BUILTIN and rule_hook.get(f"{winner.plugin}:{name}") == _HOOK_RULES:
            change, was = _change(winner.plugin, replaced)
            diff.append(DiffEntry(b.slug, "rule", name, winner.plugin, change, was))

    parameters, parameter_origin, param_diff = _merge_parameters(host, b, today)
    diff.extend(param_diff)
    diff.sort(key=lambda e: (e.kind, e.name))
    return Assembly(
        branch=b,
        today=today,
        rules=rules,
        rule_origin=rule_origin,
        parameters=parameters,
        parameter_origin=parameter_origin,
        fields=host.fields(b),
        criteria=criteria,
        care_triggers=triggers,
        rule_hook={
            name: rule_hook.get(f"{rule_origin[name]}:{name}", _HOOK_RULES) for name in rules
        },
        diff=tuple(diff),
    )


def _merge_parameters(
    host: PluginHost, b: Branch, today: date
) -> tuple[Parameters, dict[str, str], list[DiffEntry]]:
    """Resolve every parameter name to one plugin's values, layered over the standard ones."""
    defs: dict[str, list[_Def]] = {}
    for plugin, pset in host.parameter_contributions(b, today):
        unknown = sorted(pset.overrides - set(pset.parameters))
        if unknown:
            raise PluginError(
                plugin,
                _HOOK_PARAMETERS,
                KeyError(
                    f"declares overrides of {unknown} but gives no values for them"
                    f" / 声明覆盖的参数未给出取值"
                ),
            )
        for name in pset.parameters:
            defs.setdefault(name, []).append(
                _Def(plugin, pset.parameters[name], name in pset.overrides)
            )
    merged = Parameters()
    origin: dict[str, str] = {}
    diff: list[DiffEntry] = []
    for name in sorted(defs):
        winner, replaced = _resolve("parameter", name, defs[name])
        base = next((d for d in defs[name] if d.plugin == BUILTIN), None)
        if base is not None:
            merged = merged.overlay(Parameters([base.value]))
        if winner is not base:
            chosen: Parameter = winner.value
            # Values with no source of their own are labelled with the plugin that gave them.
            label = winner.plugin if chosen.source == "unionkit" else None
            try:
                merged = merged.overlay(Parameters([chosen]), source=label)
            except Exception as exc:  # a unit clash with the standard parameter is the plugin's
                raise PluginError(winner.plugin, _HOOK_PARAMETERS, exc) from exc
            change, was = _change(winner.plugin, replaced)
            diff.append(DiffEntry(b.slug, "parameter", name, winner.plugin, change, was))
        origin[name] = winner.plugin
    return merged, origin, diff


def assemble_branch(host: PluginHost, branch: Branch | str, as_of: date | None = None) -> Assembly:
    """
    Collect and resolve everything the active plugins contribute for *branch*.

    Cached on the host per branch and reference date until a plugin is added or removed.

    Args:
        host: The plugin host.
        branch: The branch (or its slug).
        as_of: Reference date passed to the hooks (default today).

    Raises:
        PluginError: A plugin's hook raised or returned the wrong type.
        PluginConflict: Two plugins define one name and neither declares an override.

    .. versionadded:: 0.1.0
    """
    b = as_branch(branch)
    today = as_of or date.today()
    return host.memo(("assembly", b, today), lambda: _assemble(host, b, today))


def branch_diff(
    host: PluginHost, branch: Branch | str, as_of: date | None = None
) -> list[DiffEntry]:
    """
    Return every rule, parameter, criterion and trigger that a plugin adds or overrides.

    Args:
        host: The plugin host.
        branch: The branch to compare against unionkit's standard definitions.
        as_of: Reference date passed to the hooks (default today).

    Returns:
        Entries sorted by kind and name.

    .. versionadded:: 0.1.0
    """
    return list(assemble_branch(host, branch, as_of).diff)


def branch_bundle(host: PluginHost, branch: Branch | str, as_of: date | None = None) -> RuleBundle:
    """
    Return *branch*'s rules, parameters and extra fields, with the plugin that gave each.

    The bundle's ``owners`` are the structured blame: which plugin, through
    which hook, gave each rule and parameter (the standard ones have none).
    It is the base :func:`unionkit.rulefiles.assemble` takes when rule files
    are added on top of a branch's rules.

    .. versionadded:: 0.1.0
    """
    assembly = assemble_branch(host, branch, as_of)
    owners: dict[str, Owner] = {
        name: Owner(plugin, assembly.rule_hook.get(name, _HOOK_RULES))
        for name, plugin in assembly.rule_origin.items()
        if plugin != BUILTIN
    }
    owners.update(
        {
            f"param:{name}": Owner(plugin, _HOOK_PARAMETERS)
            for name, plugin in assembly.parameter_origin.items()
            if plugin != BUILTIN
        }
    )
    standard = standard_bundle().origins
    origins = {
        name: standard[name]
        for name, plugin in assembly.rule_origin.items()
        if plugin == BUILTIN and name in standard
    }
    return RuleBundle(
        tuple(assembly.rules.values()), assembly.parameters, dict(assembly.fields), origins, owners
    )


def branch_ruleset(host: PluginHost, branch: Branch | str, as_of: date | None = None) -> RuleSet:
    """
    Build *branch*'s rule set: the standard library plus its active plugins' contributions.

    Args:
        host: The plugin host.
        branch: The branch (or its slug).
        as_of: Reference date passed to the hooks (default today).

    Returns:
        A validated ``RuleSet``.

    Raises:
        PluginError: A plugin failed, or its rules do not validate (naming the plugin).
        PluginConflict: Two plugins define one rule or parameter without an override.

    .. versionadded:: 0.1.0
    """
    # Working days for add_working_days and working_days_between come from the branch's
    # calendar, built on first use: loading the holiday data costs about a second.
    workdays = working_days(partial(branch_calendar, host, branch))
    return build_ruleset(branch_bundle(host, branch, as_of)).with_working_days(workdays)


def branch_calendar(host: PluginHost, branch: Branch | str) -> WorkCalendar:
    """
    Return the working-day calendar for *branch*: bundled data plus plugin-supplied years.

    A plugin's year is used only where the bundled data has none, so an
    official release always wins over a branch's early copy.

    .. versionadded:: 0.1.0
    """
    cal = WorkCalendar.default()
    for year in host.calendar_years(branch):
        if not cal.covers(year.year):
            cal.add_year(year)
    return cal


def branch_fields(
    host: PluginHost, branch: Branch | str, as_of: date | None = None
) -> dict[str, FieldType]:
    """
    Return every input column *branch*'s rule set may read: the roster's and the plugins'.

    .. versionadded:: 0.1.0
    """
    return {**MEMBER_FIELDS, **assemble_branch(host, branch, as_of).fields}


def declared_branches(host: PluginHost, plugins: Collection[str] | None = None) -> list[str]:
    """
    Return the branch slugs the plugins declare in their ``BRANCHES``, sorted.

    Args:
        host: The plugin host.
        plugins: Only these plugins' declarations (default: every registered plugin's).

    Returns:
        The slugs; a plugin without ``BRANCHES`` (every branch) adds none.

    .. versionadded:: 0.1.0
    """
    return sorted(
        {
            slug
            for info in host.describe()
            if info.branches and (plugins is None or info.name in plugins)
            for slug in info.branches
        }
    )
