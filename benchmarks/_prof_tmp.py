"""Checking proposed grants against a year's ledger on SQLite, against a raw sqlite3 read.

Run: ``.venv/bin/python benchmarks/grants_check.py [--ledger 200000] [--proposals 10000]``.
A store gets 20,000 members, four benefits and a year of ledger entries (inserted
directly, not timed). Then ``propose_grants`` checks and stores a batch of proposals in
one transaction (standing, forms, relations, every cap and frequency, decision records),
timed as a check only (``dry_run``, best of 3) and once checking and storing;
and the baseline is a raw ``sqlite3`` fetch of the same year's ledger rows in the same
process: the least any check that reads the ledger can cost.

``--living-aid``: the members live two to a household, half hold a hardship file, a
quarter of the ledger is living aid, and every proposal is living aid: the household
cap's path (households from the memberships, the household's files, the ledger of
every member of the household).
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _timing import best

from unionkit.models import Benefit, BenefitKind, GrantForm, Member, Period
from unionkit.models.benefit import Festival
from unionkit.store import GrantRequest, define_benefits, import_members, open_store
from unionkit.store import propose_grants as propose
from unionkit.store._members import _bulk_insert
from unionkit.store._money_schema import hardship_files
from unionkit.store._schema import grants

BENEFITS = [
    Benefit(
        benefit_id="spring",
        kind=BenefitKind.FESTIVAL_GOODS,
        name_zh="春节",
        name_en="s",
        festival=Festival.SPRING,
    ),
    Benefit(
        benefit_id="autumn",
        kind=BenefitKind.FESTIVAL_GOODS,
        name_zh="中秋",
        name_en="a",
        festival=Festival.MID_AUTUMN,
    ),
    Benefit(
        benefit_id="birthday",
        kind=BenefitKind.BIRTHDAY,
        name_zh="生日",
        name_en="b",
        form=GrantForm.CAKE_VOUCHER,
    ),
    Benefit(
        benefit_id="hospital",
        kind=BenefitKind.HOSPITAL_VISIT,
        name_zh="住院",
        name_en="h",
        form=GrantForm.CASH,
        cap_period=Period.PER_EVENT,
    ),
    Benefit(
        benefit_id="living",
        kind=BenefitKind.LIVING_AID,
        name_zh="生活救助",
        name_en="l",
        form=GrantForm.CASH,
    ),
]


def main() -> None:
    """Build the ledger, time the check of a batch, print the ratio to the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", type=int, default=200_000)
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--living-aid", action="store_true")
    args = parser.parse_args()
    living = bool(args.living_aid)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.db"
        store = open_store(path)
        people = [
            Member(
                member_id=f"M{i:06d}",
                name="张三",
                dues_paid_through="2026-12",
                household_id=f"H{i // 2:06d}" if living else None,
            )
            for i in range(args.members)
        ]
        import_members(store, people, on=date(2026, 1, 1))
        define_benefits(store, BENEFITS)
        if living:
            files = [
                {
                    "file_id": f"F{i:06d}",
                    "member_id": f"M{i:06d}",
                    "tier": "deep",
                    "entered_on": date(2025, 6, 1),
                    "evidence": "bench",
                    "state": "open",
                    "verified_on": date(2025, 6, 1),
                    "notice_from": None,
                    "notice_until": None,
                    "left_on": None,
                    "follow_up_until": None,
                    "version": 1,
                }
                for i in range(0, args.members, 2)
            ]
            with store._write() as conn:
                _bulk_insert(conn, hardship_files, files)
        start_day = date(2026, 1, 1)
        rows = []
        for i in range(args.ledger):
            key = f"seed|{i}"
            rows.append(
                {
                    "grant_id": "S" + hashlib.sha256(key.encode()).hexdigest()[:20],
                    "benefit_id": (
                        "living"
                        if living and i % 4 == 0
                        else ("spring", "birthday", "hospital")[i % 3]
                    ),
                    "member_id": f"M{i % args.members:06d}",
                    "amount_fen": 100 + i % 50,
                    "granted_on": start_day + timedelta(days=i % 300),
                    "form": "goods",
                    "reason": "seed",
                    "rule_version": None,
                    "entry_kind": "grant",
                    "reverses": None,
                    "idempotency_key": key,
                    "event_key": f"ill-{i}" if i % 3 == 2 else None,
                    "relation": "self",
                    "status": "approved",
                    "proposer": "seed",
                    "approvals_needed": 0,
                    "decision": None,
                }
            )
        with store._write() as conn:
            _bulk_insert(conn, grants, rows)
        batch = [
            GrantRequest(
                member_id=f"M{i % args.members:06d}",
                benefit_id="living" if living else ("autumn", "birthday", "hospital")[i % 3],
                amount="8000.00" if living else ("300.00", "100.00", "800.00")[i % 3],
                on=date(2026, 11, 1),
                reason="bench",
                event_key=f"new-{i}" if i % 3 == 2 and not living else None,
            )
            for i in range(args.proposals)
        ]
        import cProfile, pstats; propose(store, batch, proposer="clerk", dry_run=True); pr = cProfile.Profile(); pr.enable(); propose(store, batch, proposer="clerk", dry_run=True); pr.disable(); pstats.Stats(pr).sort_stats("cumulative").print_stats(45); pstats.Stats(pr).sort_stats("tottime").print_stats(30); return
        begin = time.perf_counter()
        outcomes = propose(store, batch, proposer="clerk")
        store_s = time.perf_counter() - begin
        store.close()

        def fetch() -> list[object]:
            db = sqlite3.connect(path)
            rows = db.execute(
                "SELECT member_id, benefit_id, amount_fen, granted_on, "
                "entry_kind, event_key FROM grants WHERE granted_on >= "
                "'2026-01-01' AND granted_on <= '2026-12-31'"
            ).fetchall()
            db.close()
            return rows

        base_s = best(fetch, 3)
        fetched = fetch()
        refused = sum(o.refused for o in outcomes)
        print(
            f"ledger rows: {len(fetched):,}; proposals: {len(batch):,} "
            f"({refused:,} refused, {len(batch) - refused:,} stored)"
        )
        print(f"raw sqlite3 fetch of the year's ledger (baseline, best of 3): {base_s:.2f} s")
        print(
            f"check only (propose_grants dry_run, best of 3): {check_s:.2f} s "
            f"({check_s / base_s:.1f}x baseline)"
        )
        print(
            f"check and store (propose_grants, once): {store_s:.2f} s "
            f"({store_s / base_s:.1f}x baseline)"
        )


if __name__ == "__main__":
    main()
