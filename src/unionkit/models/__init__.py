"""Validated models for union data coming in from HR systems, forms and files."""

from __future__ import annotations

from unionkit.models.activity import Activity, ActivityKind, Attendance, Registration
from unionkit.models.base import (
    LabelledEnum,
    Privacy,
    UnionModel,
    Yuan,
    field_labels,
    fields_by_privacy,
    parse_yuan,
)
from unionkit.models.benefit import Benefit, BenefitKind, Grant, GrantForm, Period
from unionkit.models.demand import (
    Demand,
    DemandAction,
    DemandEvent,
    DemandKind,
    DemandState,
    Satisfaction,
)
from unionkit.models.group import Group, GroupKind, Membership, MembershipRole, SmallHomeRating
from unionkit.models.ids import MaskingFilter, MobileNumber, ResidentId
from unionkit.models.member import EmploymentType, HouseholdRole, Member, MemberStatus, Sex
from unionkit.models.survey import Question, QuestionKind, Survey, SurveyResponse

ALL_MODELS: tuple[type[UnionModel], ...] = (
    Member,
    Group,
    Membership,
    Demand,
    DemandEvent,
    Benefit,
    Grant,
    Activity,
    Registration,
    Attendance,
    Survey,
    Question,
    SurveyResponse,
)

__all__ = [
    "ALL_MODELS",
    "Activity",
    "ActivityKind",
    "Attendance",
    "Benefit",
    "BenefitKind",
    "Demand",
    "DemandAction",
    "DemandEvent",
    "DemandKind",
    "DemandState",
    "EmploymentType",
    "Grant",
    "GrantForm",
    "Group",
    "GroupKind",
    "HouseholdRole",
    "LabelledEnum",
    "MaskingFilter",
    "Member",
    "MemberStatus",
    "Membership",
    "MembershipRole",
    "MobileNumber",
    "Period",
    "Privacy",
    "Question",
    "QuestionKind",
    "Registration",
    "ResidentId",
    "Satisfaction",
    "Sex",
    "SmallHomeRating",
    "Survey",
    "SurveyResponse",
    "UnionModel",
    "Yuan",
    "field_labels",
    "fields_by_privacy",
    "parse_yuan",
]
