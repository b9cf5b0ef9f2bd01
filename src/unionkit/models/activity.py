"""Activities (活动/赛事) with their registrations and attendance."""

from __future__ import annotations

from datetime import date, datetime
from typing import Self

from pydantic import model_validator

from unionkit.models.base import LabelledEnum, UnionModel, labelled

__all__ = ["Activity", "ActivityKind", "Attendance", "Registration"]


class ActivityKind(LabelledEnum):
    """What kind of activity."""

    SPORTS = "sports", "体育赛事", "sports"
    CULTURE = "culture", "文化活动", "culture"
    SKILLS_CONTEST = "skills_contest", "技能竞赛", "skills contest"
    LECTURE = "lecture", "讲座培训", "lecture"
    CHILDCARE = "childcare", "职工子女托管", "childcare"
    VOLUNTEER = "volunteer", "志愿服务", "volunteering"
    RECUPERATION = "recuperation", "疗休养", "rest and recuperation"
    OTHER = "other", "其他", "other"


class Activity(UnionModel):
    """
    An activity members register for and attend.

    .. versionadded:: 0.1.0
    """

    activity_id: str = labelled("活动编号", "activity id", min_length=1, max_length=64)
    kind: ActivityKind = labelled("类型", "kind")
    title: str = labelled("名称", "title", min_length=1, max_length=200)
    organiser_group_id: str | None = labelled("主办组织", "organising group", default=None)
    starts_on: date = labelled("开始日期", "starts on")
    ends_on: date = labelled("结束日期", "ends on")
    capacity: int | None = labelled("名额", "capacity", default=None, ge=1)
    events: int = labelled("项目数", "number of events", default=1, ge=1)

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on / 结束日期早于开始日期")
        return self


class Registration(UnionModel):
    """
    A member's registration for an activity.

    .. versionadded:: 0.1.0
    """

    activity_id: str = labelled("活动编号", "activity id", min_length=1)
    member_id: str = labelled("人员编号", "member id", min_length=1)
    registered_at: datetime = labelled("报名时间", "registered at")
    event: str | None = labelled("参赛项目", "event entered", default=None)


class Attendance(UnionModel):
    """
    Whether a registered member took part, and their placing if any.

    .. versionadded:: 0.1.0
    """

    activity_id: str = labelled("活动编号", "activity id", min_length=1)
    member_id: str = labelled("人员编号", "member id", min_length=1)
    attended: bool = labelled("是否参加", "attended")
    rank: int | None = labelled("名次", "rank", default=None, ge=1)
