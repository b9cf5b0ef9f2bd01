"""Shared sample demands for the report tests."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from unionkit.models.demand import Demand, DemandKind, DemandState, Satisfaction
from unionkit.reports.demands import (
    DemandFacts,
    DemandFigures,
    ReportPeriod,
    compute_demand_figures,
)


def _demand(n: int, state: DemandState, **kw: object) -> Demand:
    base: dict[str, object] = {
        "demand_id": f"D{n}",
        "kind": DemandKind.REQUEST,
        "member_id": f"M{n}",
        "title": "t",
        "content": "c",
        "submitted_at": datetime(2025, 1 + n % 12, 3, 9),
        "state": state,
    }
    base.update(kw)
    return Demand.model_validate(base)


@pytest.fixture
def figures() -> DemandFigures:
    """Ten demands of 2025: 8 closed, 1 rejected, 1 open; a proposal under key supervision."""
    demands = [
        _demand(
            n,
            DemandState.CLOSED,
            category="canteen" if n % 2 else "停车难",
            department="后勤保障处",
            resolved_at=datetime(2025, 1 + n % 12, 10, 9),
            closed_at=datetime(2025, 1 + n % 12, 12, 9),
            deadline=date(2025, 1 + n % 12, 20),
            satisfaction=list(Satisfaction)[n % 4],
        )
        for n in range(8)
    ]
    demands.append(
        _demand(8, DemandState.REJECTED, rejection_reason="个人事项转为建议", category="canteen")
    )
    demands.append(
        _demand(
            9,
            DemandState.IN_PROGRESS,
            kind=DemandKind.PROPOSAL,
            co_signers=("A", "B"),
            key_supervision=True,
            category="training",
            department="科教处",
        )
    )
    return compute_demand_figures(DemandFacts.from_demands(demands), ReportPeriod.year(2025))
