"""The tables of activities, contests and surveys (migration v0004), as SQLAlchemy Core objects."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from unionkit.store._schema import metadata

__all__ = [
    "activities",
    "contest_entries",
    "contest_events",
    "contest_judges",
    "contest_scores",
    "registrations",
    "survey_answers",
    "survey_questions",
    "survey_responses",
    "surveys",
]

activities = Table(
    "activities",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("kind", String(24), nullable=False),
    Column("title", String(200), nullable=False),
    Column("organiser_kind", String(16), nullable=False),
    Column("organiser_group_id", String(64), ForeignKey("groups.group_id")),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("capacity", Integer),
    Column("eligibility_rule", Text),
    Column("eligibility_zh", String(200)),
    Column("eligibility_en", String(200)),
)

registrations = Table(
    "activity_registrations",
    metadata,
    Column("activity_id", String(64), ForeignKey("activities.activity_id"), primary_key=True),
    Column("member_id", String(32), ForeignKey("members.member_id"), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("registered_at", DateTime, nullable=False),
    Column("changed_at", DateTime, nullable=False),
    Column("attended", Boolean),
)

contest_events = Table(
    "contest_events",
    metadata,
    Column("activity_id", String(64), ForeignKey("activities.activity_id"), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
)

contest_judges = Table(
    "contest_judges",
    metadata,
    Column("activity_id", String(64), ForeignKey("activities.activity_id"), primary_key=True),
    Column("judge_id", String(64), primary_key=True),
    Column("name", String(64), nullable=False),
)

contest_entries = Table(
    "contest_entries",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("member_id", String(32), ForeignKey("members.member_id"), primary_key=True),
)

contest_scores = Table(
    "contest_scores",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("member_id", String(32), primary_key=True),
    Column("judge_id", String(64), primary_key=True),
    Column("score_centi", Integer, nullable=False),
)

surveys = Table(
    "surveys",
    metadata,
    Column("survey_id", String(64), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("opens_on", Date, nullable=False),
    Column("closes_on", Date, nullable=False),
    Column("anonymous", Boolean, nullable=False),
)

survey_questions = Table(
    "survey_questions",
    metadata,
    Column("survey_id", String(64), ForeignKey("surveys.survey_id"), primary_key=True),
    Column("question_id", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("text_zh", String(500), nullable=False),
    Column("text_en", String(500), nullable=False),
    Column("scale_min", Integer, nullable=False),
    Column("scale_max", Integer, nullable=False),
)

survey_responses = Table(
    "survey_responses",
    metadata,
    Column("response_id", Integer, primary_key=True, autoincrement=True),
    Column("survey_id", String(64), ForeignKey("surveys.survey_id"), nullable=False),
    Column("respondent", String(64)),
    Column("department", String(64)),
    Column("submitted_at", DateTime),
)

survey_answers = Table(
    "survey_answers",
    metadata,
    Column("response_id", Integer, ForeignKey("survey_responses.response_id"), primary_key=True),
    Column("question_id", String(64), primary_key=True),
    Column("value_centi", Integer, nullable=False),
)
