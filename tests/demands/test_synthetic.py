"""The demand generator: deterministic, realistic in mix, and legal for the real lifecycle."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from unionkit.demands import Workflow
from unionkit.demands.synthetic import member_ids, plan_year, simulate
from unionkit.models.demand import DemandAction, DemandKind, DemandState, Satisfaction


def test_same_seed_same_year_and_another_seed_another() -> None:
    first = list(plan_year(2025, seed=3, n_demands=150))
    again = list(plan_year(2025, seed=3, n_demands=150))
    other = list(plan_year(2025, seed=4, n_demands=150))

    assert first == again
    assert first != other


def test_every_planned_demand_passes_through_the_real_lifecycle() -> None:
    flow = Workflow()
    results = [simulate(p, flow) for p in plan_year(2025, n_demands=620)]
    states = Counter(d.state for d, _ in results)
    kinds = Counter(d.kind for d, _ in results)
    actions = Counter(e.action for _, events in results for e in events)

    assert 620 == len(results)
    assert all([e.seq for e in events] == list(range(1, len(events) + 1)) for _, events in results)
    # The seed hospital's kind of year: ~126 proposals, most closed, some rejected/merged.
    assert 100 <= kinds[DemandKind.PROPOSAL] <= 150
    assert states[DemandState.CLOSED] > 0.85 * 620
    assert 0 < states[DemandState.REJECTED] < 0.12 * 620
    assert 0 < states[DemandState.MERGED] < 0.06 * 620
    assert actions[DemandAction.REOPEN] > 0
    assert actions[DemandAction.ESCALATE] > 0


def test_proposals_have_co_signers_and_a_third_go_to_key_supervision() -> None:
    flow = Workflow()
    proposals = [
        simulate(p, flow)[0]
        for p in plan_year(2025, n_demands=620)
        if p.kind is DemandKind.PROPOSAL
    ]
    key = sum(d.key_supervision for d in proposals)

    assert all(len(set(d.co_signers) - {d.member_id}) >= 2 for d in proposals)
    assert 0.2 * len(proposals) < key < 0.5 * len(proposals)
    assert all(d.submitted_at < datetime(2025, 3, 20) for d in proposals)


def test_actions_are_in_time_order_and_stop_at_as_of() -> None:
    as_of = datetime(2025, 6, 30, 18, 0)
    plans = list(plan_year(2025, n_demands=300, as_of=as_of))
    ids = [p.demand_id for p in plans]

    for p in plans:
        times = [p.submitted_at, *(s.at for s in p.steps)]
        assert times == sorted(times)
        assert all(s.at <= as_of for s in p.steps)
        for s in p.steps:
            if s.action is DemandAction.MERGE:
                assert ids.index(s.data["into"]) < ids.index(p.demand_id)
    assert any(p.submitted_at > as_of and not p.steps for p in plans)


def test_members_and_ratings_come_from_what_was_given() -> None:
    people = member_ids(50)
    flow = Workflow()
    results = [simulate(p, flow)[0] for p in plan_year(2025, n_demands=200, members=people)]

    assert {"H00001", "H00050"} <= set(member_ids(50))
    assert 5400 == len(member_ids())
    assert {d.member_id for d in results} <= set(people)
    assert {d.satisfaction for d in results} <= {None, *Satisfaction}
