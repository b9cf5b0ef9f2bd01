"""Members to the rules engine's numpy columns (``members_to_columns``), against its former loop.

Run: ``.venv/bin/python benchmarks/members_columns.py [--rows 100000] [--repeats 5]``.
A synthetic roster (deterministic; members with their relatives) is written to a CSV
file in a private temporary folder and read with ``read_roster``, as ``unionkit
allocate`` gets its members. Then, in the same process, best of ``--repeats`` runs:

- ``members_to_columns`` as it is now;
- the former implementation (a Python loop per member per field), copied below verbatim;
- the baseline: ``numpy.array`` of one already-made Python list of ``--rows`` ints, the
  least any conversion of a column of Python objects to numpy can cost.

Both implementations' columns are checked equal (dtype, values, masks) before timing.
"""

from __future__ import annotations

import argparse
import itertools
import os
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from _timing import best

from unionkit.io import MONEY_FIELDS, members_to_columns, read_roster
from unionkit.io.synthetic import REFERENCE_DATE, iter_roster, write_rows
from unionkit.models import Member
from unionkit.models.base import LabelledEnum
from unionkit.money import yuan_to_fen

_TEXT = (
    "member_id",
    "sex",
    "department",
    "union_group_id",
    "household_id",
    "household_role",
    "employment_type",
    "position",
    "status",
)
_BOOL = ("is_member", "frontline", "serious_illness")
_DATE = ("birth_date", "hire_date", "joined_on", "dues_paid_through")
_INT = ("sick_leave_days",)


def former_members_to_columns(members: Sequence[Member]) -> dict[str, np.ndarray[Any, Any]]:
    """``members_to_columns`` before it was made faster, unchanged."""
    n = len(members)
    out: dict[str, np.ndarray[Any, Any]] = {}
    for field in _TEXT:
        values: list[object] = []
        for m in members:
            v = m.derived_sex if field == "sex" else getattr(m, field)
            values.append(v.value if isinstance(v, LabelledEnum) else v)
        arr = np.empty(n, dtype=object)
        arr[:] = values
        out[field] = arr
    for field in _BOOL:
        out[field] = np.fromiter((getattr(m, field) for m in members), dtype=bool, count=n)
    for field in _DATE:
        days: list[date | None] = (
            [m.derived_birth_date for m in members]
            if field == "birth_date"
            else [getattr(m, field) for m in members]
        )
        out[field] = np.array(
            [d if d is not None else np.datetime64("NaT") for d in days], dtype="datetime64[D]"
        ).reshape(n)
    for field in (*MONEY_FIELDS, *_INT):
        raw = [getattr(m, field) for m in members]
        missing = np.fromiter((v is None for v in raw), dtype=bool, count=n)
        numbers = (
            (yuan_to_fen(v) if v is not None else 0 for v in raw)
            if field in MONEY_FIELDS
            else (v if v is not None else 0 for v in raw)
        )
        data = np.fromiter(numbers, dtype=np.int64, count=n)
        out[field] = np.ma.MaskedArray(data, mask=missing)
    return out


def _same(got: dict[str, Any], want: dict[str, Any]) -> bool:
    if list(got) != list(want):
        return False
    for field, expected in want.items():
        actual = got[field]
        if type(actual) is not type(expected) or actual.dtype != expected.dtype:
            return False
        if isinstance(expected, np.ma.MaskedArray):
            if np.ma.getmaskarray(actual).tolist() != np.ma.getmaskarray(expected).tolist():
                return False
            if actual.data.tolist() != expected.data.tolist():
                return False
        elif actual.tolist() != expected.tolist():
            return False
    return True


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
    if not _same(members_to_columns(people), former_members_to_columns(people)):
        raise SystemExit("members_to_columns and the former implementation disagree")
    numbers = list(range(len(people)))
    base_s = best(lambda: np.array(numbers), args.repeats)
    new_s = best(lambda: members_to_columns(people), args.repeats)
    old_s = best(lambda: former_members_to_columns(people), max(1, args.repeats // 2))
    print(f"members: {len(people):,} (columns equal to the former implementation's)")
    print(f"baseline, numpy.array of a list of {len(people):,} ints: {base_s * 1000:.2f} ms")
    print(f"members_to_columns: {new_s:.3f} s  ({new_s / base_s:.0f}x baseline)")
    print(f"former implementation: {old_s:.3f} s  ({old_s / base_s:.0f}x baseline)")
    print(f"speed-up: {old_s / new_s:.1f}x")


if __name__ == "__main__":
    main()
