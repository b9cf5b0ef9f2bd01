"""Benefits (福利/慰问/补助) offered by the union, and grants of them to members."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Self

from pydantic import Field, field_validator, model_validator

from unionkit.models.base import LabelledEnum, UnionModel, Yuan, labelled

__all__ = ["Benefit", "BenefitKind", "Grant", "GrantForm", "Period"]


class BenefitKind(LabelledEnum):
    """What kind of help a benefit is."""

    FESTIVAL_GOODS = "festival_goods", "节日慰问品", "festival goods"
    BIRTHDAY = "birthday", "生日慰问", "birthday gift"
    CONDOLENCE = "condolence", "丧葬慰问", "bereavement condolence"
    ILLNESS_VISIT = "illness_visit", "患病慰问", "illness visit"
    HARDSHIP_AID = "hardship_aid", "困难帮扶", "hardship aid"
    HOSPITALISATION_SUBSIDY = "hospitalisation_subsidy", "住院补助", "hospitalisation subsidy"
    MUTUAL_AID = "mutual_aid", "互助金", "mutual-aid grant"
    SCHOOL_AID = "school_aid", "金秋助学", "school aid"
    HEALTH_CHECK = "health_check", "健康体检", "health check"
    INSURANCE = "insurance", "大病保险", "serious-illness insurance"
    RECUPERATION = "recuperation", "疗休养", "rest and recuperation"
    MERCHANT_DISCOUNT = "merchant_discount", "商户优惠", "merchant discount"
    OTHER = "other", "其他", "other"


class GrantForm(LabelledEnum):
    """The form a grant takes; union fund rules restrict cash to some benefits."""

    CASH = "cash", "现金", "cash"
    GOODS = "goods", "实物", "goods"
    VOUCHER = "voucher", "提货券", "voucher"
    SERVICE = "service", "服务", "service"


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

    @field_validator("amount")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("a grant amount must be positive / 发放金额必须大于零")
        return value
