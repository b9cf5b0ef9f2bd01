"""Benefits (福利/慰问/补助) offered by the union, and grants of them to members."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Self

from pydantic import Field, field_validator, model_validator

from unionkit.models.base import LabelledEnum, UnionModel, Yuan, labelled

__all__ = [
    "Benefit",
    "BenefitKind",
    "EntryKind",
    "Festival",
    "Grant",
    "GrantForm",
    "GrantStatus",
    "Period",
    "Relation",
]


class BenefitKind(LabelledEnum):
    """What kind of help a benefit is."""

    FESTIVAL_GOODS = "festival_goods", "节日慰问品", "festival goods"
    BIRTHDAY = "birthday", "生日慰问", "birthday gift"
    CONDOLENCE = "condolence", "丧葬慰问", "bereavement condolence"
    ILLNESS_VISIT = "illness_visit", "患病慰问", "illness visit"
    HARDSHIP_AID = "hardship_aid", "困难帮扶", "hardship aid"
    # Capped per household, not per member (a couple who are both members share one cap).
    LIVING_AID = "living_aid", "生活救助", "yearly living aid"
    HOSPITALISATION_SUBSIDY = "hospitalisation_subsidy", "住院补助", "hospitalisation subsidy"
    MUTUAL_AID = "mutual_aid", "互助金", "mutual-aid grant"
    SCHOOL_AID = "school_aid", "金秋助学", "school aid"
    HEALTH_CHECK = "health_check", "健康体检", "health check"
    INSURANCE = "insurance", "大病保险", "serious-illness insurance"
    RECUPERATION = "recuperation", "疗休养", "rest and recuperation"
    MERCHANT_DISCOUNT = "merchant_discount", "商户优惠", "merchant discount"
    HOSPITAL_VISIT = "hospital_visit", "住院慰问", "hospital visit"
    MARRIAGE_CHILDBIRTH = "marriage_childbirth", "结婚生育慰问", "marriage and childbirth"
    RETIREMENT = "retirement", "退休慰问", "retirement"
    CONTEST_AWARD = "contest_award", "竞赛奖励", "contest award"
    OTHER = "other", "其他", "other"


class GrantForm(LabelledEnum):
    """The form a grant takes; union fund rules restrict cash to some benefits."""

    CASH = "cash", "现金", "cash"
    GOODS = "goods", "实物", "goods"
    VOUCHER = "voucher", "提货券", "pick-up voucher"
    CAKE_VOUCHER = "cake_voucher", "蛋糕券", "cake voucher"
    SERVICE = "service", "服务", "service"
    # Listed so that a proposal naming it is refused with a reason, never silently read.
    SHOPPING_CARD = "shopping_card", "购物卡", "shopping card"


class Festival(LabelledEnum):
    """The seven festivals of the 2017 national rule; minority festivals are configured."""

    NEW_YEAR = "new_year", "元旦", "New Year's Day"
    SPRING = "spring", "春节", "Spring Festival"
    QINGMING = "qingming", "清明节", "Qingming"
    LABOUR_DAY = "labour_day", "劳动节", "Labour Day"
    DRAGON_BOAT = "dragon_boat", "端午节", "Dragon Boat Festival"
    MID_AUTUMN = "mid_autumn", "中秋节", "Mid-Autumn Festival"
    NATIONAL_DAY = "national_day", "国庆节", "National Day"


class Relation(LabelledEnum):
    """Whom a grant is for, relative to the member (慰问对象)."""

    SELF = "self", "本人", "the member"
    SPOUSE = "spouse", "配偶", "spouse"
    PARENT = "parent", "父母", "parent"
    CHILD = "child", "子女", "child"
    PARENT_IN_LAW = "parent_in_law", "配偶父母", "parent-in-law"


class GrantStatus(LabelledEnum):
    """Whether a grant counts as paid: above the approval threshold it waits for sign-off."""

    PENDING = "pending", "待审批", "awaiting approval"
    APPROVED = "approved", "已批准", "approved"


class EntryKind(LabelledEnum):
    """A ledger entry: a grant, or the reversing entry that corrects one."""

    GRANT = "grant", "发放", "grant"
    REVERSAL = "reversal", "冲正", "reversal"


class Period(LabelledEnum):
    """How often a per-member cap applies."""

    ONCE = "once", "一次性", "once"
    PER_YEAR = "per_year", "每年", "per year"
    PER_EVENT = "per_event", "每次", "per event"


class Benefit(UnionModel):
    """
    A programme or catalogue item the union offers, with its cap per member.

    .. versionadded:: 0.1.0
    """

    benefit_id: str = labelled("项目编号", "benefit id", min_length=1, max_length=64)
    kind: BenefitKind = labelled("类别", "kind")
    name_zh: str = labelled("名称（中文）", "name (Chinese)", min_length=1, max_length=128)
    name_en: str = labelled("名称（英文）", "name (English)", min_length=1, max_length=128)
    form: GrantForm = labelled("形式", "form", default=GrantForm.GOODS)
    cap_per_member: Annotated[Yuan | None, Field()] = labelled(
        "每人限额（元）", "cap per member (yuan)", default=None
    )
    cap_period: Period = labelled("限额周期", "cap period", default=Period.PER_YEAR)
    valid_from: date | None = labelled("开始日期", "valid from", default=None)
    valid_until: date | None = labelled("结束日期", "valid until", default=None)
    source: str | None = labelled("依据", "source (rule or document)", default=None)
    forms: tuple[GrantForm, ...] = labelled(
        "允许形式", "forms allowed (empty: the form above only)", default=()
    )
    festival: Festival | None = labelled("节日", "festival", default=None)
    minority_festival: str | None = labelled(
        "少数民族节日", "configured minority festival", default=None, max_length=64
    )
    covers: tuple[Relation, ...] = labelled("慰问对象", "whom it covers", default=(Relation.SELF,))
    requires_good_standing: bool = labelled(
        "须正常缴纳会费", "requires good standing (dues paid)", default=True
    )
    amount: Yuan | None = labelled("标准金额（元）", "standard amount (yuan)", default=None)

    @property
    def allowed_forms(self) -> tuple[GrantForm, ...]:
        """The forms a grant of this benefit may take."""
        return self.forms or (self.form,)

    @field_validator("cap_per_member")
    @classmethod
    def _positive_cap(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and value <= 0:
            raise ValueError("a cap must be positive / 限额必须大于零")
        return value

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from / 结束日期早于开始日期")
        return self


class Grant(UnionModel):
    """
    A benefit given to a member: amount, date and reason.

    .. versionadded:: 0.1.0
    """

    grant_id: str = labelled("发放编号", "grant id", min_length=1, max_length=64)
    benefit_id: str = labelled("项目编号", "benefit id", min_length=1, max_length=64)
    member_id: str = labelled("人员编号", "member id", min_length=1, max_length=32)
    amount: Yuan = labelled("金额（元）", "amount (yuan)")
    granted_on: date = labelled("发放日期", "granted on")
    form: GrantForm = labelled("形式", "form", default=GrantForm.GOODS)
    reason: str = labelled("事由", "reason", min_length=1, max_length=500)
    rule_version: str | None = labelled(
        "规则版本", "rule-set version that proposed it", default=None, max_length=64
    )
    entry_kind: EntryKind = labelled("记账类型", "entry kind", default=EntryKind.GRANT)
    reverses: str | None = labelled("冲正的发放", "grant this entry reverses", default=None)
    idempotency_key: str | None = labelled(
        "幂等键", "idempotency key", default=None, max_length=200
    )
    event_key: str | None = labelled(
        "事件", "event (illness, death ...)", default=None, max_length=200
    )
    relation: Relation | None = labelled("慰问对象", "for whom", default=None)
    status: GrantStatus = labelled("审批状态", "approval status", default=GrantStatus.APPROVED)
    proposer: str | None = labelled("经办人", "proposed by", default=None, max_length=64)
    approvals_needed: int = labelled("所需审批人数", "approvals needed", default=0, ge=0, le=2)

    @field_validator("amount")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("a grant amount must be positive / 发放金额必须大于零")
        return value
