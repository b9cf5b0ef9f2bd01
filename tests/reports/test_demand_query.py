"""The report's single query, on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

from datetime import date, datetime

import pytest
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
