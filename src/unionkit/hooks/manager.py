"""The plugin host: finds branch plugins, calls their hooks, and names the plugin when one fails."""

from __future__ import annotations

import importlib.metadata
import os
import re
import threading
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import pluggy
from attrs import field, frozen
from pydantic import BeforeValidator, Field, InstanceOf, TypeAdapter

from unionkit.errors import (
    PluginConflict,
    PluginError,
    PluginLoadError,
    Rejected,
    RuleDefinitionError,
    UnionkitPluginWarning,
)
from unionkit.hooks import specs
from unionkit.hooks.branch import Branch, as_branch
from unionkit.hooks.results import HardshipCriterion, ParameterSet, RuleEntry

if TYPE_CHECKING:
    from unionkit.benefits import WelfareProvider
    from unionkit.calendar import CalendarYear, WorkCalendar
    from unionkit.care import CareTrigger
    from unionkit.demands import DeadlinePolicy, Workflow
    from unionkit.models import Benefit, Demand, DemandEvent, Grant
    from unionkit.rules import FieldType, Parameters, Rule, RuleSet

__all__ = [
    "BUILTIN",
    "Assembly",
    "DiffEntry",
    "PluginHost",
    "PluginInfo",
]

BUILTIN = "unionkit"
"""The name under which unionkit's own standard rules and parameters are registered."""

ENV_DISABLE_AUTOLOAD = "UNIONKIT_DISABLE_PLUGIN_AUTOLOAD"
ENV_DISABLED = "UNIONKIT_DISABLED_PLUGINS"

T = TypeVar("T")


