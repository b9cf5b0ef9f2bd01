"""A period's demand figures straight from a store: one query, then the computation."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING

from unionkit.models.demand import Satisfaction
from unionkit.reports.demands import (
    DEFAULT_SATISFIED_GRADES,
    ClosureBasis,
    DemandFigures,
    ReportPeriod,
    Workdays,
    compute_demand_figures,
)

if TYPE_CHECKING:
    from unionkit.store import Store

__all__ = ["demand_figures"]


def demand_figures(
    store: Store,
    period: ReportPeriod,
    *,
    closure_basis: ClosureBasis = ClosureBasis.ACCEPTED,
    satisfied_grades: Collection[Satisfaction] = DEFAULT_SATISFIED_GRADES,
    calendar: Workdays | None = None,
    as_of: date | None = None,
) -> DemandFigures:
    """
    Read a period's demands from *store* in one query and compute their figures.

    Args:
        store: An open store (SQLite or PostgreSQL).
        period: Which submission dates to count.
        closure_basis: The closure rate's denominator.
        satisfied_grades: The grades counted as satisfied.
        calendar: Working days; the store's own calendar (its workflow's) by default.
        as_of: The day "open past the deadline" is judged on (default: the period's end).

    Returns:
        The figures (see :func:`compute_demand_figures`).

    .. versionadded:: 0.1.0
    """
    from unionkit.reports.queries import read_demand_facts

    facts = read_demand_facts(store, period.start, period.end)
    return compute_demand_figures(
        facts,
        period,
        closure_basis=closure_basis,
        satisfied_grades=satisfied_grades,
        calendar=calendar if calendar is not None else store.workflow.calendar,
        as_of=as_of,
    )
