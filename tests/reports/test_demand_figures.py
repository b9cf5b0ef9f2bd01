"""Demand figures: a hand-checked year, every closure basis, a reference loop on random data."""

from __future__ import annotations

import random
import statistics
from datetime import date, datetime, timedelta

import pytest

from unionkit.errors import CalendarDataMissing
from unionkit.models.demand import Demand, DemandKind, DemandState, Satisfaction
from unionkit.reports.demands import (
    ClosureBasis,
    DemandFacts,
    ReportPeriod,
    compute_demand_figures,
    format_rate,
)


class TestCalendar:
    """Weekdays are workdays, except 2025-01-01; Sunday 2025-01-26 is a make-up workday (调休)."""

    def is_workday(self, day: date) -> bool:
        if day == date(2025, 1, 1):
            return False
        if day == date(2025, 1, 26):
            return True
        return day.weekday() < 5


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 10, 30)


def demand(
    n: int, kind: DemandKind, state: DemandState, submitted: datetime, **kw: object
) -> Demand:
    base: dict[str, object] = {
        "demand_id": f"D{n}",
        "kind": kind,
        "member_id": f"M{n}",
        "title": "t",
        "content": "c",
        "submitted_at": submitted,
        "state": state,
    }
    base.update(kw)
    return Demand.model_validate(base)


R, S, P = DemandKind.REQUEST, DemandKind.SUGGESTION, DemandKind.PROPOSAL


def sample() -> list[Demand]:
    return [
        demand(
            1,
            R,
            DemandState.CLOSED,
            at(2025, 1, 2),
            category="canteen",
            department="logistics",
            resolved_at=at(2025, 1, 7),
            closed_at=at(2025, 1, 9),
            deadline=date(2025, 1, 8),
            satisfaction=Satisfaction.VERY_SATISFIED,
        ),
        demand(
            2,
            R,
            DemandState.RESOLVED,
            at(2025, 1, 24),
            category="parking",
            department="security",
            resolved_at=at(2025, 1, 27),
            deadline=date(2025, 1, 24),
        ),
        demand(
            3,
            S,
            DemandState.REJECTED,
            at(2025, 3, 1),
            category="canteen",
            rejection_reason="personal matter",
        ),
        demand(
            4,
            P,
            DemandState.IN_PROGRESS,
            at(2025, 2, 10),
            category="workload",
            department="hr",
            key_supervision=True,
            co_signers=("M7", "M8"),
            deadline=date(2025, 3, 1),
        ),
        demand(
            5,
            P,
            DemandState.CLOSED,
            at(2025, 4, 1),
            category="canteen",
            department="logistics",
            co_signers=("M1", "M2"),
            resolved_at=at(2025, 4, 3),
            closed_at=at(2025, 4, 5),
            deadline=date(2025, 4, 10),
            deadline_estimated=True,
            reopened_count=1,
            satisfaction=Satisfaction.BASICALLY_SATISFIED,
        ),
        demand(6, R, DemandState.MERGED, at(2025, 5, 5), category="parking", merged_into="D2"),
        demand(
            7,
            R,
            DemandState.CLOSED,
            at(2024, 12, 30),
            category="parking",
            department="security",
            resolved_at=at(2025, 1, 3),
            closed_at=at(2025, 1, 6),
            deadline=date(2025, 1, 10),
            satisfaction=Satisfaction.UNSATISFIED,
        ),
        demand(
            8,
            R,
            DemandState.CLOSED,
            at(2025, 12, 20),
            category="parking",
            department="security",
            resolved_at=at(2025, 12, 29),
            closed_at=at(2026, 1, 5),
            deadline=date(2026, 1, 6),
            satisfaction=Satisfaction.UNSATISFIED,
        ),
    ]


def test_hand_checked_year_counts_only_demands_received_in_it() -> None:
    figures = compute_demand_figures(
        DemandFacts.from_demands(sample()), ReportPeriod.year(2025), calendar=TestCalendar()
    )
    t = figures.total

    assert (7, 5, 3, 1, 1) == (t.received, t.handled, t.closed, t.rejected, t.merged)
    assert (3, 5) == (t.closure_numerator, t.closure_denominator)
    assert (3, 4, 1) == (t.on_time, t.on_time_base, t.estimated_deadlines)
    assert 1 == t.overdue_open
    assert (1, 1) == (t.reopened, t.reopen_events)
    assert (3, 2) == (t.rated, t.satisfied)
    assert (1, 0, 1, 1) == t.grades
    assert (2, 1, 1) == (t.proposals, t.key_supervised_proposals, t.key_supervised)


