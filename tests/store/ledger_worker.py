"""
A separate process proposing one grant (run as a script by the ledger race test, not collected).

``<target> <schema> <benefit_id> [<member_id> <amount>]``: open the store, print READY,
wait for a line on stdin, propose *amount* (1,500 yuan by default) of *benefit_id* to
*member_id* (M0 by default), and print one JSON line saying whether it was stored.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from typing import Any

from unionkit.store import GrantRequest, _ledger, open_store, propose_grants

_read = _ledger._ledger_arrays


def _slow_read(*args: Any, **kwargs: Any) -> Any:
    # Widen the race: after reading the ledger, wait before deciding and writing, so an
    # unlocked check would let both workers read the same, empty, ledger.
    found = _read(*args, **kwargs)
    time.sleep(1.0)
    return found


_ledger._ledger_arrays = _slow_read


def main(
    target: str, schema: str, benefit_id: str, member_id: str = "M0", amount: str = "1500.00"
) -> None:
    """Wait for the go line, then propose."""
    store = open_store(target, schema=schema or None)
    print("READY", flush=True)
    sys.stdin.readline()
    (out,) = propose_grants(
        store,
        [
            GrantRequest(
                member_id=member_id,
                benefit_id=benefit_id,
                amount=amount,
                on=date(2026, 9, 20),
                reason="节日慰问",
            )
        ],
        proposer="clerk",
    )
    print(json.dumps({"stored": out.grant is not None and not out.existing}), flush=True)
    store.close()


if __name__ == "__main__":
    main(*sys.argv[1:6])
