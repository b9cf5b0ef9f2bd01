"""Branch plugins: the hook specifications and the plugin host that calls them."""

from __future__ import annotations

from unionkit.hooks import specs
from unionkit.hooks.branch import Branch, as_branch
from unionkit.hooks.conformance import implements
from unionkit.hooks.manager import BUILTIN, PluginHost, PluginInfo
from unionkit.hooks.results import (
    CareAction,
    CareTrigger,
    HardshipCriterion,
    ParameterSet,
    RuleEntry,
)
from unionkit.hooks.specs import hookimpl

__all__ = [
    "BUILTIN",
    "Branch",
    "CareAction",
    "CareTrigger",
    "HardshipCriterion",
    "ParameterSet",
    "PluginHost",
    "PluginInfo",
    "RuleEntry",
    "as_branch",
    "hookimpl",
    "implements",
    "specs",
]
