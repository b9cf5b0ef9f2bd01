"""Demands (诉求/建议/提案), their states and their append-only history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Self

from pydantic import Field, model_validator

from unionkit.models.base import LabelledEnum, UnionModel, labelled

__all__ = [
    "MAX_TEXT",
    "Demand",
    "DemandAction",
    "DemandEvent",
    "DemandKind",
    "DemandState",
    "Satisfaction",
]

MAX_TEXT = 4000
MIN_PROPOSAL_COSIGNERS = 2


class DemandKind(LabelledEnum):
    """What a member brings to the union."""

    REQUEST = "request", "诉求", "request"
    SUGGESTION = "suggestion", "建议", "suggestion"
    PROPOSAL = "proposal", "职代会提案", "congress proposal"


class DemandState(LabelledEnum):
    """Where a demand is in its closed loop (闭环)."""

    SUBMITTED = "submitted", "已提交", "submitted"
    ACCEPTED = "accepted", "已受理", "accepted"
    IN_PROGRESS = "in_progress", "办理中", "in progress"
    RESOLVED = "resolved", "已答复", "resolved"
    CLOSED = "closed", "已办结", "closed"
    REJECTED = "rejected", "不予立案", "rejected"
    MERGED = "merged", "已合并", "merged"


class DemandAction(LabelledEnum):
    """What someone did to a demand; each is one history row."""

    SUBMIT = "submit", "提交", "submit"
    ACCEPT = "accept", "受理并交办", "accept and route"
    START = "start", "开始办理", "start work"
    RESOLVE = "resolve", "答复", "resolve"
    FEEDBACK = "feedback", "评价", "feedback"
    CLOSE = "close", "办结", "close"
    REJECT = "reject", "不予立案", "reject"
    ESCALATE = "escalate", "列为重点督办", "escalate to key supervision"
    MERGE = "merge", "合并", "merge"
    REOPEN = "reopen", "重新办理", "reopen"
    NOTE = "note", "备注", "note"


class Satisfaction(LabelledEnum):
    """The member's rating of the answer, on the usual 4-grade scale."""

    VERY_SATISFIED = "very_satisfied", "非常满意", "very satisfied"
    SATISFIED = "satisfied", "满意", "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意", "basically satisfied"
    UNSATISFIED = "unsatisfied", "不满意", "unsatisfied"


class Demand(UnionModel):
    """
    A member's request, suggestion or congress proposal, as stored.

    ``version`` grows by one with every change and guards against two writers
    overwriting each other.

    .. versionadded:: 0.1.0
    """

    demand_id: str = labelled("诉求编号", "demand id", min_length=1, max_length=64)
    kind: DemandKind = labelled("类型", "kind")
    member_id: str = labelled("提出人", "submitted by", min_length=1, max_length=32)
    title: str = labelled("标题", "title", min_length=1, max_length=200)
    content: str = labelled("内容", "content", min_length=1, max_length=MAX_TEXT)
    category: str | None = labelled("类别", "category", default=None, max_length=64)
    submitted_at: datetime = labelled("提交时间", "submitted at")
    state: DemandState = labelled("状态", "state", default=DemandState.SUBMITTED)
    department: str | None = labelled(
        "承办部门", "handling department", default=None, max_length=64
    )
    deadline: date | None = labelled("办理时限", "deadline", default=None)
    deadline_estimated: bool = labelled(
        "时限为估算（仅按周末）", "deadline is a weekends-only estimate", default=False
    )
    key_supervision: bool = labelled("重点督办", "under key supervision", default=False)
    co_signers: tuple[str, ...] = labelled("附议人", "co-signers", default=())
    merged_into: str | None = labelled("合并至", "merged into", default=None, max_length=64)
    rejection_reason: str | None = labelled(
        "不予立案理由", "reason for rejection", default=None, max_length=MAX_TEXT
    )
    answer: str | None = labelled("答复", "answer", default=None, max_length=MAX_TEXT)
    satisfaction: Satisfaction | None = labelled("满意度", "satisfaction", default=None)
    resolved_at: datetime | None = labelled("答复时间", "resolved at", default=None)
    closed_at: datetime | None = labelled("办结时间", "closed at", default=None)
    reopened_count: int = labelled("重新办理次数", "times reopened", default=0, ge=0)
    version: int = labelled("版本", "version", default=1, ge=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind is DemandKind.PROPOSAL and self.state is DemandState.SUBMITTED:
            signers = set(self.co_signers) - {self.member_id}
            if len(signers) < MIN_PROPOSAL_COSIGNERS:
                raise ValueError(
                    f"a congress proposal needs at least {MIN_PROPOSAL_COSIGNERS} co-signers / "
                    f"提案须有至少{MIN_PROPOSAL_COSIGNERS}名附议人"
                )
        if self.state is DemandState.REJECTED and not self.rejection_reason:
            raise ValueError("a rejected demand needs a reason / 不予立案须说明理由")
        if self.state is DemandState.MERGED and not self.merged_into:
            raise ValueError("a merged demand names the demand it joined / 合并须指明目标诉求")
        return self


class DemandEvent(UnionModel):
    """
    One row of a demand's append-only history: who did what, when, and why.

    .. versionadded:: 0.1.0
    """

    demand_id: str = labelled("诉求编号", "demand id", max_length=64)
    seq: int = labelled("序号", "sequence", ge=1)
    action: DemandAction = labelled("操作", "action")
    from_state: DemandState | None = labelled("原状态", "from state", default=None)
    to_state: DemandState = labelled("新状态", "to state")
    actor: str = labelled("操作人", "actor", min_length=1, max_length=64)
    at: datetime = labelled("时间", "at")
    note: str | None = labelled("说明", "note", default=None, max_length=MAX_TEXT)
    data: dict[str, str] = Field(
        default_factory=dict,
        title="data",
        description="action details (department, deadline, rating)",
    )
