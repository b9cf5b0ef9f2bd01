"""A deterministic, made-up year of a 5,400-member hospital union across every area."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from attrs import frozen

from unionkit.activities import SUMMER_CHILDCARE, Eligibility, OrganiserKind
from unionkit.demands.synthetic import HOSPITAL_MEMBERS, generate_year, hospital_members
from unionkit.models.activity import Activity, ActivityKind
from unionkit.models.benefit import Benefit, BenefitKind, Festival, GrantForm
from unionkit.models.demand import Satisfaction
from unionkit.models.group import Group, GroupKind, Membership, SmallHomeRating
from unionkit.models.member import Member
from unionkit.store._hardship import (
    HardshipTier,
    confirm_leaving,
    enter_file,
    start_leaving,
)
from unionkit.store._ledger import (
    GrantOutcome,
    GrantRequest,
    approve_grant,
    define_benefits,
    propose_grants,
)
from unionkit.store._store import Store
from unionkit.store._visits import complete_visit, plan_birthdays
from unionkit.store.activities import ActivityBook
from unionkit.store.surveys import SurveyBook
from unionkit.surveys import GRADE_SCORES, ParsedResponse, Question, QuestionKind, Questionnaire

__all__ = ["BENEFIT_LABELS", "DEPARTMENT_LABELS", "SampleYear", "generate_sample_year"]

DEPARTMENT_LABELS: dict[str, tuple[str, str]] = {
    "clinical": ("临床科室", "clinical departments"),
    "nursing": ("护理", "nursing"),
    "medical_technology": ("医技科室", "medical technology"),
    "administration": ("行政职能", "administration"),
    "logistics": ("后勤保障处", "logistics"),
}
"""Display names of the generated members' departments."""

BENEFIT_LABELS: dict[str, tuple[str, str]] = {
    "festival-goods": ("节日慰问品", "festival goods"),
    "birthday": ("生日蛋糕券", "birthday cake vouchers"),
    "hospitalisation": ("住院慰问", "hospitalisation visits"),
    "contest-award": ("技能竞赛奖励", "skills contest awards"),
}
"""Display names of the generated grants' benefits."""

_ASSOCIATIONS = (
    "羽毛球协会",
    "乒乓球协会",
    "篮球协会",
    "足球协会",
    "健步走协会",
    "瑜伽协会",
    "摄影协会",
    "书画协会",
    "合唱团",
    "舞蹈协会",
    "读书会",
)
_ASSOCIATION_SIZES = (96, 88, 70, 52, 110, 64, 58, 41, 55, 47, 46)  # 727, as the seed
_KINDS = (  # kind, how many, title stem, capacity
    (ActivityKind.SPORTS, 12, "职工{}比赛", None),
    (ActivityKind.CULTURE, 10, "文化活动：{}", None),
    (ActivityKind.LECTURE, 9, "健康讲座：{}", 300),
    (ActivityKind.VOLUNTEER, 5, "志愿服务：{}", 120),
    (ActivityKind.RECUPERATION, 4, "职工疗休养（第{}批）", 80),
)
_TOPICS = (
    "羽毛球",
    "乒乓球",
    "篮球",
    "健步走",
    "龙舟",
    "拔河",
    "合唱",
    "摄影",
    "书画",
    "读书",
    "颈椎保健",
    "心理减压",
    "膳食营养",
    "义诊",
    "社区服务",
    "春季",
    "秋季",
    "冬季",
)
_CONTEST_EVENTS = (
    "静脉输液",
    "心肺复苏",
    "无菌技术",
    "病历书写",
    "院感防控",
    "急救转运",
    "护理评估",
    "医患沟通",
    "检验操作",
    "影像阅片",
)
_PROPOSER = "union-office"
_APPROVER = "union-chair"
_SURVEY_QUESTIONS = (
    Question("overall", "您对工会工作的总体满意度", "overall satisfaction with the union"),
    Question("canteen", "您对职工食堂的满意度", "satisfaction with the staff canteen"),
    Question(
        "mood",
        "心理健康自评分（0-100）",
        "psychological well-being (0-100)",
        QuestionKind.NUMERIC,
        0,
        100,
    ),
)


@frozen
class SampleYear:
    """
    What :func:`generate_sample_year` wrote.

    .. versionadded:: 0.1.0
    """

    year: int
    members: int
    demands: int
    activities: int
    registrations: int
    contest_entrants: int
    awards: int
    grants: int
    survey_responses: int
    visits_done: int = 0
    hardship_files: int = 0
    budgets: int = 0


