"""Benchmark of allocation within a budget against a plain numpy evaluate-sort-cumsum baseline.

Run ``.venv/bin/python benchmarks/allocation.py``. It allocates hardship aid (the
standard rules ``hardship_eligible``, ``hardship_score``, ``subsidy_amount``) over the
example roster and over 100,000 synthetic members (the example roster's rows repeated
under new ids and households). The baseline, in the same process, evaluates the same
three rules and then ranks with ``np.lexsort``, ``np.cumsum`` and ``np.searchsorted``
by hand: the ratio is what ranking, caps, statuses and bookkeeping cost on top of the
rules engine. Figures are the best of several runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best

from unionkit.benefits import Programme, allocate
from unionkit.cli.rules import roster_columns
from unionkit.io import read_roster
from unionkit.rules import RuleSet

AS_OF = dt.date(2026, 9, 1)
ROOT = Path(__file__).parents[1]
RULES = ["hardship_eligible", "hardship_score", "subsidy_amount"]


def standard_ruleset() -> RuleSet:
    """The standard rule library (household, benefits, hardship, tiers)."""
    from unionkit.rulefiles import standard_ruleset as build

    return build()


def programme(budget: Decimal) -> Programme:
    """Hardship aid, capped at 2,000 yuan a member."""
    return Programme(
        programme_id="hardship-2026",
        benefit_id="hardship-aid",
        name_zh="困难补助",
        name_en="hardship aid",
        budget=budget,
        eligible="hardship_eligible",
        score="hardship_score",
        amount="subsidy_amount",
        cap_per_member=Decimal(2000),
        period="2026",
    )


def grow(columns: dict[str, Any], n: int) -> dict[str, Any]:
    """*n* members: the roster's rows repeated, each copy with its own ids and households."""
    size = len(columns["member_id"])
    rows = np.arange(n) % size
    copy = np.arange(n) // size
    out: dict[str, Any] = {}
    for name, values in columns.items():
        taken = values[rows]
        if name in ("member_id", "household_id"):
            taken = np.array(
                [
                    None if v is None else f"{v}-{c}"
                    for v, c in zip(taken.tolist(), copy.tolist(), strict=True)
                ],
                dtype=object,
            )
        out[name] = taken
    return out


def baseline(ruleset: RuleSet, columns: dict[str, Any], budget_fen: int) -> int:
    """Evaluate the three rules, then rank and cut by hand with numpy."""
    frame = ruleset.evaluate(columns, as_of=AS_OF, rules=RULES).frame
    eligible = np.ma.getdata(frame["hardship_eligible"]) & ~np.ma.getmaskarray(
        frame["hardship_eligible"]
    )
    due = np.minimum(np.ma.getdata(frame["subsidy_amount"]), 200_000) * eligible
    score = np.ma.getdata(frame["hardship_score"]).astype(np.float64)
    candidates = np.flatnonzero(due > 0)
    order = candidates[
        np.lexsort((columns["member_id"][candidates].astype(str), -score[candidates]))
    ]
    cumulative = np.cumsum(due[order])
    return int(np.searchsorted(cumulative, budget_fen, side="right"))


def main() -> None:
    """Print timings and ratios for the example roster and a synthetic one."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ruleset = standard_ruleset()
    example = roster_columns(read_roster(ROOT / "examples" / "roster.csv"))
    rosters = {"example roster": example, f"{args.size:,} synthetic": grow(example, args.size)}
    print(
        f"{'roster':<20} {'rows':>8} {'members':>8} {'allocate':>10} {'baseline':>10} "
        f"{'ratio':>6} {'what-if x1000':>14}"
    )
    for label, columns in rosters.items():
        members = int(np.count_nonzero(columns["is_member"]))
        budget = Decimal(members * 20)  # about 20 yuan a member: the budget runs out
        result = allocate(ruleset, columns, programme(budget), AS_OF)
        check = baseline(ruleset, columns, int(budget * 100))
        if check != result.funded:
            raise SystemExit(f"{label}: baseline funds {check}, allocate {result.funded}")
        ours = best(
            lambda c=columns, b=budget: allocate(ruleset, c, programme(b), AS_OF), args.repeat
        )
        theirs = best(lambda c=columns, b=budget: baseline(ruleset, c, int(b * 100)), args.repeat)
        budgets = [Decimal(k * 1000) for k in range(1000)]
        what_if = best(lambda r=result, b=budgets: r.what_if(b), args.repeat)
        print(
            f"{label:<20} {len(columns['member_id']):>8,} {members:>8,} {ours:>9.3f}s "
            f"{theirs:>9.3f}s {ours / theirs:>6.2f} {what_if:>13.3f}s"
        )
        print(
            f"  budget {budget:,} yuan: {result.ranked:,} ranked, {result.funded:,} funded, "
            f"{len(result.waitlist()):,} waitlisted"
        )


if __name__ == "__main__":
    main()
