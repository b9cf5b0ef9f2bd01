"""The closed loop of a demand: the transition table and the rules each action follows."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import TypedDict, TypeVar
from zoneinfo import ZoneInfo

from attrs import define, field, frozen
from pydantic import ValidationError
from typing_extensions import Unpack

from unionkit.calendar import Deadline, WorkCalendar, WorkdayCalendar
from unionkit.demands._policy import DeadlinePolicy
from unionkit.errors import IllegalTransition, InvalidDemandData
from unionkit.models.demand import (
    Demand,
    DemandAction,
    DemandEvent,
    DemandKind,
    DemandState,
    Satisfaction,
)
from unionkit.models.ids import scrub

__all__ = [
    "CHINA_TZ",
    "OPEN_STATES",
    "TRANSITIONS",
    "WORKING_STATES",
    "ActionData",
    "Notifier",
    "Router",
    "Transition",
    "Workflow",
    "local_now",
]

logger = logging.getLogger("unionkit.demands")

_M = TypeVar("_M", Demand, DemandEvent)

CHINA_TZ = ZoneInfo("Asia/Shanghai")
"""Demand times are China Standard Time wall-clock times, stored without a zone."""

S = DemandState
A = DemandAction

OPEN_STATES: frozenset[DemandState] = frozenset(
    {S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.RESOLVED}
)
"""States in which the loop is not yet closed; escalation is possible in any of them."""

WORKING_STATES: frozenset[DemandState] = frozenset({S.ACCEPTED, S.IN_PROGRESS})
"""States in which the deadline runs: a demand here past its deadline is overdue."""

TRANSITIONS: Mapping[DemandAction, Mapping[DemandState, DemandState]] = {
    A.ACCEPT: {S.SUBMITTED: S.ACCEPTED},
    A.START: {S.ACCEPTED: S.IN_PROGRESS},
    A.RESOLVE: {S.ACCEPTED: S.RESOLVED, S.IN_PROGRESS: S.RESOLVED},
    # An "unsatisfied" rating turns FEEDBACK into REOPEN (see Workflow.apply).
    A.FEEDBACK: {S.RESOLVED: S.CLOSED},
    A.CLOSE: {S.RESOLVED: S.CLOSED},
    A.REJECT: {S.SUBMITTED: S.REJECTED, S.ACCEPTED: S.REJECTED},
    A.ESCALATE: {s: s for s in OPEN_STATES},
    A.MERGE: {S.SUBMITTED: S.MERGED, S.ACCEPTED: S.MERGED, S.IN_PROGRESS: S.MERGED},
    A.REOPEN: {S.RESOLVED: S.IN_PROGRESS, S.CLOSED: S.IN_PROGRESS},
    A.NOTE: {s: s for s in DemandState},
}
"""For each action, the states it may start from and the state it leads to.

``SUBMIT`` is absent: it creates a demand (:meth:`Workflow.submit`)."""

Router = Callable[[Demand], "str | None"]
"""Return the department for an accepted demand's category, or ``None`` if unknown."""

Notifier = Callable[[Demand, DemandEvent], None]
"""Called after a transition is committed; what it raises is logged, never undone."""


class ActionData(TypedDict, total=False):
    """
    The details an action may carry; which ones each action needs is in the guide.

    .. versionadded:: 0.1.0
    """

    category: str
    department: str
    deadline: date
    estimate: bool
    answer: str
    satisfaction: Satisfaction | str
    reason: str
    into: str


@frozen
class Transition:
    """
    The result of one action: the demand as it is now and the history row that says why.

    .. versionadded:: 0.1.0
    """

    demand: Demand
    event: DemandEvent


def local_now() -> datetime:
    """The current China Standard Time, without a zone (how demand times are kept)."""
    return datetime.now(CHINA_TZ).replace(tzinfo=None, microsecond=0)