def _grades(rng: random.Random, n: int, unsatisfied_share: float) -> list[int]:
    out = []
    for _ in range(n):
        if rng.random() < unsatisfied_share:
            out.append(GRADE_SCORES[Satisfaction.UNSATISFIED])
        else:
            out.append(rng.choices([4, 3, 2], weights=[55, 32, 13])[0])
    return out


def generate_sample_year(
    store: Store,
    year: int = 2025,
    *,
    seed: int = 0,
    members: int = HOSPITAL_MEMBERS,
    demands: int = 287,
    progress: Callable[[str], None] | None = None,
) -> SampleYear:
    """
    Write a made-up year of a hospital union into an empty store, the same for the same seed.

    Members with their children (for summer childcare), branches, 11 associations with
    727 members and 23 model small homes; demands through the real lifecycle; 42
    activities with registrations, waitlists and attendance (about 91 % of members
    take part); a skills contest of 10 events and 260 entrants whose top 20 get an
    allowance; festival, birthday and hospitalisation grants through the grants ledger;
    birthday visits (some made) and hardship files (two leaving); and a spring and a
    winter satisfaction survey (about 93 % then 98 % satisfied).

    Args:
        store: An open, empty store.
        year: The year.
        seed: The random seed.
        members: How many members (default 5,400).
        demands: How many demands (default 287, as the seed hospital reported).
        progress: Told the name of each step as it starts.

    Returns:
        What was written.

    Raises:
        InvalidMemberData: The store already holds the generated members.

    .. versionadded:: 0.1.0
    """
    say = progress or (lambda _step: None)
    rng = random.Random(f"unionkit-sample-year-{year}-{seed}")
    say("members")
    people = _members(rng, year, members)
    store.add_members(people)
    define_benefits(store, _benefits())
    staff = [p for p in people if p.is_member]
    ids = [p.member_id for p in staff]
    by_dept: dict[str, list[str]] = {}
    for p in staff:
        by_dept.setdefault(p.department or "", []).append(p.member_id)
    groups_made = _groups(store, rng, by_dept, ids)
    say("demands")
    made = generate_year(store, year, seed=seed, n_demands=demands, members=ids)
    say("activities")
    book = ActivityBook(store)
    registered, entrants, awards = _activities(book, rng, year, people, groups_made)
    say("budgets")
    budgets = _budgets(store, year, members)
    say("grants")
    grants = _grants(store, rng, year, ids) + awards
    say("visits and hardship files")
    visits, files = _care(store, rng, year, ids)
    say("surveys")
    responses = _surveys(store, rng, year, staff)
    return SampleYear(
        year,
        len(staff),
        made.demands,
        42,
        registered,
        entrants,
        awards,
        grants,
        responses,
        visits,
        files,
        budgets,
    )


def _members(rng: random.Random, year: int, n: int) -> list[Member]:
    out: list[Member] = []
    for i, m in enumerate(hospital_members(n)):
        born = date(year - rng.randint(23, 58), rng.randint(1, 12), rng.randint(1, 28))
        household = f"HH{i + 1:05d}"
        out.append(
            m.model_copy(
                update={
                    "birth_date": born,
                    "household_id": household,
                    "hire_date": date(max(born.year + 22, year - 30), 9, 1),
                    "dues_paid_through": date(year, 12, 31),
                }
            )
        )
        if rng.random() < 0.22:
            child = date(year - rng.randint(3, 15), rng.randint(1, 12), rng.randint(1, 28))
            out.append(
                Member(
                    member_id=f"K{i + 1:05d}",
                    name=f"子女{i + 1:05d}",
                    is_member=False,
                    household_id=household,
                    birth_date=child,
                )
            )
    return out


