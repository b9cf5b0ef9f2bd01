"""The plugin host: finds branch plugins, calls their hooks, and names the plugin when one fails."""

from __future__ import annotations

import copy
import importlib.metadata
import os
import threading
import warnings
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import attrs
import pluggy
from attrs import frozen
from pydantic import BeforeValidator, Field, InstanceOf, TypeAdapter

from unionkit.errors import (
    PluginConflict,
    PluginError,
    PluginLoadError,
    Rejected,
    UnionkitPluginWarning,
)
from unionkit.hooks import specs
from unionkit.hooks.branch import Branch, as_branch
from unionkit.hooks.results import CareTrigger, HardshipCriterion, ParameterSet, RuleEntry

if TYPE_CHECKING:
    from unionkit.calendar import CalendarYear
    from unionkit.models import Benefit, Demand, DemandEvent, Grant
    from unionkit.rules import FieldType, Parameters, Rule

__all__ = [
    "BUILTIN",
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
        self._memo: dict[Hashable, object] = {}
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
                    f"插件{ep.name}无法加载；可设置 {ENV_DISABLED}={ep.name} 暂时停用",
                    plugin_name=ep.name,
                ) from exc
            dist = ep.dist
            if self._register(
                plugin, ep.name, dist.version if dist else None, dist.name if dist else None, None
            ):
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
                    f" / 插件{name}的BRANCHES须为分工会代号集合",
                    plugin_name=name,
                )
            branches = frozenset(declared)
        try:
            self.pm.register(plugin, name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise PluginLoadError(
                f"Plugin {name!r} could not be registered\n"
                f"cause: {type(exc).__name__}: {exc}\n插件{name}注册失败",
                plugin_name=name,
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
                f" / 插件{name}的UNIONKIT_REQUIRES不是有效的版本范围",
                plugin_name=name,
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
                f"cause: {exc}\n插件{name}实现了未定义的钩子",
                plugin_name=name,
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
        self._memo.clear()

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
            raise PluginLoadError(
                f"No plugin {name!r} is registered / 未注册插件{name}", plugin_name=name
            )
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
            out.append(
                PluginInfo(
                    name, version, dist, self._branches.get(name), hooks, builtin=name == BUILTIN
                )
            )
        out.sort(key=lambda info: not info.builtin)
        return [*out, *self._skipped.values()]

    # --- Typed, attributed calls: one per hook ---

    def _caller_for(self, branch: Branch, hook_name: str) -> pluggy.HookCaller:
        remove = [
            plugin
            for name, plugin in self.pm.list_name_plugin()
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
            if impl.hookwrapper or impl.wrapper:
                raise PluginError(
                    impl.plugin_name, hook_name, TypeError("registration hooks cannot be wrappers")
                )
            raw = _call(impl, hook_name, kwargs)
            try:
                value = adapter.validate_python(raw)
            except Exception as exc:  # a wrong answer (pydantic ValidationError) is the plugin's
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
        got = self._collect(
            b, "unionkit_register_rules", {"branch": b, "today": today}, _adapters().rules
        )
        return [
            (p, e if isinstance(e, RuleEntry) else RuleEntry(rule=e))
            for p, entries in got
            for e in entries
        ]

    def parameter_contributions(
        self, branch: Branch | str, today: date
    ) -> list[tuple[str, ParameterSet]]:
        """Call ``unionkit_register_parameters``; return ``(plugin, layer)`` pairs."""
        b = as_branch(branch)
        got = self._collect(
            b, "unionkit_register_parameters", {"branch": b, "today": today}, _adapters().parameters
        )
        return [
            (p, s if isinstance(s, ParameterSet) else ParameterSet(parameters=s))
            for p, sets in got
            for s in sets
        ]

    def hardship_criteria(
        self, branch: Branch | str, today: date
    ) -> list[tuple[str, HardshipCriterion]]:
        """Call ``unionkit_register_hardship_criteria``; return ``(plugin, criterion)`` pairs."""
        b = as_branch(branch)
        got = self._collect(
            b,
            "unionkit_register_hardship_criteria",
            {"branch": b, "today": today},
            _adapters().criteria,
        )
        return [(p, c) for p, cs in got for c in cs]

    def fields(self, branch: Branch | str) -> dict[str, FieldType]:
        """
        Call ``unionkit_register_fields`` and merge the extra input columns.

        Raises:
            PluginConflict: Two plugins declare one column with different types.
        """
        b = as_branch(branch)
        got = self._collect(b, "unionkit_register_fields", {"branch": b}, _adapters().fields)
        return self.merge_owned(
            "field", [(p, name, ftype) for p, mapping in got for name, ftype in mapping.items()]
        )

    def care_triggers(self, branch: Branch | str) -> list[tuple[str, CareTrigger]]:
        """Call ``unionkit_register_care_triggers``; return ``(plugin, trigger)`` pairs."""
        b = as_branch(branch)
        got = self._collect(
            b, "unionkit_register_care_triggers", {"branch": b}, _adapters().triggers
        )
        return [(p, t) for p, ts in got for t in ts]

    def welfare_provider_contributions(self, branch: Branch | str) -> list[tuple[str, object]]:
        """
        Call ``unionkit_register_welfare_providers``; return ``(plugin, provider)`` pairs.

        Checking that each is a welfare provider is
        :func:`unionkit.branches.welfare_providers`'s job, which names the plugin.
        """
        b = as_branch(branch)
        got = self._collect(
            b, "unionkit_register_welfare_providers", {"branch": b}, _adapters().providers
        )
        return [(p, provider) for p, providers in got for provider in providers]

    def calendar_years(self, branch: Branch | str) -> list[CalendarYear]:
        """
        Call ``unionkit_register_calendar_years``; return the years.

        Raises:
            PluginConflict: Two plugins give the same year.
        """
        b = as_branch(branch)
        got = self._collect(b, "unionkit_register_calendar_years", {"branch": b}, _adapters().years)
        merged = self.merge_owned(
            "calendar year",
            [(p, str(y.year), y) for p, years in got for y in years],
            same_is_conflict=True,
        )
        # The status command tells a plugin's year from the libraries' and files'.
        return [
            attrs.evolve(y, origin="plugin") if y.origin == "code" else y for y in merged.values()
        ]

    def deadline_days(self, branch: Branch | str) -> dict[str, int]:
        """
        Call ``unionkit_register_deadline_days`` and merge the per-category days.

        Raises:
            PluginConflict: Two plugins set different days for one category.
        """
        b = as_branch(branch)
        got = self._collect(
            b, "unionkit_register_deadline_days", {"branch": b}, _adapters().deadlines
        )
        return self.merge_owned(
            "deadline",
            [(p, category, days) for p, mapping in got for category, days in mapping.items()],
        )

    @staticmethod
    def merge_owned(
        kind: str, items: Iterable[tuple[str, str, T]], *, same_is_conflict: bool = False
    ) -> dict[str, T]:
        """
        Merge ``(plugin, key, value)`` contributions into one mapping, naming clashing plugins.

        Args:
            kind: What the keys are, for the error (``"field"``, ``"calendar year"`` …).
            items: Each plugin's contributions, in call order.
            same_is_conflict: Whether two plugins giving one key is a clash even with
                equal values (a calendar year, a provider id); otherwise only different
                values clash (a column's type, a category's days).

        Returns:
            ``{key: value}`` in first-contribution order.

        Raises:
            PluginConflict: Two plugins give one key (with different values).
        """
        merged: dict[str, T] = {}
        owner: dict[str, str] = {}
        for plugin, key, value in items:
            if key in merged and (same_is_conflict or merged[key] != value):
                raise PluginConflict(kind, key, [owner[key], plugin])
            merged.setdefault(key, value)
            owner.setdefault(key, plugin)
        return merged

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """
        Return what *build* makes for *key*, cached until a plugin is added, removed or moved.

        What the branch composition (:mod:`unionkit.branches`) keeps per branch: a
        result begun before the plugins changed is returned but not cached.
        """
        with self._lock:
            generation = self._generation
            if key in self._memo:
                return cast(T, self._memo[key])
        value = build()
        with self._lock:
            if generation == self._generation:
                self._memo[key] = value
        return value

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
            answer = _call(impl, caller.name, kwargs)
            if answer is not None and (not isinstance(answer, str) or not answer.strip()):
                raise PluginError(
                    impl.plugin_name,
                    caller.name,
                    TypeError(f"expected a department name or None, got {answer!r}"),
                )
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
                _call(impl, caller.name, kwargs)
            # One plugin's failing notification must not keep the others from hearing of it.
            except PluginError as exc:
                if first is None:
                    first = exc
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
                result = _call(impl, caller.name, kwargs, passes=(Rejected,))
            except Rejected as exc:
                exc.plugin_name = impl.plugin_name
                raise
            if result is not None:
                raise PluginError(
                    impl.plugin_name,
                    caller.name,
                    TypeError(f"validate hooks return None, got {result!r}"),
                )

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


def _call(
    impl: pluggy.HookImpl,
    hook_name: str,
    kwargs: Mapping[str, Any],
    *,
    passes: tuple[type[BaseException], ...] = (),
) -> Any:
    """
    Call one plugin's hook with its own copy of the arguments; any failure names the plugin.

    ``SystemExit`` counts as a failure (a plugin calling ``sys.exit`` must not end a
    command with success having done nothing), and so does changing an argument:
    each plugin gets a deep copy, so what it changes cannot reach the next plugin
    (which would then be blamed), and the change is blamed on the plugin that made it.
    Exceptions in *passes* (a grant's veto) propagate unchanged.
    """
    own = {name: copy.deepcopy(kwargs[name]) for name in impl.argnames}
    try:
        result = impl.function(*(own[name] for name in impl.argnames))
    except passes:
        raise
    # A plugin may fail in any way, sys.exit included; name it. (Not KeyboardInterrupt.)
    except (Exception, SystemExit) as exc:
        raise PluginError(impl.plugin_name, hook_name, exc) from exc
    changed = [name for name in impl.argnames if own[name] != kwargs[name]]
    if changed:
        raise PluginError(
            impl.plugin_name,
            hook_name,
            TypeError(
                f"changed its argument {', '.join(changed)}; "
                "hooks must not modify what they are given / 插件修改了传入的参数"
            ),
        )
    return result


_VERSION_CACHE: list[str] = []


def _command_names(app: Any) -> list[str]:
    """The names of *app*'s commands and groups, as typer will register them."""
    names = [
        c.name or (c.callback.__name__.replace("_", "-") if c.callback else "")
        for c in app.registered_commands
    ]
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
        from unionkit.rules import FieldType, Parameters, Rule

        seq = BeforeValidator(_none_is_empty)
        mapping = BeforeValidator(_none_is_empty_map)
        days = Annotated[int, Field(strict=True, gt=0, le=366)]
        _ADAPTERS.append(
            _Adapters(
                rules=TypeAdapter(Annotated[list[RuleEntry | InstanceOf[Rule]], seq]),
                parameters=TypeAdapter(Annotated[list[ParameterSet | InstanceOf[Parameters]], seq]),
                criteria=TypeAdapter(Annotated[list[HardshipCriterion], seq]),
                fields=TypeAdapter(Annotated[dict[str, InstanceOf[FieldType]], mapping]),
                triggers=TypeAdapter(Annotated[list[CareTrigger], seq]),
                providers=TypeAdapter(Annotated[list[object], seq]),
                years=TypeAdapter(Annotated[list[InstanceOf[CalendarYear]], seq]),
                deadlines=TypeAdapter(Annotated[dict[str, days], mapping]),
            )
        )
    return _ADAPTERS[0]