def test_days_to_resolve_count_working_days_after_submission_with_make_up_days() -> None:
    # Working days: D1 Jan 3, 6, 7 -> 3; D2 Sun Jan 26 (调休) and Mon 27 -> 2; D5 -> 2;
    # D8 Dec 22-26 and 29 -> 6.  Calendar days 5, 3, 2, 9.
    t = compute_demand_figures(
        DemandFacts.from_demands(sample()), ReportPeriod.year(2025), calendar=TestCalendar()
    ).total

    assert 2.5 == t.working_days_median
    assert statistics.quantiles([3, 2, 2, 6], n=10, method="inclusive")[-1] == pytest.approx(
        t.working_days_p90
    )
    assert 4.0 == t.calendar_days_median
    assert 7.8 == pytest.approx(t.calendar_days_p90)


@pytest.mark.parametrize(
    ("basis", "num", "den"),
    [
        (ClosureBasis.ACCEPTED, 3, 5),
        (ClosureBasis.RECEIVED, 3, 7),
        (ClosureBasis.CLOSED_OR_REJECTED, 4, 7),
    ],
)
def test_closure_rate_uses_the_denominator_asked_for(
    basis: ClosureBasis, num: int, den: int
) -> None:
    t = compute_demand_figures(
        DemandFacts.from_demands(sample()), ReportPeriod.year(2025), closure_basis=basis
    ).total

    assert (num, den) == (t.closure_numerator, t.closure_denominator)
    assert num / den == t.closure_rate


def test_satisfied_grades_are_a_parameter() -> None:
    figures = compute_demand_figures(
        DemandFacts.from_demands(sample()),
        ReportPeriod.year(2025),
        satisfied_grades={Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED},
    )

    assert 1 == figures.total.satisfied
    assert (Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED) == figures.satisfied_grades
    with pytest.raises(ValueError, match="satisfied_grades"):
        compute_demand_figures(
            DemandFacts.from_demands(sample()), ReportPeriod.year(2025), satisfied_grades=set()
        )


def test_breakdowns_by_category_department_kind_and_month() -> None:
    figures = compute_demand_figures(DemandFacts.from_demands(sample()), ReportPeriod.year(2025))
    by_cat = {r.key: r.received for r in figures.by_category}
    by_dep = {r.key: (r.received, r.closed) for r in figures.by_department}
    by_kind = {r.key: r.received for r in figures.by_kind}
    months = {m.month.month: (m.received, m.closed) for m in figures.monthly}

    assert {"canteen": 3, "parking": 3, "workload": 1} == by_cat
    assert {"logistics": (2, 2), "security": (2, 1), "hr": (1, 0), None: (2, 0)} == by_dep
    assert {"request": 4, "suggestion": 1, "proposal": 2} == by_kind
    assert (2, 1) == months[1]
    assert (1, 1) == months[4]
    assert (1, 0) == months[12]
    assert 12 == len(figures.monthly)
    assert 1 == figures.closed_after_period


def test_years_without_holiday_data_fall_back_to_weekends_and_say_so() -> None:
    class Until2025(TestCalendar):
        def is_workday(self, day: date) -> bool:
            if day.year > 2025:
                raise CalendarDataMissing(day.year)
            return super().is_workday(day)

    facts = DemandFacts.from_demands(
        [
            demand(1, R, DemandState.RESOLVED, at(2025, 12, 30), resolved_at=at(2026, 1, 2)),
        ]
    )

    with_gap = compute_demand_figures(facts, ReportPeriod.year(2025), calendar=Until2025())
    no_calendar = compute_demand_figures(facts, ReportPeriod.year(2025))

    assert (2026,) == with_gap.working_days_estimated_years
    # Dec 31, then Thu Jan 1 and Fri Jan 2, 2026: weekends-only does not know New Year's Day.
    assert 3.0 == with_gap.total.working_days_median
    assert (2025, 2026) == no_calendar.working_days_estimated_years


def test_a_period_that_is_not_a_year_is_labelled_with_its_dates() -> None:
    period = ReportPeriod(date(2025, 3, 1), date(2025, 5, 31))
    figures = compute_demand_figures(DemandFacts.from_demands(sample()), period)

    assert 3 == figures.total.received
    assert "2025-03-01 to 2025-05-31" == period.label("en")
    assert "2025年" == ReportPeriod.year(2025).label("zh")
    assert [3, 4, 5] == [m.month.month for m in figures.monthly]
    with pytest.raises(ValueError, match="before it starts"):
        ReportPeriod(date(2025, 2, 1), date(2025, 1, 1))


def test_bad_columns_name_the_row_and_field() -> None:
    with pytest.raises(ValueError, match=r"row 1: field 'state'.*'finished'"):
        DemandFacts.from_columns(
            kind=["request", "request"],
            state=["closed", "finished"],
            category=[None, None],
            department=[None, None],
            submitted=[date(2025, 1, 1)] * 2,
            resolved=[None, None],
            closed=[None, None],
            deadline=[None, None],
            deadline_estimated=[False, False],
            key_supervision=[False, False],
            reopened=[0, 0],
            satisfaction=[None, None],
        )