def _local(at: datetime | None) -> datetime:
    if at is None:
        return local_now()
    if at.tzinfo is not None:
        return at.astimezone(CHINA_TZ).replace(tzinfo=None)
    return at


def _no_router(demand: Demand) -> str | None:
    return None


def _no_notifier(demand: Demand, event: DemandEvent) -> None:
    return None


@frozen
class Workflow:
    """
    The demand lifecycle with its extension points.

    Args:
        policy: Working days per category.
        calendar: The working-day calendar deadlines are counted on.
        router: Picks a department when a demand is accepted without one.
        notify: Called after each committed transition; failures are logged
            (masked) and do not undo the transition.

    The plugins layer builds a ``Workflow`` from a branch's hooks (routing,
    notification, deadline policy, extra calendar years); unionkit itself never
    calls pluggy here.

    .. versionadded:: 0.1.0
    """

    policy: DeadlinePolicy = field(factory=DeadlinePolicy)
    calendar: WorkdayCalendar = field(factory=WorkCalendar.default)
    router: Router = _no_router
    notify: Notifier = _no_notifier

    def submit(
        self,
        *,
        demand_id: str,
        member_id: str,
        kind: DemandKind | str,
        title: str,
        content: str,
        actor: str | None = None,
        at: datetime | None = None,
        category: str | None = None,
        co_signers: Sequence[str] = (),
        note: str | None = None,
    ) -> Transition:
        """
        Create a demand in state ``submitted`` with its first history row.

        Args:
            demand_id: The new demand's id.
            member_id: Who brings it.
            kind: Request, suggestion or congress proposal.
            title: A short title.
            content: What is asked, up to ``MAX_TEXT`` characters.
            actor: Who records it (the member by default).
            at: When; now (China time) by default.
            category: A category, if already known.
            co_signers: For a congress proposal, at least two other members.
            note: A note for the history row.

        Raises:
            InvalidDemandData: A field is missing, too long or inconsistent.
        """
        when = _local(at)
        demand = _validated(
            demand_id or "new demand",
            Demand,
            {
                "demand_id": demand_id,
                "member_id": member_id,
                "kind": kind,
                "title": title,
                "content": content,
                "category": category,
                "co_signers": tuple(co_signers),
                "submitted_at": when,
            },
        )
        event = _event(
            demand,
            A.SUBMIT,
            from_state=None,
            actor=actor or member_id,
            when=when,
            note=note,
            details={},
        )
        return Transition(demand, event)

    def apply(
        self,
        demand: Demand,
        action: DemandAction | str,
        *,
        actor: str,
        at: datetime | None = None,
        note: str | None = None,
        **data: Unpack[ActionData],
    ) -> Transition:
        """
        Apply *action* to *demand* and return the changed demand and its history row.

        This is pure: nothing is stored. :meth:`unionkit.store.Store.transition` calls
        it inside a transaction.

        Args:
            demand: The demand as currently stored.
            action: What to do (a :class:`DemandAction` or its value).
            actor: Who does it.
            at: When; now (China time) by default.
            note: Free text for the history row.
            **data: The action's details (:class:`ActionData`).

        Returns:
            The demand with ``version`` one higher, and the event with that ``seq``.

        Raises:
            IllegalTransition: The demand's state does not allow the action.
            InvalidDemandData: A detail the action needs is missing or invalid.
            CalendarDataMissing: The deadline crosses a year without holiday data and
                ``estimate`` was not set.
        """
        record = demand.demand_id
        act = _parse_action(record, action)
        if act is A.FEEDBACK and _rating(record, data) is Satisfaction.UNSATISFIED:
            act = A.REOPEN
        targets = TRANSITIONS.get(act, {})
        if demand.state not in targets:
            raise _illegal(demand, act)
        if act is A.NOTE and not _text(note):
            raise InvalidDemandData(record, ["note: required for a note / 备注内容不能为空"])
        when = _local(at)
        to_state = targets[demand.state]
        changes: dict[str, object] = {"state": to_state, "version": demand.version + 1}
        details: dict[str, str] = {}
        handler = _HANDLERS.get(act)
        if handler is not None:
            handler(_Step(self, demand, when, data, changes, details))
        new = _validated(record, Demand, {**demand.model_dump(), **changes})
        return Transition(
            new,
            _event(
                new,
                act,
                from_state=demand.state,
                actor=actor,
                when=when,
                note=note,
                details=details,
            ),
        )

    def notified(self, transition: Transition) -> None:
        """
        Run the notifier for a committed transition; log and swallow what it raises.

        A notifier is outside the transaction: the transition is already stored,
        so a failing notifier must not look like a failed transition.
        """
        try:
            self.notify(transition.demand, transition.event)
        except Exception as exc:  # any notifier failure is logged, by design (see docstring)
            logger.warning(
                "notifier failed after %s of demand %s / 通知失败: %s: %s",
                transition.event.action.value,
                transition.demand.demand_id,
                type(exc).__name__,
                scrub(str(exc)),
            )

    def deadline_for(self, category: str, accepted: date, *, estimate: bool = False) -> Deadline:
        """The deadline of a demand of *category* accepted on *accepted*."""
        return self.calendar.add_workdays(
            accepted, self.policy.days_for(category), estimate=estimate
        )