def _groups(
    store: Store, rng: random.Random, by_dept: dict[str, list[str]], ids: Sequence[str]
) -> dict[str, list[str]]:
    groups = [Group(group_id="UC", kind=GroupKind.UNION_COMMITTEE, name="医院工会委员会")]
    groups += [
        Group(
            group_id=f"BR-{d}",
            kind=GroupKind.BRANCH,
            name=f"{DEPARTMENT_LABELS[d][0]}分工会",
            parent_id="UC",
            parent_kind=GroupKind.UNION_COMMITTEE,
        )
        for d in sorted(by_dept)
    ]
    groups += [
        Group(
            group_id=f"AS{i:02d}",
            kind=GroupKind.ASSOCIATION,
            name=name,
            parent_id="UC",
            parent_kind=GroupKind.UNION_COMMITTEE,
        )
        for i, name in enumerate(_ASSOCIATIONS, 1)
    ]
    depts = sorted(by_dept)
    groups += [
        Group(
            group_id=f"SH{i:02d}",
            kind=GroupKind.SMALL_HOME,
            name=f"职工小家{i:02d}",
            parent_id=f"BR-{depts[i % len(depts)]}",
            parent_kind=GroupKind.BRANCH,
            rating=SmallHomeRating.MODEL,
        )
        for i in range(1, 24)
    ]
    store.add_groups(groups)
    links = [Membership(member_id=m, group_id=f"BR-{d}") for d, ms in by_dept.items() for m in ms]
    made: dict[str, list[str]] = {}
    for i, size in enumerate(_ASSOCIATION_SIZES, 1):
        chosen = rng.sample(list(ids), min(size, len(ids)))
        made[f"AS{i:02d}"] = chosen
        links += [Membership(member_id=m, group_id=f"AS{i:02d}") for m in chosen]
    for i in range(1, 24):
        pool = by_dept[depts[i % len(depts)]]
        chosen = rng.sample(pool, min(25, len(pool)))
        made[f"SH{i:02d}"] = chosen
        links += [Membership(member_id=m, group_id=f"SH{i:02d}") for m in chosen]
    store.add_memberships(links)
    return made


