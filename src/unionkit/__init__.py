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
        PluginError,
        PluginLoadError,
        Rejected,
        RosterFormatError,
        RuleDefinitionError,
        RuleEvaluationError,
        StoreError,
        UnionkitError,
    )
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
}

__all__ = [
    "Activity",
    "Benefit",
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
    "PluginError",
    "PluginLoadError",
    "Rejected",
    "ResidentId",
    "RosterFormatError",
    "RuleDefinitionError",
    "RuleEvaluationError",
    "StoreError",
    "Survey",
    "SurveyResponse",
    "UnionkitError",
    "__version__",
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
