"""branch_workflow: a branch's routing, deadlines, working days and notices, in a real store."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest

from store_support import StoreTarget
from unionkit.branches import branch_calendar, branch_workflow
from unionkit.calendar import CalendarYear
from unionkit.errors import CalendarDataMissing
from unionkit.hooks import Branch, PluginHost, hookimpl
from unionkit.models import Demand, DemandEvent, Member
from unionkit.models.demand import DemandAction, DemandState
from unionkit.store import Store

Register = Callable[..., str]

# 2025-09-30 is the Tuesday before the National Day and Mid-Autumn holiday (1-8 October);
# Saturday 11 October was a make-up working day (State Council notice for 2025).
BEFORE_NATIONAL_DAY = datetime(2025, 9, 30, 10, 0)


class Recorder:
    """A notifier plugin that writes down every transition it is told of."""

    def __init__(self, store: Callable[[], Store] | None = None) -> None:
        self.seen: list[tuple[str, str, DemandState, str]] = []
        self.stored_seqs: list[list[int]] = []
        self._store = store

    @hookimpl
    def unionkit_demand_transitioned(
        self, demand: Demand, event: DemandEvent, branch: Branch
    ) -> None:
        self.seen.append((demand.demand_id, event.action.value, demand.state, branch.slug))
        if self._store is not None:
            # What another connection reads now: the transition must already be committed.
            self.stored_seqs.append([e.seq for e in self._store().history(demand.demand_id)])


class Raiser:
    """A notifier plugin whose mail server is down."""

    @hookimpl
    def unionkit_demand_transitioned(self, demand: Demand) -> None:
        raise ConnectionError(f"mail server unreachable while telling about {demand.demand_id}")


class Routes:
    """A branch's category map and deadlines, as a branch plugin supplies them."""

    def __init__(self, days: int = 4) -> None:
        self.days = days
        self.deadline_calls = 0

    @hookimpl
    def unionkit_route_demand(self, demand: Demand) -> str | None:
        return {"canteen": "后勤处", "pay": "人事处"}.get(demand.category or "")

    @hookimpl
    def unionkit_register_deadline_days(self) -> dict[str, int]:
        self.deadline_calls += 1
        return {"canteen": self.days}


@pytest.fixture
def opened(store_target: StoreTarget) -> Iterator[Callable[..., Store]]:
    """Open stores on the test backend; close them all at the end."""
    stores: list[Store] = []

    def open_(**kwargs: object) -> Store:
        store = store_target.open(**kwargs)  # type: ignore[arg-type]
        stores.append(store)
        return store

    yield open_
    for store in stores:
        store.close()


def _with_member(store: Store) -> Store:
    store.add_members([Member.model_validate({"member_id": "M1", "name": "李四"})])
    return store


def _submit(store: Store, demand_id: str = "D1", at: datetime = BEFORE_NATIONAL_DAY) -> Demand:
    return store.submit_demand(
        demand_id=demand_id, member_id="M1", kind="request", title="食堂", content="夜班餐", at=at
    )


