"""Benchmark: evaluating with the missing inputs named (``undetermined=True``) against without.

Run ``flock /tmp/bench.lock .venv/bin/python benchmarks/undetermined.py`` (``--members`` to
change the roster size, ``--missing`` the share of members with a blank income or sick-leave
figure). The rules are the eight standard rules of ``benchmarks/rules.py``, every one
propagating unknowns, over households of about three. It prints, in the same process, the
wall time (best of several runs) and the peak memory allocated (tracemalloc) with and
without reasons, and their ratios: with nothing missing, and with the share asked for.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import attrs
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _timing import best

from rules import AS_OF, RULES, peak_bytes, roster, ruleset
from unionkit.rules import RuleSet


def propagating() -> RuleSet:
    """The benchmark's rules, each one unknown when an input it needs is blank."""
    base = ruleset()
    rules = [attrs.evolve(base.rules[n], missing="propagate") for n in RULES]
    return RuleSet(rules, base.parameters)


def with_blanks(data: dict[str, Any], share: float, seed: int = 11) -> dict[str, Any]:
    """*data* with *share* of the members' income (and as many sick-leave figures) blank."""
    rng = np.random.default_rng(seed)
    n = len(data["annual_income"])
    out = dict(data)
    income = data["annual_income"].copy()
    income[rng.random(n) < share / 2] = np.nan
    out["annual_income"] = income
    out["sick_leave_days"] = np.ma.MaskedArray(
        data["sick_leave_days"], mask=rng.random(n) < share / 2
    )
    return out


def measure(rs: RuleSet, data: dict[str, Any], repeat: int) -> dict[str, float]:
    """Times and peaks with and without reasons over *data*."""

    def plain() -> object:
        return rs.evaluate(data, as_of=AS_OF)

    def named() -> object:
        return rs.evaluate(data, as_of=AS_OF, undetermined=True)

    t0, t1 = best(plain, repeat), best(named, repeat)
    m0, m1 = peak_bytes(plain), peak_bytes(named)
    batch = rs.evaluate(data, as_of=AS_OF, undetermined=True)
    assert batch.reasons is not None
    undetermined = sum(batch.reasons.counts().values())
    return {
        "plain_s": t0,
        "named_s": t1,
        "time_ratio": t1 / t0,
        "plain_peak_mib": m0 / 2**20,
        "named_peak_mib": m1 / 2**20,
        "memory_ratio": m1 / m0,
        "undetermined_answers": undetermined,
        "entries": len(batch.reasons),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--missing", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rs = propagating()
    data = roster(args.members)
    for label, share in (("nothing missing", 0.0), (f"{args.missing:.0%} missing", args.missing)):
        got = measure(rs, with_blanks(data, share), args.repeat)
        print(
            f"{args.members:,} members, {label}: evaluate {got['plain_s'] * 1000:.0f} ms, "
            f"with reasons {got['named_s'] * 1000:.0f} ms (ratio {got['time_ratio']:.2f}); "
            f"peak {got['plain_peak_mib']:.0f} MiB vs {got['named_peak_mib']:.0f} MiB "
            f"(ratio {got['memory_ratio']:.2f}); {got['undetermined_answers']:,} undetermined "
            f"answers, {got['entries']:,} entries"
        )


if __name__ == "__main__":
    main()
