"""The closed loop of members' demands: states, transitions, deadlines in working days."""

from __future__ import annotations

from unionkit.demands._lifecycle import (
    CHINA_TZ,
    OPEN_STATES,
    TRANSITIONS,
    WORKING_STATES,
    ActionData,
    Notifier,
    Router,
    Transition,
    Workflow,
    local_now,
)
from unionkit.demands._policy import DEFAULT_WORKDAYS, DeadlinePolicy

__all__ = [
    "CHINA_TZ",
    "DEFAULT_WORKDAYS",
    "OPEN_STATES",
    "TRANSITIONS",
    "WORKING_STATES",
    "ActionData",
    "DeadlinePolicy",
    "Notifier",
    "Router",
    "Transition",
    "Workflow",
    "local_now",
]
