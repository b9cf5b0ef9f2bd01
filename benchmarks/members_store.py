"""Importing a roster into the store and reading it back, against raw sqlite3.

Run: ``.venv/bin/python benchmarks/members_store.py [--rows 100000] [--no-one-by-one]``.
A synthetic roster is generated (deterministic), written to CSV and read once with
``read_roster`` (timed on its own: that is the roster helper's benchmark). Then
``import_members`` stores it in a new SQLite file (members, digests, branches, union
groups, households and memberships) and imports it again unchanged. The baseline is a
raw ``sqlite3`` ``executemany`` of the same member rows into a table of the same shape
in the same process: the least any import can cost.

Then the stored members are read back: ``list_members`` (one query, fetched and
validated a few thousand at a time), ``get_members`` for every id (``IN`` lists), and
the way ``list_members`` read them before, one ``get_member`` call per member. The
baseline is a raw ``sqlite3`` ``SELECT`` of the same columns of the same file: the least
any read can cost. The peak memory of ``list_members`` (tracemalloc) is printed beside
the size of the members it returns.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sqlite3
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, cast

from sqlalchemy import select

import unionkit.store
import unionkit.store._members
from unionkit.io import read_roster
from unionkit.io.synthetic import REFERENCE_DATE, iter_roster, write_rows
from unionkit.models import Member
from unionkit.store import (
    MemberImport,
    Store,
    get_members,
    import_members,
    list_members,
    open_store,
)
from unionkit.store._crypto import new_key_text
from unionkit.store._schema import members

# ID and phone numbers are stored encrypted: the timings include the encryption.
KEY = new_key_text()
PROGRAMME = Path(__file__).parents[1] / "examples" / "hardship-aid-2026.programme.yaml"


def _baseline(path: Path, rows: list[tuple[str | None, ...]]) -> float:
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


def _read_baseline(path: Path) -> float:
    start = time.perf_counter()
    db = sqlite3.connect(path)
    rows = db.execute(
        "SELECT member_id, name, record, national_id_enc, phone_enc FROM members"
        " WHERE NOT deleted ORDER BY member_id"
    ).fetchall()
    db.close()
    assert rows
    return time.perf_counter() - start


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _one_by_one(store: Store, ids: Iterable[str]) -> dict[str, Member]:
    """How members were read before get_members: one get_member call each."""
    return {mid: store.get_member(mid) for mid in ids}


def _list_one_by_one(store: Store) -> list[Member]:
    """How list_members read them before: the ids, then one get_member call each."""
    with store.engine.connect() as conn:
        ids = conn.execute(
            select(members.c.member_id).where(~members.c.deleted).order_by(members.c.member_id)
        ).scalars()
        return list(_one_by_one(store, list(ids)).values())


def _reads(store: Store, path: Path, one_by_one: bool) -> None:
    """Time reading every stored member back, in bulk and one by one."""
    base_s = _read_baseline(path)
    list_s, listed = _timed(lambda: list_members(store))
    people = cast(list[Member], listed)
    ids = [m.member_id for m in people]
    bulk_s, found = _timed(lambda: get_members(store, ids))
    assert list(cast(dict[str, Member], found).values()) == people
    print(f"members stored: {len(people):,}")
    print(f"raw sqlite3 SELECT of the member columns (baseline): {base_s:.3f} s")
    print(f"list_members: {list_s:.2f} s  ({list_s / base_s:.0f}x baseline)")
    print(f"get_members (every id): {bulk_s:.2f} s  ({bulk_s / base_s:.0f}x baseline)")
    if one_by_one:
        single_s, singles = _timed(lambda: _list_one_by_one(store))
        assert singles == people
        print(
            f"before, get_member one by one: {single_s:.2f} s  ({single_s / base_s:.0f}x "
            f"baseline; list_members is {single_s / list_s:.1f}x faster)"
        )
    del people, listed, found
    tracemalloc.start()
    again = list_members(store)
    size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"list_members memory: {peak / 2**20:.0f} MiB at the peak, {size / 2**20:.0f} MiB "
        f"held by the {len(again):,} members returned"
    )


def _allocate(path: Path) -> float:
    """Time ``unionkit allocate --programme ... --db`` in this process (members from the store)."""
    from typer.testing import CliRunner

    from unionkit.cli.app import app

    start = time.perf_counter()
    done = CliRunner().invoke(
        app, ["allocate", "--programme", str(PROGRAMME), "--db", str(path), "--json"]
    )
    elapsed = time.perf_counter() - start
    assert done.exit_code == 0, done.output[-2000:]
    return elapsed


def _allocations(path: Path, one_by_one: bool) -> None:
    """The allocation command from the store, with bulk reads and (patched) one by one."""
    _allocate(path)  # the rule set and the command's imports, loaded once
    after = min(_allocate(path) for _ in range(2))
    print(f"unionkit allocate --programme {PROGRAMME.name} --db: {after:.2f} s")
    if one_by_one:
        with _patched(unionkit.store, "list_members", lambda store, **_: _list_one_by_one(store)):
            before = _allocate(path)
        print(f"  before (members read one by one): {before:.2f} s ({before / after:.1f}x)")


def _changed_import(store: Store, people: list[Member], one_by_one: bool) -> None:
    """Re-import a roster in which every member changed (the dues month): each is read first."""
    for month, patched in ((12, False), (11, True)) if one_by_one else ((12, False),):
        dues = date(2026, month, {11: 30, 12: 31}[month])
        changed = [m.model_copy(update={"dues_paid_through": dues}) for m in people]
        reader = _one_by_one if patched else get_members
        with _patched(unionkit.store._members, "get_members", reader):
            took, result = _timed(partial(import_members, store, changed, on=date(2026, 12, 1)))
        assert len(cast(MemberImport, result).updated) == len(people)
        what = "before (stored members read one by one)" if patched else "every member changed"
        print(f"re-import, {what}: {took:.2f} s")


@contextmanager
def _patched(module: Any, name: str, value: object) -> Iterator[None]:
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, old)


def main() -> None:
    """Generate, read, import twice, read back; print the times and the ratios to baselines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="roster rows (about)")
    parser.add_argument(
        "--roster", type=Path, help="import this roster file instead (e.g. examples/roster.csv)"
    )
    parser.add_argument(
        "--no-one-by-one",
        dest="one_by_one",
        action="store_false",
        help="skip the old way of reading members (one get_member call each: slow)",
    )
    args = parser.parse_args()
    os.environ["UNIONKIT_KEY"] = KEY  # for the allocate command
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = args.roster
        if csv_path is None:
            # About 1.6 rows per member with relatives: ask for enough members to reach --rows.
            raw = list(itertools.islice(iter_roster(args.rows, seed=7), args.rows))
            csv_path = folder / "roster.csv"
            write_rows(raw, csv_path)
        start = time.perf_counter()
        people = read_roster(csv_path, today=REFERENCE_DATE).members
        read_s = time.perf_counter() - start
        rows: list[tuple[str | None, ...]] = [
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
            print(
                f"rows read: {len(people):,} ({read_s:.2f} s with read_roster, not counted below)"
            )
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
            _reads(store, folder / "store.db", args.one_by_one)
            _allocations(folder / "store.db", args.one_by_one)
            _changed_import(store, people, args.one_by_one)


if __name__ == "__main__":
    main()