@frozen
class PluginInfo:
    """
    One plugin as the host sees it: where it comes from, where it applies, what it implements.

    .. versionadded:: 0.1.0
    """

    name: str
    version: str | None
    distribution: str | None
    branches: frozenset[str] | None
    hooks: tuple[str, ...]
    builtin: bool = False
    active: bool = True
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return the info as plain JSON-ready values."""
        return {
            "name": self.name,
            "version": self.version,
            "distribution": self.distribution,
            "branches": sorted(self.branches) if self.branches is not None else None,
            "hooks": list(self.hooks),
            "builtin": self.builtin,
            "active": self.active,
            "reason": self.reason,
        }


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
            "branch": self.branch, "kind": self.kind, "name": self.name,
            "plugin": self.plugin, "change": self.change, "replaces": self.replaces,
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

    Built once by :meth:`PluginHost.assemble` and cached; :meth:`PluginHost.build_ruleset`
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


class PluginHost:
    """
    The plugin manager: built-ins, installed branch plugins, and a typed method per hook.

    Load order: unionkit's own standard rules (plugin ``"unionkit"``), then the
    entry points of group ``unionkit`` unless ``UNIONKIT_DISABLE_PLUGIN_AUTOLOAD``
    is set; plugins named in ``UNIONKIT_DISABLED_PLUGINS`` (comma-separated) are
    blocked. A plugin module may declare ``BRANCHES`` (the branch slugs it
    applies to; absent means every branch) and ``UNIONKIT_REQUIRES`` (a version
    range; a plugin outside it is skipped with a :class:`UnionkitPluginWarning`).

    Core code never calls ``pm.hook`` itself; it calls the methods here, which
    validate each plugin's result and raise :class:`PluginError` naming the
    plugin that raised or returned the wrong type.

    Args:
        autoload: Load entry points; ``None`` reads ``UNIONKIT_DISABLE_PLUGIN_AUTOLOAD``.
        builtins: Register unionkit's standard rules and parameters as plugin ``"unionkit"``.
        disabled: Plugin names to block, added to ``UNIONKIT_DISABLED_PLUGINS``.

    Raises:
        PluginLoadError: An installed plugin cannot be imported or does not match the specs.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        *,
        autoload: bool | None = None,
        builtins: bool = True,
        disabled: Iterable[str] = (),
    ) -> None:
        self.pm = pluggy.PluginManager(specs.PROJECT)
        self.pm.add_hookspecs(specs)
        self._lock = threading.RLock()
        self._branches: dict[str, frozenset[str] | None] = {}
        self._versions: dict[str, tuple[str | None, str | None]] = {}
        self._skipped: dict[str, PluginInfo] = {}
        self._cache: dict[tuple[str, date], Assembly] = {}
        self._workflows: dict[str, tuple[Branch, Workflow]] = {}
        # Bumped on every change of plugins: an assembly begun before a change is not cached.
        self._generation = 0
        env_disabled = os.environ.get(ENV_DISABLED, "")
        for name in [*env_disabled.split(","), *disabled]:
            if name.strip():
                self.pm.set_blocked(name.strip())
        if builtins:
            from unionkit.hooks import builtin

            self.register(builtin, name=BUILTIN)
        if autoload is None:
            autoload = not os.environ.get(ENV_DISABLE_AUTOLOAD)
        if autoload:
            self.load_entry_points()
        self._check_pending()

    # --- Registration ---

    def load_entry_points(self) -> list[str]:
        """
        Load every installed plugin of entry-point group ``unionkit`` not yet loaded or blocked.

        Returns:
            The names of the plugins registered by this call.

        Raises:
            PluginLoadError: A plugin cannot be imported; the message names it.
        """
        loaded: list[str] = []
        for ep in importlib.metadata.entry_points(group=specs.PROJECT):
            if self.pm.is_blocked(ep.name) or self.pm.has_plugin(ep.name):
                continue
            try:
                plugin = ep.load()
            except Exception as exc:  # an installed plugin may fail in any way on import
                raise PluginLoadError(
                    f"Plugin {ep.name!r} could not be loaded from {ep.value!r}\n"
                    f"cause: {type(exc).__name__}: {exc}\n"
                    f"插件{ep.name}无法加载；可设置 {ENV_DISABLED}={ep.name} 暂时停用"
                ) from exc
            dist = ep.dist
            if self._register(plugin, ep.name, dist.version if dist else None,
                              dist.name if dist else None, None):
                loaded.append(ep.name)
        self._check_pending()
        return loaded

    def register(
        self,
        plugin: object,
        name: str | None = None,
        *,
        branches: Iterable[str] | None = None,
    ) -> str:
        """
        Register *plugin* (a module or object with ``unionkit_*`` hook functions) explicitly.

        For tests and notebooks. The plugin's ``UNIONKIT_REQUIRES`` is checked and
        its ``BRANCHES`` used unless *branches* is given.

        Args:
            plugin: The module or object implementing hooks.
            name: Its plugin name; defaults to the module name.
            branches: Branch slugs it applies to, overriding its ``BRANCHES``.

        Returns:
            The name it was registered under.

        Raises:
            PluginLoadError: Its hook implementations do not match the specs.
        """
        plugin_name = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        chosen = frozenset(branches) if branches is not None else None
        self._register(plugin, plugin_name, None, None, chosen)
        self._check_pending()
        return plugin_name

    def _register(
        self,
        plugin: object,
        name: str,
        version: str | None,
        distribution: str | None,
        branches: frozenset[str] | None,
    ) -> bool:
        reason = self._incompatible(plugin, name)
        if reason:
            warnings.warn(UnionkitPluginWarning(reason), stacklevel=3)
            self._skipped[name] = PluginInfo(
                name, version, distribution, None, (), active=False, reason=reason
            )
            return False
        declared = getattr(plugin, "BRANCHES", None)
        if branches is None and declared is not None:
            if isinstance(declared, str) or not all(isinstance(b, str) for b in declared):
                raise PluginLoadError(
                    f"Plugin {name!r}: BRANCHES must be a set of branch slugs, not {declared!r}"
                    f" / 插件{name}的BRANCHES须为分工会代号集合"
                )
            branches = frozenset(declared)
        try:
            self.pm.register(plugin, name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginLoadError(
                f"Plugin {name!r} could not be registered\n"
                f"cause: {type(exc).__name__}: {exc}\n插件{name}注册失败"
            ) from exc
        with self._lock:
            self._branches[name] = branches
            self._versions[name] = (version, distribution)
            self._changed()
        return True

    def _incompatible(self, plugin: object, name: str) -> str:
        required = getattr(plugin, "UNIONKIT_REQUIRES", None)
        if required is None:
            return ""
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            spec = SpecifierSet(str(required))
        except InvalidSpecifier as exc:
            raise PluginLoadError(
                f"Plugin {name!r}: UNIONKIT_REQUIRES {required!r} is not a version range"
                f" / 插件{name}的UNIONKIT_REQUIRES不是有效的版本范围"
            ) from exc
        ours = _unionkit_version()
        if spec.contains(ours, prereleases=True):
            return ""
        return (
            f"Plugin {name!r} requires unionkit {required} but this is {ours}; it is skipped"
            f" / 插件{name}要求unionkit {required}，当前为{ours}，已停用"
        )

    def _check_pending(self) -> None:
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = self.pm.get_name(exc.plugin) or repr(exc.plugin)
            self.pm.unregister(exc.plugin)
            raise PluginLoadError(
                f"Plugin {name!r} implements a hook unionkit does not define\n"
                f"cause: {exc}\n插件{name}实现了未定义的钩子"
            ) from exc

    def unregister(self, name: str) -> None:
        """Remove the plugin called *name* (nothing happens if it is not registered)."""
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin)
        with self._lock:
            self._branches.pop(name, None)
            self._changed()

    def _changed(self) -> None:
        # Callers hold self._lock.
        self._generation += 1
        self._cache.clear()
        self._workflows.clear()

    def block(self, name: str) -> None:
        """Unregister *name* if present and keep it from being loaded again."""
        self.unregister(name)
        self.pm.set_blocked(name)

    def select(self, only: Iterable[str] = (), exclude: Iterable[str] = ()) -> None:
        """
        Keep only the plugins named in *only* (if any) and block those in *exclude*.

        What ``--plugin NAME`` / ``--no-plugin NAME`` on the command line do; the
        built-in standard rules always stay.

        Raises:
            PluginLoadError: A name in *only* or *exclude* is not an installed plugin.
        """
        wanted, unwanted = set(only), set(exclude)
        known = {name for name, plugin in self.pm.list_name_plugin() if plugin is not None}
        unknown = sorted((wanted | unwanted) - known - set(self._skipped))
        if unknown:
            raise PluginLoadError(
                f"No installed plugin named {', '.join(unknown)}; installed: "
                f"{', '.join(sorted(known - {BUILTIN})) or '(none)'}"
                f" / 未安装插件：{'、'.join(unknown)}"
            )
        for name in sorted(known - {BUILTIN}):
            if name in unwanted or (wanted and name not in wanted):
                self.block(name)

    def set_branches(self, name: str, branches: Iterable[str] | None) -> None:
        """
        Choose the branches plugin *name* applies to (``None``: every branch).

        Raises:
            PluginLoadError: No plugin of that name is registered.
        """
        if not self.pm.has_plugin(name):
            raise PluginLoadError(f"No plugin {name!r} is registered / 未注册插件{name}")
        with self._lock:
            self._branches[name] = frozenset(branches) if branches is not None else None
            self._changed()

    def is_active(self, name: str, branch: Branch | str) -> bool:
        """Whether plugin *name* is registered and applies to *branch*."""
        if not self.pm.has_plugin(name):
            return False
        allowed = self._branches.get(name)
        return allowed is None or as_branch(branch).slug in allowed

    # --- Introspection ---

    def describe(self) -> list[PluginInfo]:
        """
        Return every registered plugin (and every skipped one) with version, branches and hooks.

        Returns:
            Built-ins first, then plugins in registration order, then skipped plugins.
        """
        out: list[PluginInfo] = []
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None:
                continue
            version, dist = self._versions.get(name, (None, None))
            if name == BUILTIN:
                version = _unionkit_version()
                dist = "unionkit"
            hooks = tuple(sorted(c.name for c in self.pm.get_hookcallers(plugin) or ()))
            out.append(PluginInfo(name, version, dist, self._branches.get(name), hooks,
                                  builtin=name == BUILTIN))
        out.sort(key=lambda info: not info.builtin)
        return [*out, *self._skipped.values()]

    def diff(self, branch: Branch | str, as_of: date | None = None) -> list[DiffEntry]:
        """
        Return every rule, parameter, criterion and trigger that a plugin adds or overrides.

        Args:
            branch: The branch to compare against unionkit's standard definitions.
            as_of: Reference date passed to the hooks (default today).

        Returns:
            Entries sorted by kind and name.
        """
        return list(self.assemble(branch, as_of).diff)

    # --- Assembly ---

    def _caller_for(self, branch: Branch, hook_name: str) -> pluggy.HookCaller:
        remove = [
            plugin for name, plugin in self.pm.list_name_plugin()
            if plugin is not None and not self.is_active(name, branch)
        ]
        return self.pm.subset_hook_caller(hook_name, remove_plugins=remove)

    def _collect(
        self,
        branch: Branch,
        hook_name: str,
        kwargs: Mapping[str, Any],
        adapter: TypeAdapter[T],
    ) -> list[tuple[str, T]]:
        caller = self._caller_for(branch, hook_name)
        found: list[tuple[str, T]] = []
        for impl in caller.get_hookimpls():
            try:
                if impl.hookwrapper or impl.wrapper:
                    raise TypeError("registration hooks cannot be wrappers")
                raw = impl.function(*(kwargs[a] for a in impl.argnames))
                value = adapter.validate_python(raw)
            # A plugin may fail in any way; name it and keep its failure from the others.
            except Exception as exc:
                raise PluginError(impl.plugin_name, hook_name, exc) from exc
            found.append((impl.plugin_name, value))
        return found

    def register_commands(self, app: Any) -> None:
        """
        Call ``unionkit_register_commands`` of every plugin, adding their CLI commands to *app*.

        Raises:
            PluginError: A plugin failed, or used a command name already taken; names it.
        """
        owners = dict.fromkeys(_command_names(app), BUILTIN)
        for impl in self.pm.hook.unionkit_register_commands.get_hookimpls():
            before = Counter(_command_names(app))
            try:
                impl.function(*({"app": app}[a] for a in impl.argnames))
            # A plugin may fail in any way; name it.
            except Exception as exc:
                raise PluginError(impl.plugin_name, "unionkit_register_commands", exc) from exc
            for name in Counter(_command_names(app)) - before:
                if name in owners:
                    raise PluginConflict("command", name, [owners[name], impl.plugin_name])
                owners[name] = impl.plugin_name

    def rule_contributions(self, branch: Branch | str, today: date) -> list[tuple[str, RuleEntry]]:
        """Call ``unionkit_register_rules``; return ``(plugin, entry)`` in registration order."""
        b = as_branch(branch)
        got = self._collect(b, "unionkit_register_rules", {"branch": b, "today": today},
                            _adapters().rules)
        return [(p, e if isinstance(e, RuleEntry) else RuleEntry(rule=e))
                for p, entries in got for e in entries]

    def parameter_contributions(
        self, branch: Branch | str, today: date
    ) -> list[tuple[str, ParameterSet]]:
        """Call ``unionkit_register_parameters``; return ``(plugin, layer)`` pairs."""
        b = as_branch(branch)
        got = self._collect(b, "unionkit_register_parameters", {"branch": b, "today": today},
                            _adapters().parameters)
        return [(p, s if isinstance(s, ParameterSet) else ParameterSet(parameters=s))
                for p, sets in got for s in sets]

    def hardship_criteria(
        self, branch: Branch | str, today: date
    ) -> list[tuple[str, HardshipCriterion]]:
        """Call ``unionkit_register_hardship_criteria``; return ``(plugin, criterion)`` pairs."""
        b = as_branch(branch)
        got = self._collect(b, "unionkit_register_hardship_criteria",
                            {"branch": b, "today": today}, _adapters().criteria)
        return [(p, c) for p, cs in got for c in cs]

    def fields(self, branch: Branch | str) -> dict[str, FieldType]:
        """
        Call ``unionkit_register_fields`` and merge the extra input columns.

        Raises:
            PluginConflict: Two plugins declare one column with different types.
        """
        b = as_branch(branch)
        merged: dict[str, FieldType] = {}
        owner: dict[str, str] = {}
        for plugin, mapping in self._collect(b, "unionkit_register_fields", {"branch": b},
                                             _adapters().fields):
            for name, ftype in mapping.items():
                if name in merged and merged[name] != ftype:
                    raise PluginConflict("field", name, [owner[name], plugin])
                merged[name] = ftype
                owner.setdefault(name, plugin)
        return merged

    def care_triggers(self, branch: Branch | str) -> list[tuple[str, CareTrigger]]:
        """Call ``unionkit_register_care_triggers``; return ``(plugin, trigger)`` pairs."""
        b = as_branch(branch)
        got = self._collect(b, "unionkit_register_care_triggers", {"branch": b},
                            _adapters().triggers)
        return [(p, t) for p, ts in got for t in ts]

    def welfare_providers(self, branch: Branch | str) -> list[WelfareProvider]:
        """
        Call ``unionkit_register_welfare_providers``; return the providers.

        Raises:
            PluginError: A plugin returned something that is not a welfare provider.
            PluginConflict: Two plugins offer providers with the same ``provider_id``.
        """
        from unionkit.benefits import WelfareProvider

        b = as_branch(branch)
        owner: dict[str, str] = {}
        out: list[WelfareProvider] = []
        for plugin, providers in self._collect(b, "unionkit_register_welfare_providers",
                                               {"branch": b}, _adapters().providers):
            for provider in providers:
                if not isinstance(provider, WelfareProvider):
                    raise PluginError(plugin, "unionkit_register_welfare_providers", TypeError(
                        f"{provider!r} lacks provider_id/name_zh/name_en/catalogue/quota/confirm"
                    ))
                pid = str(provider.provider_id)
                if pid in owner:
                    raise PluginConflict("welfare provider", pid, [owner[pid], plugin])
                owner[pid] = plugin
                out.append(provider)
        return out

    def calendar_years(self, branch: Branch | str) -> list[CalendarYear]:
        """
        Call ``unionkit_register_calendar_years``; return the years.

        Raises:
            PluginConflict: Two plugins give the same year.
        """
        b = as_branch(branch)
        owner: dict[int, str] = {}
        out: list[CalendarYear] = []
        for plugin, years in self._collect(b, "unionkit_register_calendar_years",
                                           {"branch": b}, _adapters().years):
            for year in years:
                if year.year in owner:
                    raise PluginConflict("calendar year", str(year.year),
                                         [owner[year.year], plugin])
                owner[year.year] = plugin
                out.append(year)
        return out

    def deadline_days(self, branch: Branch | str) -> dict[str, int]:
        """
        Call ``unionkit_register_deadline_days`` and merge the per-category days.

        Raises:
            PluginConflict: Two plugins set different days for one category.
        """
        b = as_branch(branch)
        merged: dict[str, int] = {}
        owner: dict[str, str] = {}
        for plugin, mapping in self._collect(b, "unionkit_register_deadline_days",
                                             {"branch": b}, _adapters().deadlines):
            for category, days in mapping.items():
                if category in merged and merged[category] != days:
                    raise PluginConflict("deadline", category, [owner[category], plugin])
                merged[category] = days
                owner.setdefault(category, plugin)
        return merged

    def assemble(self, branch: Branch | str, as_of: date | None = None) -> Assembly:
        """
        Collect and resolve everything the active plugins contribute for *branch*.

        Cached per branch and reference date until a plugin is added or removed.

        Raises:
            PluginError: A plugin's hook raised or returned the wrong type.
            PluginConflict: Two plugins define one name and neither declares an override.
        """
        b = as_branch(branch)
        today = as_of or date.today()
        key = (b.slug, today)
        with self._lock:
            cached = self._cache.get(key)
            generation = self._generation
        if cached is not None and cached.branch == b:
            return cached
        assembly = _assemble(self, b, today)
        with self._lock:
            if generation == self._generation:
                self._cache[key] = assembly
        return assembly

    def build_ruleset(self, branch: Branch | str, as_of: date | None = None) -> RuleSet:
        """
        Build *branch*'s rule set: the standard library plus its active plugins' contributions.

        Args:
            branch: The branch (or its slug).
            as_of: Reference date passed to the hooks (default today).

        Returns:
            A validated ``RuleSet``.

        Raises:
            PluginError: A plugin failed, or its rules do not validate (naming the plugin).
            PluginConflict: Two plugins define one rule or parameter without an override.
        """
        from unionkit.rules import RuleSet

        assembly = self.assemble(branch, as_of)
        fields = self.input_fields(branch, as_of)
        try:
            return RuleSet(list(assembly.rules.values()), assembly.parameters, fields)
        except RuleDefinitionError as exc:
            culprit = _blame(str(exc), assembly)
            if culprit is None:
                raise
            raise PluginError(culprit[0], culprit[1], exc) from exc

    def input_fields(self, branch: Branch | str, as_of: date | None = None) -> dict[str, FieldType]:
        """Return every input column *branch*'s rule set may read: the roster's and the plugins'."""
        from unionkit.rules import MEMBER_FIELDS

        return {**MEMBER_FIELDS, **self.assemble(branch, as_of).fields}

    # --- Workflows: plain callables for the demands lifecycle ---

    def route_demand(self, demand: Demand, branch: Branch | str) -> str | None:
        """
        Ask the plugins which department handles *demand* (``unionkit_route_demand``).

        The first non-``None`` answer wins, in pluggy's call order (last registered first).

        Raises:
            PluginError: A plugin raised or returned something other than text or ``None``.
        """
        b = as_branch(branch)
        caller = self._caller_for(b, "unionkit_route_demand")
        kwargs = {"demand": demand, "branch": b}
        for impl in reversed(caller.get_hookimpls()):
            try:
                answer = impl.function(*(kwargs[a] for a in impl.argnames))
                if answer is not None and (not isinstance(answer, str) or not answer.strip()):
                    raise TypeError(f"expected a department name or None, got {answer!r}")
            except Exception as exc:  # a plugin may fail in any way; name it
                raise PluginError(impl.plugin_name, caller.name, exc) from exc
            if answer is not None:
                return answer.strip()
        return None

    def demand_router(self, branch: Branch | str) -> Callable[[Demand], str | None]:
        """Return the ``router`` callable the demands lifecycle takes, bound to *branch*."""
        b = as_branch(branch)

        def router(demand: Demand) -> str | None:
            return self.route_demand(demand, b)

        return router

    def demand_transitioned(self, demand: Demand, event: DemandEvent, branch: Branch | str) -> None:
        """
        Tell every active plugin that *demand* changed state (``unionkit_demand_transitioned``).

        Every plugin is told even if an earlier one fails; then the first failure is raised.

        Raises:
            PluginError: A plugin's notification hook raised.
        """
        b = as_branch(branch)
        caller = self._caller_for(b, "unionkit_demand_transitioned")
        kwargs = {"demand": demand, "event": event, "branch": b}
        first: PluginError | None = None
        for impl in reversed(caller.get_hookimpls()):
            try:
                impl.function(*(kwargs[a] for a in impl.argnames))
            # One plugin's failing notification must not keep the others from hearing of it.
            except Exception as exc:
                if first is None:
                    first = PluginError(impl.plugin_name, caller.name, exc)
                    first.__cause__ = exc
        if first is not None:
            raise first

    def demand_notifier(self, branch: Branch | str) -> Callable[[Demand, DemandEvent], None]:
        """Return the ``notify`` callable the demands lifecycle takes, bound to *branch*."""
        b = as_branch(branch)

        def notify(demand: Demand, event: DemandEvent) -> None:
            self.demand_transitioned(demand, event, b)

        return notify

    def validate_grant(self, grant: Grant, benefit: Benefit, branch: Branch | str) -> None:
        """
        Let every active plugin veto *grant* (``unionkit_validate_grant``).

        Raises:
            Rejected: A plugin vetoed it; ``.plugin_name`` says which.
            PluginError: A plugin failed otherwise, or returned a value.
        """
        b = as_branch(branch)
        caller = self._caller_for(b, "unionkit_validate_grant")
        kwargs = {"grant": grant, "benefit": benefit, "branch": b}
        for impl in reversed(caller.get_hookimpls()):
            try:
                result = impl.function(*(kwargs[a] for a in impl.argnames))
                if result is not None:
                    raise TypeError(f"validate hooks return None, got {result!r}")
            except Rejected as exc:
                exc.plugin_name = impl.plugin_name
                raise
            except Exception as exc:  # a plugin may fail in any way; name it
                raise PluginError(impl.plugin_name, caller.name, exc) from exc

    def grant_validator(self, branch: Branch | str) -> Callable[[Grant, Benefit], None]:
        """
        Return a callable that lets *branch*'s plugins veto a grant, for the store.

        Pass it as ``open_store(..., grant_validator=host.grant_validator(branch))``;
        the store then calls ``unionkit_validate_grant`` for every grant before storing any.

        .. versionadded:: 0.1.0
        """
        b = as_branch(branch)

        def validate(grant: Grant, benefit: Benefit) -> None:
            self.validate_grant(grant, benefit, b)

        return validate

    def workflow(self, branch: Branch | str) -> Workflow:
        """
        Return the demands lifecycle for *branch*: its deadlines, working days, routing, notices.

        The deadline policy (``unionkit_register_deadline_days``) and the calendar with
        the plugins' years (``unionkit_register_calendar_years``) are assembled once per
        branch and cached until a plugin is registered, removed or given other branches.
        The router asks ``unionkit_route_demand`` when a demand is accepted without a
        department; the notifier calls ``unionkit_demand_transitioned`` after each
        committed transition, and what it raises is logged with the plugin's name,
        never undoing the transition (see :meth:`unionkit.demands.Workflow.notified`).

        Args:
            branch: The branch (or its slug).

        Returns:
            A :class:`~unionkit.demands.Workflow` to pass to ``open_store(..., workflow=...)``.

        Raises:
            PluginError: A plugin's deadline or calendar hook raised or returned the wrong type.
            PluginConflict: Two plugins set different days for a category, or the same year.

        .. versionadded:: 0.1.0
        """
        from unionkit.demands import Workflow

        b = as_branch(branch)
        with self._lock:
            cached = self._workflows.get(b.slug)
            generation = self._generation
        if cached is not None and cached[0] == b:
            return cached[1]
        flow = Workflow(policy=self.deadline_policy(b), calendar=self.calendar(b),
                        router=self.demand_router(b), notify=self.demand_notifier(b))
        with self._lock:
            if generation == self._generation:
                self._workflows[b.slug] = (b, flow)
        return flow

    def deadline_policy(self, branch: Branch | str) -> DeadlinePolicy:
        """
        Return the demands lifecycle's ``DeadlinePolicy`` for *branch*, with the plugins' days.

        Raises:
            PluginConflict: Two plugins set different days for one category.
        """
        from unionkit.demands import DeadlinePolicy

        return DeadlinePolicy(by_category=self.deadline_days(branch))

    def calendar(self, branch: Branch | str) -> WorkCalendar:
        """
        Return the working-day calendar for *branch*: bundled data plus plugin-supplied years.

        A plugin's year is used only where the bundled data has none, so an
        official release always wins over a branch's early copy.
        """
        from unionkit.calendar import WorkCalendar

        cal = WorkCalendar.default()
        for year in self.calendar_years(branch):
            if not cal.covers(year.year):
                cal.add_year(year)
        return cal


