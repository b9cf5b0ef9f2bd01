"""A fake plugin for branch ``leaky`` whose hooks fail quoting a member's ID and phone."""

from __future__ import annotations

from datetime import date

from unionkit.hooks import Branch, hookimpl
from unionkit.models import Demand

BRANCHES = frozenset({"leaky"})


@hookimpl
def unionkit_register_rules(branch: Branch, today: date) -> list[object]:
    raise RuntimeError("bad row for 110105199001011232, phone 13812345678")


@hookimpl
def unionkit_route_demand(demand: Demand) -> str | None:
    raise LookupError("cannot route for 110105199001011232 / 13812345678")
