"""Activities in the store: registration with a waitlist, attendance, participation, contests."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from attrs import frozen
from sqlalchemy import Connection, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from unionkit.activities import (
    Eligibility,
    OrganiserKind,
    ParticipationBasis,
    Placing,
    ProposedGrant,
    RankingMethod,
    RegistrationStatus,
    propose_awards,
    rank,
)
from unionkit.errors import InvalidActivityData, NotFound
from unionkit.models.activity import Activity, ActivityKind
from unionkit.models.benefit import GrantForm
from unionkit.models.group import GroupKind
from unionkit.models.member import Member
from unionkit.store._activity_schema import (
    activities,
    contest_entries,
    contest_events,
    contest_judges,
    contest_scores,
    registrations,
)
from unionkit.store._ledger import GrantOutcome, GrantRequest, propose_grants
from unionkit.store._schema import groups, members, memberships
from unionkit.store._store import Store

if TYPE_CHECKING:
    from unionkit.rules import Parameters

__all__ = [
    "ActivityBook",
    "GroupCount",
    "Participation",
    "Registered",
    "RegistrationRow",
    "StoredActivity",
]

R = RegistrationStatus
_ORGANISER_GROUP_KINDS: dict[OrganiserKind, frozenset[GroupKind]] = {
    OrganiserKind.ASSOCIATION: frozenset({GroupKind.ASSOCIATION}),
    OrganiserKind.SMALL_HOME: frozenset({GroupKind.SMALL_HOME}),
    OrganiserKind.BRANCH: frozenset({GroupKind.BRANCH, GroupKind.UNION_COMMITTEE}),
}
_MAX_SCORE = Decimal(1000)
# A relative is stored as a members row whose record says so; json.dumps writes it this way.
_RELATIVE = '%"is_member": false%'


@frozen
class StoredActivity:
    """
    An activity as stored: the model, who organises it, and who may register.

    .. versionadded:: 0.1.0
    """

    activity: Activity
    organiser: OrganiserKind
    eligibility: Eligibility | None


@frozen
class Registered:
    """
    The outcome of one registration: a place, or a place on the waitlist.

    ``waitlist_position`` is 1 for the first in line, ``None`` with a place.

    .. versionadded:: 0.1.0
    """

    member_id: str
    status: RegistrationStatus
    waitlist_position: int | None


@frozen
class RegistrationRow:
    """
    One member's registration for an activity, as stored.

    .. versionadded:: 0.1.0
    """

    member_id: str
    seq: int
    status: RegistrationStatus
    registered_at: datetime
    attended: bool | None


@frozen
class Participation:
    """
    A participation rate with the basis it was computed on.

    .. versionadded:: 0.1.0
    """

    numerator: int
    denominator: int
    basis: ParticipationBasis

    @property
    def rate(self) -> float | None:
        """The rate as a fraction, or ``None`` without a denominator."""
        return self.numerator / self.denominator if self.denominator else None


@frozen
class GroupCount:
    """
    How many members an association or small home has on a day.

    .. versionadded:: 0.1.0
    """

    group_id: str
    kind: GroupKind
    name: str
    members: int


def _fail(record: str, problem: str) -> InvalidActivityData:
    return InvalidActivityData(record, [problem])


class ActivityBook:
    """
    Activities of one store: registration, waitlist, attendance, participation, contests.

    Every method is one transaction: a refused call stores nothing.
    ``ActivityBook(open_store("union.db"))``.

    Args:
        store: An open :class:`~unionkit.store.Store`.

    .. versionadded:: 0.1.0
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- Activities ---

    def add_activity(
        self,
        activity: Activity,
        organiser: OrganiserKind | str,
        eligibility: Eligibility | None = None,
    ) -> None:
        """
        Store one activity (see :meth:`add_activities`).

        Raises:
            InvalidActivityData: The id is taken, or the organising group is of the
                wrong kind.
            NotFound: The organising group does not exist.
        """
        self.add_activities([(activity, OrganiserKind(organiser), eligibility)])

    def add_activities(
        self, items: Iterable[tuple[Activity, OrganiserKind, Eligibility | None]]
    ) -> int:
        """
        Store activities in one transaction; return how many.

        Args:
            items: ``(activity, organiser kind, eligibility or None)`` triples. An
                activity's ``organiser_group_id``, when given, must name a stored group
                of the organiser's kind (an association, a small home, a branch).

        Raises:
            InvalidActivityData: An id is taken or repeated, or a group is of the wrong
                kind; nothing is stored.
            NotFound: An organising group does not exist; nothing is stored.
        """
        given = list(items)
        if not given:
            return 0
        rows = [
            {
                "activity_id": a.activity_id,
                "kind": a.kind.value,
                "title": a.title,
                "organiser_kind": org.value,
                "organiser_group_id": a.organiser_group_id,
                "starts_on": a.starts_on,
                "ends_on": a.ends_on,
                "capacity": a.capacity,
                "eligibility_rule": e.rule if e else None,
                "eligibility_zh": e.label_zh if e else None,
                "eligibility_en": e.label_en if e else None,
            }
            for a, org, e in given
        ]
        ids = [a.activity_id for a, _, _ in given]
        with self.store._write() as conn:
            taken = set(
                conn.execute(
                    select(activities.c.activity_id).where(activities.c.activity_id.in_(ids))
                ).scalars()
            )
            seen: set[str] = set()
            for activity_id in ids:
                if activity_id in taken or activity_id in seen:
                    raise _fail(activity_id, "activity_id: already stored / 活动编号已存在")
                seen.add(activity_id)
            wanted = {a.organiser_group_id for a, _, _ in given if a.organiser_group_id}
            kinds = dict(
                conn.execute(
                    select(groups.c.group_id, groups.c.kind).where(groups.c.group_id.in_(wanted))
                ).all()
            )
            for a, org, _ in given:
                gid = a.organiser_group_id
                if gid is None:
                    continue
                if gid not in kinds:
                    raise NotFound(f"group {gid!r} not found / 找不到该组织")
                if GroupKind(kinds[gid]) not in _ORGANISER_GROUP_KINDS[org]:
                    raise _fail(
                        a.activity_id,
                        (
                            f"organiser_group_id: {gid!r} is a {GroupKind(kinds[gid]).label_en}, "
                            f"not a {org.label_en} / 主办组织类型不符"
                        ),
                    )
            conn.execute(insert(activities), rows)
        return len(rows)

    def get_activity(self, activity_id: str) -> StoredActivity:
        """
        Return a stored activity.

        Raises:
            NotFound: No such activity.
        """
        with self.store._read() as conn:
            return self._activity(conn, activity_id)

    def list_activities(self, start: date, end: date) -> list[StoredActivity]:
        """The activities starting from *start* to *end* (both included), by start date."""
        with self.store._read() as conn:
            rows = conn.execute(
                select(activities)
                .where(activities.c.starts_on >= start, activities.c.starts_on <= end)
                .order_by(activities.c.starts_on, activities.c.activity_id)
            ).all()
        return [_stored(r) for r in rows]

    def _activity(
        self,
        conn: Connection,
        activity_id: str,
        *,
        lock: bool = False,
    ) -> StoredActivity:
        query = select(activities).where(activities.c.activity_id == activity_id)
        if lock and self.store.dialect == "postgresql":
            # Serialises registrations per activity, so two never take the last place.
            query = query.with_for_update()
        row = conn.execute(query).first()
        if row is None:
            raise NotFound(f"activity {activity_id!r} not found / 找不到该活动")
        return _stored(row)

    # --- Registration ---

    def register(self, activity_id: str, member_id: str, at: datetime) -> Registered:
        """
        Register a member; past the capacity they go on the waitlist (and are told so).

        Args:
            activity_id: The activity.
            member_id: The member.
            at: When they registered; the waitlist keeps this order.

        Returns:
            Whether they got a place or a waitlist position.

        Raises:
            NotFound: No such activity or member.
            InvalidActivityData: Already registered (or waitlisted), or the activity's
                eligibility rule does not admit them.
        """
        return self.register_many(activity_id, [member_id], at)[0]

    def register_many(
        self,
        activity_id: str,
        member_ids: Sequence[str],
        at: datetime,
        *,
        check_eligibility: bool = True,
    ) -> list[Registered]:
        """
        Register members in the given order, in one transaction.

        Places go in order until the capacity is reached; the rest are waitlisted in
        the same order. One refused member stores nobody.

        Args:
            activity_id: The activity.
            member_ids: The members, first come first served.
            at: When they registered.
            check_eligibility: Apply the activity's eligibility rule (a bulk import of
                registrations already checked elsewhere may skip it).

        Returns:
            One outcome per member, in order.

        Raises:
            NotFound: No such activity or member.
            InvalidActivityData: A member is already registered, repeated, or not
                eligible; nothing is stored.
        """
        with self.store._write() as conn:
            stored = self._activity(conn, activity_id, lock=True)
            self.store._require_members(conn, set(member_ids))
            existing = dict(
                conn.execute(
                    select(registrations.c.member_id, registrations.c.status).where(
                        registrations.c.activity_id == activity_id
                    )
                ).all()
            )
            seen: set[str] = set()
            for mid in member_ids:
                status = existing.get(mid)
                if mid in seen or (status is not None and status != R.CANCELLED.value):
                    shown = R(status).label_en if status else "registered"
                    raise _fail(
                        f"{activity_id}/{mid}",
                        (f"member_id: already {shown} for this activity / 已报名，不能重复报名"),
                    )
                seen.add(mid)
            if check_eligibility and stored.eligibility is not None:
                ok = stored.eligibility.eligible(_people(conn), stored.activity.starts_on)
                for mid in member_ids:
                    if mid not in ok:
                        e = stored.eligibility
                        raise _fail(
                            f"{activity_id}/{mid}",
                            (
                                f"member_id: not eligible: {e.label_en or e.rule} / "
                                f"不符合报名条件：{e.label_zh or e.rule}"
                            ),
                        )
            taken = sum(1 for s in existing.values() if s == R.REGISTERED.value)
            waiting = sum(1 for s in existing.values() if s == R.WAITLISTED.value)
            seq = int(
                conn.execute(
                    select(func.coalesce(func.max(registrations.c.seq), 0)).where(
                        registrations.c.activity_id == activity_id
                    )
                ).scalar_one()
            )
            capacity = stored.activity.capacity
            outcomes: list[Registered] = []
            new_rows: list[dict[str, Any]] = []
            for mid in member_ids:
                seq += 1
                if capacity is None or taken < capacity:
                    taken += 1
                    outcome = Registered(mid, R.REGISTERED, None)
                else:
                    waiting += 1
                    outcome = Registered(mid, R.WAITLISTED, waiting)
                outcomes.append(outcome)
                row = {
                    "activity_id": activity_id,
                    "member_id": mid,
                    "seq": seq,
                    "status": outcome.status.value,
                    "registered_at": at,
                    "changed_at": at,
                    "attended": None,
                }
                if mid in existing:
                    conn.execute(
                        update(registrations)
                        .where(
                            registrations.c.activity_id == activity_id,
                            registrations.c.member_id == mid,
                        )
                        .values(row)
                    )
                else:
                    new_rows.append(row)
            if new_rows:
                conn.execute(insert(registrations), new_rows)
        return outcomes

    def cancel(self, activity_id: str, member_id: str, at: datetime) -> str | None:
        """
        Withdraw a registration; the first on the waitlist takes a freed place.

        Args:
            activity_id: The activity.
            member_id: The member withdrawing.
            at: When.

        Returns:
            The member promoted from the waitlist, or ``None``.

        Raises:
            NotFound: No such activity.
            InvalidActivityData: The member has no registration to cancel.
        """
        with self.store._write() as conn:
            self._activity(conn, activity_id, lock=True)
            row = conn.execute(
                select(registrations.c.status).where(
                    registrations.c.activity_id == activity_id,
                    registrations.c.member_id == member_id,
                )
            ).first()
            if row is None or row.status == R.CANCELLED.value:
                raise _fail(
                    f"{activity_id}/{member_id}",
                    ("member_id: not registered, nothing to cancel / 未报名，无法取消"),
                )
            conn.execute(
                update(registrations)
                .where(
                    registrations.c.activity_id == activity_id,
                    registrations.c.member_id == member_id,
                )
                .values(status=R.CANCELLED.value, changed_at=at, attended=None)
            )
            if row.status != R.REGISTERED.value:
                return None
            first = conn.execute(
                select(registrations.c.member_id)
                .where(
                    registrations.c.activity_id == activity_id,
                    registrations.c.status == R.WAITLISTED.value,
                )
                .order_by(registrations.c.seq)
                .limit(1)
            ).scalar()
            if first is None:
                return None
            conn.execute(
                update(registrations)
                .where(
                    registrations.c.activity_id == activity_id,
                    registrations.c.member_id == first,
                )
                .values(status=R.REGISTERED.value, changed_at=at)
            )
            return str(first)

    def registrations(self, activity_id: str) -> list[RegistrationRow]:
        """An activity's registrations in registration order (cancelled ones included)."""
        with self.store._read() as conn:
            self._activity(conn, activity_id)
            rows = conn.execute(
                select(
                    registrations.c.member_id,
                    registrations.c.seq,
                    registrations.c.status,
                    registrations.c.registered_at,
                    registrations.c.attended,
                )
                .where(registrations.c.activity_id == activity_id)
                .order_by(registrations.c.seq)
            ).all()
        return [
            RegistrationRow(r.member_id, r.seq, R(r.status), r.registered_at, r.attended)
            for r in rows
        ]

    def record_attendance(self, activity_id: str, attended: Mapping[str, bool]) -> int:
        """
        Record who took part (True) or did not (False); only registered members count.

        Args:
            activity_id: The activity.
            attended: Member id to whether they attended.

        Returns:
            How many registrations were updated.

        Raises:
            NotFound: No such activity.
            InvalidActivityData: A member holds no place (not registered, waitlisted or
                cancelled); nothing is stored.
        """
        with self.store._write() as conn:
            self._activity(conn, activity_id)
            status = dict(
                conn.execute(
                    select(registrations.c.member_id, registrations.c.status).where(
                        registrations.c.activity_id == activity_id,
                        registrations.c.member_id.in_(list(attended)),
                    )
                ).all()
            )
            for mid in attended:
                now = status.get(mid)
                if now != R.REGISTERED.value:
                    why = "not registered" if now is None else R(now).label_en
                    raise _fail(
                        f"{activity_id}/{mid}",
                        (
                            f"member_id: attendance for someone who holds no place ({why}) / "
                            f"该会员未取得报名名额，不能记录出勤"
                        ),
                    )
            for flag in (True, False):
                chosen = [m for m, v in attended.items() if bool(v) is flag]
                if chosen:
                    conn.execute(
                        update(registrations)
                        .where(
                            registrations.c.activity_id == activity_id,
                            registrations.c.member_id.in_(chosen),
                        )
                        .values(attended=flag)
                    )
        return len(attended)

    # --- Participation and group sizes ---

    def participation(
        self,
        activity_id: str,
        basis: ParticipationBasis | str = ParticipationBasis.ALL,
    ) -> Participation:
        """
        An activity's participation rate on the chosen basis.

        The numerator is the members who attended; with ``organiser`` only those who
        belong to the organising group (or a group directly under it) count, over
        that group's members; with ``eligible`` the denominator is the members the
        eligibility rule admits on the start date (all active members without a
        rule); with ``all`` it is every active union member.

        Raises:
            NotFound: No such activity.
            InvalidActivityData: ``organiser`` for an activity without an organising group.
        """
        chosen = ParticipationBasis(basis)
        with self.store._read() as conn:
            stored = self._activity(conn, activity_id)
            attended = set(
                conn.execute(
                    select(registrations.c.member_id).where(
                        registrations.c.activity_id == activity_id,
                        registrations.c.attended.is_(True),
                    )
                ).scalars()
            )
            if chosen is ParticipationBasis.ORGANISER:
                gid = stored.activity.organiser_group_id
                if gid is None:
                    raise _fail(
                        activity_id,
                        (
                            "basis: the activity has no organising group; use 'eligible' or "
                            "'all' / 该活动没有主办组织，请改用其他口径"
                        ),
                    )
                base = _group_members(conn, gid, stored.activity.starts_on)
            elif chosen is ParticipationBasis.ELIGIBLE and stored.eligibility is not None:
                base = stored.eligibility.eligible(_people(conn), stored.activity.starts_on)
            else:
                base = _active_members(conn)
        return Participation(len(attended & base), len(base), chosen)

    def group_member_counts(
        self,
        on: date,
        kinds: Sequence[GroupKind] = (GroupKind.ASSOCIATION, GroupKind.SMALL_HOME),
    ) -> list[GroupCount]:
        """
        Members of each association and small home on *on* (memberships holding that day).

        Returns:
            One count per group of the given kinds, by kind then group id.
        """
        m, g = memberships.c, groups.c
        held = and_(
            m.group_id == g.group_id,
            or_(m.since.is_(None), m.since <= on),
            or_(m.until.is_(None), m.until >= on),
        )
        query = (
            select(g.group_id, g.kind, g.name, func.count(func.distinct(m.member_id)))
            .select_from(groups.outerjoin(memberships, held))
            .where(g.kind.in_([k.value for k in kinds]))
            .group_by(g.group_id, g.kind, g.name)
            .order_by(g.kind, g.group_id)
        )
        with self.store._read() as conn:
            return [GroupCount(r[0], GroupKind(r[1]), r[2], int(r[3])) for r in conn.execute(query)]

    # --- Contests ---

    def add_contest(
        self,
        activity_id: str,
        events: Mapping[str, str],
        judges: Mapping[str, str],
    ) -> None:
        """
        Give a contest its events and its judges (ids to names).

        Raises:
            NotFound: No such activity.
            InvalidActivityData: The activity is not a contest, or an event or judge id
                is already stored; nothing is stored.
        """
        with self.store._write() as conn:
            stored = self._activity(conn, activity_id)
            if stored.activity.kind is not ActivityKind.SKILLS_CONTEST:
                raise _fail(
                    activity_id,
                    "kind: only a contest has events and judges / 只有竞赛类活动可设比赛项目和评委",
                )
            try:
                if events:
                    conn.execute(
                        insert(contest_events),
                        [
                            {"activity_id": activity_id, "event_id": k, "name": v}
                            for k, v in events.items()
                        ],
                    )
                if judges:
                    conn.execute(
                        insert(contest_judges),
                        [
                            {"activity_id": activity_id, "judge_id": k, "name": v}
                            for k, v in judges.items()
                        ],
                    )
            except IntegrityError as exc:
                raise _fail(
                    activity_id, "event_id/judge_id: already stored / 比赛项目或评委已存在"
                ) from exc

    def enter(self, activity_id: str, event_id: str, member_ids: Sequence[str]) -> int:
        """
        Enter registered members into one event of a contest.

        Raises:
            NotFound: No such activity or event.
            InvalidActivityData: A member holds no place in the contest, or is already
                entered in the event; nothing is stored.
        """
        with self.store._write() as conn:
            self._require_event(conn, activity_id, event_id)
            placed = set(
                conn.execute(
                    select(registrations.c.member_id).where(
                        registrations.c.activity_id == activity_id,
                        registrations.c.status == R.REGISTERED.value,
                        registrations.c.member_id.in_(list(member_ids)),
                    )
                ).scalars()
            )
            entered = set(
                conn.execute(
                    select(contest_entries.c.member_id).where(
                        contest_entries.c.activity_id == activity_id,
                        contest_entries.c.event_id == event_id,
                    )
                ).scalars()
            )
            seen: set[str] = set()
            for mid in member_ids:
                if mid not in placed:
                    raise _fail(
                        f"{activity_id}/{event_id}/{mid}",
                        ("member_id: not registered for the contest / 未报名该竞赛，不能参赛"),
                    )
                if mid in entered or mid in seen:
                    raise _fail(
                        f"{activity_id}/{event_id}/{mid}",
                        ("member_id: already entered in this event / 已报名该项目"),
                    )
                seen.add(mid)
            if member_ids:
                conn.execute(
                    insert(contest_entries),
                    [
                        {"activity_id": activity_id, "event_id": event_id, "member_id": mid}
                        for mid in member_ids
                    ],
                )
        return len(member_ids)

    def record_scores(
        self,
        activity_id: str,
        scores: Iterable[tuple[str, str, str, Decimal | str]],
    ) -> int:
        """
        Record judges' scores: ``(event_id, member_id, judge_id, score)`` each.

        A score is a number from 0 to 1000 with at most two decimals.

        Raises:
            NotFound: No such activity.
            InvalidActivityData: An unknown judge or event, a member not entered in the
                event, a repeated score or a score out of range; nothing is stored.
        """
        given = list(scores)
        with self.store._write() as conn:
            self._activity(conn, activity_id)
            judges = set(
                conn.execute(
                    select(contest_judges.c.judge_id).where(
                        contest_judges.c.activity_id == activity_id
                    )
                ).scalars()
            )
            entries = set(
                conn.execute(
                    select(contest_entries.c.event_id, contest_entries.c.member_id).where(
                        contest_entries.c.activity_id == activity_id
                    )
                ).all()
            )
            done: set[tuple[str, str, str]] = set(
                conn.execute(
                    select(
                        contest_scores.c.event_id,
                        contest_scores.c.member_id,
                        contest_scores.c.judge_id,
                    ).where(contest_scores.c.activity_id == activity_id)
                ).all()
            )
            rows = []
            for event_id, mid, judge, raw in given:
                where = f"{activity_id}/{event_id}/{mid}/{judge}"
                if judge not in judges:
                    raise _fail(
                        where, f"judge_id: unknown judge {judge!r} for this contest / 未登记的评委"
                    )
                if (event_id, mid) not in entries:
                    raise _fail(where, "member_id: not entered in this event / 未报名该项目")
                if (event_id, mid, judge) in done:
                    raise _fail(
                        where,
                        "score: this judge already scored this entrant / 该评委已为该选手评分",
                    )
                done.add((event_id, mid, judge))
                rows.append(
                    {
                        "activity_id": activity_id,
                        "event_id": event_id,
                        "member_id": mid,
                        "judge_id": judge,
                        "score_centi": _centi(where, raw),
                    }
                )
            if rows:
                conn.execute(insert(contest_scores), rows)
        return len(rows)

    def ranking(
        self,
        activity_id: str,
        event_id: str,
        *,
        method: RankingMethod | str = RankingMethod.COMPETITION,
        drop_extremes: bool = False,
    ) -> list[Placing]:
        """
        Rank an event's scored entrants (see :func:`unionkit.activities.rank`).

        Raises:
            NotFound: No such activity or event.
            ValueError: *drop_extremes* with an entrant scored by fewer than 3 judges.
        """
        with self.store._read() as conn:
            self._require_event(conn, activity_id, event_id)
            rows = conn.execute(
                select(contest_scores.c.member_id, contest_scores.c.score_centi).where(
                    contest_scores.c.activity_id == activity_id,
                    contest_scores.c.event_id == event_id,
                )
            ).all()
        by_member: dict[str, list[Decimal]] = defaultdict(list)
        for mid, centi in rows:
            by_member[mid].append(Decimal(centi) / 100)
        return rank(event_id, by_member, method=RankingMethod(method), drop_extremes=drop_extremes)

    def contest_events(self, activity_id: str) -> dict[str, str]:
        """A contest's events, id to name."""
        with self.store._read() as conn:
            return dict(
                conn.execute(
                    select(contest_events.c.event_id, contest_events.c.name)
                    .where(contest_events.c.activity_id == activity_id)
                    .order_by(contest_events.c.event_id)
                ).all()
            )

    def propose_awards(
        self,
        activity_id: str,
        *,
        top: int,
        amount: Decimal,
        benefit_id: str,
        granted_on: date,
        method: RankingMethod | str = RankingMethod.COMPETITION,
        drop_extremes: bool = False,
    ) -> list[ProposedGrant]:
        """
        The contest's top-*top* entrants across its events, as proposed grants.

        See :func:`unionkit.activities.propose_awards`; book them with
        :meth:`book_awards` so that the ledger's spending checks apply.
        """
        placings = [
            p
            for event_id in self.contest_events(activity_id)
            for p in self.ranking(activity_id, event_id, method=method, drop_extremes=drop_extremes)
        ]
        return propose_awards(
            placings,
            top=top,
            amount=amount,
            benefit_id=benefit_id,
            granted_on=granted_on,
            activity_id=activity_id,
        )

    def book_awards(
        self,
        proposals: Sequence[ProposedGrant],
        *,
        proposer: str,
        rules: Parameters | None = None,
    ) -> list[GrantOutcome]:
        """
        Book proposed awards through the grants ledger, as cash grants.

        The ledger's spending rules and the branch's plugins (the store's grant
        validator) check every award; each award's id is its idempotency key, so
        booking the same awards again stores nothing new. The awards' benefit must be
        defined in the store (``define_benefits``).

        Args:
            proposals: The awards (see :meth:`propose_awards`).
            proposer: Who proposes them (may not approve them).
            rules: The spending rules; the ledger's defaults otherwise.

        Returns:
            One ledger outcome per award (``refused`` when a spending rule said no).

        Raises:
            Rejected: A branch plugin vetoed an award; nothing is stored.
            InvalidGrantData: An unknown member or benefit; nothing is stored.
        """
        requests = [
            GrantRequest(
                p.member_id,
                p.benefit_id,
                p.amount,
                p.granted_on,
                p.reason,
                form=GrantForm.CASH,
                idempotency_key=p.grant_id,
            )
            for p in proposals
        ]
        return propose_grants(self.store, requests, proposer=proposer, rules=rules)

    def _require_event(self, conn: Connection, activity_id: str, event_id: str) -> None:
        self._activity(conn, activity_id)
        if (
            conn.execute(
                select(contest_events.c.event_id).where(
                    contest_events.c.activity_id == activity_id,
                    contest_events.c.event_id == event_id,
                )
            ).first()
            is None
        ):
            raise NotFound(
                f"event {event_id!r} of contest {activity_id!r} not found / 找不到该比赛项目"
            )


