"""The year's figures (demands, closure rate, satisfaction …) as tables, Markdown and HTML."""

from __future__ import annotations

from unionkit.reports.demands import (
    DEFAULT_SATISFIED_GRADES,
    ClosureBasis,
    DemandFacts,
    DemandFigures,
    FigureRow,
    MonthRow,
    ReportPeriod,
    Workdays,
    compute_demand_figures,
    format_rate,
)
from unionkit.reports.from_store import demand_figures

__all__ = [
    "DEFAULT_SATISFIED_GRADES",
    "ClosureBasis",
    "DemandFacts",
    "DemandFigures",
    "FigureRow",
    "MonthRow",
    "ReportPeriod",
    "Workdays",
    "compute_demand_figures",
    "demand_figures",
    "format_rate",
]
