"""A deterministic, made-up year of demands for a 5,400-member hospital (demos, benchmarks)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from attrs import field, frozen
from typing_extensions import Unpack

from unionkit.calendar import WorkCalendar
from unionkit.demands._lifecycle import ActionData, Workflow
from unionkit.errors import CalendarDataMissing
from unionkit.models.demand import Demand, DemandAction, DemandEvent, DemandKind, Satisfaction
from unionkit.models.member import Member

__all__ = [
    "DEPARTMENT_NAMES",
    "HOSPITAL_MEMBERS",
    "DemandStore",
    "GeneratedYear",
    "PlannedDemand",
    "Step",
    "generate_year",
    "hospital_members",
    "member_ids",
    "plan_year",
    "simulate",
]

HOSPITAL_MEMBERS = 5400
"""Staff of the seed hospital (DOMAIN.md, seed 000)."""

A = DemandAction

# (category, weight, department it is routed to, titles)
_CATEGORIES: tuple[tuple[str, int, str, tuple[str, ...]], ...] = (
    ("canteen", 16, "logistics", ("夜班餐供应时间延长", "食堂菜品价格与口味", "增设清真窗口")),
    ("parking", 12, "security", ("职工停车位紧张", "非机动车棚增设充电桩", "夜班下班通道照明")),
    ("childcare", 8, "union_office", ("暑期职工子女托管班", "寒假托管延长时间")),
    ("welfare_goods", 9, "union_office", ("节日慰问品自选范围", "生日蛋糕券可用门店")),
    ("training", 10, "education", ("规培补贴发放进度", "外出进修名额分配")),
    ("workload", 14, "nursing", ("护理人员排班与夜班频次", "临床科室人员配比")),
    ("safety", 8, "medical_affairs", ("急诊暴力防范措施", "职业暴露处理流程")),
    ("housing", 6, "logistics", ("职工周转房申请", "班车线路调整")),
    ("health", 7, "medical_affairs", ("职工体检项目个性化", "腰颈椎专项检查")),
    ("culture", 5, "union_office", ("职工书屋开放时间", "增设羽毛球场地预约")),
    ("pay", 5, "hr", ("绩效分配公开", "夜班费标准调整")),
)

DEPARTMENT_NAMES: dict[str, tuple[str, str]] = {
    "logistics": ("后勤保障处", "Logistics"),
    "security": ("保卫处", "Security"),
    "union_office": ("工会办公室", "Union office"),
    "education": ("科教处", "Education and research"),
    "nursing": ("护理部", "Nursing"),
    "medical_affairs": ("医务处", "Medical affairs"),
    "hr": ("人力资源处", "Human resources"),
}
"""Display names of the departments the generator routes demands to."""

_REJECT_REASONS = (
    "属个人事项，已转为建议办理。",
    "不属于职代会提案范围，已书面说明。",
    "已有政策明确规定，已向提出人解释。",
)
_ANSWERS = (
    "已研究落实，具体措施已通知提出人。",
    "已纳入年度工作计划，分步实施。",
    "经相关部门会商，已调整相关安排。",
)
# The member's rating; "unsatisfied" reopens the demand (DOMAIN.md, workflow 1).
_GRADES: tuple[tuple[Satisfaction, int], ...] = (
    (Satisfaction.VERY_SATISFIED, 56),
    (Satisfaction.SATISFIED, 28),
    (Satisfaction.BASICALLY_SATISFIED, 10),
    (Satisfaction.UNSATISFIED, 6),
)
_SECOND_GRADES: tuple[tuple[Satisfaction, int], ...] = (
    (Satisfaction.VERY_SATISFIED, 30),
    (Satisfaction.SATISFIED, 30),
    (Satisfaction.BASICALLY_SATISFIED, 20),
    (Satisfaction.UNSATISFIED, 20),
)
_CLOSED_ON_REVIEW = "经复核已按政策答复，提出人仍不满意，按程序办结。"
_UNION = "union-office"


def member_ids(n: int = HOSPITAL_MEMBERS) -> list[str]:
    """The generator's member ids: ``H00001`` … for *n* members."""
    return [f"H{i:05d}" for i in range(1, n + 1)]


def hospital_members(n: int = HOSPITAL_MEMBERS) -> list[Member]:
    """
    Made-up members for :func:`member_ids` (no ID or phone numbers), to add to a store.

    Departments follow the hospital's size: mostly clinical and nursing staff.
    """
    departments = ("clinical", "nursing", "medical_technology", "administration", "logistics")
    weights = (40, 35, 12, 8, 5)
    rng = random.Random(f"unionkit-members-{n}")
    return [
        Member(
            member_id=mid,
            name=f"职工{mid[1:]}",
            department=rng.choices(departments, weights=weights)[0],
        )
        for mid in member_ids(n)
    ]