def test_the_installed_hospital_plugin_routes_and_sets_working_day_deadlines(
    opened: Callable[..., Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("unionkit_hospital")
    monkeypatch.delenv("UNIONKIT_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("UNIONKIT_DISABLED_PLUGINS", raising=False)
    store = _with_member(opened(workflow=branch_workflow(PluginHost(), "hospital")))
    _submit(store, "D1")
    _submit(store, "D2")
    _submit(store, "D3")

    canteen = store.transition(
        "D1", "accept", "office", 1, at=BEFORE_NATIONAL_DAY, category="canteen"
    )
    salary = store.transition(
        "D2", "accept", "office", 1, at=BEFORE_NATIONAL_DAY, category="salary"
    )
    chosen = store.transition(
        "D3", "accept", "office", 1, at=BEFORE_NATIONAL_DAY, category="canteen", department="院办"
    )

    # canteen: 3 working days -> 9, 10 and (make-up) Saturday 11 October
    assert ("后勤保障部", date(2025, 10, 11)) == (canteen.department, canteen.deadline)
    # salary: 10 working days -> 9, 10, 11, 13-17, 20, 21 October
    assert ("人力资源处", date(2025, 10, 21)) == (salary.department, salary.deadline)
    assert "院办" == chosen.department
    assert "后勤保障部" == store.get_demand("D1").department


def test_a_branch_without_the_plugin_gets_no_route(
    opened: Callable[..., Store], plugin_host: PluginHost, register_plugin: Register
) -> None:
    register_plugin(Routes(), branches={"north"}, name="routes")
    store = _with_member(opened(workflow=branch_workflow(plugin_host, "south")))
    _submit(store)

    with pytest.raises(Exception, match="no route for category 'canteen'"):
        store.transition("D1", "accept", "office", 1, category="canteen")
    assert DemandState.SUBMITTED == store.get_demand("D1").state


def test_every_transition_notifies_the_branch_plugins_after_it_is_committed(
    opened: Callable[..., Store], plugin_host: PluginHost, register_plugin: Register
) -> None:
    holder: list[Store] = []
    recorder, elsewhere = Recorder(lambda: holder[0]), Recorder()
    register_plugin(Routes(), branches={"north"}, name="routes")
    register_plugin(recorder, branches={"north"}, name="recorder")
    register_plugin(elsewhere, branches={"south"}, name="elsewhere")
    store = _with_member(opened(workflow=branch_workflow(plugin_host, "north")))
    holder.append(opened())  # a second store: its own connections, no plugins
    _submit(store)

    store.transition("D1", "accept", "office", 1, at=BEFORE_NATIONAL_DAY, category="canteen")
    store.transition("D1", "resolve", "后勤处", 2, at=BEFORE_NATIONAL_DAY, answer="已延长")

    assert [
        ("D1", "submit", DemandState.SUBMITTED, "north"),
        ("D1", "accept", DemandState.ACCEPTED, "north"),
        ("D1", "resolve", DemandState.RESOLVED, "north"),
    ] == recorder.seen
    assert [[1], [1, 2], [1, 2, 3]] == recorder.stored_seqs
    assert [] == elsewhere.seen


def test_a_failing_notifier_keeps_the_transition_and_is_logged_by_name(
    opened: Callable[..., Store],
    plugin_host: PluginHost,
    register_plugin: Register,
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorder = Recorder()
    register_plugin(Routes(), name="routes")
    register_plugin(recorder, name="recorder")
    register_plugin(Raiser(), name="mailer")
    store = _with_member(opened(workflow=branch_workflow(plugin_host, "north")))
    _submit(store)

    with caplog.at_level(logging.WARNING, logger="unionkit.demands"):
        accepted = store.transition("D1", "accept", "office", 1, category="canteen")

    assert (DemandState.ACCEPTED, 2, "后勤处") == (
        accepted.state,
        accepted.version,
        accepted.department,
    )
    assert accepted == store.get_demand("D1")
    assert [DemandAction.SUBMIT, DemandAction.ACCEPT] == [e.action for e in store.history("D1")]
    assert ("D1", "accept", DemandState.ACCEPTED, "north") == recorder.seen[-1]
    failures = [r.getMessage() for r in caplog.records if "accept" in r.getMessage()]
    assert 1 == len(failures)
    assert "Plugin 'mailer' failed in hook 'unionkit_demand_transitioned'" in failures[0]
    assert "mail server unreachable" in failures[0]


def test_the_workflow_is_assembled_once_until_the_plugins_change(
    plugin_host: PluginHost, register_plugin: Register
) -> None:
    routes = Routes(days=4)
    register_plugin(routes, name="routes")

    first = branch_workflow(plugin_host, "north")
    again = branch_workflow(plugin_host, "north")
    register_plugin(Recorder(), name="recorder")
    rebuilt = branch_workflow(plugin_host, "north")

    assert first is again
    assert 2 == routes.deadline_calls
    assert rebuilt is not first
    assert 4 == rebuilt.policy.days_for("canteen")


def test_a_year_from_a_plugin_lets_a_deadline_cross_into_it(
    opened: Callable[..., Store], plugin_host: PluginHost, register_plugin: Register
) -> None:
    bundled = branch_calendar(PluginHost(autoload=False), "north")
    if bundled.covers(2027):
        pytest.skip("the bundled calendar data now has 2027; the plugin year is not used")

    class NextYear:
        @hookimpl
        def unionkit_register_calendar_years(self) -> list[CalendarYear]:
            return [
                CalendarYear(
                    year=2027,
                    holidays={date(2027, 1, 1): "元旦"},
                    workdays=frozenset(),
                    source="branch copy of the notice",
                )
            ]

    register_plugin(Routes(days=3), name="routes")
    plain = _with_member(opened(workflow=branch_workflow(PluginHost(autoload=False), "north")))
    _submit(plain, at=datetime(2026, 12, 30, 9))
    with pytest.raises(CalendarDataMissing):
        plain.transition(
            "D1",
            "accept",
            "office",
            1,
            at=datetime(2026, 12, 30, 9),
            category="canteen",
            department="x",
        )
    register_plugin(NextYear(), name="next-year")
    store = opened(workflow=branch_workflow(plugin_host, "north"))

    accepted = store.transition(
        "D1", "accept", "office", 1, at=datetime(2026, 12, 30, 9), category="canteen"
    )

    # 31 December, then New Year's Day (Friday) off and the weekend: 4 and 5 January.
    assert (date(2027, 1, 5), False) == (accepted.deadline, accepted.deadline_estimated)
