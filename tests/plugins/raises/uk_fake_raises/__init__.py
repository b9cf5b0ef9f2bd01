"""A broken fake plugin: every hook it implements raises."""

from __future__ import annotations

from datetime import date

from unionkit.hooks import Branch, hookimpl
from unionkit.models import Demand


@hookimpl
def unionkit_register_rules(branch: Branch, today: date) -> list[object]:
    raise RuntimeError("the rules file is missing")


@hookimpl
def unionkit_route_demand(demand: Demand) -> str | None:
    raise LookupError("no routing table")
