"""Plugin code (a branch's router) never runs while the store holds a write transaction."""

from __future__ import annotations

import threading

from store_support import MONDAY, StoreTarget
from unionkit.demands import Workflow
from unionkit.models import Demand, Member


def test_a_hung_router_blocks_no_other_writer(store_target: StoreTarget) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow_router(demand: Demand) -> str:
        entered.set()
        release.wait(30)
        return "logistics"

    slow = store_target.open(Workflow(router=slow_router))
    other = store_target.open()
    try:
        slow.add_members([Member(member_id="M1", name="张三")])
        slow.submit_demand(
            member_id="M1", kind="request", title="t", content="c", demand_id="D1", at=MONDAY
        )
        accepted: list[object] = []
        worker = threading.Thread(
            target=lambda: accepted.append(
                slow.transition(
                    "D1", "accept", "office", 1, at=MONDAY, category="canteen", estimate=True
                )
            )
        )
        worker.start()
        assert entered.wait(10)

        wrote = threading.Thread(
            target=lambda: other.add_members([Member(member_id="M2", name="李四")])
        )
        wrote.start()
        wrote.join(10)
        finished_while_router_hung = not wrote.is_alive()
        release.set()
        worker.join(30)
        wrote.join(30)

        assert finished_while_router_hung
        assert "李四" == other.get_member("M2").name
        assert "logistics" == other.get_demand("D1").department
    finally:
        release.set()
        slow.close()
        other.close()


def test_a_change_made_while_the_router_ran_is_a_conflict(store_target: StoreTarget) -> None:
    from pytest import raises

    from unionkit.errors import ConflictError

    store = store_target.open()
    interfering = store_target.open()

    def router(demand: Demand) -> str:
        interfering.transition("D1", "note", "someone", 1, note="meanwhile")
        return "logistics"

    routed = store_target.open(Workflow(router=router))
    try:
        store.add_members([Member(member_id="M1", name="张三")])
        store.submit_demand(
            member_id="M1", kind="request", title="t", content="c", demand_id="D1", at=MONDAY
        )
        with raises(ConflictError, match="version 1"):
            routed.transition("D1", "accept", "office", 1, at=MONDAY, category="x", estimate=True)
        assert [1, 2] == [e.seq for e in store.history("D1")]
        assert store.get_demand("D1").department is None
    finally:
        for s in (store, interfering, routed):
            s.close()
