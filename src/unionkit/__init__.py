"""unionkit: members, groups, demands, benefits and eligibility rules for branch unions (工会)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from unionkit.errors import (
        CalendarDataMissing,
        ConflictError,
        IllegalTransition,
        InvalidIdNumber,
        InvalidMemberData,
        NotFound,
        ParameterError,
        PluginConflict,
        PluginError,
        PluginLoadError,
        QuotaExceeded,
        Rejected,
        RosterFormatError,
        RuleDefinitionError,
        RuleEvaluationError,
        StoreError,
        UnionkitError,
        UnionkitPluginWarning,
    )
    from unionkit.hooks import Branch, PluginHost, hookimpl
    from unionkit.io import read_roster, write_roster
    from unionkit.models import (
        Activity,
        Benefit,
        Demand,
        DemandEvent,
        Grant,
        Group,
        GroupKind,
        Member,
        Membership,
        MobileNumber,
        ResidentId,
        Survey,
        SurveyResponse,
    )
    from unionkit.rules import Parameters, Rule, RuleSet
    from unionkit.store import open_store

# Names resolve on first use so that `import unionkit` stays cheap for CLI runs.
_LAZY: dict[str, str] = {
    **dict.fromkeys(
        [
            "CalendarDataMissing",
            "ConflictError",
            "IllegalTransition",
            "InvalidIdNumber",
            "InvalidMemberData",
            "NotFound",
            "ParameterError",
            "PluginError",
            "PluginLoadError",
            "Rejected",
            "RosterFormatError",
            "RuleDefinitionError",
            "RuleEvaluationError",
            "StoreError",
            "UnionkitError",
        ],
        "unionkit.errors",
    ),
    **dict.fromkeys(
        [
            "Activity",
            "Benefit",
            "Demand",
            "DemandEvent",
            "Grant",
            "Group",
            "GroupKind",
            "Member",
            "Membership",
            "MobileNumber",
            "ResidentId",
            "Survey",
            "SurveyResponse",
        ],
        "unionkit.models",
    ),
    **dict.fromkeys(
        ["PluginConflict", "QuotaExceeded", "UnionkitPluginWarning"], "unionkit.errors"
    ),
    **dict.fromkeys(["Branch", "PluginHost", "hookimpl"], "unionkit.hooks"),
    **dict.fromkeys(["read_roster", "write_roster"], "unionkit.io"),
    **dict.fromkeys(["Parameters", "Rule", "RuleSet"], "unionkit.rules"),
    "open_store": "unionkit.store",
}

__all__ = [
    "Activity",
    "Benefit",
    "Branch",
    "CalendarDataMissing",
    "ConflictError",
    "Demand",
    "DemandEvent",
    "Grant",
    "Group",
    "GroupKind",
    "IllegalTransition",
    "InvalidIdNumber",
    "InvalidMemberData",
    "Member",
    "Membership",
    "MobileNumber",
    "NotFound",
    "ParameterError",
    "Parameters",
    "PluginConflict",
    "PluginError",
    "PluginHost",
    "PluginLoadError",
    "QuotaExceeded",
    "Rejected",
    "ResidentId",
    "RosterFormatError",
    "Rule",
    "RuleDefinitionError",
    "RuleEvaluationError",
    "RuleSet",
    "StoreError",
    "Survey",
    "SurveyResponse",
    "UnionkitError",
    "UnionkitPluginWarning",
    "__version__",
    "hookimpl",
    "open_store",
    "read_roster",
    "write_roster",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("unionkit")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'unionkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
