"""Every hook a unionkit plugin may implement, with when it fires and what it returns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from datetime import date

    from typer import Typer

    from unionkit.benefits import WelfareProvider
    from unionkit.calendar import CalendarYear
    from unionkit.hooks.branch import Branch
    from unionkit.hooks.results import CareTrigger, HardshipCriterion, ParameterSet, RuleEntry
    from unionkit.models import Benefit, Demand, DemandEvent, Grant
    from unionkit.rules import FieldType, Parameters, Rule

__all__ = ["PROJECT", "hookimpl"]

PROJECT = "unionkit"

_hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
"""Mark a function in a plugin module as the implementation of the hook of the same name."""


# --- Registration: called once per branch when its rule set or workflow is assembled ---


@_hookspec
def unionkit_register_rules(branch: Branch, today: date) -> Sequence[Rule | RuleEntry]:
    """
    Return the rules this plugin contributes for *branch*.

    Called once per branch and reference date when the branch's rule set is
    built (``unionkit.branches.branch_ruleset``); the result is cached, never asked
    per member. Any plugin may implement it. A bare ``Rule`` adds a rule; a
    ``RuleEntry(rule, overrides=True)`` replaces a rule of the same name
    from unionkit's standard library or another plugin. Two plugins that
    define the same rule without an override are an error naming both.

    Args:
        branch: The branch whose rules are being assembled.
        today: Reference date (the evaluation date, or today).

    Returns:
        Rules to add or replace. Return an empty sequence to contribute none.

    .. versionadded:: 0.1.0
    """


@_hookspec
def unionkit_register_parameters(
    branch: Branch, today: date
) -> Sequence[Parameters | ParameterSet]:
    """
    Return this plugin's dated parameter values for *branch*.

    Called once per branch when its rule set is built: the branch's income
    threshold, subsidy brackets, condolence amounts. A bare ``Parameters``
    only adds new names; to give a standard parameter (or another plugin's)
    the branch's own values, return ``ParameterSet(parameters, overrides={...})``
    naming each replaced parameter, which ``unionkit plugins --diff`` then lists.

    Args:
        branch: The branch whose parameters are being assembled.
        today: Reference date (the evaluation date, or today).

    Returns:
        Parameter layers. Return an empty sequence to contribute none.

    .. versionadded:: 0.1.0
    """


@_hookspec
def unionkit_register_hardship_criteria(branch: Branch, today: date) -> Sequence[HardshipCriterion]:
    """
    Return the hardship criteria (困难职工认定标准) this plugin contributes for *branch*.

    Called once per branch when its rule set is built; results are cached.
    A criterion is a yes/no rule with a weight. The host adds each criterion's
    rule and combines all of them into ``hardship_criteria_met`` (how many
    hold), ``hardship_criteria_score`` (the weighted sum) and
    ``hardship_criteria_any`` (at least one holds). A criterion may add a new
    rule, replace another plugin's criterion (``overrides=True``), or only
    change the weight of an existing one (``rule=None, weight=...``). To make
    the standard ``hardship_eligible`` use them, override that rule; to
    re-weight a standard criterion, override its ``hardship.weight_*`` parameter.

    Args:
        branch: The branch whose rules are being assembled.
        today: Reference date for criteria that depend on seniority or age.

    Returns:
        Criteria to add, replace or re-weight. Return an empty sequence to contribute none.

    .. versionadded:: 0.1.0
    """


@_hookspec
def unionkit_register_fields(branch: Branch) -> Mapping[str, FieldType]:
    """
    Return the extra input columns this plugin's rules read, with their types.

    Called once per branch when its rule set is built, so that rules may read
    HR or medical-insurance columns beyond the standard roster (for example
    ``on_aid_mission`` or ``hospital_days``). Two plugins may declare the same
    column only with the same type.

    Args:
        branch: The branch whose rule set is being assembled.

    Returns:
        Column name to field type. Return an empty mapping to add none.

    .. versionadded:: 0.1.0
    """


@_hookspec
def unionkit_register_care_triggers(branch: Branch) -> Sequence[CareTrigger]:
    """
    Return the care triggers (关怀触发条件) this plugin configures for *branch*.

    Called once per branch when its rule set is built. Each trigger is a
    yes/no expression over roster and HR columns (birthday this month,
    hospitalisation, long sick leave, a relative's death …), the action it
    calls for (a visit, a payment, or both) and an optional amount. A branch's
    must-visits (三必访/四必访/五必访) are exactly the triggers it marks
    ``must_visit``: unionkit hard-codes none.

    Args:
        branch: The branch whose care triggers are being assembled.

    Returns:
        Triggers to add (or replace, with ``overrides=True``).

    .. versionadded:: 0.1.0
    """


@_hookspec
def unionkit_register_welfare_providers(branch: Branch) -> Sequence[WelfareProvider]:
    """
    Return the welfare providers (福利供应商) available to *branch*'s members.

    Called once per branch when its benefits workflow is set up. A provider
    lists a catalogue, states a per-member quota and confirms orders; core
    code prices choices and enforces the quota and the fund rules.

    Args:
        branch: The branch whose providers are being assembled.

    Returns:
        Provider objects satisfying ``unionkit.benefits.WelfareProvider``.

    .. versionadded:: 0.1.0
    """


@_hookspec
def unionkit_register_calendar_years(branch: Branch) -> Sequence[CalendarYear]:
    """
    Return official holiday arrangements for years the bundled calendar data lacks.

    Called once per branch when its working-day calendar is built, for
    example to add next year's State Council notice in December before
    ``chinesecalendar`` ships it. Two plugins giving the same year is an error.

    Args:
        branch: The branch whose calendar is being built.

    Returns:
        One ``CalendarYear`` per year added.

    .. versionadded:: 0.1.0
    """


@_hookspec
def unionkit_register_deadline_days(branch: Branch) -> Mapping[str, int]:
    """
    Return the answer deadline, in working days, for each demand category this plugin sets.

    Called once per branch when its deadline policy is built. Two plugins
    setting different days for the same category is an error naming both.

    Args:
        branch: The branch whose deadline policy is being built.

    Returns:
        Demand category to a positive number of working days.

    .. versionadded:: 0.1.0
    """


# --- Lookups: the first plugin that answers wins ---


@_hookspec(firstresult=True)
def unionkit_route_demand(demand: Demand, branch: Branch) -> str | None:
    """
    Return the department that handles *demand*, or ``None`` to let another plugin answer.

    Called once per demand when it is accepted and routed (never on the batch
    path). ``firstresult``: the first plugin returning a department wins;
    plugins registered later are asked first.

    Args:
        demand: The demand being routed; ``demand.category`` is usually what decides.
        branch: The branch the demand belongs to.

    Returns:
        A department name, or ``None`` when this plugin does not route this category.

    .. versionadded:: 0.1.0
    """


# --- Validation: raise unionkit.Rejected to veto ---


@_hookspec
def unionkit_validate_grant(grant: Grant, benefit: Benefit, branch: Branch) -> None:
    """
    Veto a grant of *benefit* to a member by raising ``unionkit.Rejected``.

    Called once for each grant before it is stored (for example a branch that
    forbids cash for a kind of benefit, or caps a visit amount). Every active
    plugin is asked; the first ``Rejected`` stops the grant.

    Args:
        grant: The grant about to be stored.
        benefit: The benefit it grants.
        branch: The branch paying it.

    Raises:
        Rejected: The grant breaks this branch's rules; the message says why.

    .. versionadded:: 0.1.0
    """


# --- Notifications: return values are ignored ---


@_hookspec
def unionkit_demand_transitioned(demand: Demand, event: DemandEvent, branch: Branch) -> None:
    """
    Be told that *demand* changed state, after the change and its history row are stored.

    Called once per transition by the demands lifecycle (through
    ``PluginHost.demand_notifier``). Every active plugin is told, even if one
    of them fails; a failure is then raised naming the plugin, and the stored
    transition stands.

    Args:
        demand: The demand in its new state.
        event: The history row just written (action, from and to state, actor).
        branch: The branch the demand belongs to.

    .. versionadded:: 0.1.0
    """


# --- The command line: called once per run of ``unionkit`` ---


@_hookspec
def unionkit_register_commands(app: Typer) -> None:
    """
    Add this plugin's commands to the ``unionkit`` command line.

    Called once each time the ``unionkit`` command starts (never by the library
    itself), with the root typer application. Add a group with
    ``app.add_typer(my_app, name="postal")`` (then ``unionkit postal …``) or a
    command with ``app.command("name")(function)``; build a sub-application with
    ``typer.Typer(cls=unionkit.cli.i18n.UnionkitGroup)`` so that its help follows
    ``--lang`` like unionkit's own. Use a name of your own: a name unionkit or
    another plugin already uses is an error naming both.

    Args:
        app: The ``unionkit`` typer application.

    .. versionadded:: 0.1.0
    """
