"""
A separate writer process for the reliability tests (run as a script, not collected).

``hang <target> <schema> <demand_id>``: start a transition and stop inside the
transaction, after the demand's UPDATE and the history INSERT, before COMMIT; print
READY and wait to be killed.

``notes <target> <schema> <seconds> <worker> <demand_id>...``: for *seconds*, read a
demand and add a note at the version read; print one JSON line with the notes that were
stored and the number of conflicts.
"""

from __future__ import annotations

import json
import random
import sys
import time
from typing import Any

from sqlalchemy import event

from unionkit.demands import Workflow
from unionkit.errors import ConflictError
from unionkit.store import open_store


def _open(target: str, schema: str) -> Any:
    return open_store(target, workflow=Workflow(), schema=schema or None)


def hang(target: str, schema: str, demand_id: str) -> None:
    """Stop forever inside the transaction that changes *demand_id*."""
    store = _open(target, schema)

    @event.listens_for(store.engine, "after_cursor_execute")
    def _stop(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO DEMAND_EVENTS"):
            print("READY", flush=True)
            time.sleep(3600)

    version = store.get_demand(demand_id).version
    store.transition(demand_id, "note", "killed-writer", version, note="never committed")


def notes(target: str, schema: str, seconds: float, worker: str, ids: list[str]) -> None:
    """Add notes to *ids* for *seconds*; print what was stored and the conflicts."""
    store = _open(target, schema)
    stored: list[str] = []
    conflicts = 0
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        demand_id = random.choice(ids)
        version = store.get_demand(demand_id).version
        note = f"{worker}-{n}"
        n += 1
        try:
            store.transition(demand_id, "note", worker, version, note=note)
        except ConflictError:
            conflicts += 1
        else:
            stored.append(note)
    print(json.dumps({"stored": stored, "conflicts": conflicts}), flush=True)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "hang":
        hang(args[0], args[1], args[2])
    else:
        notes(args[0], args[1], float(args[2]), args[3], args[4:])