_VERSION_CACHE: list[str] = []


def _command_names(app: Any) -> list[str]:
    """The names of *app*'s commands and groups, as typer will register them."""
    names = [c.name or (c.callback.__name__.replace("_", "-") if c.callback else "")
             for c in app.registered_commands]
    return names + [g.name or "" for g in app.registered_groups]


def _unionkit_version() -> str:
    if not _VERSION_CACHE:
        _VERSION_CACHE.append(importlib.metadata.version("unionkit"))
    return _VERSION_CACHE[0]


def _none_is_empty(value: object) -> object:
    return [] if value is None else value


def _none_is_empty_map(value: object) -> object:
    return {} if value is None else value


@frozen
class _Adapters:
    rules: TypeAdapter[list[RuleEntry | Rule]]
    parameters: TypeAdapter[list[ParameterSet | Parameters]]
    criteria: TypeAdapter[list[HardshipCriterion]]
    fields: TypeAdapter[dict[str, FieldType]]
    triggers: TypeAdapter[list[CareTrigger]]
    providers: TypeAdapter[list[object]]
    years: TypeAdapter[list[CalendarYear]]
    deadlines: TypeAdapter[dict[str, int]]


_ADAPTERS: list[_Adapters] = []


def _adapters() -> _Adapters:
    # Built on first use: the calendar and care modules are imported only when a hook needs them.
    if not _ADAPTERS:
        from unionkit.calendar import CalendarYear
        from unionkit.care import CareTrigger
        from unionkit.rules import FieldType, Parameters, Rule

        seq = BeforeValidator(_none_is_empty)
        mapping = BeforeValidator(_none_is_empty_map)
        days = Annotated[int, Field(strict=True, gt=0, le=366)]
        _ADAPTERS.append(_Adapters(
            rules=TypeAdapter(Annotated[list[RuleEntry | InstanceOf[Rule]], seq]),
            parameters=TypeAdapter(
                Annotated[list[ParameterSet | InstanceOf[Parameters]], seq]
            ),
            criteria=TypeAdapter(Annotated[list[HardshipCriterion], seq]),
            fields=TypeAdapter(Annotated[dict[str, InstanceOf[FieldType]], mapping]),
            triggers=TypeAdapter(Annotated[list[CareTrigger], seq]),
            providers=TypeAdapter(Annotated[list[object], seq]),
            years=TypeAdapter(Annotated[list[InstanceOf[CalendarYear]], seq]),
            deadlines=TypeAdapter(Annotated[dict[str, days], mapping]),
        ))
    return _ADAPTERS[0]


