"""A fake plugin written for a unionkit that does not exist yet."""

from __future__ import annotations

from unionkit.hooks import Branch, hookimpl

UNIONKIT_REQUIRES = ">=9.0,<10"


@hookimpl
def unionkit_register_deadline_days(branch: Branch) -> dict[str, int]:
    return {"canteen": 99}
