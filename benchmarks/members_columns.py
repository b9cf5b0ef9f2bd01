"""Members to the rules engine's numpy columns (``members_to_columns``), against its former loop.

Run: ``.venv/bin/python benchmarks/members_columns.py [--rows 100000] [--repeats 5]``.
A synthetic roster (deterministic; members with their relatives) is written to a CSV
file in a private temporary folder and read with ``read_roster``, as ``unionkit
allocate`` gets its members. Then, in the same process, best of ``--repeats`` runs:

- ``members_to_columns`` as it is now;
- the former implementation (a Python loop per member per field), kept verbatim in
  ``tests/io/members_columns_reference.py``;
- the baseline: ``numpy.array`` of one already-made Python list of ``--rows`` ints, the
  least any conversion of a column of Python objects to numpy can cost.

Both implementations' columns are checked equal (dtype, values, masks) before timing.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from _timing import best

from unionkit.io import members_to_columns, read_roster
from unionkit.io.synthetic import REFERENCE_DATE, iter_roster, write_rows
from unionkit.models import Member

# The former implementation is kept once, beside the test that compares the two.
sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "io"))
from members_columns_reference import (
    assert_same_columns,
    reference_members_to_columns,
)


def _members(rows: int) -> list[Member]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.csv"
        # Personal data: the file is private to this user from the start.
        path.touch(mode=0o600)
        os.chmod(path, 0o600)
        write_rows(itertools.islice(iter_roster(rows), rows), path)
        result = read_roster(path, today=REFERENCE_DATE)
    return list(result.members)


def main() -> None:
    """Time members_to_columns, the former loop and the baseline; print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="people on the roster")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each; the best counts")
    args = parser.parse_args()

    people = _members(args.rows)
    # Raises AssertionError, naming the column, if the two disagree.
    assert_same_columns(members_to_columns(people), reference_members_to_columns(people))
    numbers = list(range(len(people)))
    base_s = best(lambda: np.array(numbers), args.repeats)
    new_s = best(lambda: members_to_columns(people), args.repeats)
    old_s = best(lambda: reference_members_to_columns(people), max(1, args.repeats // 2))
    print(f"members: {len(people):,} (columns equal to the former implementation's)")
    print(f"baseline, numpy.array of a list of {len(people):,} ints: {base_s * 1000:.2f} ms")
    print(f"members_to_columns: {new_s:.3f} s  ({new_s / base_s:.0f}x baseline)")
    print(f"former implementation: {old_s:.3f} s  ({old_s / base_s:.0f}x baseline)")
    print(f"speed-up: {old_s / new_s:.1f}x")


if __name__ == "__main__":
    main()
