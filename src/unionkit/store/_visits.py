"""Visit tasks in the store: planned once, assigned, done with a note, paid via the ledger."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update

from unionkit.benefits.festivals import festival_date
from unionkit.care.visits import VisitKind, VisitStatus, VisitTask, _visit_id, birthday_on
from unionkit.errors import InvalidGrantData, NotFound, Rejected
from unionkit.models.benefit import Festival, Relation
from unionkit.models.member import MemberStatus
from unionkit.rules.parameters import Parameters
from unionkit.store._ledger import GrantRequest, propose_grants
from unionkit.store._money_schema import hardship_files, visits
from unionkit.store._schema import members
from unionkit.store._store import Store

__all__ = [
    "add_visits",
    "assign_visit",
    "complete_visit",
    "list_visits",
    "plan_birthdays",
    "plan_hardship_visits",
]


def _row(task: VisitTask) -> dict[str, Any]:
    data: dict[str, Any] = task.model_dump(mode="python")
    for key in ("kind", "status", "relation"):
        value = data[key]
        data[key] = value.value if value is not None else None
    return data


def add_visits(store: Store, tasks: Iterable[VisitTask]) -> list[VisitTask]:
    """
    Store visit tasks; a task whose source key is already stored is skipped.

    Returns:
        The tasks this call stored.

    Raises:
        NotFound: A member does not exist; nothing is stored.

    .. versionadded:: 0.2.0
    """
    given = list(tasks)
    if not given:
        return []
    with store._write() as conn:
        store._require_members(conn, {t.member_id for t in given})
        keys = [t.source_key for t in given if t.source_key]
        taken = (
            set(
                conn.execute(
                    select(visits.c.source_key).where(visits.c.source_key.in_(keys))
                ).scalars()
            )
            if keys
            else set()
        )
        ids = set(
            conn.execute(
                select(visits.c.visit_id).where(visits.c.visit_id.in_([t.visit_id for t in given]))
            ).scalars()
        )
        fresh: list[VisitTask] = []
        seen: set[str] = set()
        for t in given:
            if t.source_key in taken or t.visit_id in ids or t.visit_id in seen:
                continue
            seen.add(t.visit_id)
            fresh.append(t)
        if fresh:
            conn.execute(insert(visits), [_row(t) for t in fresh])
    return fresh


def plan_birthdays(
    store: Store, month: date, *, lunar: bool = False, reason: str = "生日慰问 / birthday"
) -> list[VisitTask]:
    """
    Make a birthday visit task for every active member whose birthday falls in *month*.

    Args:
        store: The store.
        month: Any day of the month planned.
        lunar: Go by the lunar birthday (the same lunar month and day each year).
        reason: The tasks' reason.

    Returns:
        The tasks stored now (those planned before are not made again).

    .. versionadded:: 0.2.0
    """
    with store._read() as conn:
        rows = conn.execute(
            select(members.c.member_id, members.c.record).where(
                ~members.c.deleted, members.c.status == MemberStatus.ACTIVE.value
            )
        ).all()
    tasks = []
    for member_id, record in rows:
        born = json.loads(record).get("birth_date")
        if not born:
            continue
        day = birthday_on(date.fromisoformat(born), month.year, lunar=lunar)
        if day is None or (day.year, day.month) != (month.year, month.month):
            continue
        key = f"birthday|{'lunar' if lunar else 'solar'}|{member_id}|{month:%Y-%m}"
        tasks.append(
            VisitTask(
                visit_id=_visit_id(key),
                member_id=member_id,
                kind=VisitKind.BIRTHDAY,
                due_on=day,
                reason=reason,
                relation=Relation.SELF,
                source_key=key,
            )
        )
    return add_visits(store, tasks)


def plan_hardship_visits(store: Store, festival: Festival, year: int) -> list[VisitTask]:
    """
    Make a holiday visit task for every member with a hardship file on record.

    Each task is due on the festival's date that year (lunar festivals by the lunar
    calendar); planning the same festival again makes no second task.

    .. versionadded:: 0.2.0
    """
    day = festival_date(festival, year)
    with store._read() as conn:
        ids = sorted(
            set(
                conn.execute(
                    select(hardship_files.c.member_id).where(hardship_files.c.state != "left")
                ).scalars()
            )
        )
    tasks = []
    for member_id in ids:
        key = f"hardship|{festival.value}|{year}|{member_id}"
        tasks.append(
            VisitTask(
                visit_id=_visit_id(key),
                member_id=member_id,
                kind=VisitKind.HARDSHIP_HOLIDAY,
                due_on=day,
                reason=f"{festival.label_zh}走访困难家庭 / {festival.label_en} visit",
                source_key=key,
            )
        )
    return add_visits(store, tasks)


def _get(conn: Any, visit_id: str) -> VisitTask:
    row = conn.execute(select(visits).where(visits.c.visit_id == visit_id)).first()
    if row is None:
        raise NotFound(f"visit {visit_id!r} not found / 找不到该走访任务")
    return VisitTask.model_validate(row._asdict())


def assign_visit(store: Store, visit_id: str, assignee: str) -> VisitTask:
    """
    Assign a visit to a person.

    Raises:
        NotFound: No such visit.

    .. versionadded:: 0.2.0
    """
    with store._write() as conn:
        _get(conn, visit_id)
        conn.execute(update(visits).where(visits.c.visit_id == visit_id).values(assignee=assignee))
        return _get(conn, visit_id)


def complete_visit(
    store: Store,
    visit_id: str,
    *,
    on: date,
    note: str,
    by: str,
    amount: Decimal | str | None = None,
    benefit_id: str | None = None,
    rules: Parameters | None = None,
) -> VisitTask:
    """
    Mark a visit done with its date and note; money given at it goes through the ledger.

    With *amount* and *benefit_id*, the money is proposed as a grant for the visit's
    event under the spending rules first; a refusal leaves the visit open and stores
    nothing.

    Raises:
        NotFound: No such visit.
        InvalidGrantData: The visit is already done, or the grant request is invalid.
        Rejected: The spending rules refuse the money (the findings are in the message).

    .. versionadded:: 0.2.0
    """
    with store._read() as conn:
        task = _get(conn, visit_id)
    if task.status is VisitStatus.DONE:
        raise InvalidGrantData(f"visit {visit_id!r}", ["status: already done / 已走访"])
    grant_id = None
    if amount is not None:
        if benefit_id is None:
            raise InvalidGrantData(
                f"visit {visit_id!r}",
                ["benefit_id: money given at a visit needs its benefit / 慰问金须指明福利项目"],
            )
        (out,) = propose_grants(
            store,
            [
                GrantRequest(
                    member_id=task.member_id,
                    benefit_id=benefit_id,
                    amount=amount,
                    on=on,
                    reason=task.reason,
                    relation=task.relation or Relation.SELF,
                    event_key=task.source_key or visit_id,
                )
            ],
            proposer=by,
            rules=rules,
        )
        if out.grant is None:
            reasons = (
                "; ".join(f.message_en for f in out.verdict.refusals) if out.verdict else "refused"
            )
            raise Rejected(
                f"the money for visit {visit_id!r} was refused: {reasons}; the visit "
                f"stays open and nothing was stored / 慰问金不符合规定，未保存"
            )
        grant_id = out.grant.grant_id
    with store._write() as conn:
        changed = conn.execute(
            update(visits)
            .where(visits.c.visit_id == visit_id, visits.c.status == VisitStatus.OPEN.value)
            .values(
                status=VisitStatus.DONE.value,
                done_on=on,
                note=note,
                assignee=task.assignee or by,
                grant_id=grant_id,
            )
        )
        if changed.rowcount != 1:
            raise InvalidGrantData(f"visit {visit_id!r}", ["status: already done / 已走访"])
        return _get(conn, visit_id)


def list_visits(
    store: Store,
    *,
    status: VisitStatus | str | None = None,
    assignee: str | None = None,
    due_by: date | None = None,
    kinds: Sequence[VisitKind] = (),
) -> list[VisitTask]:
    """Visit tasks by due date, filtered. .. versionadded:: 0.2.0"""
    query = select(visits)
    if status is not None:
        query = query.where(visits.c.status == VisitStatus(status).value)
    if assignee is not None:
        query = query.where(visits.c.assignee == assignee)
    if due_by is not None:
        query = query.where(visits.c.due_on <= due_by)
    if kinds:
        query = query.where(visits.c.kind.in_([k.value for k in kinds]))
    with store._read() as conn:
        return [
            VisitTask.model_validate(r._asdict())
            for r in conn.execute(query.order_by(visits.c.due_on, visits.c.visit_id))
        ]
