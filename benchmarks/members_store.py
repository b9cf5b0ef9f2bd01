"""Importing a roster into the store: first import, unchanged re-import, against raw sqlite3.

Run: ``.venv/bin/python benchmarks/members_store.py [--rows 100000]``.
A synthetic roster is generated (deterministic), written to CSV and read once with
``read_roster`` (timed on its own: that is the roster helper's benchmark). Then
``import_members`` stores it in a new SQLite file (members, digests, branches, union
groups, households and memberships) and imports it again unchanged. The baseline is a
raw ``sqlite3`` ``executemany`` of the same member rows into a table of the same shape
in the same process: the least any import can cost.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sqlite3
import tempfile
import time
from datetime import date
from pathlib import Path

from unionkit.io import read_roster
from unionkit.io.synthetic import REFERENCE_DATE, iter_roster, write_rows
from unionkit.store import import_members, open_store
from unionkit.store._crypto import new_key_text

# ID and phone numbers are stored encrypted: the timings include the encryption.
KEY = new_key_text()


def _baseline(path: Path, rows: list[tuple[str, ...]]) -> float:
    start = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(
        "CREATE TABLE members (member_id TEXT PRIMARY KEY, name TEXT, national_id TEXT,"
        " phone TEXT, department TEXT, status TEXT, record TEXT)"
    )
    with db:
        db.executemany("INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    db.close()
    return time.perf_counter() - start


def main() -> None:
    """Generate, read, import twice; print the times and the ratios to the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="roster rows (about)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # About 1.6 rows per member with relatives: ask for enough members to reach --rows.
        raw = list(itertools.islice(iter_roster(args.rows, seed=7), args.rows))
        csv_path = folder / "roster.csv"
        write_rows(raw, csv_path)
        start = time.perf_counter()
        people = read_roster(csv_path, today=REFERENCE_DATE).members
        read_s = time.perf_counter() - start
        rows = [
            (
                m.member_id,
                m.name,
                m.national_id.reveal() if m.national_id else None,
                m.phone.reveal() if m.phone else None,
                m.department,
                m.status.value,
                json.dumps(m.model_dump(mode="json"), ensure_ascii=False),
            )
            for m in people
        ]
        base_s = _baseline(folder / "baseline.db", rows)
        with open_store(folder / "store.db", key=KEY) as store:
            start = time.perf_counter()
            first = import_members(store, people, on=date(2026, 11, 24), source="bench")
            first_s = time.perf_counter() - start
            start = time.perf_counter()
            again = import_members(store, people, on=date(2026, 11, 25), source="bench")
            again_s = time.perf_counter() - start
        assert not again.changed_anything and len(first.added) == len(people)
        print(f"rows read: {len(people):,} ({read_s:.2f} s with read_roster, not counted below)")
        print(f"raw sqlite3 executemany (baseline): {base_s:.2f} s")
        print(
            f"first import:  {first_s:.2f} s  ({first_s / base_s:.1f}x baseline; "
            f"{first.groups_added:,} groups, {first.memberships_added:,} memberships)"
        )
        print(f"re-import unchanged: {again_s:.2f} s  ({again_s / base_s:.1f}x baseline)")
        print(
            f"read + first import: {read_s + first_s:.2f} s; read + re-import: "
            f"{read_s + again_s:.2f} s"
        )


if __name__ == "__main__":
    main()
