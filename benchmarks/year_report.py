"""What the year report's figures cost over a large year, on SQLite, against raw SQL.

Run: .venv/bin/python benchmarks/year_report.py [--demands 100000] [--grants 200000]
     [--registrations 50000] [--responses 20000] [--repeats 5]

It loads one year into a new SQLite file (demands through the pure lifecycle and
``import_demands``; grants with ``add_grants``; activities and registrations with
``ActivityBook.register_many``; two surveys' responses with ``SurveyBook.add_responses``),
then times, best of N, in this process:
  - ``year_figures(store, year)``: every figure of the report (demands, activities,
    contests, money, surveys), without drawing charts or writing files;
  - a raw SQL baseline through the bare sqlite3 driver: one GROUP BY per area over the
    same rows (demands by category and state, grants by benefit, registrations by
    activity and status, survey answers by question and value);
and prints both, their ratio, and whether the report stays under the 1 s target.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from _timing import best

from unionkit.activities import OrganiserKind
from unionkit.demands import Workflow
from unionkit.demands.synthetic import hospital_members, plan_year, simulate
from unionkit.models.activity import Activity, ActivityKind
from unionkit.models.benefit import Grant
from unionkit.reports import ReportPeriod, demand_figures
from unionkit.reports.money_section import LedgerMoney, money_figures
from unionkit.reports.year import year_figures
from unionkit.store import open_store
from unionkit.store.activities import ActivityBook
from unionkit.store.budgets import set_budget
from unionkit.store.surveys import SurveyBook
from unionkit.surveys import ParsedResponse, Question, QuestionKind, Questionnaire

YEAR = 2025
TARGET_S = 1.0

BASELINE = (
    "SELECT category, state, count(*) FROM demands WHERE submitted_at >= :a AND "
    "submitted_at < :b GROUP BY category, state",
    "SELECT benefit_id, count(*), count(DISTINCT member_id), sum(amount_fen) FROM grants "
    "WHERE granted_on >= :a AND granted_on < :b GROUP BY benefit_id",
    "SELECT r.activity_id, r.status, sum(r.attended) FROM activity_registrations r JOIN "
    "activities a ON a.activity_id = r.activity_id WHERE a.starts_on >= :a AND "
    "a.starts_on < :b GROUP BY r.activity_id, r.status",
    "SELECT s.survey_id, v.question_id, v.value_centi, count(*) FROM survey_answers v JOIN "
    "survey_responses s ON s.response_id = v.response_id GROUP BY s.survey_id, "
    "v.question_id, v.value_centi",
)


def load(path: Path, args: argparse.Namespace) -> None:
    rng = random.Random(1)
    store = open_store(path)
    people = hospital_members(5400)
    store.add_members(people)
    ids = [p.member_id for p in people]
    start = time.perf_counter()
    flow = Workflow()
    store.import_demands(
        simulate(p, flow) for p in plan_year(YEAR, n_demands=args.demands, members=ids)
    )
    print(f"  {args.demands:,} demands in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    store.add_grants(
        Grant(
            grant_id=f"G{i}",
            benefit_id=rng.choice(("festival", "birthday", "hospital")),
            member_id=rng.choice(ids),
            amount=Decimal(rng.choice((200, 500, 1000))),
            granted_on=date(YEAR, 1, 1) + timedelta(days=rng.randrange(365)),
            reason="bench",
        )
        for i in range(args.grants)
    )
    print(f"  {args.grants:,} grants in {time.perf_counter() - start:.1f} s")
    for category, amount in (("festival", "5600000"), ("birthday", "1100000")):
        set_budget(store, YEAR, "other", amount, source="bench", set_by="bench", programme=category)
    start = time.perf_counter()
    book = ActivityBook(store)
    per = 250
    n_activities = max(1, args.registrations // per)
    book.add_activities(
        (
            Activity(
                activity_id=f"A{i:04d}",
                kind=ActivityKind.SPORTS,
                title=f"活动{i}",
                starts_on=date(YEAR, 1, 1) + timedelta(days=i % 360),
                ends_on=date(YEAR, 1, 1) + timedelta(days=i % 360),
                capacity=200,
            ),
            OrganiserKind.BRANCH,
            None,
        )
        for i in range(n_activities)
    )
    for i in range(n_activities):
        chosen = rng.sample(ids, per)
        book.register_many(f"A{i:04d}", chosen, datetime(YEAR, 1, 1, 9), check_eligibility=False)
        book.record_attendance(f"A{i:04d}", {m: rng.random() < 0.9 for m in chosen[:200]})
    print(f"  {n_activities * per:,} registrations in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    surveys = SurveyBook(store)
    questions = (
        Question("overall", "总体满意度", "overall"),
        Question("canteen", "食堂满意度", "canteen"),
        Question("mood", "心理自评", "mood", QuestionKind.NUMERIC, 0, 100),
    )
    depts = ("clinical", "nursing", "logistics", "administration")
    for k, closes in enumerate((date(YEAR, 3, 31), date(YEAR, 12, 15))):
        sid = f"S{k}"
        surveys.add_survey(
            Questionnaire(sid, f"调查{k}", closes - timedelta(days=20), closes, questions)
        )
        surveys.add_responses(
            sid,
            [
                ParsedResponse(
                    n,
                    None,
                    rng.choice(depts),
                    None,
                    {
                        "overall": rng.choice((1, 2, 3, 4, 4, 4)) * 100,
                        "canteen": rng.choice((1, 2, 3, 4)) * 100,
                        "mood": rng.randrange(50, 100) * 100,
                    },
                )
                for n in range(args.responses // 2)
            ],
        )
    print(f"  {args.responses:,} survey responses in {time.perf_counter() - start:.1f} s")
    store.close()


def _query(raw: sqlite3.Connection, sql: str, bounds: dict[str, str]) -> Callable[[], object]:
    return lambda: raw.execute(sql, bounds).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demands", type=int, default=100_000)
    parser.add_argument("--grants", type=int, default=200_000)
    parser.add_argument("--registrations", type=int, default=50_000)
    parser.add_argument("--responses", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "year.sqlite3"
        print("[sqlite] loading")
        load(path, args)
        store = open_store(path)
        raw = sqlite3.connect(path)
        bounds = {"a": f"{YEAR}-01-01", "b": f"{YEAR + 1}-01-01"}
        try:
            figures = year_figures(store, YEAR)
            report = best(lambda: year_figures(store, YEAR), args.repeats)
            period = ReportPeriod.year(YEAR)
            demands = best(lambda: demand_figures(store, period), args.repeats)
            money = LedgerMoney(store)
            cash = best(lambda: money_figures(money, period.start, period.end), args.repeats)
            one_query = [best(_query(raw, q, bounds), args.repeats) for q in BASELINE]
            baseline = best(
                lambda: [raw.execute(q, bounds).fetchall() for q in BASELINE], args.repeats
            )
        finally:
            raw.close()
            store.close()
    a = figures.activities
    print(
        f"[sqlite] figures: {figures.demands.total.received:,} demands, "
        f"{figures.money.grants:,} grants, {sum(r.registered + r.waitlisted for r in a.rows):,}"
        f" registrations, {sum(s.responses for s in figures.surveys.surveys):,} responses"
    )
    print(
        f"[sqlite] year report figures: {report * 1000:.0f} ms (best of {args.repeats}); "
        f"raw SQL baseline (4 GROUP BYs): {baseline * 1000:.0f} ms; "
        f"ratio {report / baseline:.1f}x; target < {TARGET_S:.0f} s: "
        f"{'met' if report < TARGET_S else 'NOT met'}"
    )
    print(
        f"[sqlite] of which the demand figures: {demands * 1000:.0f} ms, ratio "
        f"{demands / one_query[0]:.1f}x its baseline GROUP BY ({one_query[0] * 1000:.0f} ms); "
        f"money: {cash * 1000:.0f} ms, ratio {cash / one_query[1]:.1f}x its baseline GROUP BY "
        f"({one_query[1] * 1000:.0f} ms); activities, contests and surveys: "
        f"{(report - demands - cash) * 1000:.0f} ms"
    )
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
