"""Benchmark: a decision table against the nested ``where`` expression it replaces.

Run ``flock /tmp/bench.lock .venv/bin/python benchmarks/rules_tables.py`` (``--size 100000``
for a quick look). Both rule sets compute the same band of sick-leave visit money for every
member, one as a ``first`` table of five rows over two inputs, one as nested ``where``; the
ratio is the table's best wall time over the expression's, measured in the same process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _timing import best

from unionkit.rules import Parameters, Rule, RuleSet, ValueType
from unionkit.rules.parse import parse_expression
from unionkit.rules.tables import decision_table

FIELDS = {
    "member_id": ValueType.text,
    "household_id": ValueType.text,
    "is_member": ValueType.bool,
    "sick_leave_days": ValueType.int,
}
AS_OF = dt.date(2025, 6, 1)

TABLE = decision_table(
    "first",
    ["is_member", "sick_leave_days"],
    [
        ([False, "-"], 0),
        ([True, "< 3"], 0),
        ([True, "[3, 8)"], 300),
        ([True, "[8, 15)"], 500),
        ([True, "[15, 30)"], 800),
    ],
    default=1000,
)
WHERE = parse_expression(
    "where(not is_member, 0, where(sick_leave_days < 3, 0, where(sick_leave_days < 8, 300,"
    " where(sick_leave_days < 15, 500, where(sick_leave_days < 30, 800, 1000)))))"
)


def main() -> None:
    """Time both rule sets on one roster and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    n = args.size
    rng = np.random.default_rng(7)
    days = rng.integers(0, 60, n)
    data = {
        "member_id": np.arange(n).astype(str).astype(object),
        "household_id": np.arange(n).astype(str).astype(object),
        "is_member": rng.random(n) < 0.9,
        "sick_leave_days": np.ma.MaskedArray(days, mask=rng.random(n) < 0.02),
    }
    table = RuleSet(
        [Rule("money", TABLE, "钱", "money", "int", missing="propagate")], Parameters(), FIELDS
    )
    where = RuleSet(
        [Rule("money", WHERE, "钱", "money", "int", missing="propagate")], Parameters(), FIELDS
    )
    a = table.evaluate(data, as_of=AS_OF).frame["money"]
    b = where.evaluate(data, as_of=AS_OF).frame["money"]
    same = np.array_equal(np.ma.getmaskarray(a), np.ma.getmaskarray(b)) and np.array_equal(
        np.ma.filled(a, -1), np.ma.filled(b, -1)
    )
    t_table = best(lambda: table.evaluate(data, as_of=AS_OF), args.repeats)
    t_where = best(lambda: where.evaluate(data, as_of=AS_OF), args.repeats)
    print(f"members: {n:,}; same results: {same}")
    print(f"decision table (5 rows, first): {t_table * 1000:8.1f} ms")
    print(f"nested where:                   {t_where * 1000:8.1f} ms")
    print(f"table / where: {t_table / t_where:.2f}")


if __name__ == "__main__":
    main()
