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

# Names resolve on first use so that `import unionkit` stays cheap for CLI runs.
_LAZY: dict[str, str] = {
    **dict.fromkeys(
        [
            "CalendarDataMissing", "ConflictError", "IllegalTransition", "InvalidIdNumber",
            "InvalidMemberData", "NotFound", "ParameterError", "PluginError", "PluginLoadError",
            "Rejected", "RosterFormatError", "RuleDefinitionError", "RuleEvaluationError",
            "StoreError", "UnionkitError",
        ],
        "unionkit.errors",
    ),
    **dict.fromkeys(
        [
            "Activity", "Benefit", "Demand", "DemandEvent", "Grant", "Group", "GroupKind",
            "Member", "Membership", "MobileNumber", "ResidentId", "Survey", "SurveyResponse",
        ],
        "unionkit.models",
    ),
    **dict.fromkeys(["PluginConflict", "QuotaExceeded", "UnionkitPluginWarning"],
                    "unionkit.errors"),
    **dict.fromkeys(["Branch", "PluginHost", "hookimpl"], "unionkit.hooks"),
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
    "PluginConflict",
    "PluginError",
    "PluginHost",
    "PluginLoadError",
    "QuotaExceeded",
    "Rejected",
    "ResidentId",
    "RosterFormatError",
    "RuleDefinitionError",
    "RuleEvaluationError",
    "StoreError",
    "Survey",
    "SurveyResponse",
    "UnionkitError",
    "UnionkitPluginWarning",
    "__version__",
    "hookimpl",
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
