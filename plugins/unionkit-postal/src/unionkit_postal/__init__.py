"""unionkit plugin for a district postal branch union (邮政分工会) and its dual-link run."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

__all__ = ["rule_file"]


def rule_file(name: str) -> Traversable:
    """Return one of the plugin's YAML rule files (readable from a wheel too)."""
    return resources.files(__name__).joinpath("rules", name)
