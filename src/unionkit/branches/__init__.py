"""Branches: what one branch gets from its plugins: rules, parameters, triggers, workflow.

The plugin host (:mod:`unionkit.hooks`) only registers plugins and calls their
hooks; here their answers are composed into a branch's rule set, the diff
against the standard definitions (with who changed what), its demands
workflow, welfare providers and care proposals.
"""

from __future__ import annotations

from unionkit.branches.compose import (
    Assembly,
    DiffEntry,
    assemble_branch,
    branch_bundle,
    branch_diff,
    branch_fields,
    branch_ruleset,
    declared_branches,
)
from unionkit.branches.workflow import (
    branch_calendar,
    branch_care,
    branch_deadline_policy,
    branch_welfare_providers,
    branch_workflow,
)

__all__ = [
    "Assembly",
    "DiffEntry",
    "assemble_branch",
    "branch_bundle",
    "branch_calendar",
    "branch_care",
    "branch_deadline_policy",
    "branch_diff",
    "branch_fields",
    "branch_ruleset",
    "branch_welfare_providers",
    "branch_workflow",
    "declared_branches",
]
