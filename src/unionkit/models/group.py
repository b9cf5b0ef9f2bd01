"""Groups (committee, branch, union group, small home, association, household), memberships."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import BeforeValidator, model_validator

from unionkit.models.base import LabelledEnum, UnionModel, labelled

__all__ = ["Group", "GroupKind", "Membership", "MembershipRole", "SmallHomeRating"]


class GroupKind(LabelledEnum):
    """The kind of a group; the hierarchy is committee > branch > union group."""

    UNION_COMMITTEE = "union_committee", "工会委员会", "union committee"
    BRANCH = "branch", "分工会", "branch union"
    UNION_GROUP = "union_group", "工会小组", "union group"
    SMALL_HOME = "small_home", "职工小家", "staff small home"
    ASSOCIATION = "association", "协会", "association"
    HOUSEHOLD = "household", "家庭", "household"


class SmallHomeRating(LabelledEnum):
    """The rating a staff small home has earned."""

    MODEL = "model", "模范职工小家", "model small home"
    EXCELLENT = "excellent", "优秀职工小家", "excellent small home"


class MembershipRole(LabelledEnum):
    """A person's role in a group."""

    LEADER = "leader", "组长/负责人", "leader"
    MEMBER = "member", "成员", "member"
    RELATIVE = "relative", "家属", "relative"


# Which kinds may sit directly under which: a union group under a branch, never the reverse.
ALLOWED_PARENTS: dict[GroupKind, frozenset[GroupKind]] = {
    GroupKind.UNION_COMMITTEE: frozenset({GroupKind.UNION_COMMITTEE}),
    GroupKind.BRANCH: frozenset({GroupKind.UNION_COMMITTEE}),
    GroupKind.UNION_GROUP: frozenset({GroupKind.BRANCH, GroupKind.UNION_COMMITTEE}),
    GroupKind.SMALL_HOME: frozenset(
        {GroupKind.BRANCH, GroupKind.UNION_GROUP, GroupKind.UNION_COMMITTEE}
    ),
    GroupKind.ASSOCIATION: frozenset({GroupKind.UNION_COMMITTEE, GroupKind.BRANCH}),
    GroupKind.HOUSEHOLD: frozenset(),
}


def _blank(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class Group(UnionModel):
    """
    A group of people. ``parent_id`` places it in the union's hierarchy.

    A household has no parent; a small home may carry a rating.

    .. versionadded:: 0.1.0
    """

    group_id: str = labelled("组织编号", "group id", min_length=1, max_length=64)
    kind: GroupKind = labelled("类型", "kind")
    name: str = labelled("名称", "name", min_length=1, max_length=128)
    parent_id: Annotated[str | None, BeforeValidator(_blank)] = labelled(
        "上级组织", "parent group", default=None, max_length=64
    )
    parent_kind: GroupKind | None = labelled("上级组织类型", "parent kind", default=None)
    rating: SmallHomeRating | None = labelled("评定等级", "rating", default=None)

    @model_validator(mode="after")
    def _hierarchy(self) -> Self:
        if self.parent_id is not None and self.parent_id == self.group_id:
            raise ValueError("a group cannot be its own parent / 组织不能以自身为上级")
        if self.parent_kind is not None and self.parent_kind not in ALLOWED_PARENTS[self.kind]:
            raise ValueError(
                f"a {self.kind.label_en} cannot sit under a {self.parent_kind.label_en} / "
                f"{self.kind.label_zh}不能隶属于{self.parent_kind.label_zh}"
            )
        if self.kind is GroupKind.HOUSEHOLD and self.parent_id is not None:
            raise ValueError("a household has no parent group / 家庭没有上级组织")
        if self.rating is not None and self.kind is not GroupKind.SMALL_HOME:
            raise ValueError("only a small home has a rating / 只有职工小家有评定等级")
        return self


class Membership(UnionModel):
    """
    A person's place in a group, with a role and the dates it held.

    .. versionadded:: 0.1.0
    """

    member_id: str = labelled("人员编号", "member id", min_length=1, max_length=32)
    group_id: str = labelled("组织编号", "group id", min_length=1, max_length=64)
    role: MembershipRole = labelled("角色", "role", default=MembershipRole.MEMBER)
    since: date | None = labelled("起始日期", "since", default=None)
    until: date | None = labelled("截止日期", "until", default=None)

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.since is not None and self.until is not None and self.until < self.since:
            raise ValueError("until is before since / 截止日期早于起始日期")
        return self
