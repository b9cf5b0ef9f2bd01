"""What a branch's plugins make of its workflows: demands lifecycle, welfare providers, care."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from unionkit.benefits import WelfareProvider
from unionkit.branches.compose import assemble_branch, branch_calendar, branch_ruleset
from unionkit.care import CareProposal, propose_care
from unionkit.demands import DeadlinePolicy, Workflow
from unionkit.errors import PluginError
from unionkit.hooks import Branch, PluginHost, as_branch

__all__ = [
    "branch_calendar",
    "branch_care",
    "branch_deadline_policy",
    "branch_welfare_providers",
    "branch_workflow",
]

_HOOK_PROVIDERS = "unionkit_register_welfare_providers"


def branch_workflow(host: PluginHost, branch: Branch | str) -> Workflow:
    """
    Return the demands lifecycle for *branch*: its deadlines, working days, routing, notices.

    The deadline policy (``unionkit_register_deadline_days``) and the calendar with
    the plugins' years (``unionkit_register_calendar_years``) are assembled once per
    branch and cached on the host until a plugin is registered, removed or given other
    branches. The router asks ``unionkit_route_demand`` when a demand is accepted
    without a department; the notifier calls ``unionkit_demand_transitioned`` after
    each committed transition, and what it raises is logged with the plugin's name,
    never undoing the transition (see :meth:`unionkit.demands.Workflow.notified`).

    Args:
        host: The plugin host.
        branch: The branch (or its slug).

    Returns:
        A :class:`~unionkit.demands.Workflow` to pass to ``open_store(..., workflow=...)``.

    Raises:
        PluginError: A plugin's deadline or calendar hook raised or returned the wrong type.
        PluginConflict: Two plugins set different days for a category, or the same year.

    .. versionadded:: 0.1.0
    """
    b = as_branch(branch)
    return host.memo(
        ("branch_workflow", b),
        lambda: Workflow(
            policy=branch_deadline_policy(host, b),
            calendar=branch_calendar(host, b),
            router=host.demand_router(b),
            notify=host.demand_notifier(b),
        ),
    )


def branch_deadline_policy(host: PluginHost, branch: Branch | str) -> DeadlinePolicy:
    """
    Return the demands lifecycle's ``DeadlinePolicy`` for *branch*, with the plugins' days.

    Raises:
        PluginConflict: Two plugins set different days for one category.

    .. versionadded:: 0.1.0
    """
    return DeadlinePolicy(by_category=host.deadline_days(branch))


def branch_welfare_providers(host: PluginHost, branch: Branch | str) -> list[WelfareProvider]:
    """
    Return the welfare providers *branch*'s plugins offer (``unionkit_register_welfare_providers``).

    Raises:
        PluginError: A plugin returned something that is not a welfare provider.
        PluginConflict: Two plugins offer providers with the same ``provider_id``.

    .. versionadded:: 0.1.0
    """
    keyed: list[tuple[str, str, WelfareProvider]] = []
    for plugin, provider in host.welfare_provider_contributions(branch):
        if not isinstance(provider, WelfareProvider):
            raise PluginError(
                plugin,
                _HOOK_PROVIDERS,
                TypeError(
                    f"{provider!r} lacks provider_id/name_zh/name_en/catalogue/quota/confirm"
                ),
            )
        keyed.append((plugin, str(provider.provider_id), provider))
    return list(host.merge_owned("welfare provider", keyed, same_is_conflict=True).values())


def branch_care(
    host: PluginHost, branch: Branch | str, data: Mapping[str, Any], as_of: date
) -> list[CareProposal]:
    """
    Propose care for *branch*: build its rule set from the plugins, then ``propose_care``.

    .. versionadded:: 0.1.0
    """
    triggers = assemble_branch(host, branch, as_of).care_triggers
    return propose_care(branch_ruleset(host, branch, as_of), triggers, data, as_of)
