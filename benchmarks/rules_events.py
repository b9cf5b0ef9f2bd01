"""Benchmark of the event functions: sick-leave days this year, against hand-written numpy.

Run ``flock /tmp/bench.lock .venv/bin/python benchmarks/rules_events.py`` (``--members``
and ``--events`` change the sizes; the default is 1,000,000 members and 3,000,000 events).
Both sides start from the same input: member ids as text, events as columns of ids,
dates and days; both match events to members, keep those starting this year up to the
evaluation date and add up their days per member. The engine also checks every event
(a known member, dates present and in order). Figures are the best of several runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import best

from unionkit.rules import MEMBER_FIELDS, Parameters, Rule, RuleSet, ValueType
from unionkit.rules.events import event_fields
from unionkit.rules.parse import parse_expression

AS_OF = dt.date(2025, 9, 30)


def data(members: int, events: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    rng = np.random.default_rng(7)
    ids = np.char.add("M", np.arange(members).astype(str)).astype(object)
    who = ids[rng.integers(0, members, events)]
    start = np.datetime64("2024-01-01") + rng.integers(0, 700, events).astype("timedelta64[D]")
    length = rng.integers(0, 30, events)
    leave = {
        "member_id": who,
        "start": start,
        "end": start + length.astype("timedelta64[D]"),
        "days": (length + 1).astype(np.int64),
    }
    return {"member_id": ids}, leave


def numpy_baseline(members: dict[str, np.ndarray], leave: dict[str, np.ndarray]) -> np.ndarray:
    keys = members["member_id"].astype(str)
    order = np.argsort(keys, kind="stable")
    at = np.searchsorted(keys[order], leave["member_id"].astype(str))
    rows = order[at]
    lo, hi = np.datetime64("2025-01-01"), np.datetime64(AS_OF)
    keep = (leave["start"] >= lo) & (leave["start"] <= hi)
    out: np.ndarray = np.bincount(rows[keep], weights=leave["days"][keep], minlength=len(keys))
    return out.astype(np.int64)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=3_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    members, leave = data(args.members, args.events)
    fields = {
        **MEMBER_FIELDS,
        **event_fields("sick_leave", span=True, attributes={"days": ValueType.int}),
    }
    rule = Rule(
        "days",
        parse_expression('event_days("sick_leave", start_of_year(as_of()))'),
        "本年病假天数",
        "sick-leave days this year",
        ValueType.int,
    )
    rs = RuleSet([rule], Parameters([]), fields)

    def engine() -> np.ndarray:
        frame = rs.evaluate(members, AS_OF, events={"sick_leave": leave}).frame
        return np.asarray(frame["days"])

    assert (engine() == numpy_baseline(members, leave)).all()
    t_engine = best(engine, args.repeats)
    t_numpy = best(lambda: numpy_baseline(members, leave), args.repeats)
    print(
        f"{args.members:,} members x {args.events:,} events, event_days this year: "
        f"engine {t_engine:.2f} s, hand-written numpy {t_numpy:.2f} s, "
        f"ratio {t_engine / t_numpy:.2f}"
    )


if __name__ == "__main__":
    main()
