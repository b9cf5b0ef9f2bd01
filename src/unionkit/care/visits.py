"""Care visits as records: what a visit task is, and which tasks a month's events call for."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from unionkit.care.proposals import CareProposal
from unionkit.care.triggers import CareAction
from unionkit.models.base import LabelledEnum, UnionModel, labelled
from unionkit.models.benefit import BenefitKind, Relation

__all__ = [
    "VisitKind",
    "VisitStatus",
    "VisitTask",
    "birthday_on",
    "tasks_from_proposals",
]


class VisitKind(LabelledEnum):
    """Why a visit is made (必访事项)."""

    BIRTHDAY = "birthday", "生日慰问", "birthday"
    ILLNESS = "illness", "患病慰问", "illness"
    HOSPITAL = "hospital", "住院慰问", "hospital stay"
    BEREAVEMENT = "bereavement", "丧葬慰问", "bereavement"
    AID_MISSION = "aid_mission", "援派慰问", "aid mission"
    HARDSHIP_HOLIDAY = "hardship_holiday", "节日走访困难家庭", "holiday visit to a hardship family"
    OTHER = "other", "其他走访", "other visit"


class VisitStatus(LabelledEnum):
    """Whether a visit has been made."""

    OPEN = "open", "待走访", "open"
    DONE = "done", "已走访", "done"


_BY_BENEFIT = {
    BenefitKind.BIRTHDAY: VisitKind.BIRTHDAY,
    BenefitKind.ILLNESS_VISIT: VisitKind.ILLNESS,
    BenefitKind.HOSPITAL_VISIT: VisitKind.HOSPITAL,
    BenefitKind.HOSPITALISATION_SUBSIDY: VisitKind.HOSPITAL,
    BenefitKind.CONDOLENCE: VisitKind.BEREAVEMENT,
    BenefitKind.HARDSHIP_AID: VisitKind.HARDSHIP_HOLIDAY,
}


class VisitTask(UnionModel):
    """
    One visit to make: to whom, why, by when, by whom; done with a date and a note.

    ``source_key`` names what called for it (trigger × member × period), so planning
    the same month twice makes no second task.

    .. versionadded:: 0.2.0
    """

    visit_id: str = labelled("走访编号", "visit id", min_length=1, max_length=64)
    member_id: str = labelled("人员编号", "member id", min_length=1, max_length=32)
    kind: VisitKind = labelled("走访事由类别", "kind")
    due_on: date = labelled("应访日期", "due on")
    reason: str = labelled("事由", "reason", min_length=1, max_length=500)
    relation: Relation | None = labelled("慰问对象", "for whom", default=None)
    assignee: str | None = labelled("走访人", "assigned to", default=None, max_length=64)
    status: VisitStatus = labelled("状态", "status", default=VisitStatus.OPEN)
    done_on: date | None = labelled("走访日期", "done on", default=None)
    note: str | None = labelled("走访记录", "note", default=None, max_length=2000)
    grant_id: str | None = labelled("慰问金发放编号", "grant paid with it", default=None)
    source_key: str | None = labelled("来源", "what called for it", default=None, max_length=200)


def _visit_id(source_key: str) -> str:
    import hashlib

    return "V" + hashlib.sha256(source_key.encode("utf-8")).hexdigest()[:16]


def tasks_from_proposals(proposals: Iterable[CareProposal], on: date) -> list[VisitTask]:
    """
    The visit tasks a month's care proposals call for (visits, and visits with payment).

    A payment-only proposal makes no task. Each task's source key is trigger × member ×
    month, so planning the same month again finds the same tasks.

    Args:
        proposals: From :func:`~unionkit.care.propose_care` or ``branch_care``.
        on: The day the tasks are due by (e.g. the end of the month).

    .. versionadded:: 0.2.0
    """
    out: list[VisitTask] = []
    for p in proposals:
        if p.action is CareAction.PAYMENT:
            continue
        key = f"care|{p.trigger}|{p.member_id}|{on:%Y-%m}"
        out.append(
            VisitTask(
                visit_id=_visit_id(key),
                member_id=p.member_id,
                kind=_BY_BENEFIT.get(p.benefit_kind, VisitKind.OTHER),
                due_on=on,
                reason=f"{p.label_zh} / {p.label_en}",
                source_key=key,
            )
        )
    return out


def birthday_on(birth_date: date, year: int, *, lunar: bool = False) -> date | None:
    """
    A member's birthday in *year*, by the solar or the lunar calendar.

    A 29 February solar birthday falls on 28 February in other years. A lunar birthday
    is the same lunar month and day in the lunar year starting in *year*; a 30th that
    the month lacks that year falls on the 29th.

    .. versionadded:: 0.2.0
    """
    if not lunar:
        try:
            return birth_date.replace(year=year)
        except ValueError:
            return date(year, 2, 28)
    from lunar_python import Solar

    from unionkit.benefits.festivals import lunar_to_solar

    born = Solar.fromYmd(birth_date.year, birth_date.month, birth_date.day).getLunar()
    month, day = abs(born.getMonth()), born.getDay()
    try:
        return lunar_to_solar(year, month, day)
    except ValueError:
        return lunar_to_solar(year, month, day - 1)