@frozen
class Step:
    """One lifecycle action to apply to a generated demand."""

    action: DemandAction
    actor: str
    at: datetime
    data: Mapping[str, Any] = field(factory=dict)
    note: str | None = None


@frozen
class PlannedDemand:
    """
    A generated demand: what is submitted, then the actions that follow, in time order.

    ``category`` is what the member chose when submitting (``None``: the union
    office classifies it when accepting).
    """

    demand_id: str
    member_id: str
    kind: DemandKind
    title: str
    content: str
    submitted_at: datetime
    category: str | None
    co_signers: tuple[str, ...]
    steps: tuple[Step, ...]


class _Clock:
    """Working-day arithmetic for the simulation, with a weekends-only estimate past the data."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar

    def add(self, day: date, n: int) -> date:
        return self.calendar.add_workdays(day, n, estimate=True).date

    def workday_on_or_after(self, day: date) -> date:
        while not self.calendar.is_workday(day, estimate=True):
            day += timedelta(days=1)
        return day


def _moment(rng: random.Random, day: date, after: datetime | None) -> datetime:
    at = datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randrange(0, 540))
    if after is not None and at <= after:
        at = after + timedelta(minutes=rng.randrange(5, 90))
    return at


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def plan_year(
    year: int = 2025,
    *,
    seed: int = 0,
    n_demands: int = 620,
    members: Sequence[str] | None = None,
    as_of: datetime | None = None,
    calendar: WorkCalendar | None = None,
    id_prefix: str = "",
) -> Iterator[PlannedDemand]:
    """
    Plan a year of demands, in submission order, without touching a store.

    The mix follows the seed hospital's report: about a fifth are congress
    proposals (collected in the 30 days before a congress in late March, each
    with 2–5 co-signers, about a third put under key supervision), a third
    suggestions, the rest requests. Most are accepted and routed within two
    working days, answered after a few working days (some after their
    deadline), rated, and closed; about 6 % are rated unsatisfied and reopened,
    some are rejected with a reason, some are merged into an earlier duplicate.
    Actions dated after *as_of* are left out, so demands from late in the year
    are still open.

    Args:
        year: The calendar year demands are submitted in.
        seed: The random seed; the same arguments give the same plan.
        n_demands: How many demands.
        members: Member ids to draw submitters and co-signers from
            (default: :func:`member_ids`, 5,400 of them).
        as_of: The moment the data is taken (default: 31 January of the next
            year, when the year's report is written).
        calendar: Working days for the simulated timings (default: the official
            calendar, weekends only past its data).
        id_prefix: Put before each demand id (``{prefix}{year}-{n:06d}``).

    Yields:
        One :class:`PlannedDemand` at a time.

    .. versionadded:: 0.1.0
    """
    rng = random.Random(f"unionkit-demands-{year}-{seed}")
    people = list(members) if members is not None else member_ids()
    if len(people) < 4:
        raise ValueError("members: at least 4 are needed (a proposal has 2 co-signers) / 会员过少")
    cutoff = as_of or datetime(year + 1, 1, 31, 23, 59)
    clock = _Clock(calendar or WorkCalendar.default(fallback="weekends"))
    congress = date(year, 3, 20)
    first, last = date(year, 1, 1), date(year, 12, 31)
    days = (last - first).days + 1
    drawn: list[tuple[date, DemandKind]] = []
    for _ in range(n_demands):
        kind = _weighted(
            rng, [(DemandKind.PROPOSAL, 20), (DemandKind.SUGGESTION, 34), (DemandKind.REQUEST, 46)]
        )
        if kind is DemandKind.PROPOSAL:
            start = congress - timedelta(days=rng.randrange(1, 31))
        else:
            start = first + timedelta(days=rng.randrange(days))
        drawn.append((min(clock.workday_on_or_after(start), last), kind))
    drawn.sort(key=lambda pair: pair[0])
    weights = [c[1] for c in _CATEGORIES]
    # Per category, recent demands and until when each stays open (a merge target must be).
    recent: dict[str, list[tuple[str, datetime, datetime]]] = {}
    for n, (day, kind) in enumerate(drawn, 1):
        category, _, department, titles = rng.choices(_CATEGORIES, weights=weights)[0]
        member = rng.choice(people)
        given_category = rng.random() < 0.8
        signers: tuple[str, ...] = ()
        if kind is DemandKind.PROPOSAL:
            others = [p for p in rng.sample(people, 6) if p != member]
            signers = tuple(others[: rng.randint(2, 5)])
        demand_id = f"{id_prefix}{year}-{n:06d}"
        submitted = _moment(rng, day, None)
        steps = _lifecycle(
            rng,
            clock,
            kind=kind,
            category=category,
            department=department,
            submitted=submitted,
            duplicates_of=recent.get(category, []),
        )
        kept = tuple(s for s in steps if s.at <= cutoff)
        if kind is not DemandKind.PROPOSAL:
            recent.setdefault(category, []).append((demand_id, submitted, _open_until(kept)))
            del recent[category][:-20]
        title = rng.choice(titles)
        yield PlannedDemand(
            demand_id=demand_id,
            member_id=member,
            kind=kind,
            title=title,
            content=f"关于“{title}”的{kind.label_zh}：请相关部门研究解决。",
            submitted_at=submitted,
            category=category if given_category else None,
            co_signers=signers,
            steps=kept,
        )


def _lifecycle(
    rng: random.Random,
    clock: _Clock,
    *,
    kind: DemandKind,
    category: str,
    department: str,
    submitted: datetime,
    duplicates_of: Sequence[tuple[str, datetime, datetime]],
) -> list[Step]:
    steps: list[Step] = []

    def add(action: DemandAction, actor: str, workdays: int, **data: Any) -> datetime:
        prev = steps[-1].at if steps else submitted
        day = clock.add(prev.date(), workdays) if workdays else prev.date()
        at = _moment(rng, day, prev)
        steps.append(Step(action, actor, at, data))
        return at

    roll = rng.random()
    if kind is not DemandKind.PROPOSAL and roll < 0.03:
        at = _moment(rng, clock.add(submitted.date(), rng.randint(0, 1)), submitted)
        targets = [d for d, since, until in duplicates_of if since < at < until]
        if targets:
            steps.append(Step(A.MERGE, _UNION, at, {"into": rng.choice(targets)}))
            return steps
    if roll < 0.08:
        add(A.REJECT, _UNION, rng.randint(1, 3), reason=rng.choice(_REJECT_REASONS))
        return steps
    add(A.ACCEPT, _UNION, rng.randint(0, 2), category=category, department=department)
    key = (kind is DemandKind.PROPOSAL and rng.random() < 0.34) or rng.random() < 0.02
    if key:
        add(A.ESCALATE, "party-committee", rng.randint(0, 3))
    if rng.random() < 0.8:
        add(A.START, department, rng.randint(0, 2))
    for rounds in range(3):
        # Mostly a few working days; one in eight runs past a 15-working-day limit.
        effort = int(rng.lognormvariate(1.6, 0.6)) + 1
        if rng.random() < 0.12:
            effort += rng.randint(10, 25)
        add(A.RESOLVE, department, effort, answer=rng.choice(_ANSWERS))
        if rounds == 2:
            # Rated unsatisfied twice: the office closes it on review; the rating stands.
            at = add(A.CLOSE, _UNION, rng.randint(1, 3))
            steps[-1] = Step(A.CLOSE, _UNION, at, {}, _CLOSED_ON_REVIEW)
            break
        grade = _weighted(rng, _GRADES if rounds == 0 else _SECOND_GRADES)
        add(A.FEEDBACK, _UNION, rng.randint(1, 5), satisfaction=grade)
        if grade is not Satisfaction.UNSATISFIED:
            break
    return steps


def _open_until(steps: Sequence[Step]) -> datetime:
    """When a demand with these steps leaves the open states (never, if it does not)."""
    if steps:
        last = steps[-1]
        closing = last.action in (A.CLOSE, A.REJECT, A.MERGE) or (
            last.action is A.FEEDBACK
            and last.data.get("satisfaction") is not Satisfaction.UNSATISFIED
        )
        if closing:
            return last.at
    return datetime.max


@frozen
class GeneratedYear:
    """What :func:`generate_year` stored: counts of demands and of history rows."""

    year: int
    demands: int
    events: int
    estimated_deadlines: int


class DemandStore(Protocol):
    """
    What :func:`generate_year` needs of a store: ``unionkit.store.Store`` has both methods.

    A protocol, so that the demands workflow does not depend on the store above it.
    """

    def submit_demand(
        self,
        *,
        member_id: str,
        kind: DemandKind | str,
        title: str,
        content: str,
        demand_id: str | None = None,
        actor: str | None = None,
        at: datetime | None = None,
        category: str | None = None,
        co_signers: Sequence[str] = (),
        note: str | None = None,
    ) -> Demand:
        """Store a new demand with its first history row."""
        ...

    def transition(
        self,
        demand_id: str,
        action: DemandAction | str,
        actor: str,
        expected_version: int,
        *,
        at: datetime | None = None,
        note: str | None = None,
        **data: Unpack[ActionData],
    ) -> Demand:
        """Apply an action to a stored demand, if its version is still *expected_version*."""
        ...


def generate_year(
    store: DemandStore,
    year: int = 2025,
    *,
    seed: int = 0,
    n_demands: int = 620,
    members: Sequence[str] | None = None,
    as_of: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> GeneratedYear:
    """
    Put a generated year of demands into *store* through the real lifecycle.

    Every demand is submitted with ``store.submit_demand`` and moved on with
    ``store.transition`` (with the version check), so the history rows are the
    ones the store writes. Actions of all demands are applied in time order, as
    they would have happened. The members must already exist in the store
    (see :func:`hospital_members`).

    Args:
        store: An open store (:func:`unionkit.store.open_store`).
        year: The year to generate.
        seed: The random seed (see :func:`plan_year`).
        n_demands: How many demands.
        members: Member ids to use (default: :func:`member_ids`).
        as_of: Leave out actions after this moment.
        progress: Called with ``(done, total)`` after each demand.

    Returns:
        How many demands and history rows were written.

    .. versionadded:: 0.1.0
    """
    plans = list(plan_year(year, seed=seed, n_demands=n_demands, members=members, as_of=as_of))
    # Every action of every demand in time order, as the office would have made them:
    # a merge then finds its target still open, as the store requires.
    timeline = sorted(
        (at, n, k)
        for n, planned in enumerate(plans)
        for k, at in enumerate([planned.submitted_at, *(s.at for s in planned.steps)])
    )
    current: dict[int, Demand] = {}
    events = done = 0
    for _, n, k in timeline:
        planned = plans[n]
        if k == 0:
            current[n] = store.submit_demand(
                demand_id=planned.demand_id,
                member_id=planned.member_id,
                kind=planned.kind,
                title=planned.title,
                content=planned.content,
                at=planned.submitted_at,
                category=planned.category,
                co_signers=planned.co_signers,
            )
        else:
            current[n] = _apply(store, current[n], planned.steps[k - 1])
        events += 1
        if k == len(planned.steps):
            done += 1
            if progress is not None:
                progress(done, len(plans))
    estimated = sum(d.deadline_estimated for d in current.values())
    return GeneratedYear(year, len(plans), events, estimated)


def _apply(store: DemandStore, demand: Demand, step: Step) -> Demand:
    kwargs = dict(step.data)
    try:
        return store.transition(
            demand.demand_id,
            step.action,
            step.actor,
            demand.version,
            at=step.at,
            note=step.note,
            **kwargs,
        )
    except CalendarDataMissing:
        # The deadline runs into a year whose official holidays are not published yet.
        if step.action is not A.ACCEPT:
            raise
        return store.transition(
            demand.demand_id,
            step.action,
            step.actor,
            demand.version,
            at=step.at,
            note=step.note,
            estimate=True,
            **kwargs,
        )


def simulate(planned: PlannedDemand, workflow: Workflow) -> tuple[Demand, list[DemandEvent]]:
    """
    Run a planned demand through the pure lifecycle, without a store.

    This gives the same demand and history rows the store would write, for
    bulk-loading a benchmark database quickly.

    Raises:
        IllegalTransition: The plan breaks the lifecycle (a generator bug).
    """
    step0 = workflow.submit(
        demand_id=planned.demand_id,
        member_id=planned.member_id,
        kind=planned.kind,
        title=planned.title,
        content=planned.content,
        at=planned.submitted_at,
        category=planned.category,
        co_signers=planned.co_signers,
    )
    demand, events = step0.demand, [step0.event]
    for step in planned.steps:
        data = dict(step.data)
        try:
            done = workflow.apply(
                demand, step.action, actor=step.actor, at=step.at, note=step.note, **data
            )
        except CalendarDataMissing:
            if step.action is not A.ACCEPT:
                raise
            done = workflow.apply(
                demand,
                step.action,
                actor=step.actor,
                at=step.at,
                note=step.note,
                estimate=True,
                **data,
            )
        demand = done.demand
        events.append(done.event)
    return demand, events