def _activities(
    book: ActivityBook,
    rng: random.Random,
    year: int,
    people: Sequence[Member],
    groups: dict[str, list[str]],
) -> tuple[int, int, int]:
    ids = [p.member_id for p in people if p.is_member]
    planned: list[tuple[Activity, OrganiserKind, Eligibility | None]] = []
    n = 0
    for kind, count, stem, capacity in _KINDS:
        for k in range(count):
            n += 1
            start = date(year, 1, 1) + timedelta(days=rng.randrange(20, 340))
            if n <= 11:
                organiser, group = OrganiserKind.ASSOCIATION, f"AS{n:02d}"
            elif n <= 17:
                organiser, group = OrganiserKind.SMALL_HOME, f"SH{n - 11:02d}"
            else:
                organiser, group = OrganiserKind.BRANCH, "UC"
            planned.append(
                (
                    Activity(
                        activity_id=f"ACT{year}-{n:02d}",
                        kind=kind,
                        title=stem.format(
                            _TOPICS[(n + k) % len(_TOPICS)] if "{}" in stem else k + 1
                        ),
                        organiser_group_id=group,
                        starts_on=start,
                        ends_on=start,
                        capacity=capacity,
                    ),
                    organiser,
                    None,
                )
            )
    summer = date(year, 7, 10)
    planned.append(
        (
            Activity(
                activity_id=f"ACT{year}-41",
                kind=ActivityKind.CHILDCARE,
                title="职工子女暑期托管班",
                organiser_group_id="UC",
                starts_on=summer,
                ends_on=summer + timedelta(days=40),
                capacity=60,
            ),
            OrganiserKind.BRANCH,
            SUMMER_CHILDCARE,
        )
    )
    contest_day = date(year, 10, 16)
    planned.append(
        (
            Activity(
                activity_id=f"ACT{year}-42",
                kind=ActivityKind.SKILLS_CONTEST,
                title="职工技能竞赛",
                organiser_group_id="UC",
                starts_on=contest_day,
                ends_on=contest_day + timedelta(days=1),
            ),
            OrganiserKind.BRANCH,
            None,
        )
    )
    book.add_activities(planned)
    # About 95 % of members sign up in one to four of the open activities.
    taking_part = [m for m in ids if rng.random() < 0.955]
    open_ones = [a for a, _, _ in planned[:40]]
    chosen: dict[str, list[str]] = {a.activity_id: [] for a, _, _ in planned}
    for m in taking_part:
        for a in rng.sample(open_ones, rng.choices([1, 2, 3, 4], weights=[30, 35, 25, 10])[0]):
            chosen[a.activity_id].append(m)
    for i, (a, _, _) in enumerate(planned[:11], 1):  # association members favour their own
        extra = [m for m in groups[f"AS{i:02d}"] if m not in set(chosen[a.activity_id])]
        chosen[a.activity_id] += extra[: len(extra) // 2]
    parents = sorted(SUMMER_CHILDCARE.eligible(people, summer))
    chosen[f"ACT{year}-41"] = rng.sample(parents, min(75, len(parents)))
    contestants = rng.sample(list(ids), min(260, len(ids)))
    chosen[f"ACT{year}-42"] = contestants
    registered = 0
    for a, _, rule in planned:
        who = chosen[a.activity_id]
        rng.shuffle(who)
        at = datetime.combine(a.starts_on - timedelta(days=14), datetime.min.time()).replace(hour=9)
        outcomes = book.register_many(a.activity_id, who, at, check_eligibility=rule is not None)
        registered += len(outcomes)
        placed = [o.member_id for o in outcomes if o.status.value == "registered"]
        if a.capacity is not None:  # a couple withdraw, and the waitlist moves up
            for gone in placed[:2]:
                book.cancel(a.activity_id, gone, at + timedelta(days=3))
        holding = [
            r.member_id for r in book.registrations(a.activity_id) if r.status.value == "registered"
        ]
        book.record_attendance(a.activity_id, {m: rng.random() < 0.97 for m in holding})
    entrants, awards = _contest(book, rng, year, f"ACT{year}-42")
    return registered, entrants, awards


def _contest(book: ActivityBook, rng: random.Random, year: int, aid: str) -> tuple[int, int]:
    events = {f"E{i:02d}": name for i, name in enumerate(_CONTEST_EVENTS, 1)}
    judges = {f"J{i}": f"评委{i}" for i in range(1, 6)}
    book.add_contest(aid, events, judges)
    holding = [r.member_id for r in book.registrations(aid) if r.status.value == "registered"]
    scores: list[tuple[str, str, str, Decimal]] = []
    for i, event_id in enumerate(events):
        entered = holding[i :: len(events)]
        book.enter(aid, event_id, entered)
        for m in entered:
            skill = rng.gauss(82, 6)
            scores += [
                (
                    event_id,
                    m,
                    j,
                    Decimal(round(min(100, max(50, rng.gauss(skill, 3))), 1)).quantize(
                        Decimal("0.1")
                    ),
                )
                for j in judges
            ]
    book.record_scores(aid, scores)
    awards = book.propose_awards(
        aid,
        top=20,
        amount=Decimal(500),
        benefit_id="contest-award",
        granted_on=date(year, 10, 30),
        drop_extremes=True,
    )
    return len(holding), _approve(book.store, book.book_awards(awards, proposer=_PROPOSER))


_BENEFITS = (  # id, kind, zh, en, form, festival
    (
        "festival-spring",
        BenefitKind.FESTIVAL_GOODS,
        "春节慰问品",
        "Spring Festival goods",
        GrantForm.GOODS,
        Festival.SPRING,
    ),
    (
        "festival-mid-autumn",
        BenefitKind.FESTIVAL_GOODS,
        "中秋慰问品",
        "Mid-Autumn goods",
        GrantForm.GOODS,
        Festival.MID_AUTUMN,
    ),
    (
        "birthday",
        BenefitKind.BIRTHDAY,
        "生日蛋糕券",
        "birthday cake voucher",
        GrantForm.CAKE_VOUCHER,
        None,
    ),
    (
        "hospitalisation",
        BenefitKind.HOSPITALISATION_SUBSIDY,
        "住院慰问",
        "hospitalisation visit",
        GrantForm.CASH,
        None,
    ),
    (
        "contest-award",
        BenefitKind.OTHER,
        "技能竞赛奖励",
        "skills contest award",
        GrantForm.CASH,
        None,
    ),
)


_BUDGETS = (  # category, programme, yuan, whether it grows with the members
    (BenefitKind.FESTIVAL_GOODS, None, "5600000", True),
    (BenefitKind.BIRTHDAY, None, "1100000", True),
    # The year's 120 hospital stays, 12 hardship files and 20 contest awards do not scale.
    (BenefitKind.HOSPITALISATION_SUBSIDY, None, "100000", False),
    (BenefitKind.HARDSHIP_AID, "春送温暖", "120000", False),
    (BenefitKind.HARDSHIP_AID, "金秋助学", "80000", False),
    (BenefitKind.OTHER, None, "12000", False),
)


def _budgets(store: Store, year: int, members: int) -> int:
    """
    The year's budgets as the members' congress passed them (and one mid-year change).

    Per-member amounts are for 5,400 members, scaled to *members* and rounded to a
    thousand yuan.
    """
    from decimal import ROUND_HALF_UP

    from unionkit.store.budgets import set_budget

    def scaled(yuan: str) -> Decimal:
        thousands = (Decimal(yuan) * members / HOSPITAL_MEMBERS / 1000).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        return thousands * 1000

    passed = f"{year}年工会经费预算（第{year - 2020}届职代会审议通过）"
    for category, programme, amount, per_member in _BUDGETS:
        set_budget(
            store,
            year,
            category,
            scaled(amount) if per_member else Decimal(amount),
            source=passed,
            set_by=_PROPOSER,
            programme=programme,
            at=datetime(year, 1, 15, 9, 0),
        )
    # Mid-year the committee moved money into hospital visits: the history keeps both.
    set_budget(
        store,
        year,
        BenefitKind.HOSPITALISATION_SUBSIDY,
        "120000",
        source=f"工会委员会{year}年第6次会议纪要（预算调整）",
        set_by=_PROPOSER,
        at=datetime(year, 6, 20, 9, 0),
    )
    return len(_BUDGETS)


def _benefits() -> list[Benefit]:
    return [
        Benefit(benefit_id=b, kind=k, name_zh=zh, name_en=en, form=form, festival=festival)
        for b, k, zh, en, form, festival in _BENEFITS
    ]


def _care(store: Store, rng: random.Random, year: int, ids: Sequence[str]) -> tuple[int, int]:
    """Birthday visits planned all year, some made; a few hardship files, two leaving."""
    planned = [t for month in range(1, 13) for t in plan_birthdays(store, date(year, month, 1))]
    done = 0
    for task in rng.sample(planned, min(120, len(planned))):
        complete_visit(store, task.visit_id, on=task.due_on, note="已送生日蛋糕", by=_PROPOSER)
        done += 1
    files = [
        enter_file(
            store,
            m,
            tier=rng.choice((HardshipTier.DEEP, HardshipTier.RELATIVE)),
            on=date(year, rng.randint(1, 4), 10),
            evidence=f"档案-{m}",
            actor=_PROPOSER,
        )
        for m in rng.sample(list(ids), 12)
    ]
    for f in files[:2]:
        start_leaving(
            store, f.file_id, on=date(year, 6, 2), actor=_PROPOSER, reason="收入已超过困难标准"
        )
        confirm_leaving(store, f.file_id, on=date(year, 7, 15), actor=_PROPOSER)
    return done, len(files)


def _book(store: Store, requests: Sequence[GrantRequest]) -> int:
    """Propose grants through the ledger and sign off those that need it; return how many."""
    outcomes = propose_grants(store, requests, proposer=_PROPOSER)
    return _approve(store, outcomes)


def _approve(store: Store, outcomes: Sequence[GrantOutcome]) -> int:
    booked = 0
    for o in outcomes:
        if o.grant is None or o.refused:
            continue
        booked += 1
        for k in range(o.grant.approvals_needed):
            approve_grant(store, o.grant.grant_id, f"{_APPROVER}-{k + 1}")
    return booked


def _grants(store: Store, rng: random.Random, year: int, ids: Sequence[str]) -> int:
    requests: list[GrantRequest] = []
    for day, benefit, name in (
        (date(year, 1, 20), "festival-spring", "春节"),
        (date(year, 9, 10), "festival-mid-autumn", "中秋"),
    ):
        requests += [GrantRequest(m, benefit, Decimal(500), day, f"{name}慰问品") for m in ids]
    requests += [
        GrantRequest(m, "birthday", Decimal(200), date(year, rng.randint(1, 12), 15), "生日蛋糕券")
        for m in ids
    ]
    requests += [
        GrantRequest(
            m,
            "hospitalisation",
            Decimal(rng.choice([500, 800, 1000])),
            date(year, rng.randint(1, 12), rng.randint(1, 28)),
            "住院慰问",
            event_key=f"stay-{m}",
        )
        for m in rng.sample(list(ids), 120)
    ]
    return _book(store, requests)


def _surveys(store: Store, rng: random.Random, year: int, staff: Sequence[Member]) -> int:
    book = SurveyBook(store)
    total = 0
    waves = (  # id, title, closes, unsatisfied overall, canteen, mood mean
        (f"SAT{year}-spring", f"{year}年春季职工满意度调查", date(year, 3, 31), 0.067, 0.19, 78),
        (f"SAT{year}-winter", f"{year}年冬季职工满意度调查", date(year, 12, 15), 0.023, 0.10, 85),
    )
    for survey_id, title, closes, bad, canteen_bad, mood in waves:
        book.add_survey(
            Questionnaire(
                survey_id,
                title,
                closes - timedelta(days=20),
                closes,
                _SURVEY_QUESTIONS,
                anonymous=True,
            )
        )
        sample = rng.sample(list(staff), min(1500, len(staff)))
        overall = _grades(rng, len(sample), bad)
        canteen = _grades(rng, len(sample), canteen_bad)
        responses = [
            ParsedResponse(
                n,
                None,
                p.department,
                datetime.combine(
                    closes - timedelta(days=rng.randrange(20)), datetime.min.time()
                ).replace(hour=12),
                {
                    "overall": o * 100,
                    "canteen": c * 100,
                    "mood": int(min(100, max(0, round(rng.gauss(mood, 9))))) * 100,
                },
            )
            for n, (p, o, c) in enumerate(zip(sample, overall, canteen, strict=True), 2)
        ]
        total += book.add_responses(survey_id, responses)
    return total