@define
class _Step:
    """One action in the making: its inputs and the changes and details it builds up."""

    flow: Workflow
    demand: Demand
    when: datetime
    data: ActionData
    changes: dict[str, object]
    details: dict[str, str]


Handler = Callable[[_Step], None]


def _accept(step: _Step) -> None:
    demand, data = step.demand, step.data
    record = demand.demand_id
    category = _text(data.get("category")) or demand.category
    if not category:
        raise InvalidDemandData(
            record, ["category: required to accept a demand / 受理诉求须指定类别"]
        )
    department = _text(data.get("department"))
    if department is None:
        department = step.flow.router(demand.model_copy(update={"category": category}))
    if not department:
        raise InvalidDemandData(
            record,
            [
                f"department: none given and no route for category {category!r} / "
                f"未指定承办部门，且类别无对应部门"
            ],
        )
    explicit = data.get("deadline")
    if explicit is not None:
        if not isinstance(explicit, date) or explicit < step.when.date():
            raise InvalidDemandData(
                record, ["deadline: must be a date on or after acceptance / 时限不能早于受理日"]
            )
        deadline = Deadline(explicit, estimated=False)
    else:
        deadline = step.flow.deadline_for(
            category, step.when.date(), estimate=bool(data.get("estimate", False))
        )
    step.changes.update(
        category=category,
        department=department,
        deadline=deadline.date,
        deadline_estimated=deadline.estimated,
    )
    step.details.update(
        category=category,
        department=department,
        deadline=deadline.date.isoformat(),
        deadline_estimated="true" if deadline.estimated else "false",
    )


def _resolve(step: _Step) -> None:
    answer = _required(step.demand.demand_id, step.data, "answer", "答复内容")
    step.changes.update(answer=answer, resolved_at=step.when)
    step.details["answer"] = answer


def _feedback(step: _Step) -> None:
    rating = _rating(step.demand.demand_id, step.data)
    if rating is None:
        raise InvalidDemandData(
            step.demand.demand_id, ["satisfaction: required for feedback / 评价须给出满意度"]
        )
    step.changes.update(satisfaction=rating, closed_at=step.when)
    step.details["satisfaction"] = rating.value


def _close(step: _Step) -> None:
    step.changes["closed_at"] = step.when


def _reject(step: _Step) -> None:
    reason = _required(step.demand.demand_id, step.data, "reason", "不予立案理由")
    step.changes["rejection_reason"] = reason
    step.details["reason"] = reason


def _escalate(step: _Step) -> None:
    if step.demand.key_supervision:
        raise _illegal(
            step.demand, A.ESCALATE, "it is already under key supervision / 已列为重点督办"
        )
    step.changes["key_supervision"] = True


