"""Care (关怀): triggers a branch configures, and the visits and payments they propose."""

from __future__ import annotations

from unionkit.care.proposals import (
    BIRTHDAY_FIELD,
    CareProposal,
    birthday_this_month,
    propose_care,
)
from unionkit.hooks.results import CareAction, CareTrigger

__all__ = [
    "BIRTHDAY_FIELD",
    "CareAction",
    "CareProposal",
    "CareTrigger",
    "birthday_this_month",
    "propose_care",
]