_HOOK_RULES = "unionkit_register_rules"
_HOOK_CRITERIA = "unionkit_register_hardship_criteria"
_HOOK_TRIGGERS = "unionkit_register_care_triggers"
_HOOK_PARAMETERS = "unionkit_register_parameters"

HARDSHIP_MET = "hardship_criteria_met"
HARDSHIP_SCORE = "hardship_criteria_score"
HARDSHIP_FLAGGED = "hardship_criteria_any"


def _change(plugin: str, replaced: Sequence[str]) -> tuple[str, str | None]:
    return ("overridden", ", ".join(replaced)) if replaced else ("added", None)


def _assemble(host: PluginHost, b: Branch, today: date) -> Assembly:
    from unionkit.rules import Expr, Rule, ValueType, lit, ref, where

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
            raise PluginError(defs[0].plugin, _HOOK_CRITERIA, KeyError(
                f"re-weights hardship criterion {name!r}, which no plugin defines"
                f" / 调整权重的困难认定标准{name}不存在"
            ))
        if len(defs) > 1:
            raise PluginConflict("hardship criterion", name, [d.plugin for d in defs])
    for name, defs in sorted(crit_defs.items()):
        winner, replaced = _resolve("hardship criterion", name, defs)
        crit = winner.value
        weight = crit.weight if crit.weight is not None else 1.0
        if name in reweights:
            rw = reweights[name][0]
            weight = rw.value.weight
            diff.append(DiffEntry(b.slug, "hardship criterion", name, rw.plugin, "reweighted",
                                  winner.plugin))
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
        names = sorted(criteria)
        met = sum((where(ref(n), lit(1), lit(0)) for n in names[1:]),
                  start=where(ref(names[0]), lit(1), lit(0)))
        score = sum((where(ref(n), lit(criteria[n].weight or 0.0), lit(0.0)) for n in names[1:]),
                    start=where(ref(names[0]), lit(criteria[names[0]].weight or 0.0), lit(0.0)))
        flagged: Expr = ref(names[0])
        for n in names[1:]:
            flagged = flagged | ref(n)
        for rule in (
            Rule(HARDSHIP_MET, met, "符合的困难认定标准数", "hardship criteria met",
                 ValueType.int),
            Rule(HARDSHIP_SCORE, score, "困难评分", "hardship score", ValueType.number),
            Rule(HARDSHIP_FLAGGED, flagged, "符合困难认定标准", "meets a hardship criterion",
                 ValueType.bool),
        ):
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
        branch=b, today=today, rules=rules, rule_origin=rule_origin,
        parameters=parameters, parameter_origin=parameter_origin,
        fields=host.fields(b), criteria=criteria, care_triggers=triggers,
        rule_hook={name: rule_hook.get(f"{rule_origin[name]}:{name}", _HOOK_RULES)
                   for name in rules},
        diff=tuple(diff),
    )


def _blame(message: str, assembly: Assembly) -> tuple[str, str] | None:
    """Find the plugin whose rule a rule-set validation error names, if any."""
    for name, plugin in assembly.rule_origin.items():
        if plugin != BUILTIN and re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", message):
            return plugin, assembly.rule_hook.get(name, _HOOK_RULES)
    for name, plugin in assembly.parameter_origin.items():
        if plugin != BUILTIN and name in message:
            return plugin, _HOOK_PARAMETERS
    return None


def _merge_parameters(
    host: PluginHost, b: Branch, today: date
) -> tuple[Parameters, dict[str, str], list[DiffEntry]]:
    """Resolve every parameter name to one plugin's values, layered over the standard ones."""
    from unionkit.rules import Parameter, Parameters

    defs: dict[str, list[_Def]] = {}
    for plugin, pset in host.parameter_contributions(b, today):
        unknown = sorted(pset.overrides - set(pset.parameters))
        if unknown:
            raise PluginError(plugin, _HOOK_PARAMETERS, KeyError(
                f"declares overrides of {unknown} but gives no values for them"
                f" / 声明覆盖的参数未给出取值"
            ))
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
