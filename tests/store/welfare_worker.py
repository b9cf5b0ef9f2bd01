"""
A separate process for the welfare race test (run as a script, not collected).

``<target> <schema> <go-file> <order_id>``: open the store, wait until *go-file*
exists, then choose two bags of rice (399.80 of a 500.00 quota) for member M2; print
``stored`` or ``exceeded``. Each process pauses 0.3 s right after reading what M2 has
spent, so without the member lock every process would read 0 and all would store.
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import event

from unionkit.benefits import Quota, Selection
from unionkit.demands import Workflow
from unionkit.errors import QuotaExceeded
from unionkit.store import WelfareOrders, open_store


def main(target: str, schema: str, go: str, order_id: str) -> None:
    """Race for member M2's quota once *go* appears."""
    store = open_store(target, workflow=Workflow(), schema=schema or None)
    orders = WelfareOrders(store)

    @event.listens_for(store.engine, "after_cursor_execute")
    def _pause(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "sum(welfare_orders.total_fen)" in statement.lower():
            time.sleep(0.3)

    while not Path(go).exists():
        time.sleep(0.005)
    try:
        orders.choose(
            "M2",
            "shop",
            Quota("festival_goods", Decimal("500.00")),
            [Selection("rice", 2)],
            on=date(2026, 9, 1),
            at=datetime(2026, 9, 1, 10),
            order_id=order_id,
            actor="M2",
        )
        print("stored")
    except QuotaExceeded:
        print("exceeded")
    finally:
        store.close()


if __name__ == "__main__":
    main(*sys.argv[1:5])