def _merge(step: _Step) -> None:
    record = step.demand.demand_id
    into = _required(record, step.data, "into", "合并目标诉求")
    if into == record:
        raise InvalidDemandData(
            record, ["into: a demand cannot be merged into itself / 不能合并到自身"]
        )
    step.changes["merged_into"] = into
    step.details["into"] = into


def _reopen(step: _Step) -> None:
    rating = _rating(step.demand.demand_id, step.data)
    step.changes.update(
        reopened_count=step.demand.reopened_count + 1, resolved_at=None, closed_at=None
    )
    if rating is not None:
        step.changes["satisfaction"] = rating
        step.details["satisfaction"] = rating.value


_HANDLERS: Mapping[DemandAction, Handler] = {
    A.ACCEPT: _accept,
    A.RESOLVE: _resolve,
    A.FEEDBACK: _feedback,
    A.CLOSE: _close,
    A.REJECT: _reject,
    A.ESCALATE: _escalate,
    A.MERGE: _merge,
    A.REOPEN: _reopen,
}


def _parse_action(record: str, action: DemandAction | str) -> DemandAction:
    try:
        return DemandAction(action)
    except ValueError:
        raise InvalidDemandData(record, [f"action: unknown action {action!r} / 未知操作"]) from None


def _rating(record: str, data: ActionData) -> Satisfaction | None:
    raw = data.get("satisfaction")
    if raw is None:
        return None
    try:
        return Satisfaction(raw)
    except ValueError:
        raise InvalidDemandData(
            record,
            [
                f"satisfaction: unknown grade {raw!r}; use one of "
                f"{', '.join(s.value for s in Satisfaction)} / 满意度等级无效"
            ],
        ) from None


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _required(record: str, data: ActionData, key: str, zh: str) -> str:
    value = _text(data.get(key))
    if value is None:
        raise InvalidDemandData(record, [f"{key}: required / 缺少{zh}"])
    return value


def _illegal(demand: Demand, action: DemandAction, why: str | None = None) -> IllegalTransition:
    state = demand.state
    reason = why or (
        f"{action.label_en!r} is not allowed in state {state.label_en!r} / "
        f"“{state.label_zh}”状态下不能“{action.label_zh}”"
    )
    return IllegalTransition(
        demand.demand_id,
        state.value,
        action.value,
        f"Demand {demand.demand_id!r} (state {state.value}) cannot {action.value}: {reason}",
    )


def _event(
    demand: Demand,
    action: DemandAction,
    *,
    from_state: DemandState | None,
    actor: str,
    when: datetime,
    note: str | None,
    details: dict[str, str],
) -> DemandEvent:
    return _validated(
        demand.demand_id,
        DemandEvent,
        {
            "demand_id": demand.demand_id,
            "seq": demand.version,
            "action": action,
            "from_state": from_state,
            "to_state": demand.state,
            "actor": actor,
            "at": when,
            "note": note,
            "data": details,
        },
    )


_FREE_TEXT = frozenset({"title", "content", "answer", "rejection_reason", "note"})


def _masked_texts(values: dict[str, object]) -> dict[str, object]:
    # Free text is stored with ID and phone numbers masked: a member's numbers live,
    # encrypted, in their member record, not in demand texts anyone handling it reads.
    out = {k: scrub(v) if k in _FREE_TEXT and isinstance(v, str) else v for k, v in values.items()}
    data = out.get("data")
    if isinstance(data, dict):
        out["data"] = {k: scrub(v) if isinstance(v, str) else v for k, v in data.items()}
    return out


def _validated(record: str, model: type[_M], values: dict[str, object]) -> _M:
    try:
        return model.model_validate(_masked_texts(values))
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in err['loc']) or 'demand'}: {err['msg']}"
            for err in exc.errors(include_input=False)
        ]
        raise InvalidDemandData(record, problems) from exc
