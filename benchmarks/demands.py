"""What the demand store and the year report cost, on SQLite and PostgreSQL.

Run: .venv/bin/python benchmarks/demands.py [--n 100000] [--pg URL] [--transitions 3000]

For each backend it prints, with best-of-N timings:
  - bulk load: a generated year of n demands with full histories (import_demands);
  - transitions per second through the real API (submit_demand / transition, one
    transaction each, version-checked), on a further generated year;
  - the year report (one query + figures), against a baseline measured in the same
    process: a raw COUNT/GROUP BY over the same rows through the bare driver, and
    the store's general bulk read (demand_rows) turned into the same columns.
PostgreSQL runs when --pg or UNIONKIT_TEST_PG_URL is given (a fresh schema, dropped after).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from _timing import best

from unionkit.demands import Workflow
from unionkit.demands.synthetic import generate_year, hospital_members, plan_year, simulate
from unionkit.models.demand import Demand, DemandEvent
from unionkit.reports import DemandFacts, ReportPeriod, compute_demand_figures, demand_figures
from unionkit.reports.queries import read_demand_facts
from unionkit.reports.render import to_markdown
from unionkit.store import Store, open_store

YEAR = 2025
TARGET_S = 1.0


@contextmanager
def sqlite_store() -> Iterator[tuple[Store, Callable[[], object]]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        store = open_store(path)
        raw = sqlite3.connect(path)

        def baseline() -> object:
            return raw.execute(
                "SELECT category, state, count(*) FROM demands WHERE submitted_at >= ? "
                "AND submitted_at < ? GROUP BY category, state",
                (f"{YEAR}-01-01", f"{YEAR + 1}-01-01"),
            ).fetchall()

        try:
            yield store, baseline
        finally:
            raw.close()
            store.close()


@contextmanager
def postgres_store(url: str) -> Iterator[tuple[Store, Callable[[], object]]]:
    import psycopg
    import sqlalchemy as sa

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    store = open_store(url, schema=schema)
    plain = sa.engine.make_url(url).set(drivername="postgresql")
    raw = psycopg.connect(
        plain.render_as_string(hide_password=False), options=f"-c search_path={schema}"
    )

    def baseline() -> object:
        with raw.cursor() as cur:
            cur.execute(
                "SELECT category, state, count(*) FROM demands WHERE submitted_at >= %s "
                "AND submitted_at < %s GROUP BY category, state",
                (date(YEAR, 1, 1), date(YEAR + 1, 1, 1)),
            )
            return cur.fetchall()

    try:
        yield store, baseline
    finally:
        raw.close()
        store.close()
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def general_read(store: Store) -> DemandFacts:
    rows = store.demand_rows(date(YEAR, 1, 1), date(YEAR + 1, 1, 1))
    return DemandFacts.from_columns(
        kind=[r.kind for r in rows],
        state=[r.state for r in rows],
        category=[r.category for r in rows],
        department=[r.department for r in rows],
        submitted=[r.submitted_at for r in rows],
        resolved=[r.resolved_at for r in rows],
        closed=[r.closed_at for r in rows],
        deadline=[r.deadline for r in rows],
        deadline_estimated=[r.deadline_estimated for r in rows],
        key_supervision=[r.key_supervision for r in rows],
        reopened=[r.reopened_count for r in rows],
        satisfaction=[r.satisfaction for r in rows],
    )


def run_backend(
    name: str, opened: Any, items: list[tuple[Demand, list[DemandEvent]]], args: argparse.Namespace
) -> None:
    events = sum(len(e) for _, e in items)
    with opened as (store, baseline):
        store.add_members(hospital_members())
        start = time.perf_counter()
        store.import_demands(items)
        load = time.perf_counter() - start
        print(
            f"[{name}] bulk load: {len(items):,} demands, {events:,} history rows in "
            f"{load:.1f} s ({events / load:,.0f} rows/s)"
        )

        start = time.perf_counter()
        made = generate_year(store, YEAR - 1, seed=1, n_demands=args.transitions)
        api = time.perf_counter() - start
        print(
            f"[{name}] real API: {made.events:,} submits and transitions in {api:.1f} s "
            f"({made.events / api:,.0f} per s, one transaction each)"
        )

        period = ReportPeriod.year(YEAR)
        calendar = store.workflow.calendar
        report = best(lambda: demand_figures(store, period), args.repeats)
        query = best(lambda: read_demand_facts(store, period.start, period.end), args.repeats)
        facts = read_demand_facts(store, period.start, period.end)
        compute = best(
            lambda: compute_demand_figures(facts, period, calendar=calendar), args.repeats
        )
        figures = compute_demand_figures(facts, period, calendar=calendar)
        render = best(lambda: to_markdown(figures, "zh"), args.repeats)
        raw = best(baseline, args.repeats)
        general = best(lambda: general_read(store), max(1, args.repeats // 2))
        verdict = "met" if report < TARGET_S else "NOT met"
        print(
            f"[{name}] year report over {figures.total.received:,} demands: {report:.3f} s "
            f"(query {query:.3f} s + figures {compute:.3f} s); Markdown {render:.3f} s; "
            f"target < {TARGET_S:.0f} s {verdict}"
        )
        print(
            f"[{name}] baseline raw COUNT/GROUP BY: {raw:.3f} s -> report is {report / raw:.1f}x "
            f"the baseline"
        )
        print(
            f"[{name}] general bulk read (demand_rows -> columns): {general:.3f} s -> the "
            f"report's own query is {general / query:.1f}x faster"
        )
        t = figures.total
        print(
            f"[{name}] figures: received {t.received:,}, handled {t.handled:,}, closed "
            f"{t.closed:,}, key-supervised proposals {t.key_supervised_proposals:,}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="demands in the year")
    parser.add_argument(
        "--transitions",
        type=int,
        default=600,
        help="demands put through the real API (about 4.8 actions each)",
    )
    parser.add_argument(
        "--pg",
        default=os.environ.get("UNIONKIT_TEST_PG_URL"),
        help="PostgreSQL URL (default: $UNIONKIT_TEST_PG_URL)",
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()

    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    start = time.perf_counter()
    flow = Workflow()
    items = [simulate(p, flow) for p in plan_year(YEAR, n_demands=args.n)]
    print(
        f"generated {len(items):,} demands through the pure lifecycle in "
        f"{time.perf_counter() - start:.1f} s"
    )
    if not args.no_sqlite:
        run_backend("sqlite", sqlite_store(), items, args)
    if args.pg and args.pg != "unavailable":
        run_backend("postgresql", postgres_store(args.pg), items, args)
    else:
        print("[postgresql] skipped: pass --pg URL or set UNIONKIT_TEST_PG_URL")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
