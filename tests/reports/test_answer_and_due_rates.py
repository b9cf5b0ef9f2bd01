"""The answer rate keeps reopened demands as answered; the closure rate can count those due."""

from __future__ import annotations

from datetime import date, datetime

from unionkit.models.demand import Demand, DemandKind, DemandState
from unionkit.reports import ClosureBasis, DemandFacts, ReportPeriod, compute_demand_figures
from unionkit.reports.render import summary_lines


def _d(n: int, state: DemandState, **kw: object) -> Demand:
    return Demand.model_validate(
        {
            "demand_id": f"D{n}",
            "kind": DemandKind.REQUEST,
            "member_id": "M1",
            "title": "t",
            "content": "c",
            "submitted_at": datetime(2025, 3, n, 9),
            "state": state,
            **kw,
        }
    )


def _sample() -> list[Demand]:
    return [
        _d(
            1,
            DemandState.CLOSED,
            resolved_at=datetime(2025, 3, 5),
            closed_at=datetime(2025, 3, 6),
            deadline=date(2025, 3, 20),
        ),
        # Answered, rated unsatisfied, reopened: the answer date is cleared.
        _d(2, DemandState.IN_PROGRESS, reopened_count=1, deadline=date(2025, 3, 21)),
        _d(3, DemandState.IN_PROGRESS, deadline=date(2025, 12, 30)),
        _d(4, DemandState.REJECTED, rejection_reason="个人事项"),
        _d(
            5,
            DemandState.CLOSED,
            resolved_at=datetime(2025, 12, 20),
            closed_at=datetime(2026, 1, 5),
            deadline=date(2025, 12, 29),
        ),
    ]


def test_a_demand_reopened_after_its_answer_still_counts_as_answered() -> None:
    t = compute_demand_figures(DemandFacts.from_demands(_sample()), ReportPeriod.year(2025)).total

    assert (3, 5) == (t.answered, t.received)
    assert 0.6 == t.answer_rate
    assert 2 == t.resolved


def test_the_closure_rate_over_demands_due_by_the_cut_off_date() -> None:
    facts = DemandFacts.from_demands(_sample())

    early = compute_demand_figures(
        facts,
        ReportPeriod.year(2025),
        as_of=date(2025, 6, 30),
        closure_basis=ClosureBasis.DUE_BY_CUTOFF,
    ).total
    late = compute_demand_figures(
        facts,
        ReportPeriod.year(2025),
        as_of=date(2026, 1, 10),
        closure_basis=ClosureBasis.DUE_BY_CUTOFF,
    ).total

    assert (1, 2) == (early.closure_numerator, early.closure_denominator)
    assert (2, 4) == (late.closure_numerator, late.closure_denominator)


def test_every_rate_in_the_summary_states_its_basis() -> None:
    figures = compute_demand_figures(
        DemandFacts.from_demands(_sample()),
        ReportPeriod.year(2025),
        closure_basis=ClosureBasis.DUE_BY_CUTOFF,
    )

    zh = dict(summary_lines(figures, "zh"))
    en = dict(summary_lines(figures, "en"))

    assert "60.0% (3 / 5；口径：已答复数（含答复后因不满意重新办理的）÷ 收到数)" == zh["答复率"]
    assert "including those reopened" in en["Answer rate"]
    assert "due by the cut-off date" in en["Closure rate"]
    assert "口径" in zh["办结率"]
