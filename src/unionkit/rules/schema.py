"""Value types, missing-value policies and the standard roster fields that rules may read."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from unionkit.labels import LabelledEnum as _Labelled

__all__ = [
    "FIELD_LABELS",
    "MEMBER_FIELDS",
    "PERSONAL_FIELDS",
    "FieldType",
    "Missing",
    "ValueType",
]


class ValueType(_Labelled):
    """
    The type of a field, a parameter, an expression or a rule.

    In batch results ``money`` is an ``int64`` column of fen (分); in
    explanations it is an exact ``Decimal`` of yuan.

    .. versionadded:: 0.1.0
    """

    bool = "bool", "是/否", "yes/no"
    int = "int", "整数", "integer"
    number = "number", "数值", "number"
    money = "money", "金额（元）", "money (yuan)"
    date = "date", "日期", "date"
    text = "text", "文本", "text"


FieldType = ValueType
"""The type of an input column; the same set of types as :class:`ValueType`."""


class Missing(_Labelled):
    """
    What a rule gives when an input it needs is missing (None, NaN, null).

    ``false``: a yes/no rule is False and a numeric rule is 0 (date and text
    rules stay unknown). ``propagate``: the result is unknown (None in an
    explanation; null/NaN/masked in a batch).

    .. versionadded:: 0.1.0
    """

    false = "false", "缺失视为否/零", "missing counts as no/zero"
    propagate = "propagate", "缺失则结果未知", "missing makes the result unknown"


MEMBER_FIELDS: Mapping[str, ValueType] = MappingProxyType(
    {
        "member_id": ValueType.text,
        "is_member": ValueType.bool,
        "sex": ValueType.text,
        "birth_date": ValueType.date,
        "department": ValueType.text,
        "union_group_id": ValueType.text,
        "household_id": ValueType.text,
        "household_role": ValueType.text,
        "hire_date": ValueType.date,
        "joined_on": ValueType.date,
        "dues_paid_through": ValueType.date,
        "employment_type": ValueType.text,
        "position": ValueType.text,
        "frontline": ValueType.bool,
        "monthly_salary": ValueType.money,
        "annual_income": ValueType.money,
        "rigid_spending": ValueType.money,
        "sick_leave_days": ValueType.int,
        "serious_illness": ValueType.bool,
        "status": ValueType.text,
    }
)
"""The standard roster columns (``unionkit.models.Member`` fields minus name, ID and phone)."""

FIELD_LABELS: Mapping[str, tuple[str, str, str, str]] = MappingProxyType(
    {
        "member_id": ("人员编号", "member id", "", ""),
        "is_member": ("是否会员", "union member", "", ""),
        "sex": ("性别", "sex", "", ""),
        "birth_date": ("出生日期", "birth date", "", ""),
        "department": ("科室", "department", "", ""),
        "union_group_id": ("工会小组", "union group", "", ""),
        "household_id": ("家庭编号", "household", "", ""),
        "household_role": ("家庭角色", "household role", "", ""),
        "hire_date": ("入职日期", "hire date", "", ""),
        "joined_on": ("入会日期", "date joined the union", "", ""),
        "dues_paid_through": ("会费缴至", "dues paid through", "", ""),
        "employment_type": ("用工性质", "employment type", "", ""),
        "position": ("岗位", "position", "", ""),
        "frontline": ("一线岗位", "front-line post", "", ""),
        "monthly_salary": ("月工资", "monthly salary", "元", "yuan"),
        "annual_income": ("年可支配收入", "annual disposable income", "元", "yuan"),
        "rigid_spending": ("年刚性支出", "annual rigid spending", "元", "yuan"),
        "sick_leave_days": ("病假天数", "sick-leave days", "天", "days"),
        "serious_illness": ("重大疾病", "serious illness", "", ""),
        "status": ("会籍状态", "membership status", "", ""),
    }
)
"""``{field: (zh label, en label, zh unit, en unit)}`` used when explaining a result."""

PERSONAL_FIELDS: frozenset[str] = frozenset(
    {"monthly_salary", "annual_income", "rigid_spending", "sick_leave_days", "serious_illness"}
)
"""Health and income facts: masked in rendered explanations unless revealed."""
