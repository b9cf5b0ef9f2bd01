"""A fake plugin implementing a hook name unionkit does not define (a typo)."""

from __future__ import annotations

from unionkit.hooks import hookimpl


@hookimpl
def unionkit_register_hardship_critera() -> list[object]:
    return []
