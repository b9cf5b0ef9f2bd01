"""The year's figures across areas: demands, activities and contests, money, surveys."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from attrs import frozen

from unionkit.activities import OrganiserKind, ParticipationBasis, Placing, RankingMethod
from unionkit.errors import NoData
from unionkit.models.activity import ActivityKind
from unionkit.models.demand import Satisfaction
from unionkit.reports.demands import (
    DEFAULT_SATISFIED_GRADES,
    ClosureBasis,
    DemandFigures,
    ReportPeriod,
    Workdays,
)
from unionkit.reports.from_store import demand_figures
from unionkit.reports.money_section import (
    LedgerMoney,
    MoneyFigures,
    MoneyQueries,
    money_figures,
)
from unionkit.surveys import (
    Change,
    MeanScore,
    QuestionKind,
    SatisfactionRate,
    compare_means,
    compare_rates,
    satisfaction_rate,
    summarise,
)

if TYPE_CHECKING:
    from unionkit.store import Store
    from unionkit.store.activities import GroupCount, Participation

__all__ = [
    "ActivityFigures",
    "ActivityRow",
    "ContestRow",
    "QuestionFigures",
    "SurveyChange",
    "SurveyFigures",
    "SurveyRow",
    "YearFigures",
    "year_figures",
]


@frozen
class ActivityRow:
    """
    One activity's registrations, attendance and participation on the chosen basis.

    .. versionadded:: 0.1.0
    """

    activity_id: str
    title: str
    kind: ActivityKind
    organiser: OrganiserKind
    starts_on: date
    registered: int
    waitlisted: int
    attended: int
    participation: Participation


@frozen
class ContestRow:
    """
    A contest: its events, entrants, awards booked, and each event's winners.

    ``awarded`` counts the approved ledger grants booked for it (keys ``<contest>-award-…``).

    .. versionadded:: 0.1.0
    """

    activity_id: str
    title: str
    events: int
    entrants: int
    awarded: int
    award_amount: Decimal
    winners: tuple[tuple[str, Placing], ...]


@frozen
class ActivityFigures:
    """
    The year's activities: how many, of what kind, participation, groups, contests.

    ``participation`` is the year's headline rate on ``participation.basis``: with
    ``all`` it counts distinct members who attended anything over all active members;
    with ``organiser`` or ``eligible`` it sums each activity's numerator and denominator.

    .. versionadded:: 0.1.0
    """

    count: int
    by_kind: tuple[tuple[ActivityKind, int], ...]
    participation: Participation
    rows: tuple[ActivityRow, ...]
    groups: tuple[GroupCount, ...]
    contests: tuple[ContestRow, ...]


@frozen
class QuestionFigures:
    """
    One question of one survey: its satisfaction rate (grade questions) and mean.

    .. versionadded:: 0.1.0
    """

    question_id: str
    text_zh: str
    text_en: str
    kind: QuestionKind
    satisfaction: SatisfactionRate | None
    mean: MeanScore


@frozen
class SurveyRow:
    """
    A survey closing in the year, with its responses and question figures.

    .. versionadded:: 0.1.0
    """

    survey_id: str
    title: str
    closes_on: date
    responses: int
    questions: tuple[QuestionFigures, ...]


@frozen
class SurveyChange:
    """
    One question's change from an earlier survey to a later one, overall and by department.

    .. versionadded:: 0.1.0
    """

    question_id: str
    text_zh: str
    text_en: str
    before_survey: str
    after_survey: str
    overall: Change
    by_department: tuple[Change, ...]
    mean: Change


@frozen
class SurveyFigures:
    """
    The year's surveys and the changes of the questions they share with earlier ones.

    .. versionadded:: 0.1.0
    """

    surveys: tuple[SurveyRow, ...]
    changes: tuple[SurveyChange, ...]
    satisfied_grades: tuple[Satisfaction, ...]


@frozen
class YearFigures:
    """
    A union's year in figures, with every parameter that shaped them.

    .. versionadded:: 0.1.0
    """

    year: int
    period: ReportPeriod
    demands: DemandFigures
    activities: ActivityFigures
    money: MoneyFigures
    surveys: SurveyFigures
    ranking: RankingMethod = RankingMethod.COMPETITION
    drop_extremes: bool = False


def year_figures(
    store: Store,
    year: int,
    *,
    participation_basis: ParticipationBasis | str = ParticipationBasis.ALL,
    closure_basis: ClosureBasis = ClosureBasis.ACCEPTED,
    satisfied_grades: Collection[Satisfaction] = DEFAULT_SATISFIED_GRADES,
    ranking: RankingMethod = RankingMethod.COMPETITION,
    drop_extremes: bool = False,
    money: MoneyQueries | None = None,
    calendar: Workdays | None = None,
    as_of: date | None = None,
) -> YearFigures:
    """
    Compute the year's figures from a store.

    Args:
        store: An open store.
        year: The calendar year.
        participation_basis: What participation rates divide by (stated in the report).
        closure_basis: The demands' closure-rate denominator.
        satisfied_grades: Grades counted as satisfied, for demands and surveys alike.
        ranking: How contest ties are ranked.
        drop_extremes: Drop each entrant's highest and lowest judge's score.
        money: Where money figures come from; the grants ledger, visits and hardship
            files by default (:class:`~unionkit.reports.money_section.LedgerMoney`).
        calendar: Working days for demand figures (the store's calendar by default).
        as_of: The cut-off date (default: the year's last day).

    Returns:
        The figures.

    Raises:
        NoData: Nothing at all (no demands, activities, grants or surveys) in the year.

    .. versionadded:: 0.1.0
    """
    period = ReportPeriod.year(year)
    basis = ParticipationBasis(participation_basis)
    demands = demand_figures(
        store,
        period,
        closure_basis=closure_basis,
        satisfied_grades=satisfied_grades,
        calendar=calendar,
        as_of=as_of,
    )
    activities = _activities(store, period, basis, ranking, drop_extremes)
    cash = money_figures(money or LedgerMoney(store), period.start, period.end)
    surveys = _surveys(store, period, satisfied_grades)
    if not (
        demands.total.received
        or activities.count
        or cash.grants
        or surveys.surveys
        or cash.visits_done
        or cash.hardship_entered
    ):
        raise NoData(
            f"no demands, activities, grants or surveys recorded in {year}; check --year and "
            f"--db / {year}年没有任何诉求、活动、发放或问卷记录"
        )
    return YearFigures(year, period, demands, activities, cash, surveys, ranking, drop_extremes)


def _activities(
    store: Store,
    period: ReportPeriod,
    basis: ParticipationBasis,
    ranking: RankingMethod,
    drop_extremes: bool,
) -> ActivityFigures:
    from sqlalchemy import case, func, select

    from unionkit.store._activity_schema import activities, contest_entries, registrations
    from unionkit.store._schema import grants
    from unionkit.store.activities import ActivityBook, Participation, _active_member_count

    book = ActivityBook(store)
    listed = book.list_activities(period.start, period.end)
    a, r = activities.c, registrations.c
    in_year = (a.starts_on >= period.start) & (a.starts_on <= period.end)
    counts_q = (
        select(
            r.activity_id,
            func.sum(case((r.status == "registered", 1), else_=0)),
            func.sum(case((r.status == "waitlisted", 1), else_=0)),
            func.sum(case((r.attended.is_(True), 1), else_=0)),
        )
        .select_from(registrations.join(activities, a.activity_id == r.activity_id))
        .where(in_year)
        .group_by(r.activity_id)
    )
    with store.engine.connect() as conn:
        counts = {
            row[0]: (int(row[1] or 0), int(row[2] or 0), int(row[3] or 0))
            for row in conn.execute(counts_q)
        }
        distinct = int(
            conn.execute(
                select(func.count(func.distinct(r.member_id)))
                .select_from(registrations.join(activities, a.activity_id == r.activity_id))
                .where(in_year, r.attended.is_(True))
            ).scalar_one()
        )
        members = _active_member_count(conn) if basis is ParticipationBasis.ALL else 0
        entrants = {
            row[0]: int(row[1])
            for row in conn.execute(
                select(
                    contest_entries.c.activity_id,
                    func.count(func.distinct(contest_entries.c.member_id)),
                ).group_by(contest_entries.c.activity_id)
            )
        }
    rows = []
    for s in listed:
        reg, wait, came = counts.get(s.activity.activity_id, (0, 0, 0))
        if basis is ParticipationBasis.ALL:
            share = Participation(came, members, basis)
        elif basis is ParticipationBasis.ORGANISER and s.activity.organiser_group_id is None:
            share = Participation(0, 0, basis)
        else:
            share = book.participation(s.activity.activity_id, basis)
        rows.append(
            ActivityRow(
                s.activity.activity_id,
                s.activity.title,
                s.activity.kind,
                s.organiser,
                s.activity.starts_on,
                reg,
                wait,
                came,
                share,
            )
        )
    if basis is ParticipationBasis.ALL:
        headline = Participation(distinct, members, basis)
    else:
        headline = Participation(
            sum(x.participation.numerator for x in rows),
            sum(x.participation.denominator for x in rows),
            basis,
        )
    kinds: dict[ActivityKind, int] = {}
    for x in rows:
        kinds[x.kind] = kinds.get(x.kind, 0) + 1
    contests = []
    for s in listed:
        if s.activity.kind is not ActivityKind.SKILLS_CONTEST:
            continue
        aid = s.activity.activity_id
        events = book.contest_events(aid)
        winners = []
        for event_id, name in events.items():
            placed = book.ranking(aid, event_id, method=ranking, drop_extremes=drop_extremes)
            winners += [(name, p) for p in placed if p.rank == 1]
        with store.engine.connect() as conn:
            booked = conn.execute(
                select(func.count(), func.coalesce(func.sum(grants.c.amount_fen), 0)).where(
                    grants.c.entry_kind == "grant",
                    grants.c.status == "approved",
                    grants.c.idempotency_key.like(f"{aid}-award-%"),
                )
            ).one()
        contests.append(
            ContestRow(
                aid,
                s.activity.title,
                len(events),
                entrants.get(aid, 0),
                int(booked[0]),
                Decimal(int(booked[1])) / 100,
                tuple(winners),
            )
        )
    return ActivityFigures(
        len(rows),
        tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0].value))),
        headline,
        tuple(rows),
        tuple(book.group_member_counts(period.end)),
        tuple(contests),
    )


def _surveys(store: Store, period: ReportPeriod, grades: Collection[Satisfaction]) -> SurveyFigures:
    from unionkit.store.surveys import SurveyBook

    book = SurveyBook(store)
    chosen = tuple(g for g in Satisfaction if g in set(grades))
    in_year = book.list_surveys(period.start, period.end)
    earlier = book.list_surveys(date(1900, 1, 1), period.end)
    counts: dict[str, dict[tuple[str, str | None], dict[int, int]]] = {}

    def values(survey_id: str) -> dict[tuple[str, str | None], dict[int, int]]:
        if survey_id not in counts:
            counts[survey_id] = book.value_counts(survey_id)
        return counts[survey_id]

    rows = []
    for s in in_year:
        questions = []
        for q in s.questions:
            graded, means = summarise(values(s.survey_id), q.question_id)
            rate = None
            if q.kind is QuestionKind.GRADE and None in graded:
                rate = satisfaction_rate(graded[None], chosen)
            questions.append(
                QuestionFigures(
                    q.question_id,
                    q.text_zh,
                    q.text_en,
                    q.kind,
                    rate,
                    means.get(None, MeanScore(0, None, None)),
                )
            )
        rows.append(
            SurveyRow(
                s.survey_id,
                s.title,
                s.closes_on,
                book.response_count(s.survey_id),
                tuple(questions),
            )
        )
    changes = []
    for s in in_year:
        for q in s.questions:
            before = [
                e
                for e in earlier
                if e.closes_on < s.closes_on
                and any(x.question_id == q.question_id and x.kind is q.kind for x in e.questions)
            ]
            if not before:
                continue
            prior = before[-1]
            b_all, b_mean = summarise(values(prior.survey_id), q.question_id)
            a_all, a_mean = summarise(values(s.survey_id), q.question_id)
            b_dept, b_dmean = summarise(values(prior.survey_id), q.question_id, by_department=True)
            a_dept, a_dmean = summarise(values(s.survey_id), q.question_id, by_department=True)
            shift = compare_means(b_mean, a_mean)[0]
            overall: Change
            if q.kind is QuestionKind.GRADE:
                overall = compare_rates(b_all, a_all, chosen)[0]
                split = compare_rates(b_dept, a_dept, chosen)
            else:
                overall = shift
                split = compare_means(b_dmean, a_dmean)
            by_dept = tuple(c for c in split if c.key is not None)
            changes.append(
                SurveyChange(
                    q.question_id,
                    q.text_zh,
                    q.text_en,
                    prior.survey_id,
                    s.survey_id,
                    overall,
                    by_dept,
                    shift,
                )
            )
    return SurveyFigures(tuple(rows), tuple(changes), chosen)
