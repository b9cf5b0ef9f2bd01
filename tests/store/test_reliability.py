"""Reliability on both backends: a killed writer, many concurrent writers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from store_support import MONDAY, StoreTarget
from unionkit.errors import ConflictError
from unionkit.models import Member
from unionkit.store import Store

WORKER = Path(__file__).with_name("store_worker.py")
SECONDS = 2.0


def _seed(store: Store, n: int) -> list[str]:
    store.add_members([Member(member_id="M1", name="张三")])
    return [
        store.submit_demand(
            member_id="M1", kind="request", title=f"t{i}", content="c", demand_id=f"D{i}", at=MONDAY
        ).demand_id
        for i in range(n)
    ]


def _run(target: StoreTarget, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), args[0], target.target, target.schema or "", *args[1:]],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": "src"},
    )


def test_writer_killed_inside_the_transaction_leaves_no_trace(
    store: Store, store_target: StoreTarget
) -> None:
    (demand_id,) = _seed(store, 1)
    before = store.count_rows()
    child = _run(store_target, "hang", demand_id)
    assert child.stdout is not None

    assert "READY" == child.stdout.readline().strip()
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    reopened = store_target.open()
    try:
        demand = reopened.get_demand(demand_id)
        history = reopened.history(demand_id)

        assert before == reopened.count_rows()
        assert (1, 1) == (demand.version, len(history))
        assert "never committed" not in [e.note for e in history]
        # The lock the killed writer held is gone: the next writer goes through.
        after = reopened.transition(demand_id, "note", "next", 1, note="after the crash")
        assert (2, 2) == (after.version, len(reopened.history(demand_id)))
    finally:
        reopened.close()


def test_concurrent_threads_and_processes_lose_nothing(
    store: Store, store_target: StoreTarget
) -> None:
    ids = _seed(store, 3)
    stored: list[str] = []
    conflicts = [0]
    lock = threading.Lock()

    def thread_worker(name: str) -> None:
        deadline = time.monotonic() + SECONDS
        n = 0
        while time.monotonic() < deadline:
            demand_id = ids[n % len(ids)]
            version = store.get_demand(demand_id).version
            note = f"{name}-{n}"
            n += 1
            try:
                store.transition(demand_id, "note", name, version, note=note)
            except ConflictError:
                with lock:
                    conflicts[0] += 1
            else:
                with lock:
                    stored.append(note)

    processes = [_run(store_target, "notes", str(SECONDS), f"p{i}", *ids) for i in range(2)]
    threads = [threading.Thread(target=thread_worker, args=(f"t{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for p in processes:
        out, _ = p.communicate(timeout=60)
        assert 0 == p.returncode
        result = json.loads(out.strip().splitlines()[-1])
        stored.extend(result["stored"])
        conflicts[0] += result["conflicts"]

    in_history = [
        e.note or ""
        for demand_id in ids
        for e in store.history(demand_id)
        if e.action.value == "note"
    ]
    print(
        f"\n[{store_target.backend}] {len(stored) + conflicts[0]} attempts in {SECONDS}s: "
        f"{len(stored)} committed, {conflicts[0]} conflicts"
    )

    assert sorted(stored) == sorted(in_history)
    assert len(stored) > 0
    for demand_id in ids:
        demand = store.get_demand(demand_id)
        assert demand.version == len(store.history(demand_id))
