"""The report's single query, on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from unionkit.demands.synthetic import generate_year, hospital_members, member_ids
from unionkit.models.demand import DemandKind
from unionkit.reports import (
    DemandFacts,
    ReportPeriod,
    compute_demand_figures,
    demand_figures,
)
from unionkit.reports.queries import read_demand_facts
from unionkit.store import Store
from unionkit.store._schema import demands


def test_the_query_agrees_with_the_stored_demands_read_one_by_one(store: Store) -> None:
    store.add_members(hospital_members(60))
    made = generate_year(store, 2025, n_demands=70, members=member_ids(60))
    stored = store.list_demands()
    year = ReportPeriod.year(2025)

    expected = compute_demand_figures(
        DemandFacts.from_demands(stored), year, calendar=store.workflow.calendar
    )
    actual = demand_figures(store, year)

    assert expected == actual
    assert 70 == made.demands == actual.total.received
    assert made.events == sum(len(store.history(d.demand_id)) for d in stored)


def test_the_period_includes_its_last_evening_and_not_the_next_morning(store: Store) -> None:
    store.add_members(hospital_members(3))
    for n, at in enumerate(
        [
            datetime(2024, 12, 31, 23, 59),
            datetime(2025, 1, 1, 0, 0),
            datetime(2025, 12, 31, 23, 59, 59),
            datetime(2026, 1, 1, 0, 0),
        ]
    ):
        store.submit_demand(
            demand_id=f"B{n}",
            member_id="H00001",
            kind=DemandKind.REQUEST,
            title="t",
            content="c",
            at=at,
            category="canteen",
        )

    facts = read_demand_facts(store, date(2025, 1, 1), date(2025, 12, 31))

    assert 2 == len(facts)
    assert ("canteen",) == facts.categories
    assert [date(2025, 1, 1), date(2025, 12, 31)] == sorted(facts.submitted.astype(date).tolist())


def test_an_empty_period_gives_empty_figures(store: Store) -> None:
    figures = demand_figures(store, ReportPeriod.year(2030))

    assert 0 == figures.total.received
    assert figures.total.closure_rate is None


def test_a_state_unionkit_does_not_know_is_named_with_its_demand(store: Store) -> None:
    store.add_members(hospital_members(3))
    store.submit_demand(
        demand_id="X1",
        member_id="H00002",
        kind="request",
        title="t",
        content="c",
        at=datetime(2025, 5, 5, 9),
    )
    with store.engine.begin() as conn:
        conn.execute(update(demands).values(state="archived"))

    with pytest.raises(ValueError, match=r"demand 'X1': field 'state': unknown value 'archived'"):
        read_demand_facts(store, date(2025, 1, 1), date(2025, 12, 31))


def _rows(facts: DemandFacts) -> list[tuple[object, ...]]:
    """Every demand's twelve report columns, as names, sorted: comparable across orders."""
    # "-" for none: sorting needs names of one type (stored names are never "-" here).
    cats, deps = ("-", *facts.categories), ("-", *facts.departments)
    return sorted(
        (
            int(facts.kind[i]),
            int(facts.state[i]),
            cats[int(facts.category[i]) + 1],
            deps[int(facts.department[i]) + 1],
            *(str(getattr(facts, c)[i]) for c in ("submitted", "resolved", "closed", "deadline")),
            bool(facts.deadline_estimated[i]),
            bool(facts.key_supervision[i]),
            int(facts.reopened[i]),
            int(facts.satisfaction[i]),
        )
        for i in range(len(facts))
    )


@settings(max_examples=8, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=40))
def test_the_packed_query_returns_every_column_as_stored(seed: int, n: int) -> None:
    import tempfile
    from pathlib import Path

    from unionkit.store import open_store

    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "d.db") as store:
        store.add_members(hospital_members(30))
        generate_year(store, 2025, seed=seed, n_demands=n, members=member_ids(30))
        # A long-reopened demand and one without a deadline stress the packed fields.
        with store.engine.begin() as conn:
            first = conn.execute(demands.select().limit(1)).first()
            assert first is not None
            conn.execute(
                update(demands)
                .where(demands.c.demand_id == first.demand_id)
                .values(reopened_count=70_000, deadline=None)
            )
        stored = store.list_demands()
        read = read_demand_facts(store, date(2025, 1, 1), date(2025, 12, 31))
    expected = DemandFacts.from_demands(
        [d for d in stored if date(2025, 1, 1) <= d.submitted_at.date() <= date(2025, 12, 31)]
    )
    assert _rows(read) == _rows(expected)
