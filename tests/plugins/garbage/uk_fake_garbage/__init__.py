"""A broken fake plugin: its hooks return the wrong types."""

from __future__ import annotations

from datetime import date

from unionkit.hooks import Branch, hookimpl


@hookimpl
def unionkit_register_rules(branch: Branch, today: date) -> object:
    return [42, "not a rule"]


@hookimpl
def unionkit_register_deadline_days(branch: Branch) -> object:
    return {"canteen": "three"}
