"""A type check for plugin authors: does my hook implementation match unionkit's specification?"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

__all__ = ["implements"]

P = ParamSpec("P")
R = TypeVar("R")


def implements(spec: Callable[P, R]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """
    Return a decorator that makes mypy check a hook implementation against *spec*.

    pluggy checks argument names only when the plugin is registered and never checks
    types; ``@implements(specs.unionkit_route_demand)`` above ``@hookimpl`` makes mypy
    check both, with the same names (pluggy passes arguments by name) and a return
    type the specification accepts. At run time it returns the function unchanged.

    Args:
        spec: The hook specification, from ``unionkit.hooks.specs``.

    Returns:
        An identity decorator typed by *spec*.

    Example:
        .. code-block:: python

            from unionkit.hooks import Branch, hookimpl, implements, specs

            @implements(specs.unionkit_register_deadline_days)
            @hookimpl
            def unionkit_register_deadline_days(branch: Branch) -> dict[str, int]:
                return {"night_shift": 3}

    .. versionadded:: 0.1.0
    """

    def check(impl: Callable[P, R]) -> Callable[P, R]:
        return impl

    return check
