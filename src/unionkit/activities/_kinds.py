"""The words of activities: organisers, registration states and participation bases."""

from __future__ import annotations

from unionkit.models.base import LabelledEnum

__all__ = ["OrganiserKind", "ParticipationBasis", "RegistrationStatus"]


class OrganiserKind(LabelledEnum):
    """
    Who runs an activity.

    .. versionadded:: 0.1.0
    """

    ASSOCIATION = "association", "协会", "association"
    SMALL_HOME = "small_home", "职工小家", "staff small home"
    BRANCH = "branch", "分工会/工会", "branch union"


class RegistrationStatus(LabelledEnum):
    """
    Where a registration stands: a place, a place on the waitlist, or withdrawn.

    .. versionadded:: 0.1.0
    """

    REGISTERED = "registered", "已报名", "registered"
    WAITLISTED = "waitlisted", "候补", "waitlisted"
    CANCELLED = "cancelled", "已取消", "cancelled"


class ParticipationBasis(LabelledEnum):
    """
    What a participation rate divides by; a report states which one it used.

    .. versionadded:: 0.1.0
    """

    ORGANISER = (
        "organiser",
        "参加人数 ÷ 主办组织成员数",
        "participants ÷ members of the organiser",
    )
    ELIGIBLE = "eligible", "参加人数 ÷ 符合报名条件的会员数", "participants ÷ eligible members"
    ALL = "all", "参加人数 ÷ 全体在册会员数", "participants ÷ all active members"
