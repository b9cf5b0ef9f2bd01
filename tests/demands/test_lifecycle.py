"""Tests for the demand lifecycle: the transition table, the actions' rules, deadlines."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest

from unionkit.calendar import WorkCalendar
from unionkit.demands import DeadlinePolicy, Transition, Workflow
from unionkit.errors import CalendarDataMissing, IllegalTransition, InvalidDemandData
from unionkit.models.demand import (
    MAX_TEXT,
    Demand,
    DemandAction,
    DemandEvent,
    DemandKind,
    DemandState,
    Satisfaction,
)

A = DemandAction
S = DemandState
MONDAY = datetime(2026, 3, 2, 9, 30)


@pytest.fixture(scope="module")
def flow() -> Workflow:
    return Workflow(
        policy=DeadlinePolicy(default=15, by_category={"canteen": 3}),
        calendar=WorkCalendar.default(),
        router=lambda d: {"canteen": "logistics", "pay": "hr"}.get(d.category or ""),
    )


def submitted(flow: Workflow, kind: DemandKind = DemandKind.REQUEST) -> Demand:
    return flow.submit(
        demand_id="D1", member_id="M001", kind=kind, title="食堂", content="晚班没有热饭", at=MONDAY
    ).demand


def run(flow: Workflow, demand: Demand, *steps: tuple[DemandAction, dict[str, object]]) -> Demand:
    for action, data in steps:
        demand = flow.apply(demand, action, actor="office", at=MONDAY, **data).demand  # type: ignore[arg-type]
    return demand


def test_submit_creates_version_one_and_a_submit_event(flow: Workflow) -> None:
    result = flow.submit(
        demand_id="D1", member_id="M001", kind="request", title="t", content="c", at=MONDAY
    )

    assert (S.SUBMITTED, 1) == (result.demand.state, result.demand.version)
    assert (A.SUBMIT, None, S.SUBMITTED, 1, "M001") == (
        result.event.action,
        result.event.from_state,
        result.event.to_state,
        result.event.seq,
        result.event.actor,
    )


def test_accept_routes_by_category_and_counts_the_category_deadline(flow: Workflow) -> None:
    result = flow.apply(submitted(flow), A.ACCEPT, actor="office", at=MONDAY, category="canteen")

    # 3 working days after Monday 2026-03-02 is Thursday 03-05.
    assert ("logistics", date(2026, 3, 5), False) == (
        result.demand.department,
        result.demand.deadline,
        result.demand.deadline_estimated,
    )
    assert {
        "category": "canteen",
        "department": "logistics",
        "deadline": "2026-03-05",
        "deadline_estimated": "false",
    } == result.event.data
    assert (2, 2) == (result.demand.version, result.event.seq)


def test_explicit_department_wins_over_the_router(flow: Workflow) -> None:
    result = flow.apply(
        submitted(flow), A.ACCEPT, actor="o", at=MONDAY, category="canteen", department="union"
    )

    assert "union" == result.demand.department


def test_accept_without_category_names_the_field(flow: Workflow) -> None:
    with pytest.raises(InvalidDemandData, match="category") as caught:
        flow.apply(submitted(flow), A.ACCEPT, actor="o", at=MONDAY)

    assert "D1" == caught.value.record


def test_accept_without_any_route_names_department(flow: Workflow) -> None:
    with pytest.raises(InvalidDemandData, match="department"):
        flow.apply(submitted(flow), A.ACCEPT, actor="o", at=MONDAY, category="parking")


def test_december_acceptance_needs_2027_data_or_an_explicit_estimate(flow: Workflow) -> None:
    demand = submitted(flow)
    december = datetime(2026, 12, 21, 10)

    with pytest.raises(CalendarDataMissing):
        flow.apply(demand, A.ACCEPT, actor="o", at=december, category="pay")
    estimated = flow.apply(
        demand, A.ACCEPT, actor="o", at=december, category="pay", estimate=True
    ).demand

    assert (date(2027, 1, 11), True) == (estimated.deadline, estimated.deadline_estimated)


def test_aware_times_are_kept_as_china_wall_clock(flow: Workflow) -> None:
    # 2026-03-01 23:30 UTC is 2026-03-02 07:30 in Beijing: the deadline counts from Monday.
    at = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    result = flow.apply(submitted(flow), A.ACCEPT, actor="o", at=at, category="canteen")

    assert datetime(2026, 3, 2, 7, 30) == result.event.at
    assert date(2026, 3, 5) == result.demand.deadline


def test_full_loop_to_closed_with_feedback(flow: Workflow) -> None:
    demand = run(
        flow,
        submitted(flow),
        (A.ACCEPT, {"category": "canteen"}),
        (A.START, {}),
        (A.RESOLVE, {"answer": "夜宵窗口开到22点"}),
        (A.FEEDBACK, {"satisfaction": "满意"}),
    )

    assert (S.CLOSED, Satisfaction.SATISFIED, 5) == (
        demand.state,
        demand.satisfaction,
        demand.version,
    )
    assert demand.closed_at is not None


def test_unsatisfied_feedback_reopens(flow: Workflow) -> None:
    demand = run(
        flow, submitted(flow), (A.ACCEPT, {"category": "canteen"}), (A.RESOLVE, {"answer": "a"})
    )
    result = flow.apply(
        demand, A.FEEDBACK, actor="M001", at=MONDAY, satisfaction=Satisfaction.UNSATISFIED
    )

    assert (S.IN_PROGRESS, 1, None) == (
        result.demand.state,
        result.demand.reopened_count,
        result.demand.resolved_at,
    )
    assert (A.REOPEN, {"satisfaction": "unsatisfied"}) == (result.event.action, result.event.data)


def test_reject_needs_a_reason_the_member_sees(flow: Workflow) -> None:
    with pytest.raises(InvalidDemandData, match="reason"):
        flow.apply(submitted(flow), A.REJECT, actor="o", at=MONDAY)
    rejected = flow.apply(submitted(flow), A.REJECT, actor="o", at=MONDAY, reason="个人事项").demand

    assert (S.REJECTED, "个人事项") == (rejected.state, rejected.rejection_reason)


def test_escalate_is_a_flag_not_a_state_and_only_once(flow: Workflow) -> None:
    demand = run(flow, submitted(flow), (A.ACCEPT, {"category": "pay"}), (A.ESCALATE, {}))

    assert (S.ACCEPTED, True) == (demand.state, demand.key_supervision)
    with pytest.raises(IllegalTransition, match="already under key supervision"):
        flow.apply(demand, A.ESCALATE, actor="o", at=MONDAY)


def test_merge_names_the_target_and_not_itself(flow: Workflow) -> None:
    with pytest.raises(InvalidDemandData, match="itself"):
        flow.apply(submitted(flow), A.MERGE, actor="o", at=MONDAY, into="D1")
    merged = flow.apply(submitted(flow), A.MERGE, actor="o", at=MONDAY, into="D0").demand

    assert (S.MERGED, "D0") == (merged.state, merged.merged_into)


def test_illegal_transition_names_demand_state_and_action(flow: Workflow) -> None:
    closed = run(
        flow,
        submitted(flow),
        (A.ACCEPT, {"category": "pay"}),
        (A.RESOLVE, {"answer": "a"}),
        (A.CLOSE, {}),
    )

    with pytest.raises(IllegalTransition) as caught:
        flow.apply(closed, A.RESOLVE, actor="o", at=MONDAY, answer="again")

    assert ("D1", "closed", "resolve") == (
        caught.value.demand_id,
        caught.value.state,
        caught.value.action,
    )
    assert "'D1'" in str(caught.value) and "已办结" in str(caught.value)


# Every move the demands guide (docs/demands.md) allows, written out by hand rather than read
# from unionkit.demands.TRANSITIONS, so that a wrong entry there fails here. One row per action,
# one column per state it starts from; a cell is the state it leads to, "." where not allowed.
# feedback is given as "satisfied" below (an unsatisfied rating reopens instead).
MOVES = """
action    submitted  accepted     in_progress  resolved     closed       rejected  merged
accept    accepted   .            .            .            .            .         .
start     .          in_progress  .            .            .            .         .
resolve   .          resolved     resolved     .            .            .         .
feedback  .          .            .            closed       .            .         .
close     .          .            .            closed       .            .         .
reject    rejected   rejected     .            .            .            .         .
escalate  submitted  accepted     in_progress  resolved     .            .         .
merge     merged     merged       merged       .            .            .         .
reopen    .          .            .            in_progress  in_progress  .         .
note      submitted  accepted     in_progress  resolved     closed       rejected  merged
"""


def _moves() -> dict[tuple[DemandAction, DemandState], DemandState | None]:
    header, *rows = [line.split() for line in MOVES.strip().splitlines()]
    states = [DemandState(name) for name in header[1:]]
    return {
        (DemandAction(row[0]), state): None if cell == "." else DemandState(cell)
        for row in rows
        for state, cell in zip(states, row[1:], strict=True)
    }


ALLOWED = _moves()


def test_the_hand_written_table_covers_every_action_and_state() -> None:
    assert {(a, s) for a in DemandAction if a is not A.SUBMIT for s in DemandState} == set(ALLOWED)


@pytest.mark.parametrize("state", list(DemandState))
@pytest.mark.parametrize("action", [a for a in DemandAction if a is not A.SUBMIT])
def test_only_the_moves_of_the_guide_are_allowed(
    flow: Workflow, state: DemandState, action: DemandAction
) -> None:
    demand = Demand(
        demand_id="D9",
        kind=DemandKind.REQUEST,
        member_id="M1",
        title="t",
        content="c",
        submitted_at=MONDAY,
        state=state,
        category="pay",
        department="hr",
        merged_into="D8" if state is S.MERGED else None,
        rejection_reason="r" if state is S.REJECTED else None,
    )
    data = {"answer": "a", "satisfaction": "satisfied", "reason": "r", "into": "D7"}
    expected = ALLOWED[(action, state)]

    try:
        result = flow.apply(demand, action, actor="o", at=MONDAY, note="n", **data)  # type: ignore[arg-type]
    except IllegalTransition:
        assert expected is None
    else:
        assert expected == result.demand.state


def test_text_over_the_limit_is_refused_with_the_field(flow: Workflow) -> None:
    demand = run(flow, submitted(flow), (A.ACCEPT, {"category": "pay"}))

    with pytest.raises(InvalidDemandData, match="answer"):
        flow.apply(demand, A.RESOLVE, actor="o", at=MONDAY, answer="x" * (MAX_TEXT + 1))


def test_unknown_action_and_grade_are_clear_errors(flow: Workflow) -> None:
    demand = run(
        flow, submitted(flow), (A.ACCEPT, {"category": "pay"}), (A.RESOLVE, {"answer": "a"})
    )

    with pytest.raises(InvalidDemandData, match="unknown action"):
        flow.apply(demand, "approve", actor="o")
    with pytest.raises(InvalidDemandData, match="satisfaction"):
        flow.apply(demand, A.FEEDBACK, actor="o", satisfaction="great")


def test_proposal_needs_two_co_signers(flow: Workflow) -> None:
    with pytest.raises(InvalidDemandData, match="co-signers"):
        flow.submit(
            demand_id="P1",
            member_id="M1",
            kind=DemandKind.PROPOSAL,
            title="t",
            content="c",
            co_signers=["M2"],
        )


def test_failing_notifier_is_logged_masked_and_does_not_raise(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def notify(demand: Demand, event: DemandEvent) -> None:
        raise RuntimeError("SMS to 13812345678 failed")

    flow = Workflow(notify=notify, calendar=WorkCalendar.default())
    result = flow.submit(demand_id="D1", member_id="M1", kind="request", title="t", content="c")
    with caplog.at_level(logging.WARNING, logger="unionkit.demands"):
        flow.notified(result)

    assert "13812345678" not in caplog.text
    assert "notifier failed" in caplog.text


def test_notifier_receives_the_transition() -> None:
    seen: list[tuple[str, DemandAction]] = []
    flow = Workflow(
        notify=lambda d, e: seen.append((d.demand_id, e.action)), calendar=WorkCalendar.default()
    )
    result: Transition = flow.submit(
        demand_id="D1", member_id="M1", kind="request", title="t", content="c"
    )
    flow.notified(result)

    assert [("D1", A.SUBMIT)] == seen


def test_deadline_policy_is_configurable_per_branch() -> None:
    policy = DeadlinePolicy(default=10).with_days("safety", 2)

    assert (2, 10) == (policy.days_for("safety"), policy.days_for("other"))
    with pytest.raises(ValueError, match="positive"):
        DeadlinePolicy(default=0)
    with pytest.raises(ValueError, match="positive"):
        policy.with_days("x", -3)


def test_note_needs_text_and_keeps_the_state(flow: Workflow) -> None:
    with pytest.raises(InvalidDemandData, match="note"):
        flow.apply(submitted(flow), A.NOTE, actor="o")
    result = flow.apply(
        submitted(flow), A.NOTE, actor="o", note="called the member", at=MONDAY + timedelta(hours=1)
    )

    assert (S.SUBMITTED, 2, "called the member") == (
        result.demand.state,
        result.demand.version,
        result.event.note,
    )