def _stored(row: Any) -> StoredActivity:
    activity = Activity(
        activity_id=row.activity_id,
        kind=row.kind,
        title=row.title,
        organiser_group_id=row.organiser_group_id,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        capacity=row.capacity,
    )
    rule = None
    if row.eligibility_rule:
        rule = Eligibility(row.eligibility_rule, row.eligibility_zh or "", row.eligibility_en or "")
    return StoredActivity(activity, OrganiserKind(row.organiser_kind), rule)


def _centi(where: str, raw: Decimal | str) -> int:
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise _fail(where, f"score: {raw!r} is not a number / 评分不是数字") from None
    centi = value * 100
    if (
        not value.is_finite()
        or centi != centi.to_integral_value()
        or not (0 <= value <= _MAX_SCORE)
    ):
        raise _fail(
            where,
            f"score: {raw} must be 0 to {_MAX_SCORE} with at most two "
            f"decimals / 评分须在0至{_MAX_SCORE}之间且至多两位小数",
        )
    return int(centi)


def _people(conn: Connection) -> list[Member]:
    """Every stored person (members and relatives), without ID or phone numbers."""
    out = []
    for mid, name, record in conn.execute(
        select(members.c.member_id, members.c.name, members.c.record).where(
            ~members.c.deleted, ~members.c.anonymised
        )
    ):
        data = json.loads(record)
        data.update(member_id=mid, name=name or "-")
        out.append(Member.model_validate(data))
    return out


def _active(column: Any) -> Any:
    """Active union members (not relatives): the "all members" participation basis."""
    return select(column).where(
        ~members.c.deleted, members.c.status == "active", ~members.c.record.like(_RELATIVE)
    )


def _active_members(conn: Connection) -> set[str]:
    return set(conn.execute(_active(members.c.member_id)).scalars())


def _active_member_count(conn: Connection) -> int:
    """How many :func:`_active_members` there are, counted by the database."""
    return int(conn.execute(_active(func.count())).scalar_one())


def _group_members(conn: Connection, group_id: str, on: date) -> set[str]:
    m = memberships.c
    inside = select(groups.c.group_id).where(
        or_(groups.c.group_id == group_id, groups.c.parent_id == group_id)
    )
    return set(
        conn.execute(
            select(m.member_id).where(
                m.group_id.in_(inside),
                or_(m.since.is_(None), m.since <= on),
                or_(m.until.is_(None), m.until >= on),
            )
        ).scalars()
    )