def test_rates_never_round_up_to_a_full_hundred_percent() -> None:
    assert "99.9%" == format_rate(9999, 10000)
    assert "100.0%" == format_rate(287, 287)
    assert "33.3%" == format_rate(1, 3)
    assert "66.7%" == format_rate(2, 3)
    assert "无" == format_rate(0, 0, "zh")


def reference(demands: list[Demand], start: date, end: date) -> dict[str, object]:
    """The definitions in docs/reports.md, one demand at a time."""
    cohort = [d for d in demands if start <= d.submitted_at.date() <= end]
    handled = [
        d
        for d in cohort
        if d.state
        in {DemandState.ACCEPTED, DemandState.IN_PROGRESS, DemandState.RESOLVED, DemandState.CLOSED}
    ]
    answered = [d for d in cohort if d.resolved_at is not None]
    timed = [d for d in answered if d.deadline is not None]
    days = []
    for d in answered:
        assert d.resolved_at is not None
        n, day = 0, d.submitted_at.date()
        while day < d.resolved_at.date():
            day += timedelta(days=1)
            n += day.weekday() < 5
        days.append(n)
    return {
        "received": len(cohort),
        "handled": len(handled),
        "closed": sum(d.state is DemandState.CLOSED for d in cohort),
        "on_time": sum(
            d.resolved_at.date() <= d.deadline  # type: ignore[union-attr,operator]
            for d in timed
        ),
        "on_time_base": len(timed),
        "median": statistics.median(days) if days else None,
        "satisfied": sum(
            d.satisfaction
            in {
                Satisfaction.VERY_SATISFIED,
                Satisfaction.SATISFIED,
                Satisfaction.BASICALLY_SATISFIED,
            }
            for d in cohort
        ),
        "key_proposals": sum(d.kind is P and d.key_supervision for d in cohort),
        "by_category": {
            c: sum(d.category == c for d in cohort) for c in {d.category for d in cohort}
        },
    }


@pytest.mark.parametrize("seed", range(5))
def test_agrees_with_a_demand_by_demand_reference_on_random_data(seed: int) -> None:
    rng = random.Random(seed)
    demands = []
    for n in range(400):
        submitted = datetime(2024, 11, 1) + timedelta(days=rng.randrange(500), hours=9)
        state = rng.choice(list(DemandState))
        kw: dict[str, object] = {"category": rng.choice(["canteen", "parking", "training", None])}
        if state in {DemandState.RESOLVED, DemandState.CLOSED}:
            kw["resolved_at"] = submitted + timedelta(days=rng.randrange(40))
            if rng.random() < 0.8:
                kw["deadline"] = (submitted + timedelta(days=rng.randrange(30))).date()
            if state is DemandState.CLOSED:
                kw["satisfaction"] = rng.choice(list(Satisfaction))
        kw["rejection_reason"] = "r" if state is DemandState.REJECTED else None
        kw["merged_into"] = "D0" if state is DemandState.MERGED else None
        kind = rng.choice(list(DemandKind))
        demands.append(
            demand(
                n,
                kind,
                state,
                submitted,
                co_signers=("A", "B"),
                key_supervision=rng.random() < 0.3,
                **kw,
            )
        )
    figures = compute_demand_figures(DemandFacts.from_demands(demands), ReportPeriod.year(2025))
    t = figures.total
    expected = reference(demands, date(2025, 1, 1), date(2025, 12, 31))

    assert expected == {
        "received": t.received,
        "handled": t.handled,
        "closed": t.closed,
        "on_time": t.on_time,
        "on_time_base": t.on_time_base,
        "median": t.working_days_median,
        "satisfied": t.satisfied,
        "key_proposals": t.key_supervised_proposals,
        "by_category": {r.key: r.received for r in figures.by_category},
    }


def test_the_real_calendar_skips_national_day_and_flags_years_it_lacks() -> None:
    from unionkit.calendar import WorkCalendar

    # 2025-10-01..08 are off; Thursday 2025-10-09 is the first working day after 30 September.
    facts = DemandFacts.from_demands(
        [
            demand(1, R, DemandState.RESOLVED, at(2025, 9, 30), resolved_at=at(2025, 10, 9)),
        ]
    )

    real = compute_demand_figures(facts, ReportPeriod.year(2025), calendar=WorkCalendar.default())
    lenient = compute_demand_figures(
        facts, ReportPeriod.year(2025), calendar=WorkCalendar(fallback="weekends")
    )

    assert (1.0, ()) == (real.total.working_days_median, real.working_days_estimated_years)
    assert (7.0, (2025,)) == (
        lenient.total.working_days_median,
        lenient.working_days_estimated_years,
    )
